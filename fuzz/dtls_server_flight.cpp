// fuzz/dtls_server_flight.cpp — fuzz target `dtls_server_flight`: the DTLS
// client's read of a server's first flight (adapters/dtls/src/
// server_flight_scan.hpp) on arbitrary bytes cut into up to four datagrams.
// Owns its invariants: no read outside the input, a hint is at most 128 bytes
// and spelled verbatim by one datagram, and once read a hint never changes.
#include "../adapters/dtls/src/server_flight_scan.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto* bytes = reinterpret_cast<const std::byte*>(data + 1);
    std::size_t left = size - 1;
    // The first byte says where the datagrams end (two bits per cut).
    const unsigned cuts = data[0];
    coap::dtls::ServerFlightScan scan;
    std::optional<std::string> first_hint;
    for (unsigned part = 0; part < 4 && left > 0; ++part) {
        const unsigned share = (cuts >> (2 * part)) & 3u;
        const std::size_t length = part == 3 ? left : std::max<std::size_t>(1, left * share / 3);
        const gsl::span<const std::byte> datagram(bytes, std::min(length, left));
        const bool had_key_exchange = scan.key_exchange_seen;
        coap::dtls::scan_server_flight(datagram, scan);
        if (had_key_exchange && !scan.key_exchange_seen) std::abort();
        if (scan.psk_hint) {
            if (scan.psk_hint->size() > 128) std::abort();
            if (first_hint && *first_hint != *scan.psk_hint) std::abort();
            if (!first_hint) {
                first_hint = scan.psk_hint;
                const std::string text(reinterpret_cast<const char*>(datagram.data()),
                                       datagram.size());
                if (text.find(*first_hint) == std::string::npos) std::abort();
            }
        }
        bytes += datagram.size();
        left -= datagram.size();
    }
    return 0;
}
