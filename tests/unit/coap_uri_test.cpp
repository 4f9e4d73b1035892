// coap_uri_test.cpp — CoAP URIs (RFC 7252 §6; RFC 8323 §8): schemes and default
// ports, §6.4 decomposition into options, §6.5 composition back, Proxy-Uri and
// Proxy-Scheme forms, and the errors for fragments, bad ports and foreign schemes.
#include "coap/coap_uri.hpp"

#include "hex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace coap {
namespace {

struct Emitted {
    std::vector<std::string> options;  // "number=value" with uints in decimal
    void operator()(OptionNumber number, Bytes value) {
        std::string text = std::to_string(to_underlying(number)) + "=";
        if (number == OptionNumber::uri_port)
            text += std::to_string(decode_uint(value).value());
        else
            text.append(reinterpret_cast<const char*>(value.data()), value.size());
        options.push_back(text);
    }
};

std::vector<std::string> decomposed(std::string_view text, DecomposeOptions options = {}) {
    const auto uri = CoapUri::parse(text);
    EXPECT_TRUE(uri.ok()) << text;
    if (!uri.ok()) return {"<error>"};
    Emitted emitted;
    const auto count = decompose_uri(*uri, emitted, options);
    EXPECT_TRUE(count.ok()) << text;
    if (count.ok()) {
        EXPECT_EQ(*count, emitted.options.size());
    }
    return emitted.options;
}

using Options = std::vector<std::string>;

TEST(Rfc7252Section6, SchemesAndDefaultPorts) {
    struct Case {
        const char* name;
        CoapScheme scheme;
        std::uint16_t port;
        bool secure;
    };
    for (const Case& c :
         {Case{"coap", CoapScheme::coap, 5683, false}, Case{"coaps", CoapScheme::coaps, 5684, true},
          Case{"coap+tcp", CoapScheme::coap_tcp, 5683, false},
          Case{"coaps+tcp", CoapScheme::coaps_tcp, 5684, true},
          Case{"coap+ws", CoapScheme::coap_ws, 80, false},
          Case{"coaps+ws", CoapScheme::coaps_ws, 443, true}}) {
        EXPECT_EQ(coap_scheme_from_name(c.name), c.scheme);
        EXPECT_EQ(scheme_name(c.scheme), c.name);
        EXPECT_EQ(default_port(c.scheme), c.port);
        EXPECT_EQ(is_secure(c.scheme), c.secure);
        const auto uri = CoapUri::parse(std::string(c.name) + "://h/x");
        ASSERT_TRUE(uri.ok());
        EXPECT_EQ(uri->port(), c.port);
        EXPECT_FALSE(uri->has_explicit_port());
    }
    EXPECT_EQ(coap_scheme_from_name("COAPS"), CoapScheme::coaps);
    EXPECT_FALSE(coap_scheme_from_name("http").has_value());
}

TEST(Rfc7252Section6_4, Decomposition) {
    EXPECT_EQ(decomposed("coap://example.net/"), (Options{"3=example.net"}));
    EXPECT_EQ(decomposed("coap://example.net"), (Options{"3=example.net"}));
    EXPECT_EQ(decomposed("coap://example.net/.well-known/core"),
              (Options{"3=example.net", "11=.well-known", "11=core"}));
    // RFC 7252 §6.3's equivalent forms decompose to the same options.
    const Options same{"3=example.com", "11=~sensors", "11=temp.xml"};
    EXPECT_EQ(decomposed("coap://example.com:5683/~sensors/temp.xml"), same);
    EXPECT_EQ(decomposed("coap://EXAMPLE.com/%7Esensors/temp.xml"), same);
    EXPECT_EQ(decomposed("coap://EXAMPLE.com:/%7esensors/temp.xml"), same);
}

TEST(Rfc7252Section6_4, IpHostsGetNoUriHost) {
    EXPECT_EQ(decomposed("coap://192.0.2.1/x"), (Options{"11=x"}));
    EXPECT_EQ(decomposed("coap://[2001:db8::1]:61616/x"), (Options{"7=61616", "11=x"}));
    EXPECT_EQ(decomposed("coap://[fe80::1%25eth0]/x"), (Options{"11=x"}));
    DecomposeOptions with_host;
    with_host.host_for_ip_literal = true;
    EXPECT_EQ(decomposed("coap://[2001:db8::1]/x", with_host),
              (Options{"3=[2001:db8::1]", "11=x"}));
}

TEST(Rfc7252Section6_4, PortAgainstTheDestination) {
    EXPECT_EQ(decomposed("coaps://h:5684/"), (Options{"3=h"}));
    EXPECT_EQ(decomposed("coaps://h:5683/"), (Options{"3=h", "7=5683"}));
    DecomposeOptions to_61616;
    to_61616.destination_port = 61616;
    EXPECT_EQ(decomposed("coap://h:61616/", to_61616), (Options{"3=h"}));
    EXPECT_EQ(decomposed("coap://h/", to_61616), (Options{"3=h", "7=5683"}));
}

TEST(Rfc7252Section6_4, SegmentsAndQueryItemsArePercentDecoded) {
    EXPECT_EQ(decomposed("coap://h/a%2Fb/c%20d?x=%26&y=1&"),
              (Options{"3=h", "11=a/b", "11=c d", "15=x=&", "15=y=1", "15="}));
    EXPECT_EQ(decomposed("coap://h/a/"), (Options{"3=h", "11=a", "11="}));
    EXPECT_EQ(decomposed("coap://h//"), (Options{"3=h", "11=", "11="}));
    EXPECT_EQ(decomposed("coap://h?"), (Options{"3=h"}));
}

TEST(Rfc7252Section6_4, Errors) {
    EXPECT_EQ(CoapUri::parse("/relative").error().kind, UriErrorKind::not_absolute);
    EXPECT_EQ(CoapUri::parse("http://h/").error().kind, UriErrorKind::foreign_scheme);
    const auto fragment = CoapUri::parse("coap://h/x#f");
    EXPECT_EQ(fragment.error().kind, UriErrorKind::fragment_not_allowed);
    EXPECT_EQ(fragment.error().offset, 10u);
    EXPECT_EQ(CoapUri::parse("coap://h:65536/").error().kind, UriErrorKind::bad_port);
    EXPECT_EQ(CoapUri::parse("coap://h:0/").error().kind, UriErrorKind::bad_port);
    EXPECT_EQ(CoapUri::parse("coap://h:12a/").error().kind, UriErrorKind::bad_port);
    EXPECT_EQ(CoapUri::parse("coap:///x").error().kind, UriErrorKind::missing_host);
    EXPECT_EQ(CoapUri::parse("coap:x").error().kind, UriErrorKind::missing_host);
    const std::string long_segment = "coap://h/" + std::string(256, 'a');
    const auto uri = CoapUri::parse(long_segment);
    ASSERT_TRUE(uri.ok());
    Emitted emitted;
    EXPECT_EQ(decompose_uri(*uri, emitted).error().kind, UriErrorKind::option_too_long);
    const std::string exactly_255 = "coap://h/" + std::string(255, 'a');
    EXPECT_EQ(decomposed(exactly_255).size(), 2u);
}

TEST(Rfc7252Section6_4, WritesIntoAMessage) {
    const auto uri = CoapUri::parse("coap://sensor.example:61616/temp?unit=c");
    ASSERT_TRUE(uri.ok());
    std::array<std::byte, 64> buffer{};
    MessageWriter writer(buffer, MessageType::confirmable, codes::get, 1);
    ASSERT_EQ(*write_uri_options(*uri, writer), 4u);
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), writer.size()));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->uri_host(), "sensor.example");
    EXPECT_EQ(view->uri_port(), 61616);
    EXPECT_EQ(view->uri_path().begin()->as_string(), "temp");
    EXPECT_EQ(view->uri_query().begin()->as_string(), "unit=c");
    std::array<std::byte, 12> small{};
    MessageWriter tight(small, MessageType::confirmable, codes::get, 1);
    EXPECT_EQ(write_uri_options(*uri, tight).error().kind, UriErrorKind::buffer_too_small);
}

