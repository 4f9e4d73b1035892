// server_flight_scan.cpp — scan_server_flight (see server_flight_scan.hpp): the
// DTLS record and handshake headers (RFC 6347 §4.1, §4.2.2), ServerHello's
// cipher suite (RFC 5246 §7.4.1.3) and the leading psk_identity_hint of a PSK
// ServerKeyExchange (RFC 4279 §2, §5.2; also first in ECDHE_PSK's, RFC 5489 §2).
#include "server_flight_scan.hpp"

namespace coap::dtls {
namespace {

constexpr std::size_t record_header = 13;
constexpr std::size_t handshake_header = 12;
constexpr std::uint8_t content_handshake = 22;
constexpr std::uint8_t server_hello = 2;
constexpr std::uint8_t server_key_exchange = 12;
constexpr std::size_t max_hint = 128;  // RFC 4279 §5.3

std::uint32_t read_be(gsl::span<const std::byte> bytes, std::size_t at, std::size_t width) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < width; ++i)
        value = (value << 8) | static_cast<std::uint8_t>(bytes[at + i]);
    return value;
}

void read_server_hello(gsl::span<const std::byte> body, ServerFlightScan& scan) {
    // server_version(2) random(32) session_id<0..32> cipher_suite(2)
    constexpr std::size_t session_id_at = 2 + 32;
    if (body.size() < session_id_at + 1) return;
    const std::size_t suite_at = session_id_at + 1 + read_be(body, session_id_at, 1);
    if (body.size() < suite_at + 2) return;
    scan.cipher_suite = static_cast<std::uint16_t>(read_be(body, suite_at, 2));
}

void read_key_exchange(gsl::span<const std::byte> body, ServerFlightScan& scan) {
    scan.key_exchange_seen = true;
    if (body.size() < 2) return;
    const std::size_t length = read_be(body, 0, 2);
    if (length > max_hint || body.size() < 2 + length) return;
    const auto* first = reinterpret_cast<const char*>(body.data()) + 2;
    scan.psk_hint = std::string(first, first + length);
}

/// The handshake messages in one record's body; only first fragments count.
void read_handshakes(gsl::span<const std::byte> fragments, ServerFlightScan& scan) {
    while (fragments.size() >= handshake_header) {
        const auto type = static_cast<std::uint8_t>(fragments[0]);
        const std::uint32_t offset = read_be(fragments, 6, 3);
        const std::uint32_t length = read_be(fragments, 9, 3);
        if (fragments.size() < handshake_header + length) return;
        const auto body = fragments.subspan(handshake_header, length);
        if (offset == 0 && type == server_hello) read_server_hello(body, scan);
        if (offset == 0 && type == server_key_exchange && !scan.key_exchange_seen)
            read_key_exchange(body, scan);
        fragments = fragments.subspan(handshake_header + length);
    }
}

}  // namespace

void scan_server_flight(gsl::span<const std::byte> datagram, ServerFlightScan& scan) noexcept {
    while (datagram.size() >= record_header) {
        const auto type = static_cast<std::uint8_t>(datagram[0]);
        const std::uint32_t epoch = read_be(datagram, 3, 2);
        const std::size_t length = read_be(datagram, 11, 2);
        if (datagram.size() < record_header + length) return;
        if (type == content_handshake && epoch == 0)
            read_handshakes(datagram.subspan(record_header, length), scan);
        datagram = datagram.subspan(record_header + length);
    }
}

}  // namespace coap::dtls
