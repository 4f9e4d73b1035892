// link_format_writer_test.cpp — LinkFormatWriter: RFC 6690 §5 documents written
// byte for byte, token versus quoted forms and escaping, RFC 8187 title*, misuse
// errors, overflow at every buffer size without a byte past the end; and proof
// that parsing, filtering and writing allocate nothing (operator new is counted).
#include "coap/link_format.hpp"

#include "allocation_counter.hpp"

#include "rfc6690_examples.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace coap {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view anchor_example = test::rfc6690_anchor_example;

void write_anchor_example(LinkFormatWriter& w) {
    w.link("/sensors").attribute_uint("ct", 40).attribute("title", "Sensor Index");
    w.link("/sensors/temp").attribute("rt", "temperature-c").attribute("if", "sensor");
    w.link("/sensors/light").attribute("rt", "light-lux").attribute("if", "sensor");
    w.link("http://www.example.com/sensors/t123")
        .attribute("anchor", "/sensors/temp")
        .attribute("rel", "describedby");
    w.link("/t").attribute("anchor", "/sensors/temp").attribute("rel", "alternate");
}

std::string written(const LinkFormatWriter& w) {
    return std::string(w.written());
}

TEST(LinkFormatWriter, WritesTheRfc6690AnchorExample) {
    std::array<char, 512> buffer{};
    LinkFormatWriter w(buffer);
    write_anchor_example(w);
    const auto size = w.finish();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, anchor_example.size());
    EXPECT_EQ(w.written(), anchor_example);
    EXPECT_EQ(w.link_count(), 5u);
}

TEST(LinkFormatWriter, WritesTheFirmwareExample) {
    std::array<char, 64> buffer{};
    LinkFormatWriter w(buffer);
    w.link("/firmware/v2.1").attribute("rt", "firmware").attribute_uint("sz", 262144);
    EXPECT_EQ(w.written(), R"(</firmware/v2.1>;rt="firmware";sz=262144)");
}

TEST(LinkFormatWriter, ChoosesTokenOrQuotedForm) {
    std::array<char, 256> buffer{};
    LinkFormatWriter w(buffer);
    w.link("/a")
        .attribute("obs")
        .attribute("ep", "node1")
        .attribute("d", "floor 3")
        .attribute("x", "")
        .attribute("y", "a,b")
        .attribute("z", "a;b")
        .quoted_attribute("q", "plain")
        .attribute("t", "say \"hi\" \\o/")
        .attribute("u", "caf\xc3\xa9")
        .attribute("RT", "a");
    EXPECT_EQ(written(w),
              "</a>;obs;ep=node1;d=\"floor 3\";x=\"\";y=\"a,b\";z=\"a;b\";q=\"plain\";"
              "t=\"say \\\"hi\\\" \\\\o/\";u=\"caf\xc3\xa9\";RT=\"a\"");
    EXPECT_TRUE(validate_link_format(w.written()).ok());
}

TEST(LinkFormatWriter, WritesWordListsAndNumbers) {
    std::array<char, 128> buffer{};
    LinkFormatWriter w(buffer);
    const std::array<std::string_view, 2> types{"temperature-c", "core.s"};
    const std::array<std::string_view, 2> formats{"0", "41"};
    w.link("/s")
        .attribute_words("rt", types)
        .attribute_words("ct", formats)
        .attribute_uint("lt", 0);
    w.attribute_uint("sz", 4294967295u);
    EXPECT_EQ(written(w), R"(</s>;rt="temperature-c core.s";ct="0 41";lt=0;sz=4294967295)");
}

TEST(Rfc8187, WritesExtendedValues) {
    std::array<char, 128> buffer{};
    LinkFormatWriter w(buffer);
    w.link("/a")
        .extended_attribute("title", "Temp\xc3\xa9rature", "fr")
        .extended_attribute("note*", "a b%'", "")
        .extended_attribute("e", "\xe2\x82\xac rates", "en-GB");
    EXPECT_EQ(written(w),
              "</a>;title*=UTF-8'fr'Temp%C3%A9rature;note*=UTF-8''a%20b%25%27;"
              "e*=UTF-8'en-GB'%E2%82%AC%20rates");
    // And it reads back.
    LinkFormatParser parser(w.written());
    const Link link = parser.next().value().value();
    std::array<char, 64> scratch{};
    EXPECT_EQ(link.find("title*")->extended_value(scratch)->value, "Temp\xc3\xa9rature");
    EXPECT_EQ(link.find("note*")->extended_value(scratch)->value, "a b%'");
    EXPECT_EQ(link.find("e*")->extended_value(scratch)->language, "en-GB");
}

