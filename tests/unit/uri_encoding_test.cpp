// uri_encoding_test.cpp — percent-encoding per component (RFC 3986 §2), and the
// UriBuilder, whose output must always parse back to the raw values it was given.
#include "coap/uri.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace coap {
namespace {

std::string encoded(std::string_view raw, UriComponent component) {
    std::array<char, 256> out{};
    const auto size = percent_encode(raw, component, out);
    return size.ok() ? std::string(out.data(), *size) : std::string("<error>");
}

std::string decoded(std::string_view text) {
    std::array<char, 256> out{};
    const auto size = percent_decode(text, out);
    return size.ok() ? std::string(out.data(), *size) : std::string("<error>");
}

TEST(Rfc3986Section2_1, PercentEncodingPerComponent) {
    EXPECT_EQ(encoded("a b/c?d&e=f#g", UriComponent::path_segment), "a%20b%2Fc%3Fd&e=f%23g");
    EXPECT_EQ(encoded("a b/c?d&e=f#g", UriComponent::path), "a%20b/c%3Fd&e=f%23g");
    EXPECT_EQ(encoded("a b/c?d&e=f#g", UriComponent::query), "a%20b/c?d&e=f%23g");
    EXPECT_EQ(encoded("a b/c?d&e=f#g", UriComponent::query_item), "a%20b/c?d%26e=f%23g");
    EXPECT_EQ(encoded("a b/c?d&e=f#g", UriComponent::fragment), "a%20b/c?d&e=f%23g");
    EXPECT_EQ(encoded("us:er@x", UriComponent::userinfo), "us:er%40x");
    EXPECT_EQ(encoded("h:st", UriComponent::host), "h%3Ast");
    EXPECT_EQ(encoded("caf\xc3\xa9", UriComponent::path_segment), "caf%C3%A9");
    EXPECT_EQ(encoded("%", UriComponent::path_segment), "%25");
    EXPECT_EQ(encoded("~-._", UriComponent::path_segment), "~-._");
}

TEST(Rfc3986Section2_1, PercentDecoding) {
    EXPECT_EQ(decoded("a%20b%2Fc%2f"), "a b/c/");
    EXPECT_EQ(decoded("caf%C3%A9"), "caf\xc3\xa9");
    EXPECT_EQ(decoded("%00x"), std::string("\0x", 2));
    EXPECT_EQ(decoded("plain"), "plain");
    std::array<char, 8> out{};
    EXPECT_EQ(percent_decode("ab%4", out).error().kind, UriErrorKind::bad_percent_encoding);
    EXPECT_EQ(percent_decode("ab%4", out).error().offset, 2u);
    EXPECT_EQ(percent_decode("%g0", out).error().kind, UriErrorKind::bad_percent_encoding);
    EXPECT_EQ(percent_decode("123456789", out).error().kind, UriErrorKind::buffer_too_small);
    EXPECT_TRUE(is_well_formed_encoding("a%20"));
    EXPECT_FALSE(is_well_formed_encoding("a%2"));
    EXPECT_EQ(
        percent_encode("abc", UriComponent::path, gsl::span<char>(out.data(), 2)).error().kind,
        UriErrorKind::buffer_too_small);
}

TEST(UriBuilder, BuildsValidUris) {
    std::array<char, 256> out{};
    UriBuilder b(out);
    b.scheme("coap").host("example.org").port(61616).path_segment("a b").path_segment("c/d");
    b.query_item("x=1&2").query_item("y").fragment("f g");
    const auto text = b.finish();
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "coap://example.org:61616/a%20b/c%2Fd?x=1%262&y#f%20g");
    EXPECT_TRUE(UriRef::parse(*text).ok());
}

TEST(UriBuilder, Ipv6AndZones) {
    std::array<char, 128> out{};
    EXPECT_EQ(*UriBuilder(out).scheme("coap").host("fe80::1%eth 0").path_segment("").finish(),
              "coap://[fe80::1%25eth%200]/");
    EXPECT_EQ(*UriBuilder(out).scheme("coap").host("::1").port(5684).finish(), "coap://[::1]:5684");
    EXPECT_EQ(*UriBuilder(out).scheme("coap").host("not:v6").finish(), "coap://not%3Av6");
    EXPECT_EQ(UriBuilder(out).scheme("coap").host("fe80::1%").finish().error().kind,
              UriErrorKind::bad_zone_id);
}

TEST(UriBuilder, RejectsMisuse) {
    std::array<char, 128> out{};
    EXPECT_EQ(UriBuilder(out).path_segment("a").scheme("coap").finish().error().kind,
              UriErrorKind::builder_misuse);
    EXPECT_EQ(UriBuilder(out).scheme("coap").port(1).finish().error().kind,
              UriErrorKind::builder_misuse);
    EXPECT_EQ(UriBuilder(out).scheme("1x").finish().error().kind, UriErrorKind::bad_scheme);
    EXPECT_EQ(UriBuilder(out).scheme("coap").scheme("coap").finish().error().kind,
              UriErrorKind::builder_misuse);
    // Without an authority, "//" would start the path and read as one: refused.
    EXPECT_EQ(
        UriBuilder(out).scheme("coap").path_segment("").path_segment("x").finish().error().kind,
        UriErrorKind::builder_misuse);
    EXPECT_EQ(*UriBuilder(out).scheme("coap").host("h").path_segment("").path_segment("x").finish(),
              "coap://h//x");
    EXPECT_EQ(*UriBuilder(out).path_segment("a:b").finish(), "/a:b");
    EXPECT_EQ(UriBuilder(out).scheme("coap").host("h").path_segment("..").finish().error().kind,
              UriErrorKind::bad_path);
    EXPECT_EQ(*UriBuilder(out).scheme("coap").host("h").path_segment("...").finish(),
              "coap://h/...");
    EXPECT_EQ(
        UriBuilder(gsl::span<char>(out.data(), 6)).scheme("coap").host("h").finish().error().kind,
        UriErrorKind::buffer_too_small);
}

}  // namespace
}  // namespace coap
