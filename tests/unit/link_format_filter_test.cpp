// link_format_filter_test.cpp — /.well-known/core query filtering (RFC 6690 §4.1):
// filter parsing, the matching table over the RFC 6690 §5 documents and RFC 9176
// lookup results, and write_matching_links as a server would answer with it.
#include "coap/link_format.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace coap {
namespace {

constexpr std::string_view well_known_core =
    R"(</sensors>;ct=40;title="Sensor Index",)"
    R"(</sensors/temp>;rt="temperature-c";if="sensor",)"
    R"(</sensors/light>;rt="light-lux";if="sensor",)"
    R"(<http://www.example.com/sensors/t123>;anchor="/sensors/temp";rel="describedby",)"
    R"(</t>;anchor="/sensors/temp";rel="alternate",)"
    R"(</firmware/v2.1>;rt="firmware";sz=262144,)"
    R"(</obs>;obs;rt="core.s sensor-x";ct="0 41";title="a \"quoted\" title")";

// The targets of the links of `document` that `query` selects.
std::vector<std::string> select(std::string_view document, std::string_view query) {
    const auto filter = LinkFilter::parse(query);
    EXPECT_TRUE(filter.ok()) << query;
    std::vector<std::string> targets;
    if (!filter) return targets;
    LinkFormatParser parser(document);
    for (;;) {
        auto next = parser.next();
        EXPECT_TRUE(next.ok());
        if (!next || !next->has_value()) break;
        if (filter->matches(**next)) targets.emplace_back((*next)->target());
    }
    return targets;
}

using Targets = std::vector<std::string>;

struct Row {
    std::string_view query;
    Targets expected;
};

TEST(Rfc6690Section4_1, MatchingTable) {
    const Row rows[] = {
        // Relation-type attributes match any one of their words.
        {"rt=light-lux", {"/sensors/light"}},
        {"rt=temperature-c", {"/sensors/temp"}},
        {"rt=firmware", {"/firmware/v2.1"}},
        {"rt=sensor-x", {"/obs"}},
        {"rt=core.s", {"/obs"}},
        {"rt=core.s sensor-x", {"/obs"}},  // the whole value matches as well
        {"rt=temp*", {"/sensors/temp"}},
        {"rt=*", {"/sensors/temp", "/sensors/light", "/firmware/v2.1", "/obs"}},
        {"rt=Light-lux", {}},                  // values compare case-sensitively
        {"RT=light-lux", {"/sensors/light"}},  // names do not
        {"rt=light", {}},
        {"if=sensor", {"/sensors/temp", "/sensors/light"}},
        {"rel=describedby", {"http://www.example.com/sensors/t123"}},
        {"rel=alt*", {"/t"}},
        // ct is a list too (RFC 7252 §7.2.1).
        {"ct=40", {"/sensors"}},
        {"ct=41", {"/obs"}},
        {"ct=0", {"/obs"}},
        {"ct=4*", {"/sensors", "/obs"}},
        // href compares the target as written, with a trailing '*' for a prefix.
        {"href=/sensors/*", {"/sensors/temp", "/sensors/light"}},
        {"href=/sensors*", {"/sensors", "/sensors/temp", "/sensors/light"}},
        {"href=/t", {"/t"}},
        {"href=/sensors/temp", {"/sensors/temp"}},
        {"href=http://www.example.com/*", {"http://www.example.com/sensors/t123"}},
        {"href=", {}},
        // Other attributes compare the whole unescaped value.
        {"title=Sensor Index", {"/sensors"}},
        {"title=Sensor", {}},
        {"title=Sensor*", {"/sensors"}},
        {"title=a \"quoted\" title", {"/obs"}},
        {"title=a \"q*", {"/obs"}},
        {"anchor=/sensors/temp", {"http://www.example.com/sensors/t123", "/t"}},
        {"sz=262144", {"/firmware/v2.1"}},
        {"sz=26214", {}},
        // A flag has the empty value.
        {"obs=*", {"/obs"}},
        {"obs=", {"/obs"}},
        {"obs=x", {}},
        {"missing=*", {}},
    };
    for (const Row& row : rows)
        EXPECT_EQ(select(well_known_core, row.query), row.expected) << row.query;
}

