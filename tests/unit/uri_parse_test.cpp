// uri_parse_test.cpp — UriRef: RFC 3986 components of absolute URIs and relative
// references, host kinds (reg-name, IPv4, IPv6, zone IDs, IPvFuture), every parse
// error with its offset, path/query iteration, and compile-time literals.
#include "coap/uri.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coap {
namespace {

using namespace coap::literals;

UriRef parse_ok(std::string_view text) {
    auto uri = UriRef::parse(text);
    EXPECT_TRUE(uri.ok()) << text << ": "
                          << (uri.ok() ? "" : std::string(describe(uri.error().kind)));
    return uri.ok() ? *uri : UriRef();
}

UriError parse_error(std::string_view text) {
    auto uri = UriRef::parse(text);
    EXPECT_FALSE(uri.ok()) << text;
    return uri.ok() ? UriError{UriErrorKind::buffer_too_small, 9999} : uri.error();
}

TEST(Rfc3986Section3, AllComponents) {
    const UriRef u = parse_ok("coap://user:pw@Example.COM:61616/a/b%2Fc?x=1&y#frag");
    EXPECT_TRUE(u.has_scheme());
    EXPECT_FALSE(u.is_absolute());  // a fragment makes it a URI, not an absolute-URI
    EXPECT_EQ(u.scheme(), "coap");
    EXPECT_EQ(u.authority(), "user:pw@Example.COM:61616");
    EXPECT_EQ(u.userinfo(), "user:pw");
    EXPECT_EQ(u.host(), "Example.COM");
    EXPECT_EQ(u.host_kind(), HostKind::reg_name);
    EXPECT_EQ(u.port_text(), "61616");
    EXPECT_EQ(u.port(), 61616);
    EXPECT_EQ(u.path(), "/a/b%2Fc");
    EXPECT_EQ(u.query(), "x=1&y");
    EXPECT_EQ(u.fragment(), "frag");
}

TEST(Rfc3986Section3, AbsentAndEmptyAreDifferent) {
    const UriRef empty_parts = parse_ok("coap://h?#");
    EXPECT_TRUE(empty_parts.has_query());
    EXPECT_EQ(empty_parts.query(), "");
    EXPECT_TRUE(empty_parts.has_fragment());
    EXPECT_FALSE(empty_parts.has_port());
    const UriRef absent = parse_ok("coap://h");
    EXPECT_FALSE(absent.has_query());
    EXPECT_FALSE(absent.has_fragment());
    EXPECT_EQ(absent.path(), "");
    const UriRef empty_port = parse_ok("coap://h:/");
    EXPECT_TRUE(empty_port.has_port());
    EXPECT_EQ(empty_port.port_text(), "");
    EXPECT_FALSE(empty_port.port().has_value());
    const UriRef empty_host = parse_ok("file:///etc/hosts");
    EXPECT_TRUE(empty_host.has_authority());
    EXPECT_EQ(empty_host.host(), "");
    EXPECT_EQ(empty_host.path(), "/etc/hosts");
}

TEST(Rfc3986Section4_2, RelativeReferences) {
    struct Case {
        const char* text;
        const char* authority;
        const char* path;
        bool has_authority;
    };
    for (const Case& c :
         {Case{"//g/x", "g", "/x", true}, Case{"/a/b", "", "/a/b", false},
          Case{"a/b:c", "", "a/b:c", false}, Case{"./a:b", "", "./a:b", false},
          Case{"", "", "", false}, Case{"?q", "", "", false}, Case{"#f", "", "", false}}) {
        const UriRef u = parse_ok(c.text);
        EXPECT_TRUE(u.is_relative()) << c.text;
        EXPECT_EQ(u.has_authority(), c.has_authority) << c.text;
        EXPECT_EQ(u.authority(), c.authority) << c.text;
        EXPECT_EQ(u.path(), c.path) << c.text;
    }
    EXPECT_TRUE(parse_ok("mailto:a@b").is_absolute());
    EXPECT_EQ(parse_ok("urn:example:animal:ferret:nose").path(), "example:animal:ferret:nose");
}

TEST(Rfc3986Section3_2_2, HostKinds) {
    EXPECT_EQ(parse_ok("coap://192.0.2.1/").host_kind(), HostKind::ipv4);
    EXPECT_EQ(parse_ok("coap://192.0.2.01/").host_kind(),
              HostKind::reg_name);  // leading zero: a name
    EXPECT_EQ(parse_ok("coap://256.1.1.1/").host_kind(), HostKind::reg_name);
    const UriRef v6 = parse_ok("coap://[2001:db8::1]:5683/x");
    EXPECT_EQ(v6.host_kind(), HostKind::ipv6);
    EXPECT_EQ(v6.host(), "2001:db8::1");
    EXPECT_EQ(v6.host_text(), "[2001:db8::1]");
    EXPECT_EQ(v6.port(), 5683);
    const UriRef future = parse_ok("coap://[v7.a:b]/");
    EXPECT_EQ(future.host_kind(), HostKind::ipv_future);
    EXPECT_EQ(future.host(), "v7.a:b");
}

TEST(Rfc6874, Ipv6ZoneIds) {
    const UriRef zoned = parse_ok("coap://[fe80::1%25eth0]:5683/x");
    EXPECT_EQ(zoned.host_kind(), HostKind::ipv6);
    EXPECT_EQ(zoned.host(), "fe80::1");
    EXPECT_EQ(zoned.zone_id(), "eth0");
    EXPECT_EQ(zoned.host_text(), "[fe80::1%25eth0]");
    EXPECT_EQ(parse_error("coap://[fe80::1%25]/").kind, UriErrorKind::bad_zone_id);
    EXPECT_EQ(parse_error("coap://[fe80::1%25a/b]/").kind,
              UriErrorKind::bad_ip_literal);  // '/' ends the authority
    EXPECT_EQ(parse_error("coap://[fe80::1%eth0]/").kind, UriErrorKind::bad_ip_literal);
}

TEST(Rfc3986Section3_2_2, Ipv6Grammar) {
    for (const char* good :
         {"::", "::1", "1::", "1:2:3:4:5:6:7:8", "1::8", "1:2:3:4:5:6::8", "::ffff:192.0.2.1",
          "64:ff9b::192.0.2.33", "1:2:3:4:5:6:192.0.2.1", "fe80::", "ABCD:ef01::"}) {
        EXPECT_TRUE(detail::is_ipv6_address(good)) << good;
    }
    for (const char* bad :
         {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1:2:3:4:5:6:7",
          "g::", ":1::", "1:", "1::2:", "::192.0.2.256", "1:2:3:4:5:6:7:192.0.2.1", "::1.2.3"}) {
        EXPECT_FALSE(detail::is_ipv6_address(bad)) << bad;
    }
}

TEST(Rfc3986Errors, EachWithItsOffset) {
    struct Case {
        const char* text;
        UriErrorKind kind;
        std::uint32_t offset;
    };
    for (const Case& c : {
             Case{":x", UriErrorKind::bad_scheme, 0},
             Case{"1a:b", UriErrorKind::colon_in_first_segment, 0},
             Case{"a_b:c", UriErrorKind::colon_in_first_segment, 1},
             Case{"a b:c", UriErrorKind::bad_scheme, 1},
             Case{"coap://us er@h/", UriErrorKind::bad_userinfo, 9},
             Case{"coap://h st/", UriErrorKind::bad_host, 8},
             Case{"coap://[::1/", UriErrorKind::bad_ip_literal, 7},
             Case{"coap://[zz::1]/", UriErrorKind::bad_ip_literal, 8},
             Case{"coap://[::1]x/", UriErrorKind::bad_ip_literal, 12},
             Case{"coap://h:8a/", UriErrorKind::bad_port, 10},
             Case{"coap://h/a b", UriErrorKind::bad_path, 10},
             Case{"coap://h/a?b c", UriErrorKind::bad_query, 12},
             Case{"coap://h/a#b#c", UriErrorKind::bad_fragment, 12},
             Case{"coap://h/%4", UriErrorKind::bad_percent_encoding, 9},
             Case{"coap://h/%zz", UriErrorKind::bad_percent_encoding, 9},
             Case{"coap://h%/", UriErrorKind::bad_percent_encoding, 8},
         }) {
        const UriError e = parse_error(c.text);
        EXPECT_EQ(e.kind, c.kind) << c.text << ": " << describe(e.kind);
        EXPECT_EQ(e.offset, c.offset) << c.text;
    }
}

TEST(Rfc3986Section4_2, ColonOnlyForbiddenInTheFirstSegment) {
    EXPECT_TRUE(UriRef::parse("a/b:c").ok());
    EXPECT_EQ(parse_error("b:c d").kind, UriErrorKind::bad_path);
    EXPECT_EQ(parse_error("./a b").kind, UriErrorKind::bad_path);
}

TEST(Rfc3986Errors, EveryKindIsDescribed) {
    for (int k = 0; k <= static_cast<int>(UriErrorKind::userinfo_not_allowed); ++k) {
        EXPECT_NE(describe(static_cast<UriErrorKind>(k)), "unknown URI error");
    }
}

TEST(PathSegments, SplitsAtSlashes) {
    auto collect = [](std::string_view path) {
        std::vector<std::string> out;
        for (std::string_view s : PathSegments(path))
            out.emplace_back(s);
        return out;
    };
    EXPECT_EQ(collect("/a/b"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(collect("a/b"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(collect("/"), (std::vector<std::string>{""}));
    EXPECT_EQ(collect("/a/"), (std::vector<std::string>{"a", ""}));
    EXPECT_EQ(collect("//"), (std::vector<std::string>{"", ""}));
    EXPECT_EQ(collect(""), (std::vector<std::string>{}));
}

TEST(QueryItems, SplitsAtAmpersands) {
    std::vector<std::string> items;
    QueryItems("a=1&b&&c=%26").for_each([&](std::string_view item) { items.emplace_back(item); });
    EXPECT_EQ(items, (std::vector<std::string>{"a=1", "b", "", "c=%26"}));
    items.clear();
    QueryItems("").for_each([&](std::string_view item) { items.emplace_back(item); });
    EXPECT_TRUE(items.empty());
}

TEST(UriLiteral, CheckedAtCompileTime) {
    constexpr UriRef u = "coap://[::1]:61616/.well-known/core?rt=x"_uri;
    static_assert(u.has_scheme() && u.host_kind() == HostKind::ipv6);
    static_assert(u.port() == 61616);
    static_assert(u.path() == "/.well-known/core");
    static_assert(u.query() == "rt=x");
    constexpr UriRef relative = "../x?y"_uri;
    static_assert(relative.is_relative() && relative.path() == "../x");
    EXPECT_EQ(u.host(), "::1");
    // An invalid literal ("coap://h st"_uri) fails to compile: tests/meson.build checks it.
}

}  // namespace
}  // namespace coap
