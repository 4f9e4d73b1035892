// uri_resolve_test.cpp — reference resolution against RFC 3986 §5.4.1 and §5.4.2
// (every row of both tables), remove_dot_segments (§5.2.4) and normalisation (§6).
#include "coap/uri.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace coap {
namespace {

std::string resolved(std::string_view base_text, std::string_view reference_text) {
    const auto base = UriRef::parse(base_text);
    const auto reference = UriRef::parse(reference_text);
    EXPECT_TRUE(base.ok() && reference.ok()) << reference_text;
    std::array<char, 256> out{};
    const auto size = resolve(*base, *reference, out);
    EXPECT_TRUE(size.ok()) << reference_text;
    return size.ok() ? std::string(out.data(), *size) : std::string("<error>");
}

struct Row {
    const char* reference;
    const char* target;
};

constexpr const char* base = "http://a/b/c/d;p?q";

TEST(Rfc3986Section5_4_1, NormalExamples) {
    const Row rows[] = {
        {"g:h", "g:h"},
        {"g", "http://a/b/c/g"},
        {"./g", "http://a/b/c/g"},
        {"g/", "http://a/b/c/g/"},
        {"/g", "http://a/g"},
        {"//g", "http://g"},
        {"?y", "http://a/b/c/d;p?y"},
        {"g?y", "http://a/b/c/g?y"},
        {"#s", "http://a/b/c/d;p?q#s"},
        {"g#s", "http://a/b/c/g#s"},
        {"g?y#s", "http://a/b/c/g?y#s"},
        {";x", "http://a/b/c/;x"},
        {"g;x", "http://a/b/c/g;x"},
        {"g;x?y#s", "http://a/b/c/g;x?y#s"},
        {"", "http://a/b/c/d;p?q"},
        {".", "http://a/b/c/"},
        {"./", "http://a/b/c/"},
        {"..", "http://a/b/"},
        {"../", "http://a/b/"},
        {"../g", "http://a/b/g"},
        {"../..", "http://a/"},
        {"../../", "http://a/"},
        {"../../g", "http://a/g"},
    };
    for (const Row& row : rows)
        EXPECT_EQ(resolved(base, row.reference), row.target) << row.reference;
}

TEST(Rfc3986Section5_4_2, AbnormalExamples) {
    const Row rows[] = {
        {"../../../g", "http://a/g"},
        {"../../../../g", "http://a/g"},
        {"/./g", "http://a/g"},
        {"/../g", "http://a/g"},
        {"g.", "http://a/b/c/g."},
        {".g", "http://a/b/c/.g"},
        {"g..", "http://a/b/c/g.."},
        {"..g", "http://a/b/c/..g"},
        {"./../g", "http://a/b/g"},
        {"./g/.", "http://a/b/c/g/"},
        {"g/./h", "http://a/b/c/g/h"},
        {"g/../h", "http://a/b/c/h"},
        {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
        {"g;x=1/../y", "http://a/b/c/y"},
        {"g?y/./x", "http://a/b/c/g?y/./x"},
        {"g?y/../x", "http://a/b/c/g?y/../x"},
        {"g#s/./x", "http://a/b/c/g#s/./x"},
        {"g#s/../x", "http://a/b/c/g#s/../x"},
        {"http:g", "http:g"},  // strict parser
    };
    for (const Row& row : rows)
        EXPECT_EQ(resolved(base, row.reference), row.target) << row.reference;
}

TEST(Rfc3986Section5_2_3, MergeWithAnEmptyBasePath) {
    EXPECT_EQ(resolved("coap://h", "x"), "coap://h/x");
    EXPECT_EQ(resolved("coap://h?q", "?r"), "coap://h?r");
    EXPECT_EQ(resolved("coap://h/a/b", "//other"), "coap://other");
    EXPECT_EQ(resolved("urn:a:b", "c"), "urn:c");
}

TEST(Resolve, ErrorsAndOverflow) {
    const auto relative = UriRef::parse("a/b");
    const auto reference = UriRef::parse("c");
    std::array<char, 64> out{};
    EXPECT_EQ(resolve(*relative, *reference, out).error().kind, UriErrorKind::base_not_absolute);
    const auto absolute = UriRef::parse("coap://example.org/a/b");
    for (std::size_t size = 0; size < 22; ++size) {
        EXPECT_EQ(resolve(*absolute, *reference, gsl::span<char>(out.data(), size)).error().kind,
                  UriErrorKind::buffer_too_small)
            << size;
    }
    EXPECT_EQ(*resolve(*absolute, *reference, gsl::span<char>(out.data(), 22)), 22u);
}

TEST(Rfc3986Section5_2_4, RemoveDotSegments) {
    struct Case {
        const char* in;
        const char* out;
    };
    for (const Case& c :
         {Case{"/a/b/c/./../../g", "/a/g"}, Case{"mid/content=5/../6", "mid/6"}, Case{"", ""},
          Case{"/.", "/"}, Case{"/..", "/"}, Case{".", ""}, Case{"..", ""}, Case{"../a", "a"},
          Case{"/a/..", "/"}, Case{"/a/.", "/a/"}, Case{"a/./b", "a/b"}, Case{"//a/../b", "//b"}}) {
        std::string buffer = c.in;  // in place
        const std::size_t n = remove_dot_segments(buffer, {buffer.data(), buffer.size()});
        EXPECT_EQ(buffer.substr(0, n), c.out) << c.in;
    }
}

std::string normalized(std::string_view text) {
    const auto uri = UriRef::parse(text);
    EXPECT_TRUE(uri.ok()) << text;
    std::array<char, 256> out{};
    const auto size = normalize(*uri, out);
    EXPECT_TRUE(size.ok()) << text;
    return size.ok() ? std::string(out.data(), *size) : std::string("<error>");
}

TEST(Rfc3986Section6_2_2, SyntaxBasedNormalization) {
    EXPECT_EQ(normalized("COAP://Example.COM/a/./b/../c"), "coap://example.com/a/c");
    EXPECT_EQ(normalized("coap://h/%7euser/%2f%3a"), "coap://h/~user/%2F%3A");
    EXPECT_EQ(normalized("coap://%45x.org/"), "coap://ex.org/");
    EXPECT_EQ(normalized("coap://[2001:DB8::1]/"), "coap://[2001:db8::1]/");
    EXPECT_EQ(normalized("coap://[fe80::1%25Eth0]/"),
              "coap://[fe80::1%25Eth0]/");  // zone IDs keep their case
    EXPECT_EQ(normalized("coap://h/?a=%41&b#%7e"), "coap://h/?a=A&b#~");
    EXPECT_EQ(normalized("../a/./b"),
              "../a/./b");  // dot segments belong to relative paths (§6.2.2.3)
    EXPECT_EQ(normalized("/../a"), "/a");
}

TEST(Rfc3986Section6_2_3, SchemeBasedNormalization) {
    EXPECT_EQ(normalized("coap://h:5683/x"), "coap://h/x");
    EXPECT_EQ(normalized("coaps://h:5684"), "coaps://h/");
    EXPECT_EQ(normalized("coap+ws://h:80/"), "coap+ws://h/");
    EXPECT_EQ(normalized("coap://h:05683/"), "coap://h/");
    EXPECT_EQ(normalized("coap://h:5684/"), "coap://h:5684/");
    EXPECT_EQ(normalized("coap://h:/"), "coap://h/");
    EXPECT_EQ(normalized("coap://h:00061616/"), "coap://h:61616/");
    EXPECT_EQ(normalized("coap://h:0005683/"), "coap://h/");  // a default port with leading zeros
    EXPECT_EQ(normalized("foo://h:5683"), "foo://h:5683");    // unknown scheme: no defaults applied
}

TEST(Rfc3986Section6, NormalizationIsIdempotent) {
    for (const char* text : {"COAP://a%2fb@Ex.Org:5683/%7e/../x/./y?%7e#%7e",
                             "coap://[::FFFF:1.2.3.4]:1/a/", "../../a", "mailto:Joe@Example.ORG"}) {
        const std::string once = normalized(text);
        EXPECT_EQ(normalized(once), once) << text;
    }
}

}  // namespace
}  // namespace coap

namespace coap {
namespace {

// Found by the normalisation property: without an authority, removing dot segments
// must not leave a path that starts with "//" (it would read as an authority).
TEST(Rfc3986Section5_2_4, DotRemovalNeverCreatesAnAuthority) {
    EXPECT_EQ(normalized("/..//coap://"), "/.//coap://");
    EXPECT_EQ(normalized("/.//coap://"), "/.//coap://");
    EXPECT_EQ(normalized("a:/..//x"), "a:/.//x");
    EXPECT_EQ(resolved("a:b", "/..//x"), "a:/.//x");
    EXPECT_EQ(resolved("a:/b/c", "..//x"), "a:/.//x");
    EXPECT_EQ(resolved("coap://h/b", "/..//x"),
              "coap://h//x");  // with an authority, "//x" is a path
}

}  // namespace
}  // namespace coap