TEST(Rfc6690Section5, QueryFilterExample) {
    // REQ: GET /.well-known/core?rt=light-lux
    const auto filter = LinkFilter::parse("rt=light-lux").value();
    std::array<char, 128> out{};
    const auto size = write_matching_links(well_known_core, {&filter, 1}, out);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(std::string_view(out.data(), *size),
              R"(</sensors/light>;rt="light-lux";if="sensor")");
}

TEST(Rfc9176, LookupFiltersOnResourceDirectoryAttributes) {
    constexpr std::string_view endpoints =
        R"(</rd/1234>;base="coap://[2001:db8:3::127]:61616";ep="node5";et="oic.d.sensor";)"
        R"(ct=40;rt="core.rd-ep";d="floor-3";lt=600,)"
        R"(</rd/4521>;base="coap://[2001:db8:3::129]:61616";ep="node7";et="oic.d.sensor";)"
        R"(ct=40;rt="core.rd-ep";d="floor-3";lt=6000,)"
        R"(</rd/9876>;base="coap://[2001:db8:3::131]";ep="node1";ct=40;rt="core.rd-ep")";
    EXPECT_EQ(select(endpoints, "ep=node1"), Targets{"/rd/9876"});
    EXPECT_EQ(select(endpoints, "d=floor-3"), (Targets{"/rd/1234", "/rd/4521"}));
    EXPECT_EQ(select(endpoints, "lt=600"), Targets{"/rd/1234"});
    EXPECT_EQ(select(endpoints, "base=coap://[2001:db8:3::12*"), (Targets{"/rd/1234", "/rd/4521"}));
    EXPECT_EQ(select(endpoints, "et=oic.d.sensor"), (Targets{"/rd/1234", "/rd/4521"}));
    EXPECT_EQ(select(endpoints, "href=/rd/*").size(), 3u);
}

TEST(LinkFilter, ParsesQueries) {
    const auto rt = LinkFilter::parse("rt=temperature-c").value();
    EXPECT_EQ(rt.name, "rt");
    EXPECT_EQ(rt.pattern, "temperature-c");
    EXPECT_FALSE(rt.prefix);
    const auto href = LinkFilter::parse("href=/sensors/*").value();
    EXPECT_EQ(href.name, "href");
    EXPECT_EQ(href.pattern, "/sensors/");
    EXPECT_TRUE(href.prefix);
    const auto any = LinkFilter::parse("if=*").value();
    EXPECT_EQ(any.pattern, "");
    EXPECT_TRUE(any.prefix);
    const auto equals_in_value = LinkFilter::parse("title=a=b").value();
    EXPECT_EQ(equals_in_value.pattern, "a=b");
    EXPECT_EQ(LinkFilter::parse("title*=UTF-8*").value().name, "title*");

    EXPECT_EQ(LinkFilter::parse("rt").error(), LinkFilterError::missing_equals);
    EXPECT_EQ(LinkFilter::parse("").error(), LinkFilterError::missing_equals);
    EXPECT_EQ(LinkFilter::parse("=x").error(), LinkFilterError::invalid_name);
    EXPECT_EQ(LinkFilter::parse("*=x").error(), LinkFilterError::invalid_name);
    EXPECT_EQ(LinkFilter::parse("r t=x").error(), LinkFilterError::invalid_name);
    EXPECT_EQ(LinkFilter::parse("rt=a*b").error(), LinkFilterError::wildcard_not_at_end);
    EXPECT_EQ(LinkFilter::parse("rt=**").error(), LinkFilterError::wildcard_not_at_end);
    for (int e = 0; e <= static_cast<int>(LinkFilterError::wildcard_not_at_end); ++e)
        EXPECT_FALSE(describe(static_cast<LinkFilterError>(e)).empty());
}

