// message_writer_test.cpp — MessageWriter: exact bytes for RFC 7252 Appendix A,
// option ordering and in-place insertion, minimal uints, overflow without overrun.
#include "coap/message_writer.hpp"
#include "coap/message.hpp"

#include "hex.hpp"
#include "owned_message.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace coap {
namespace {

using test::from_hex;
using test::to_hex;

std::string written_hex(const MessageWriter& writer) {
    return to_hex(writer.written());
}

TEST(MessageWriter, Rfc7252Figure16Request) {
    std::array<std::byte, 64> buffer{};
    MessageWriter w(buffer, MessageType::confirmable, codes::get, 0x7d34);
    w.option(OptionNumber::uri_path, "temperature");
    auto size = w.finish();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, 16u);
    EXPECT_EQ(written_hex(w), "40017d34bb" + to_hex(test::bytes_of("temperature")));
}

TEST(MessageWriter, Rfc7252Figure17ResponseWithToken) {
    std::array<std::byte, 64> buffer{};
    const auto token = from_hex("20");
    MessageWriter w(buffer, MessageType::acknowledgement, codes::content, 0x7d35, token);
    w.payload("22.3 C");
    EXPECT_EQ(written_hex(w), "61457d3520ff" + to_hex(test::bytes_of("22.3 C")));
}

TEST(MessageWriter, EmptyMessages) {
    std::array<std::byte, 4> buffer{};
    MessageWriter w(buffer, MessageType::reset, codes::empty, 0xad7c);
    EXPECT_EQ(written_hex(w), "7000ad7c");
    EXPECT_EQ(w.finish().value(), 4u);
}

TEST(Rfc7252Section3_2, UintsAreMinimallyEncoded) {
    struct Case {
        std::uint32_t value;
        const char* hex;
    };
    for (const Case& c :
         {Case{0, "c0"}, Case{1, "c101"}, Case{255, "c1ff"}, Case{256, "c20100"},
          Case{65535, "c2ffff"}, Case{65536, "c3010000"}, Case{0xffffffff, "c4ffffffff"}}) {
        std::array<std::byte, 16> buffer{};
        MessageWriter w(buffer, MessageType::confirmable, codes::get, 1);
        w.option_uint(OptionNumber::content_format, c.value);
        EXPECT_EQ(written_hex(w), std::string("40010001") + c.hex) << c.value;
    }
}

TEST(Rfc7252Section3_1, ExtendedDeltasAndLengthsAreEncoded) {
    std::vector<std::byte> buffer(2048);
    MessageWriter w(buffer, MessageType::confirmable, codes::get, 1);
    w.option(OptionNumber::proxy_uri, std::string(20, 'x'));  // delta 35 -> d, len 20 -> d
    w.option(OptionNumber{2000}, std::string(300, 'y'));      // delta 1965 -> e, len 300 -> e
    auto size = w.finish();
    ASSERT_TRUE(size.ok());
    const std::string hex = written_hex(w);
    EXPECT_EQ(hex.substr(8, 6), "dd1607");
    const std::size_t second = 8 + 6 + 40;
    EXPECT_EQ(hex.substr(second, 10), "ee06a0001f");  // 1965-269=0x06a0, 300-269=0x1f
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->option_count(), 2u);
}

TEST(MessageWriter, OptionsInAnyOrderComeOutSorted) {
    std::array<std::byte, 128> buffer{};
    MessageWriter w(buffer, MessageType::confirmable, codes::post, 7, from_hex("0102"));
    w.option(OptionNumber::uri_query, "b=2");
    w.option(OptionNumber::uri_path, "x");
    w.option_uint(OptionNumber::content_format, 50);
    w.option(OptionNumber::uri_host, "example.net");
    w.option(OptionNumber::uri_path, "y");
    w.option(OptionNumber::uri_query, "a=1");
    w.option_uint(OptionNumber::accept, 60);
    w.payload("{}");
    auto size = w.finish();
    ASSERT_TRUE(size.ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    ASSERT_TRUE(view.ok());
    std::vector<std::string> seen;
    for (const OptionView& o : view->options()) {
        seen.push_back(std::to_string(to_underlying(o.number)) + "=" +
                       (o.number == OptionNumber::content_format || o.number == OptionNumber::accept
                            ? std::to_string(o.as_uint().value())
                            : std::string(o.as_string())));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"3=example.net", "11=x", "11=y", "12=50", "15=b=2",
                                              "15=a=1", "17=60"}));
    EXPECT_EQ(
        std::string(reinterpret_cast<const char*>(view->payload().data()), view->payload().size()),
        "{}");
}

