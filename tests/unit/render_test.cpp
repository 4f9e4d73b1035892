// render_test.cpp — the readable rendering: header, each option by its format,
// payload as text or hex, and truncation into a small buffer.
#include "coap/render.hpp"
#include "coap/message_writer.hpp"

#include "hex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace coap {
namespace {

TEST(Render, AppendixARequest) {
    const auto bytes =
        test::concat(test::from_hex("40 01 7d 34 bb"), test::bytes_of("temperature"));
    const auto view = MessageView::parse(bytes);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(to_string(*view),
              "CON 0.01 GET mid=0x7d34 (32052) token=(none)\n  Uri-Path: \"temperature\"\n");
}

TEST(Render, EveryFormatAndUnknownOptions) {
    std::array<std::byte, 256> buffer{};
    const auto token = test::from_hex("cafe");
    MessageWriter w(buffer, MessageType::acknowledgement, codes::content, 0x0102, token);
    w.option(OptionNumber::etag, test::from_hex("a1b2"));
    w.option_empty(OptionNumber::if_none_match);
    w.option_uint(OptionNumber::content_format, 50);
    w.option_uint(OptionNumber::block2, 0x3e);
    w.option_uint(OptionNumber::accept, 9999);
    w.option(OptionNumber{65001}, test::from_hex("0102"));
    w.option(OptionNumber{65020}, test::from_hex(""));
    w.payload("{\"t\":\n1}");
    const auto size = w.finish();
    ASSERT_TRUE(size.ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), *size));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(to_string(*view),
              "ACK 2.05 Content mid=0x0102 (258) token=cafe\n"
              "  ETag: 0xa1b2\n"
              "  If-None-Match: (empty)\n"
              "  Content-Format: 50 (application/json)\n"
              "  Accept: 9999\n"
              "  Block2: 3/1/1024 (NUM=3 M=1 SZX=6)\n"
              "  Option 65001 [critical, safe]: 0x0102\n"
              "  Option 65020 [elective, safe, no-cache-key]: (empty)\n"
              "  payload (8 bytes, text): \"{\\\"t\\\":\\n1}\"\n");
}

TEST(Render, BinaryPayloadAndMalformedOptions) {
    const auto bytes = test::from_hex("50 45 00 07 c3 00 00 01 ff 00 ff 10");
    const auto view = MessageView::parse(bytes);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(to_string(*view),
              "NON 2.05 Content mid=0x0007 (7) token=(none)\n"
              "  Content-Format: 0x000001 (malformed: 3 bytes)\n"
              "  payload (3 bytes, hex): 00ff10\n");
}

TEST(Render, UnregisteredCodeAndLongPayloadIsCut) {
    std::array<std::byte, 600> buffer{};
    MessageWriter w(buffer, MessageType::non_confirmable, Code::make(2, 17), 1);
    w.payload(std::string(500, 'z'));
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), w.size()));
    ASSERT_TRUE(view.ok());
    const std::string text = to_string(*view, RenderOptions{.max_payload = 4});
    EXPECT_EQ(text,
              "NON 2.17 mid=0x0001 (1) token=(none)\n  payload (500 bytes, text): \"zzzz\"...\n");
    EXPECT_EQ(to_string(*view, RenderOptions{.max_payload = 0}).size(),
              text.size() + 496u - 3u);  // the whole payload, no "..."
}

TEST(Render, TruncatesIntoASmallBufferAndReportsTheFullLength) {
    const auto bytes =
        test::concat(test::from_hex("40 01 7d 34 bb"), test::bytes_of("temperature"));
    const auto view = MessageView::parse(bytes);
    ASSERT_TRUE(view.ok());
    const std::string full = to_string(*view);
    std::array<char, 10> small{};
    small.fill('#');
    const std::size_t needed = render(*view, gsl::span<char>(small.data(), 8));
    EXPECT_EQ(needed, full.size());
    EXPECT_EQ(std::string(small.data(), 8), full.substr(0, 8));
    EXPECT_EQ(small[8], '#');
}

}  // namespace
}  // namespace coap