TEST(LinkFilter, MatchesText) {
    const auto exact = LinkFilter::parse("x=abc").value();
    EXPECT_TRUE(exact.matches_text("abc"));
    EXPECT_FALSE(exact.matches_text("abcd"));
    EXPECT_FALSE(exact.matches_text("ab"));
    const auto prefix = LinkFilter::parse("x=ab*").value();
    EXPECT_TRUE(prefix.matches_text("ab"));
    EXPECT_TRUE(prefix.matches_text("abcd"));
    EXPECT_FALSE(prefix.matches_text("a"));
}

TEST(LinkFilter, SpaceSeparatedAttributes) {
    for (std::string_view name : {"rel", "rev", "rt", "if", "ct", "RT"})
        EXPECT_TRUE(is_space_separated_attribute(name)) << name;
    for (std::string_view name : {"title", "anchor", "ep", "d", "sz", "r"})
        EXPECT_FALSE(is_space_separated_attribute(name)) << name;
}

TEST(LinkFilter, EveryFilterOfASetMustMatch) {
    const std::array<LinkFilter, 2> filters{LinkFilter::parse("if=sensor").value(),
                                            LinkFilter::parse("href=/sensors/l*").value()};
    std::array<char, 256> out{};
    const auto size = write_matching_links(well_known_core, filters, out);
    EXPECT_EQ(std::string_view(out.data(), size.value()),
              R"(</sensors/light>;rt="light-lux";if="sensor")");
    // No filter: every link, joined by commas: the document itself.
    std::array<char, 512> all{};
    const auto copy = write_matching_links(well_known_core, {}, all);
    EXPECT_EQ(std::string_view(all.data(), copy.value()), well_known_core);
}

TEST(WriteMatchingLinks, ReportsDocumentErrorsAndOutputOverflow) {
    std::array<char, 64> out{};
    EXPECT_EQ(write_matching_links("</a>,x", {}, out).error(),
              (LinkFormatError{LinkFormatErrorKind::expected_link, 5}));
    EXPECT_EQ(write_matching_links("", {}, out).value(), 0u);

    const auto filter = LinkFilter::parse("if=sensor").value();
    const std::string_view expected =
        R"(</sensors/temp>;rt="temperature-c";if="sensor",</sensors/light>;rt="light-lux";if="sensor")";
    for (std::size_t capacity = 0; capacity <= expected.size(); ++capacity) {
        std::vector<char> storage(capacity + 8, '#');
        const auto result = write_matching_links(well_known_core, {&filter, 1},
                                                 gsl::span<char>(storage.data(), capacity));
        if (capacity == expected.size()) {
            EXPECT_EQ(std::string_view(storage.data(), result.value()), expected);
        } else {
            ASSERT_FALSE(result.ok());
            EXPECT_EQ(result.error().kind, LinkFormatErrorKind::output_too_small);
            // The offset names the link that did not fit.
            const std::uint32_t light =
                static_cast<std::uint32_t>(well_known_core.find("</sensors/light>"));
            const std::uint32_t temp =
                static_cast<std::uint32_t>(well_known_core.find("</sensors/temp>"));
            EXPECT_EQ(result.error().offset, capacity < expected.find(",") ? temp : light);
        }
        for (std::size_t i = capacity; i < storage.size(); ++i)
            ASSERT_EQ(storage[i], '#');
    }
}

TEST(WriteMatchingLinks, KeepsLinksVerbatimWithLineBreaksWhenAllowed) {
    constexpr std::string_view wrapped = "</a>;\n rt=\"x\",\n</b>;rt=\"y\"";
    const auto filter = LinkFilter::parse("rt=x").value();
    std::array<char, 64> out{};
    const auto size = write_matching_links(wrapped, {&filter, 1}, out, {.allow_line_breaks = true});
    EXPECT_EQ(std::string_view(out.data(), size.value()), "</a>;\n rt=\"x\"");
}

}  // namespace
}  // namespace coap
