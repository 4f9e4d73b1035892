// bench/uri_samples.hpp — the three URIs both libraries are measured on, where
// each request goes, and what a correct parse and decomposition must report.
// Owns what is measured; knows nothing about either library.
#pragma once

#include "codec_samples.hpp"  // ByteVector, DecodedOption

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

/// The components a URI parser reports. The path is without its leading '/'
/// (libcoap's form) and keeps its percent-encoding, as does the query.
struct UriParts {
    bool ok = false;
    std::string_view host;   ///< IPv6 without brackets
    std::uint16_t port = 0;  ///< explicit, or the scheme's default
    std::string_view path;
    std::string_view query;  ///< without '?'; empty when absent
    friend bool operator==(const UriParts&, const UriParts&) = default;
};

struct UriSample {
    std::string name;         ///< short, used in benchmark names: "well_known"
    std::string description;  ///< one line for the ratio table's legend
    std::string text;         ///< the URI
    /// Where the request is sent: what the host resolved to, as an IP address
    /// in text, and the UDP port.
    std::string destination_address;
    std::uint16_t destination_port = 0;
    /// What parsing `text` must report (views into the expected strings below).
    std::string host;
    std::uint16_t port = 0;
    std::string path;
    std::string query;
    /// The RFC 7252 §6.4 options for `text` sent to the destination, in order.
    std::vector<DecodedOption> options;

    UriParts expected_parts() const;
};

/// The samples, built once: well_known, ipv6_query, long_pct.
const std::vector<UriSample>& uri_samples();

}  // namespace bench
