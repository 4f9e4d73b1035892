// bench/uri_samples.cpp — builds the three URIs (a discovery GET, an IPv6
// literal with port and query, a long secure URI with percent-encoding) and
// the parse and options each one must yield.
#include "uri_samples.hpp"

namespace bench {
namespace {

// Option numbers (RFC 7252 §12.2).
constexpr std::uint16_t uri_host = 3;
constexpr std::uint16_t uri_path = 11;
constexpr std::uint16_t uri_query = 15;

DecodedOption option(std::uint16_t number, std::string_view value) {
    DecodedOption out{number, {}};
    for (char c : value)
        out.value.push_back(static_cast<std::byte>(c));
    return out;
}

std::vector<UriSample> build_samples() {
    std::vector<UriSample> out;

    UriSample discovery;
    discovery.name = "well_known";
    discovery.description = "`coap://example.net/.well-known/core`, sent to 192.0.2.1:5683";
    discovery.text = "coap://example.net/.well-known/core";
    discovery.destination_address = "192.0.2.1";
    discovery.destination_port = 5683;
    discovery.host = "example.net";
    discovery.port = 5683;
    discovery.path = ".well-known/core";
    discovery.options = {option(uri_host, "example.net"), option(uri_path, ".well-known"),
                         option(uri_path, "core")};
    out.push_back(std::move(discovery));

    UriSample ipv6;
    ipv6.name = "ipv6_query";
    ipv6.description =
        "`coap://[2001:db8::1]:61616/sensors/temperature?unit=c&precision=2`, sent to "
        "[2001:db8::1]:61616 (no Uri-Host, no Uri-Port)";
    ipv6.text = "coap://[2001:db8::1]:61616/sensors/temperature?unit=c&precision=2";
    ipv6.destination_address = "2001:db8::1";
    ipv6.destination_port = 61616;
    ipv6.host = "2001:db8::1";
    ipv6.port = 61616;
    ipv6.path = "sensors/temperature";
    ipv6.query = "unit=c&precision=2";
    ipv6.options = {option(uri_path, "sensors"), option(uri_path, "temperature"),
                    option(uri_query, "unit=c"), option(uri_query, "precision=2")};
    out.push_back(std::move(ipv6));

    UriSample long_uri;
    long_uri.name = "long_pct";
    long_uri.description =
        "`coaps://sensor-17.building-4.example.org:5684/a%20b/c/d/e/f?x=%26&y=2&zeta=long-value-"
        "here`, sent to 198.51.100.17:5684 (9 options; `%20` and `%26` decoded)";
    long_uri.text =
        "coaps://sensor-17.building-4.example.org:5684"
        "/a%20b/c/d/e/f?x=%26&y=2&zeta=long-value-here";
    long_uri.destination_address = "198.51.100.17";
    long_uri.destination_port = 5684;
    long_uri.host = "sensor-17.building-4.example.org";
    long_uri.port = 5684;
    long_uri.path = "a%20b/c/d/e/f";
    long_uri.query = "x=%26&y=2&zeta=long-value-here";
    long_uri.options = {option(uri_host, "sensor-17.building-4.example.org"),
                        option(uri_path, "a b"),
                        option(uri_path, "c"),
                        option(uri_path, "d"),
                        option(uri_path, "e"),
                        option(uri_path, "f"),
                        option(uri_query, "x=&"),
                        option(uri_query, "y=2"),
                        option(uri_query, "zeta=long-value-here")};
    out.push_back(std::move(long_uri));

    return out;
}

}  // namespace

UriParts UriSample::expected_parts() const {
    return UriParts{true, host, port, path, query};
}

const std::vector<UriSample>& uri_samples() {
    static const std::vector<UriSample> all = build_samples();
    return all;
}

}  // namespace bench