std::string composed(std::string_view uri_text, RequestDestination destination) {
    const auto uri = CoapUri::parse(uri_text);
    EXPECT_TRUE(uri.ok());
    std::array<std::byte, 256> buffer{};
    MessageWriter writer(buffer, MessageType::confirmable, codes::get, 1);
    EXPECT_TRUE(write_uri_options(*uri, writer, DecomposeOptions{destination.port, false}).ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), writer.size()));
    EXPECT_TRUE(view.ok());
    std::array<char, 256> out{};
    const auto text = compose_request_uri(*view, destination, out);
    EXPECT_TRUE(text.ok());
    return text.ok() ? std::string(*text) : "<error>";
}

TEST(Rfc7252Section6_5, CompositionFromOptions) {
    const RequestDestination v4{CoapScheme::coap, "192.0.2.1", 5683};
    EXPECT_EQ(composed("coap://example.net/.well-known/core", v4),
              "coap://example.net/.well-known/core");
    EXPECT_EQ(composed("coap://192.0.2.1/", v4), "coap://192.0.2.1/");
    EXPECT_EQ(composed("coap://192.0.2.1", v4), "coap://192.0.2.1/");
    EXPECT_EQ(composed("coap://h:61616/a%2Fb?x=%26y&z", v4), "coap://h:61616/a%2Fb?x=%26y&z");
    const RequestDestination v6{CoapScheme::coaps, "2001:db8::1", 61616};
    EXPECT_EQ(composed("coaps://[2001:db8::1]:61616/x", v6), "coaps://[2001:db8::1]:61616/x");
    EXPECT_EQ(composed("coap://h/a/", v4), "coap://h/a/");
}

