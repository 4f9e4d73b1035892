// registry_test.cpp — codes, options and content formats: names, numbers,
// formats, length bounds, repeatability and the §5.4.6 number-derived properties.
#include "coap/code.hpp"
#include "coap/content_format.hpp"
#include "coap/option.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

TEST(Rfc7252Section3, CodeClassAndDetail) {
    EXPECT_EQ(codes::content.raw(), 0x45);
    EXPECT_EQ(codes::content.code_class(), 2);
    EXPECT_EQ(codes::content.detail(), 5);
    EXPECT_EQ(std::string(dotted(codes::continue_).data(), 4), "2.31");
    EXPECT_EQ(std::string(dotted(codes::request_entity_too_large).data(), 4), "4.13");
    EXPECT_TRUE(codes::get.is_request());
    EXPECT_FALSE(codes::empty.is_request());
    EXPECT_TRUE(codes::empty.is_empty());
    EXPECT_TRUE(codes::not_found.is_client_error());
    EXPECT_TRUE(codes::gateway_timeout.is_server_error());
    EXPECT_TRUE(codes::pong.is_signal());
    EXPECT_TRUE(Code::make(1, 0).is_reserved_class_on_udp());
    EXPECT_TRUE(Code::make(6, 3).is_reserved_class_on_udp());
    EXPECT_FALSE(Code::make(3, 0).is_response());
}

TEST(CodeRegistry, NamesOfRegisteredCodes) {
    EXPECT_EQ(code_name(codes::get), "GET");
    EXPECT_EQ(code_name(codes::ipatch), "iPATCH");
    EXPECT_EQ(code_name(codes::continue_), "Continue");
    EXPECT_EQ(code_name(codes::too_many_requests), "Too Many Requests");
    EXPECT_EQ(code_name(codes::service_unavailable), "Service Unavailable");
    EXPECT_EQ(code_name(codes::hop_limit_reached), "Hop Limit Reached");
    EXPECT_EQ(code_name(codes::unprocessable_entity), "Unprocessable Entity");
    EXPECT_EQ(code_name(Code::make(2, 17)), "");
    int named = 0;
    for (int raw = 0; raw < 256; ++raw)
        named += code_name(Code(static_cast<std::uint8_t>(raw))).empty() ? 0 : 1;
    EXPECT_EQ(named, 40);
}

TEST(Rfc7252Section5_4_6, PropertiesFollowFromTheNumber) {
    EXPECT_TRUE(is_critical(OptionNumber::uri_path));
    EXPECT_TRUE(is_unsafe(OptionNumber::uri_path));
    EXPECT_TRUE(is_elective(OptionNumber::etag));
    EXPECT_TRUE(is_safe_to_forward(OptionNumber::etag));
    EXPECT_FALSE(is_no_cache_key(OptionNumber::etag));
    EXPECT_TRUE(is_no_cache_key(OptionNumber::size1));  // 60 = 0b111100
    EXPECT_TRUE(is_no_cache_key(OptionNumber::size2));  // 28 = 0b011100
    EXPECT_TRUE(is_no_cache_key(OptionNumber::echo));   // 252
    EXPECT_TRUE(is_unsafe(OptionNumber::max_age));
    EXPECT_TRUE(is_critical(OptionNumber::accept));
    EXPECT_TRUE(is_unsafe(OptionNumber::observe));
    EXPECT_FALSE(is_critical(OptionNumber::no_response));
    EXPECT_TRUE(is_unsafe(OptionNumber::no_response));
}

struct Row {
    OptionNumber number;
    const char* name;
    OptionFormat format;
    int min;
    int max;
    bool repeatable;
};

