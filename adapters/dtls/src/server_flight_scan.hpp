// server_flight_scan.hpp — reads, from a server's first handshake flight as it
// arrives in plaintext (epoch 0), the cipher suite it chose (ServerHello) and
// the PSK identity hint it sent (RFC 4279 §2, §5.2: ServerKeyExchange). mbedTLS
// 2.28 skips hints, so a client looks at the flight before mbedTLS reads it and
// picks its identity and key in time for its ClientKeyExchange. Internal.
#pragma once

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace coap::dtls {

/// What the flight has shown so far; fed datagram by datagram.
struct ServerFlightScan {
    std::optional<std::uint16_t> cipher_suite;
    /// Only taken when the ServerKeyExchange starts with it in one fragment
    /// (a hint is at most 128 bytes, RFC 4279 §5.3, far below any record).
    std::optional<std::string> psk_hint;
    /// The raw ServerKeyExchange was seen (whether or not a hint was read).
    bool key_exchange_seen = false;
};

/// Reads every epoch-0 handshake record of `datagram`; malformed or foreign
/// records end the scan of that datagram quietly (mbedTLS judges them).
void scan_server_flight(gsl::span<const std::byte> datagram, ServerFlightScan& scan) noexcept;

}  // namespace coap::dtls