TEST(Rfc7252Section5_10_2, ProxyUriForm) {
    std::array<std::byte, 64> buffer{};
    MessageWriter writer(buffer, MessageType::confirmable, codes::get, 1);
    ASSERT_TRUE(write_proxy_uri("http://example.org/x?y", writer).ok());
    const auto view = MessageView::parse(gsl::span<const std::byte>(buffer.data(), writer.size()));
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->proxy_uri(), "http://example.org/x?y");
    EXPECT_EQ(write_proxy_uri("/relative", writer).error().kind, UriErrorKind::not_absolute);
    EXPECT_EQ(write_proxy_uri("http://h/#f", writer).error().kind,
              UriErrorKind::fragment_not_allowed);
    EXPECT_EQ(write_proxy_uri("http://h/a b", writer).error().kind, UriErrorKind::bad_path);
    const std::string too_long = "http://h/" + std::string(1030, 'a');
    EXPECT_EQ(write_proxy_uri(too_long, writer).error().kind, UriErrorKind::option_too_long);
}

TEST(Rfc7252Section5_10_2, ProxySchemeForm) {
    Emitted emitted;
    const auto uri = UriRef::parse("HTTP://Example.org:8080/a%20b?q");
    ASSERT_TRUE(uri.ok());
    ASSERT_EQ(*decompose_for_proxy_scheme(*uri, emitted), 5u);
    EXPECT_EQ(emitted.options, (Options{"39=http", "3=example.org", "7=8080", "11=a b", "15=q"}));
    Emitted v6;
    ASSERT_TRUE(decompose_for_proxy_scheme(*UriRef::parse("https://[::1]:443/"), v6).ok());
    EXPECT_EQ(v6.options, (Options{"39=https", "3=[::1]"}));
    Emitted none;
    EXPECT_EQ(decompose_for_proxy_scheme(*UriRef::parse("//h/x"), none).error().kind,
              UriErrorKind::not_absolute);
    EXPECT_EQ(decompose_for_proxy_scheme(*UriRef::parse("http:x"), none).error().kind,
              UriErrorKind::missing_host);
    EXPECT_EQ(decompose_for_proxy_scheme(*UriRef::parse("http://h/#x"), none).error().kind,
              UriErrorKind::fragment_not_allowed);
}

}  // namespace
}  // namespace coap

namespace coap {
namespace {

// Found in review (each was a bug):

TEST(Rfc7252Section6_4, DotSegmentsAreResolvedFirst) {
    EXPECT_EQ(decomposed("coap://h/a/../b"), (Options{"3=h", "11=b"}));
    EXPECT_EQ(decomposed("coap://h/./x/."), (Options{"3=h", "11=x", "11="}));
    EXPECT_EQ(decomposed("coap://h/%2E%2e/x/%2e"), (Options{"3=h", "11=x", "11="}));
    EXPECT_EQ(decomposed("coap://h/a/.."), (Options{"3=h"}));
    EXPECT_EQ(decomposed("coap://h/a..b/.c"),
              (Options{"3=h", "11=a..b", "11=.c"}));  // not dot segments
}

TEST(Rfc7252Section6_1, UserinfoIsNotPartOfACoapUri) {
    const auto uri = CoapUri::parse("coap://user@h/x");
    EXPECT_EQ(uri.error().kind, UriErrorKind::userinfo_not_allowed);
    EXPECT_EQ(uri.error().offset, 7u);
}

TEST(Rfc3986Section3_2_3, PortsWithLeadingZeros) {
    const auto uri = CoapUri::parse("coap://h:0005683/x");
    ASSERT_TRUE(uri.ok());
    EXPECT_EQ(uri->port(), 5683);
    EXPECT_EQ(decomposed("coap://h:0005683/x"), (Options{"3=h", "11=x"}));
}

TEST(Rfc7252Section6_5, UriHostIsCheckedAndIpLiteralsPassThrough) {
    auto compose_with_host = [](std::string_view host) -> std::string {
        std::array<std::byte, 128> buffer{};
        MessageWriter writer(buffer, MessageType::confirmable, codes::get, 1);
        writer.option(OptionNumber::uri_host, host).option(OptionNumber::uri_path, "x");
        const auto view =
            MessageView::parse(gsl::span<const std::byte>(buffer.data(), writer.size()));
        std::array<char, 128> out{};
        const auto text = compose_request_uri(*view, {CoapScheme::coap, "192.0.2.1", 5683}, out);
        return text.ok() ? std::string(*text)
                         : std::string("error: ") + std::string(describe(text.error().kind));
    };
    EXPECT_EQ(compose_with_host("[::1]"), "coap://[::1]/x");
    EXPECT_EQ(compose_with_host("[fe80::1%25eth0]"), "coap://[fe80::1%25eth0]/x");
    EXPECT_EQ(compose_with_host("caf\xc3\xa9.example"), "coap://caf%C3%A9.example/x");
    EXPECT_EQ(compose_with_host("a b"), "error: character not allowed in a host name");
    EXPECT_EQ(compose_with_host("[zz]"), "error: malformed IP literal");
    EXPECT_EQ(compose_with_host("h:1"), "error: character not allowed in a host name");
}

}  // namespace
}  // namespace coap