TEST(MessageWriter, InsertionGrowsTheFollowingHeader) {
    // 2000 then 1: the second insert makes the first option's delta 1999 (still 2-byte ext);
    // 20 then 1: delta 20 -> 19 stays 1-byte; 14 then 1: delta 14 (1-byte ext) -> 13 (1-byte ext);
    // 13 then 10: delta 13 (ext) -> 3 (no ext): the header shrinks.
    for (std::uint16_t first : std::initializer_list<std::uint16_t>{2000, 20, 14, 13, 300, 270}) {
        for (std::uint16_t second : std::initializer_list<std::uint16_t>{1, 10, 12, 13}) {
            if (second >= first) continue;
            test::OwnedMessage m;
            m.options = {{first, test::bytes_of("aa")}, {second, test::bytes_of("b")}};
            m.payload = test::bytes_of("p");
            const auto bytes = test::encode(m);
            ASSERT_TRUE(bytes.has_value());
            const auto view = MessageView::parse(*bytes);
            ASSERT_TRUE(view.ok()) << first << " " << second;
            const test::OwnedMessage back = test::from_view(*view);
            EXPECT_EQ(back.options, test::wire_order(m.options)) << first << " " << second;
            EXPECT_EQ(back.payload, m.payload);
        }
    }
}

TEST(MessageWriter, OptionsAfterPayloadAreInsertedBeforeTheMarker) {
    std::array<std::byte, 64> buffer{};
    MessageWriter w(buffer, MessageType::non_confirmable, codes::content, 9);
    w.payload("hello");
    w.option_uint(OptionNumber::content_format, 0);
    w.option_uint(OptionNumber::max_age, 5);
    auto size = w.finish();
    ASSERT_TRUE(size.ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->content_format(), 0);
    EXPECT_EQ(view->max_age(), 5u);
    EXPECT_EQ(view->payload().size(), 5u);
}

TEST(MessageWriter, PayloadSpaceWritesInPlace) {
    std::array<std::byte, 32> buffer{};
    MessageWriter w(buffer, MessageType::acknowledgement, codes::content, 1);
    gsl::span<std::byte> space = w.payload_space();
    ASSERT_EQ(space.size(), 32u - 4u - 1u);
    space[0] = std::byte{'o'};
    space[1] = std::byte{'k'};
    w.commit_payload(2);
    EXPECT_EQ(written_hex(w), "60450001ff6f6b");
    w.commit_payload(100);
    EXPECT_EQ(w.finish().error(), WriteError::payload_committed);
}

TEST(MessageWriter, EmptyPayloadWritesNoMarker) {
    std::array<std::byte, 8> buffer{};
    MessageWriter w(buffer, MessageType::acknowledgement, codes::content, 1);
    w.payload(gsl::span<const std::byte>{});
    EXPECT_EQ(w.finish().value(), 4u);
}

TEST(MessageWriter, OverflowNeverWritesPastTheBuffer) {
    // Every prefix length of a message that needs 37 bytes fails cleanly.
    for (std::size_t capacity = 0; capacity < 37; ++capacity) {
        std::vector<std::byte> storage(capacity + 16, std::byte{0xee});
        gsl::span<std::byte> buffer(storage.data(), capacity);
        MessageWriter w(buffer, MessageType::confirmable, codes::put, 3, from_hex("a1a2a3a4"));
        w.option(OptionNumber::uri_path, "resource");
        w.option_uint(OptionNumber::content_format, 0);
        w.option(OptionNumber::uri_host, "h");  // inserted: shifts the tail
        w.payload("payload-bytes-16");
        auto size = w.finish();
        EXPECT_FALSE(size.ok()) << capacity;
        if (!size.ok()) {
            EXPECT_EQ(size.error(), WriteError::buffer_too_small);
        }
        EXPECT_LE(w.size(), capacity);
        for (std::size_t i = capacity; i < storage.size(); ++i) {
            ASSERT_EQ(storage[i], std::byte{0xee})
                << "overrun at " << i << " capacity " << capacity;
        }
    }
    std::vector<std::byte> big(64);
    MessageWriter w(big, MessageType::confirmable, codes::put, 3, from_hex("a1a2a3a4"));
    w.option(OptionNumber::uri_path, "resource").option_uint(OptionNumber::content_format, 0);
    w.option(OptionNumber::uri_host, "h").payload("payload-bytes-16");
    EXPECT_EQ(w.finish().value(), 37u);
}