TEST(OptionRegistry, EveryRegisteredOption) {
    using F = OptionFormat;
    using N = OptionNumber;
    const Row rows[] = {
        {N::if_match, "If-Match", F::opaque, 0, 8, true},
        {N::uri_host, "Uri-Host", F::string, 1, 255, false},
        {N::etag, "ETag", F::opaque, 1, 8, true},
        {N::if_none_match, "If-None-Match", F::empty, 0, 0, false},
        {N::observe, "Observe", F::uint, 0, 3, false},
        {N::uri_port, "Uri-Port", F::uint, 0, 2, false},
        {N::location_path, "Location-Path", F::string, 0, 255, true},
        {N::oscore, "OSCORE", F::opaque, 0, 255, false},
        {N::uri_path, "Uri-Path", F::string, 0, 255, true},
        {N::content_format, "Content-Format", F::uint, 0, 2, false},
        {N::max_age, "Max-Age", F::uint, 0, 4, false},
        {N::uri_query, "Uri-Query", F::string, 0, 255, true},
        {N::hop_limit, "Hop-Limit", F::uint, 1, 1, false},
        {N::accept, "Accept", F::uint, 0, 2, false},
        {N::q_block1, "Q-Block1", F::uint, 0, 3, false},
        {N::location_query, "Location-Query", F::string, 0, 255, true},
        {N::edhoc, "EDHOC", F::empty, 0, 0, false},
        {N::block2, "Block2", F::uint, 0, 3, false},
        {N::block1, "Block1", F::uint, 0, 3, false},
        {N::size2, "Size2", F::uint, 0, 4, false},
        {N::q_block2, "Q-Block2", F::uint, 0, 3, true},
        {N::proxy_uri, "Proxy-Uri", F::string, 1, 1034, false},
        {N::proxy_scheme, "Proxy-Scheme", F::string, 1, 255, false},
        {N::size1, "Size1", F::uint, 0, 4, false},
        {N::echo, "Echo", F::opaque, 1, 40, false},
        {N::no_response, "No-Response", F::uint, 0, 1, false},
        {N::request_tag, "Request-Tag", F::opaque, 0, 8, true},
    };
    EXPECT_EQ(option_registry().size(), std::size(rows));
    for (const Row& row : rows) {
        const OptionInfo* info = find_option_info(row.number);
        ASSERT_NE(info, nullptr) << row.name;
        EXPECT_EQ(info->name, row.name);
        EXPECT_EQ(info->format, row.format) << row.name;
        EXPECT_EQ(info->min_length, row.min) << row.name;
        EXPECT_EQ(info->max_length, row.max) << row.name;
        EXPECT_EQ(info->repeatable, row.repeatable) << row.name;
        EXPECT_EQ(find_option_info(std::string_view(row.name)), info);
    }
    EXPECT_EQ(find_option_info(std::string_view("uri-path")),
              find_option_info(OptionNumber::uri_path));
    EXPECT_EQ(find_option_info(OptionNumber{2}), nullptr);
    EXPECT_EQ(find_option_info(OptionNumber{65000}), nullptr);
    EXPECT_EQ(find_option_info(std::string_view("No-Such-Option")), nullptr);
    EXPECT_EQ(format_name(OptionFormat::uint), "uint");
}

TEST(OptionValues, UintCodingRoundTrips) {
    for (std::uint32_t v :
         {0u, 1u, 255u, 256u, 65535u, 65536u, 0xffffffu, 0x1000000u, 0xffffffffu}) {
        const EncodedUint e = encode_uint(v);
        EXPECT_EQ(decode_uint(e.view()), v);
    }
    EXPECT_EQ(encode_uint(0).length, 0);
    EXPECT_EQ(encode_uint(0x1000000u).length, 4);
    const std::byte five[5] = {};
    EXPECT_FALSE(decode_uint(five).has_value());
}

TEST(ContentFormatRegistry, CommonEntries) {
    struct Case {
        std::uint16_t number;
        const char* media_type;
    };
    for (const Case& c :
         {Case{0, "text/plain; charset=utf-8"}, Case{40, "application/link-format"},
          Case{41, "application/xml"}, Case{42, "application/octet-stream"},
          Case{47, "application/exi"}, Case{50, "application/json"},
          Case{51, "application/json-patch+json"}, Case{52, "application/merge-patch+json"},
          Case{60, "application/cbor"}, Case{61, "application/cwt"},
          Case{62, "application/multipart-core"}, Case{63, "application/cbor-seq"},
          Case{110, "application/senml+json"}, Case{111, "application/sensml+json"},
          Case{112, "application/senml+cbor"}, Case{113, "application/sensml+cbor"},
          Case{10001, "application/oscore"}}) {
        const ContentFormatInfo* info = find_content_format(c.number);
        ASSERT_NE(info, nullptr) << c.number;
        EXPECT_EQ(info->media_type, c.media_type);
        EXPECT_EQ(find_content_format(std::string_view(c.media_type)), info) << c.media_type;
    }
    EXPECT_EQ(find_content_format(11050)->encoding, "deflate");
    EXPECT_EQ(find_content_format(std::string_view("application/json"))->number, 50);  // not 11050
    EXPECT_EQ(find_content_format(std::string_view("TEXT/PLAIN;charset=utf-8"))->number, 0);
    EXPECT_EQ(find_content_format(std::string_view("json"))->number, 50);
    EXPECT_EQ(find_content_format(std::string_view("cbor"))->number, 60);
    EXPECT_EQ(find_content_format(std::string_view("link"))->number, 40);
    EXPECT_EQ(find_content_format(std::string_view("60"))->number, 60);
    EXPECT_EQ(find_content_format(std::string_view("99999")), nullptr);
    EXPECT_EQ(find_content_format(std::string_view("")), nullptr);
    EXPECT_EQ(find_content_format(std::string_view("image/png")), nullptr);
    EXPECT_EQ(find_content_format(std::uint16_t{66}), nullptr);
    EXPECT_GE(content_format_registry().size(), 40u);
}

}  // namespace
}  // namespace coap
