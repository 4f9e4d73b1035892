// message_view_test.cpp — MessageView against RFC 7252 Appendix A bytes and
// every parse error path (RFC 7252 §3, §3.1, §4.1–§4.3; RFC 8974 §2.1).
#include "coap/message.hpp"

#include "hex.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

namespace coap {
namespace {

using test::bytes_of;
using test::concat;
using test::from_hex;

// Views borrow their datagram, so the bytes each test parses are kept alive here.
std::deque<std::vector<std::byte>>& kept_datagrams() {
    static std::deque<std::vector<std::byte>> kept;
    return kept;
}

MessageView parse_ok(const std::vector<std::byte>& bytes, ParseOptions options = {}) {
    const std::vector<std::byte>& kept = kept_datagrams().emplace_back(bytes);
    auto result = MessageView::parse(kept, options);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : std::string(describe(result.error().kind)));
    return result.value();
}

ParseError parse_error(const std::vector<std::byte>& bytes, ParseOptions options = {}) {
    auto result = MessageView::parse(bytes, options);
    EXPECT_FALSE(result.ok());
    return result.error();
}

std::string text(Bytes bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// --- RFC 7252 Appendix A -------------------------------------------------------------

TEST(Rfc7252AppendixA, Figure16ConGetTemperature) {
    const auto bytes = concat(from_hex("40 01 7d 34 bb"), bytes_of("temperature"));
    ASSERT_EQ(bytes.size(), 16u);
    const MessageView m = parse_ok(bytes);
    EXPECT_EQ(m.type(), MessageType::confirmable);
    EXPECT_EQ(m.code(), codes::get);
    EXPECT_EQ(m.message_id(), 0x7d34);
    EXPECT_TRUE(m.token().empty());
    ASSERT_EQ(m.option_count(), 1u);
    const OptionView path = *m.options().begin();
    EXPECT_EQ(path.number, OptionNumber::uri_path);
    EXPECT_EQ(path.as_string(), "temperature");
    EXPECT_TRUE(m.payload().empty());
}

TEST(Rfc7252AppendixA, Figure16PiggybackedContent) {
    const auto bytes = concat(from_hex("60 45 7d 34 ff"), bytes_of("22.3 C"));
    ASSERT_EQ(bytes.size(), 11u);
    const MessageView m = parse_ok(bytes);
    EXPECT_EQ(m.type(), MessageType::acknowledgement);
    EXPECT_EQ(m.code(), codes::content);
    EXPECT_EQ(m.message_id(), 0x7d34);
    EXPECT_EQ(m.option_count(), 0u);
    EXPECT_EQ(text(m.payload()), "22.3 C");
}

TEST(Rfc7252AppendixA, Figure17WithToken) {
    const MessageView req =
        parse_ok(concat(from_hex("41 01 7d 35 20 bb"), bytes_of("temperature")));
    EXPECT_EQ(test::to_hex(req.token()), "20");
    const MessageView resp = parse_ok(concat(from_hex("61 45 7d 35 20 ff"), bytes_of("22.3 C")));
    EXPECT_EQ(test::to_hex(resp.token()), "20");
    EXPECT_EQ(text(resp.payload()), "22.3 C");
}

TEST(Rfc7252AppendixA, Figure20SeparateResponse) {
    const MessageView ack = parse_ok(from_hex("60 00 7d 38"));
    EXPECT_EQ(ack.type(), MessageType::acknowledgement);
    EXPECT_TRUE(ack.is_empty_message());
    const MessageView resp = parse_ok(concat(from_hex("41 45 ad 7b 53 ff"), bytes_of("22.3 C")));
    EXPECT_EQ(resp.type(), MessageType::confirmable);
    EXPECT_EQ(resp.code(), codes::content);
    EXPECT_EQ(resp.message_id(), 0xad7b);
}

TEST(Rfc7252AppendixA, Figure21ResetAndFigure22Non) {
    const MessageView rst = parse_ok(from_hex("70 00 ad 7c"));
    EXPECT_EQ(rst.type(), MessageType::reset);
    const MessageView non =
        parse_ok(concat(from_hex("51 01 7d 40 75 bb"), bytes_of("temperature")));
    EXPECT_EQ(non.type(), MessageType::non_confirmable);
    EXPECT_EQ(non.message_id(), 0x7d40);
}

TEST(Rfc7252Section4_2, EmptyConfirmableIsAPing) {
    const MessageView ping = parse_ok(from_hex("40 00 12 34"));
    EXPECT_EQ(ping.type(), MessageType::confirmable);
    EXPECT_TRUE(ping.is_empty_message());
}

// --- Options (§3.1) -------------------------------------------------------------------

TEST(Rfc7252Section3_1, ExtendedDeltaAndLengthOneByte) {
    // Delta 13+ext(22)=35 (Proxy-Uri), length 13+ext(7)=20.
    auto bytes = concat(from_hex("40 01 00 01 dd 16 07"), bytes_of("coap://example.org/x"));
    const MessageView m = parse_ok(bytes);
    ASSERT_EQ(m.option_count(), 1u);
    EXPECT_EQ(m.proxy_uri(), "coap://example.org/x");
}

TEST(Rfc7252Section3_1, ExtendedDeltaTwoBytesReachesHighNumbers) {
    // Delta 14 with ext 0x0000 -> 269; then delta 14 with ext (65535-269-269) -> 65535.
    const std::uint16_t second = 65535 - 269 - 269;
    std::vector<std::byte> bytes = from_hex("40 01 00 01 e0 00 00");
    bytes.push_back(std::byte{0xe0});
    bytes.push_back(static_cast<std::byte>(second >> 8));
    bytes.push_back(static_cast<std::byte>(second & 0xff));
    const MessageView m = parse_ok(bytes);
    std::vector<unsigned> numbers;
    for (const OptionView& o : m.options())
        numbers.push_back(to_underlying(o.number));
    EXPECT_EQ(numbers, (std::vector<unsigned>{269, 65535}));
}

TEST(Rfc7252Section3_1, ExtendedLengthTwoBytes) {
    std::vector<std::byte> bytes = from_hex("40 01 00 01 1e 00 1f");  // If-Match, length 269 + 31
    bytes.resize(bytes.size() + 300, std::byte{'a'});
    const MessageView m = parse_ok(bytes);
    ASSERT_EQ(m.option_count(), 1u);
    EXPECT_EQ(m.options().begin()->value.size(), 300u);
}

TEST(Rfc7252Section3_1, RepeatedOptionsUseDeltaZero) {
    auto bytes = concat(from_hex("40 01 00 01 b1"), bytes_of("a"));
    bytes = concat(bytes, from_hex("01"));
    bytes = concat(bytes, bytes_of("b"));
    bytes = concat(bytes, from_hex("44"));  // delta 4: Uri-Query (15)
    bytes = concat(bytes, bytes_of("q=1&"));
    const MessageView m = parse_ok(bytes);
    std::vector<std::string> segments;
    for (const OptionView& o : m.uri_path())
        segments.emplace_back(o.as_string());
    EXPECT_EQ(segments, (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(m.uri_query().size(), 1u);
    EXPECT_EQ(m.uri_query().begin()->as_string(), "q=1&");
    EXPECT_EQ(m.option_count(), 3u);
}

TEST(Rfc7252Section3_2, UintWithLeadingZerosIsAccepted) {
    // Content-Format (12) with value 00 32 = 50.
    const MessageView m = parse_ok(from_hex("40 01 00 01 c2 00 32"));
    EXPECT_EQ(m.content_format(), 50);
}

TEST(Rfc7252Section3_2, EmptyUintIsZero) {
    const MessageView m = parse_ok(from_hex("40 01 00 01 c0"));
    EXPECT_EQ(m.content_format(), 0);
}

TEST(TypedAccessors, EveryRegisteredSingleValuedOption) {
    // Uri-Host "h", Observe 5, Uri-Port 5684, Content-Format 60, Max-Age 30, Hop-Limit 9,
    // Accept 50, Block2 NUM=3 M=1 SZX=6, Block1 0, Size2 4096, Size1 9, Echo 0xabcd,
    // No-Response 26, If-None-Match, EDHOC.
    std::vector<std::byte> b = from_hex("40 02 00 01");
    auto add = [&](std::string_view hex) { b = concat(b, from_hex(hex)); };
    add("31 68");        // 3 Uri-Host "h"
    add("20");           // 5 If-None-Match (delta 2, len 0)
    add("11 05");        // 6 Observe 5
    add("12 16 34");     // 7 Uri-Port 5684
    add("51 3c");        // 12 Content-Format 60
    add("21 1e");        // 14 Max-Age 30
    add("21 09");        // 16 Hop-Limit 9
    add("11 32");        // 17 Accept 50
    add("40");           // 21 EDHOC
    add("21 3e");        // 23 Block2 NUM=3 M=1 SZX=6
    add("40");           // 27 Block1 empty = 0
    add("12 10 00");     // 28 Size2 4096
    add("d1 13 09");     // 60 Size1 9 (delta 32)
    add("d2 b3 ab cd");  // 252 Echo: delta 192 = 13 + 179 (0xb3)
    add("61 1a");        // 258 No-Response 26
    const MessageView m = parse_ok(b);
    EXPECT_EQ(m.uri_host(), "h");
    EXPECT_TRUE(m.if_none_match());
    EXPECT_EQ(m.observe(), 5u);
    EXPECT_EQ(m.uri_port(), 5684);
    EXPECT_EQ(m.content_format(), 60);
    EXPECT_EQ(m.max_age(), 30u);
    EXPECT_EQ(m.hop_limit(), 9);
    EXPECT_EQ(m.accept(), 50);
    EXPECT_TRUE(m.edhoc());
    ASSERT_TRUE(m.block2().has_value());
    EXPECT_EQ(m.block2()->num(), 3u);
    EXPECT_TRUE(m.block2()->more());
    EXPECT_EQ(m.block2()->size(), 1024u);
    ASSERT_TRUE(m.block1().has_value());
    EXPECT_EQ(m.block1()->num(), 0u);
    EXPECT_EQ(m.block1()->size(), 16u);
    EXPECT_EQ(m.size2(), 4096u);
    EXPECT_EQ(m.size1(), 9u);
    ASSERT_TRUE(m.echo().has_value());
    EXPECT_EQ(test::to_hex(*m.echo()), "abcd");
    EXPECT_EQ(m.no_response(), 26);
    EXPECT_FALSE(m.proxy_scheme().has_value());
    EXPECT_FALSE(m.oscore().has_value());
    EXPECT_EQ(m.max_age_or_default(), 30u);
    EXPECT_FALSE(check_options(m).has_value());
}

TEST(TypedAccessors, AbsentMaxAgeDefaultsTo60) {
    const MessageView m = parse_ok(from_hex("60 45 00 01"));
    EXPECT_FALSE(m.max_age().has_value());
    EXPECT_EQ(m.max_age_or_default(), 60u);
}

TEST(TypedAccessors, MalformedLengthReadsAsAbsent) {
    // Content-Format with 3 bytes is outside 0..2.
    const MessageView m = parse_ok(from_hex("40 01 00 01 c3 00 00 32"));
    EXPECT_TRUE(m.has_option(OptionNumber::content_format));
    EXPECT_FALSE(m.content_format().has_value());
}

TEST(TypedAccessors, Block2WithReservedSzxReadsAsAbsent) {
    const MessageView m = parse_ok(from_hex("40 01 00 01 d1 0a 07"));  // 23 Block2 SZX 7
    EXPECT_TRUE(m.has_option(OptionNumber::block2));
    EXPECT_FALSE(m.block2().has_value());
}

TEST(TypedAccessors, RepeatableRunsAndHighNumbers) {
    // ETag x2 (4), Location-Path x1 (8), Request-Tag (292) x2.
    std::vector<std::byte> b = from_hex("60 41 00 01 41 01 01 02 41 61 e1 00 0f 09 01 0a");
    const MessageView m = parse_ok(b);
    EXPECT_EQ(m.etags().size(), 2u);
    EXPECT_EQ(m.location_path().size(), 1u);
    EXPECT_EQ(m.location_path().begin()->as_string(), "a");
    ASSERT_EQ(m.request_tags().size(), 2u);
    EXPECT_TRUE(m.has_option(OptionNumber::request_tag));
    EXPECT_FALSE(m.has_option(OptionNumber::no_response));
    EXPECT_TRUE(m.if_match().empty());
}

TEST(TypedAccessors, OptionsFrom63UpShareOnePresenceBit) {
    // Size1 (60) = 5, then option 63 empty.
    const MessageView low = parse_ok(from_hex("40 01 00 01 d1 2f 05"));
    EXPECT_EQ(low.size1(), 5u);
    EXPECT_FALSE(low.has_option(static_cast<OptionNumber>(63)));
    EXPECT_FALSE(low.has_option(OptionNumber::no_response));
    EXPECT_FALSE(low.echo().has_value());
    const MessageView high = parse_ok(from_hex("40 01 00 01 d1 2f 05 30"));
    EXPECT_EQ(high.size1(), 5u);
    EXPECT_TRUE(high.has_option(static_cast<OptionNumber>(63)));
    EXPECT_EQ(high.options(static_cast<OptionNumber>(63)).size(), 1u);
    EXPECT_FALSE(high.has_option(OptionNumber::no_response));  // found absent by a scan
    EXPECT_TRUE(high.options(OptionNumber::no_response).empty());
}

// --- Parse errors -----------------------------------------------------------------------

TEST(Rfc7252Section3, TruncatedHeader) {
    for (std::string_view hex : {"", "40", "40 01", "40 01 00"}) {
        const ParseError e = parse_error(from_hex(hex));
        EXPECT_EQ(e.kind, ParseErrorKind::truncated_header);
        EXPECT_EQ(e.offset, 0u);
        EXPECT_FALSE(e.header_valid);
    }
}

TEST(Rfc7252Section3, VersionOtherThanOneIsRejected) {
    for (std::string_view hex : {"00 01 00 01", "80 01 00 01", "c0 01 00 01"}) {
        EXPECT_EQ(parse_error(from_hex(hex)).kind, ParseErrorKind::bad_version);
    }
}

TEST(Rfc7252Section3, TokenLengths9To15AreReserved) {
    for (unsigned tkl = 9; tkl <= 15; ++tkl) {
        std::vector<std::byte> b = from_hex("40 01 12 34");
        b[0] = static_cast<std::byte>(0x40 | tkl);
        b.resize(4 + 300, std::byte{1});
        const ParseError e = parse_error(b);
        EXPECT_EQ(e.kind, ParseErrorKind::reserved_token_length) << tkl;
        EXPECT_TRUE(e.header_valid);
        EXPECT_EQ(e.type, MessageType::confirmable);
        EXPECT_EQ(e.message_id, 0x1234);
    }
}

TEST(Rfc7252Section3, TruncatedToken) {
    const ParseError e = parse_error(from_hex("44 01 00 01 aa bb"));
    EXPECT_EQ(e.kind, ParseErrorKind::truncated_token);
    EXPECT_EQ(e.offset, 4u);
}

TEST(Rfc8974Section2_1, Tkl13CarriesOneExtraByte) {
    std::vector<std::byte> b = from_hex("4d 01 00 01 07");  // 7 + 13 = 20-byte token
    b.resize(b.size() + 20, std::byte{0x5a});
    const MessageView m = parse_ok(b, ParseOptions{.extended_token_length = true});
    EXPECT_EQ(m.token().size(), 20u);
    EXPECT_EQ(parse_error(b).kind, ParseErrorKind::reserved_token_length);
}

TEST(Rfc8974Section2_1, Tkl14CarriesTwoExtraBytes) {
    std::vector<std::byte> b = from_hex("4e 01 00 01 00 01");  // 1 + 269 = 270-byte token
    b.resize(b.size() + 270, std::byte{0x5a});
    const MessageView m = parse_ok(b, ParseOptions{.extended_token_length = true});
    EXPECT_EQ(m.token().size(), 270u);
}

TEST(Rfc8974Section2_1, Tkl9To12AreDirectLengths) {
    for (unsigned tkl = 9; tkl <= 12; ++tkl) {
        std::vector<std::byte> b = from_hex("40 01 00 01");
        b[0] = static_cast<std::byte>(0x40 | tkl);
        b.resize(4 + tkl, std::byte{0x11});
        const MessageView m = parse_ok(b, ParseOptions{.extended_token_length = true});
        EXPECT_EQ(m.token().size(), tkl);
    }
}

TEST(Rfc8974Section2_1, Tkl15IsAlwaysAFormatError) {
    const ParseError e =
        parse_error(from_hex("4f 01 00 01 00 00"), ParseOptions{.extended_token_length = true});
    EXPECT_EQ(e.kind, ParseErrorKind::reserved_token_length);
}

TEST(Rfc8974Section2_1, TruncatedExtendedTokenLength) {
    EXPECT_EQ(
        parse_error(from_hex("4d 01 00 01"), ParseOptions{.extended_token_length = true}).kind,
        ParseErrorKind::truncated_token);
    EXPECT_EQ(
        parse_error(from_hex("4e 01 00 01 00"), ParseOptions{.extended_token_length = true}).kind,
        ParseErrorKind::truncated_token);
    const ParseError e =
        parse_error(from_hex("4d 01 00 01 00 aa"), ParseOptions{.extended_token_length = true});
    EXPECT_EQ(e.kind, ParseErrorKind::truncated_token);
    EXPECT_EQ(e.offset, 5u);
}

TEST(Rfc7252Section3_1, DeltaNibble15OutsideMarkerIsAFormatError) {
    const ParseError e = parse_error(from_hex("40 01 00 01 b1 61 f0"));
    EXPECT_EQ(e.kind, ParseErrorKind::reserved_option_delta);
    EXPECT_EQ(e.offset, 6u);
}

TEST(Rfc7252Section3_1, LengthNibble15IsAFormatError) {
    const ParseError e = parse_error(from_hex("40 01 00 01 bf"));
    EXPECT_EQ(e.kind, ParseErrorKind::reserved_option_length);
    EXPECT_EQ(e.offset, 4u);
}

TEST(Rfc7252Section3_1, TruncatedOptionExtensionsAndValues) {
    for (std::string_view hex :
         {"40 01 00 01 d0", "40 01 00 01 e0 00", "40 01 00 01 0d", "40 01 00 01 0e 01",
          "40 01 00 01 b3 61 62", "40 01 00 01 dd 00 05 61"}) {
        const ParseError e = parse_error(from_hex(hex));
        EXPECT_EQ(e.kind, ParseErrorKind::truncated_option) << hex;
        EXPECT_EQ(e.offset, 4u) << hex;
    }
}

TEST(Rfc7252Section3_1, OptionNumberAbove65535IsAFormatError) {
    // 65535 then delta 1.
    const ParseError e = parse_error(from_hex("40 01 00 01 e0 fe f2 10"));
    EXPECT_EQ(e.kind, ParseErrorKind::option_number_overflow);
    EXPECT_EQ(e.offset, 7u);
}

TEST(Rfc7252Section3, PayloadMarkerWithoutPayloadIsAFormatError) {
    const ParseError e = parse_error(from_hex("40 01 00 01 ff"));
    EXPECT_EQ(e.kind, ParseErrorKind::empty_payload);
    EXPECT_EQ(e.offset, 4u);
    EXPECT_EQ(parse_error(from_hex("60 45 00 01 c0 ff")).offset, 5u);
}

TEST(Rfc7252Section12_1, ReservedCodeClassesAreRejected) {
    for (std::string_view hex : {"40 20 00 01", "40 c1 00 01", "40 e1 00 01", "50 21 00 01"}) {
        const ParseError e = parse_error(from_hex(hex));
        EXPECT_EQ(e.kind, ParseErrorKind::reserved_code_class) << hex;
        EXPECT_EQ(e.offset, 1u);
        EXPECT_TRUE(e.header_valid);  // a CON with a reserved class is answered with RST
    }
}

TEST(Rfc7252Section4_1, EmptyMessageMustHaveNothingAfterTheHeader) {
    EXPECT_EQ(parse_error(from_hex("41 00 00 01 aa")).kind,
              ParseErrorKind::empty_message_not_empty);
    EXPECT_EQ(parse_error(from_hex("60 00 00 01 b1 61")).kind,
              ParseErrorKind::empty_message_not_empty);
    const ParseError e = parse_error(from_hex("70 00 00 01 ff 01"));
    EXPECT_EQ(e.kind, ParseErrorKind::empty_message_not_empty);
    EXPECT_EQ(e.offset, 4u);
}

TEST(Rfc7252Section4_3, EmptyNonConfirmableIsRejected) {
    EXPECT_EQ(parse_error(from_hex("50 00 00 01")).kind, ParseErrorKind::empty_non_confirmable);
}

TEST(Rfc7252Section4_2, AcknowledgementCarryingARequestIsRejected) {
    EXPECT_EQ(parse_error(from_hex("60 01 00 01")).kind,
              ParseErrorKind::request_in_acknowledgement);
}

TEST(Rfc7252Section4_2, ResetMustBeEmpty) {
    EXPECT_EQ(parse_error(from_hex("70 45 00 01")).kind, ParseErrorKind::reset_not_empty);
    EXPECT_EQ(parse_error(from_hex("70 01 00 01")).kind, ParseErrorKind::reset_not_empty);
}

TEST(ParseErrors, EveryKindHasADescription) {
    for (int k = 0; k <= static_cast<int>(ParseErrorKind::datagram_too_large); ++k) {
        EXPECT_NE(describe(static_cast<ParseErrorKind>(k)), "unknown parse error");
    }
}

TEST(MessageView, ViewsPointIntoTheCallersDatagram) {
    const auto bytes = concat(from_hex("42 45 00 01 aa bb b1 61 ff"), bytes_of("xyz"));
    const auto parsed = MessageView::parse(bytes);
    ASSERT_TRUE(parsed.ok());
    const MessageView& m = parsed.value();
    EXPECT_EQ(m.bytes().data(), bytes.data());
    EXPECT_EQ(m.token().data(), bytes.data() + 4);
    EXPECT_EQ(m.options().begin()->value.data(), bytes.data() + 7);
    EXPECT_EQ(m.payload().data(), bytes.data() + 9);
}

}  // namespace
}  // namespace coap