TEST(LinkFormatWriter, ReportsMisuseAndStaysFailed) {
    std::array<char, 64> buffer{};
    {
        LinkFormatWriter w(buffer);
        w.attribute("rt", "x");
        EXPECT_EQ(w.finish().error(), LinkWriteError::no_link);
        w.link("/a");  // sticky: nothing more is written
        EXPECT_EQ(w.size(), 0u);
        EXPECT_FALSE(w.ok());
    }
    const auto first_error = [&](auto&& write) {
        LinkFormatWriter w(buffer);
        w.link("/a");
        write(w);
        EXPECT_EQ(w.written(), "</a>");  // the failing call wrote nothing
        return w.finish().ok() ? LinkWriteError{} : w.finish().error();
    };
    using E = LinkWriteError;
    EXPECT_EQ(first_error([](auto& w) { w.link("/a b"); }), E::invalid_target);
    EXPECT_EQ(first_error([](auto& w) { w.link("/a>"); }), E::invalid_target);
    EXPECT_EQ(first_error([](auto& w) { w.link("/%4"); }), E::invalid_target);
    EXPECT_EQ(first_error([](auto& w) { w.attribute(""); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.attribute("a b", "x"); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.attribute("a=b"); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.attribute("title*"); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.attribute("*", "x"); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.extended_attribute("t**", "x"); }), E::invalid_name);
    EXPECT_EQ(first_error([](auto& w) { w.attribute("t", "a\nb"); }), E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) { w.quoted_attribute("t", "\x7f"); }), E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) { w.extended_attribute("t", "\xc3"); }), E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) { w.extended_attribute("t", "x", "e n"); }),
              E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) {
                  const std::array<std::string_view, 1> words{"a b"};
                  w.attribute_words("rt", words);
              }),
              E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) {
                  const std::array<std::string_view, 1> words{""};
                  w.attribute_words("rt", words);
              }),
              E::invalid_value);
    EXPECT_EQ(first_error([](auto& w) { w.raw_link("</b>,</c>"); }), E::invalid_link);
    EXPECT_EQ(first_error([](auto& w) { w.raw_link(" </b>"); }), E::invalid_link);
    EXPECT_EQ(first_error([](auto& w) { w.raw_link(""); }), E::invalid_link);
    for (int e = 0; e <= static_cast<int>(LinkWriteError::invalid_link); ++e)
        EXPECT_FALSE(describe(static_cast<LinkWriteError>(e)).empty());
}

TEST(LinkFormatWriter, RawLinksAreCopiedVerbatim) {
    std::array<char, 128> buffer{};
    LinkFormatWriter w(buffer);
    w.raw_link(R"(</sensors/temp>;rt="temperature-c";if="sensor")").link("/b").raw_link("<c>;obs");
    EXPECT_EQ(written(w), R"(</sensors/temp>;rt="temperature-c";if="sensor",</b>,<c>;obs)");
}

// Overflow at every buffer size: the failure is buffer_too_small, nothing is written
// past the end, and what was written is the longest run of whole calls that fit,
// which is itself a valid document.
TEST(LinkFormatWriter, OverflowAtEveryBufferSize) {
    const auto write_all = [](LinkFormatWriter& w) {
        write_anchor_example(w);
        w.link("/x").extended_attribute("title", "\xc3\xa9t\xc3\xa9", "fr").attribute("obs");
        const std::array<std::string_view, 2> words{"a", "b"};
        w.attribute_words("rt", words).raw_link(R"(</raw>;q="\"")");
    };
    std::vector<char> full_buffer(1024);
    LinkFormatWriter full(full_buffer);
    write_all(full);
    const std::string expected = written(full);
    ASSERT_TRUE(full.finish().ok());

    for (std::size_t capacity = 0; capacity <= expected.size() + 2; ++capacity) {
        std::vector<char> storage(capacity + 16, '#');
        LinkFormatWriter w(gsl::span<char>(storage.data(), capacity));
        write_all(w);
        const auto result = w.finish();
        if (capacity >= expected.size()) {
            ASSERT_TRUE(result.ok()) << capacity;
            EXPECT_EQ(written(w), expected);
        } else {
            ASSERT_FALSE(result.ok()) << capacity;
            EXPECT_EQ(result.error(), LinkWriteError::buffer_too_small);
            EXPECT_EQ(expected.compare(0, w.size(), written(w)), 0) << capacity;
            EXPECT_TRUE(validate_link_format(w.written()).ok()) << written(w);
        }
        for (std::size_t i = capacity; i < storage.size(); ++i)
            ASSERT_EQ(storage[i], '#') << "byte " << i << " written with capacity " << capacity;
    }
}

TEST(ZeroAllocation, ParseFilterAndWriteAllocateNothing) {
    std::array<char, 512> out{};
    std::array<char, 64> scratch{};
    const std::string document =
        std::string(anchor_example) + R"(,</b>;title*=UTF-8'de'n%c3%a4chstes%20Kapitel;t="a\"b")";
    const long before = test::allocations_so_far();
    std::size_t checksum = 0;
    for (int i = 0; i < 200; ++i) {
        LinkFormatParser parser(document);
        for (;;) {
            auto next = parser.next();
            ASSERT_TRUE(next.ok());
            if (!next->has_value()) break;
            for (const LinkAttribute& a : (*next)->attributes()) {
                for (std::string_view word : a.words())
                    checksum += word.size();
                if (a.is_extended()) checksum += a.extended_value(scratch)->value.size();
                if (a.has_value()) checksum += a.value(scratch)->size();
            }
        }
        const std::array<LinkFilter, 2> filters{LinkFilter::parse("rt=temperature-c").value(),
                                                LinkFilter::parse("href=/sensors/*").value()};
        checksum += write_matching_links(document, filters, out).value();
        LinkFormatWriter w(out);
        write_anchor_example(w);
        w.extended_attribute("title", "x y", "en");
        checksum += w.finish().value();
    }
    EXPECT_EQ(test::allocations_so_far() - before, 0);
    EXPECT_GT(checksum, 0u);
}

}  // namespace
}  // namespace coap