TEST(MessageWriter, TokenLimits) {
    std::vector<std::byte> buffer(70000);
    const std::vector<std::byte> nine(9, std::byte{1});
    EXPECT_EQ(MessageWriter(buffer, MessageType::confirmable, codes::get, 1, nine).finish().error(),
              WriteError::token_too_long);
    // RFC 8974: 9..12 are direct lengths, 13..268 take TKL 13 and one extra byte.
    MessageWriter direct(buffer, MessageType::confirmable, codes::get, 1, nine, WriteOptions{true});
    EXPECT_EQ(direct.finish().value(), 4u + 9u);
    EXPECT_EQ(std::to_integer<unsigned>(buffer[0]) & 0xfu, 9u);
    const std::vector<std::byte> twenty(20, std::byte{1});
    MessageWriter thirteen(buffer, MessageType::confirmable, codes::get, 1, twenty,
                           WriteOptions{true});
    EXPECT_EQ(thirteen.finish().value(), 4u + 1u + 20u);
    EXPECT_EQ(std::to_integer<unsigned>(buffer[0]) & 0xfu, 13u);
    EXPECT_EQ(std::to_integer<unsigned>(buffer[4]), 20u - 13u);
    const std::vector<std::byte> long_token(1000, std::byte{2});
    MessageWriter fourteen(buffer, MessageType::confirmable, codes::get, 1, long_token,
                           WriteOptions{true});
    ASSERT_TRUE(fourteen.ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), fourteen.size()),
                                         ParseOptions{.extended_token_length = true});
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->token().size(), 1000u);
    const std::vector<std::byte> too_long(65805, std::byte{3});
    std::vector<std::byte> huge(70000);
    EXPECT_EQ(
        MessageWriter(huge, MessageType::confirmable, codes::get, 1, too_long, WriteOptions{true})
            .finish()
            .error(),
        WriteError::token_too_long);
}

TEST(MessageWriter, ErrorsAreStickyAndDescribed) {
    std::array<std::byte, 5> buffer{};
    MessageWriter w(buffer, MessageType::confirmable, codes::get, 1);
    w.option(OptionNumber::uri_path, "too long for five bytes");
    w.option_uint(OptionNumber::accept, 0);  // would fit, but the writer already failed
    EXPECT_FALSE(w.ok());
    EXPECT_EQ(w.size(), 4u);
    EXPECT_EQ(w.finish().error(), WriteError::buffer_too_small);
    for (WriteError e :
         {WriteError::buffer_too_small, WriteError::token_too_long, WriteError::option_too_long,
          WriteError::payload_committed, WriteError::aliased_value}) {
        EXPECT_NE(describe(e), "unknown write error");
    }
}

TEST(MessageWriter, OptionValueTooLong) {
    std::vector<std::byte> buffer(70000);
    const std::vector<std::byte> value(65805, std::byte{0});
    MessageWriter w(buffer, MessageType::confirmable, codes::get, 1);
    w.option(OptionNumber{65000}, value);
    EXPECT_EQ(w.finish().error(), WriteError::option_too_long);
}

}  // namespace
}  // namespace coap

namespace coap {
namespace {

// Found in review: a value that lives in the writer's own buffer (here the payload
// written before) must survive an insertion that shifts it.
TEST(MessageWriter, InsertedValueFromTheSameBufferSurvivesTheShift) {
    std::array<std::byte, 64> buffer{};
    MessageWriter w(buffer, MessageType::confirmable, codes::post, 1);
    w.option(OptionNumber::uri_path, "xyz").payload("HELLO");
    const gsl::span<const std::byte> hello = w.written().last(5);
    w.option(OptionNumber::uri_host, hello);  // inserted before Uri-Path: the payload moves
    const auto view =
        MessageView::parse(gsl::span<const std::byte>(buffer.data(), w.finish().value()));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->uri_host(), "HELLO");
    EXPECT_EQ(view->uri_path().begin()->as_string(), "xyz");
    // A value that straddles the bytes an insertion rewrites is refused, not corrupted.
    std::array<std::byte, 64> other{};
    MessageWriter v(other, MessageType::confirmable, codes::post, 1);
    v.option(OptionNumber::uri_path, "abc");
    v.option(OptionNumber::uri_host, v.written().subspan(3, 3));  // the Uri-Path header and value
    EXPECT_EQ(v.finish().error(), WriteError::aliased_value);
}

}  // namespace
}  // namespace coap
