// bench/uri_check.cpp — runs each library's URI functions once per sample,
// outside any timing, and compares them with the sample and each other.
#include "uri_check.hpp"

#include "cobalt_uri.hpp"
#include "libcoap_uri.hpp"

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>

namespace bench {
namespace {

/// The value as text, with every byte outside printable ASCII as \xNN.
std::string printable(const ByteVector& value) {
    std::string out;
    for (std::byte b : value) {
        const auto c = std::to_integer<unsigned>(b);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\x%02x", c);
            out += escape;
        }
    }
    return out;
}

void describe(std::ostream& err, const char* who, const UriParts& parts) {
    err << "  " << who << ": " << (parts.ok ? "ok" : "FAILED") << ", host '" << parts.host
        << "', port " << parts.port << ", path '" << parts.path << "', query '" << parts.query
        << "'\n";
}

void describe(std::ostream& err, const char* who, const std::vector<DecodedOption>& options) {
    err << "  " << who << ":";
    for (const DecodedOption& o : options)
        err << " " << o.number << " \"" << printable(o.value) << "\"";
    err << "\n";
}

/// Frees a libcoap option chain at the end of a scope.
struct ChainOwner {
    coap_optlist_t* chain = nullptr;
    ~ChainOwner() { libcoap_uri::free_options(chain); }
};

bool verify_one(const UriSample& sample, std::ostream& err) {
    const UriParts want = sample.expected_parts();
    const UriParts by_cobalt = cobalt_uri::parse(sample.text);
    const UriParts by_libcoap = libcoap_uri::parse(sample.text);
    if (by_cobalt != want || by_libcoap != want) {
        err << sample.name << ": the parsers disagree on " << sample.text << "\n";
        describe(err, "wanted ", want);
        describe(err, "cobalt ", by_cobalt);
        describe(err, "libcoap", by_libcoap);
        return false;
    }

    const auto list = std::make_unique<cobalt_uri::OptionList>();
    const std::size_t cobalt_count =
        cobalt_uri::to_options(sample.text, sample.destination_port, *list);
    const std::vector<DecodedOption> cobalt_options = cobalt_uri::options_of(*list);

    const libcoap_uri::Destination destination(sample.destination_address, sample.destination_port);
    ChainOwner owner;
    const int libcoap_count = libcoap_uri::to_options(sample.text, destination, &owner.chain);
    const std::vector<DecodedOption> libcoap_options = libcoap_uri::options_of(owner.chain);

    if (cobalt_options != sample.options || libcoap_options != sample.options ||
        cobalt_count != sample.options.size() || libcoap_count < 0 ||
        static_cast<std::size_t>(libcoap_count) != sample.options.size()) {
        err << sample.name << ": the options for " << sample.text << " sent to "
            << sample.destination_address << " port " << sample.destination_port
            << " differ (cobalt returned " << cobalt_count << ", libcoap " << libcoap_count
            << ")\n";
        describe(err, "wanted ", sample.options);
        describe(err, "cobalt ", cobalt_options);
        describe(err, "libcoap", libcoap_options);
        return false;
    }
    return true;
}

}  // namespace

bool verify_uris(const std::vector<UriSample>& all, std::ostream& err) {
    for (const UriSample& sample : all) {
        if (!verify_one(sample, err)) return false;
    }
    return true;
}

}  // namespace bench
