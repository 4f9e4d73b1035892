// ip_packet.cpp — IPv4/IPv6 and UDP header synthesis with RFC 791 / RFC 768 /
// RFC 8200 checksums (see ip_packet.hpp).
#include "ip_packet.hpp"

#include <array>
#include <stdexcept>

namespace coap::sim {
namespace {

using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

std::uint32_t fnv1a(gsl::span<const std::uint8_t> bytes) noexcept {
    std::uint32_t h = 0x811c9dc5u;
    for (const std::uint8_t b : bytes) {
        h ^= b;
        h *= 0x01000193u;
    }
    return h;
}

/// IPv4 form of an address that is not IPv6: its own bytes, or 10.x.y.z derived
/// from the opaque bytes (none: 10.0.0.0).
Ip4 ipv4_of(const Address& address) noexcept {
    const auto bytes = address.bytes();
    if (address.family() == AddressFamily::ipv4) return {bytes[0], bytes[1], bytes[2], bytes[3]};
    const std::uint32_t h = address.family() == AddressFamily::none ? 0 : fnv1a(bytes);
    return {10, static_cast<std::uint8_t>(h >> 16), static_cast<std::uint8_t>(h >> 8),
            static_cast<std::uint8_t>(h)};
}

/// IPv6 form: its own bytes, ::ffff:a.b.c.d for IPv4, fd00::/8 plus a hash of
/// the bytes for opaque.
Ip6 ipv6_of(const Address& address) noexcept {
    Ip6 out{};
    const auto bytes = address.bytes();
    if (address.family() == AddressFamily::ipv6) {
        for (std::size_t i = 0; i < 16; ++i)
            out[i] = bytes[i];
    } else if (address.family() == AddressFamily::ipv4) {
        out[10] = 0xff;
        out[11] = 0xff;
        for (std::size_t i = 0; i < 4; ++i)
            out[12 + i] = bytes[i];
    } else {
        out[0] = 0xfd;
        const std::uint32_t h = fnv1a(bytes);
        for (std::size_t i = 0; i < 4; ++i)
            out[12 + i] = static_cast<std::uint8_t>(h >> (24 - 8 * i));
    }
    return out;
}

std::uint16_t port_of(const Address& address) noexcept {
    const bool ip =
        address.family() == AddressFamily::ipv4 || address.family() == AddressFamily::ipv6;
    return ip && address.port() != 0 ? address.port() : default_coap_port;
}

/// One's-complement sum of 16-bit big-endian words (odd length padded with zero).
struct Checksum {
    std::uint32_t sum = 0;
    void add(gsl::span<const std::uint8_t> bytes) noexcept {
        for (std::size_t i = 0; i < bytes.size(); i += 2) {
            const std::uint32_t high = bytes[i];
            const std::uint32_t low = i + 1 < bytes.size() ? bytes[i + 1] : 0u;
            sum += high << 8 | low;
        }
    }
    void add16(std::uint32_t value) noexcept { sum += value & 0xffffu; }
    std::uint16_t finish() const noexcept {
        std::uint32_t s = sum;
        while (s >> 16)
            s = (s & 0xffffu) + (s >> 16);
        return static_cast<std::uint16_t>(~s & 0xffffu);
    }
};

void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

}  // namespace

bool uses_ipv6(const Address& source, const Address& destination) noexcept {
    return source.family() == AddressFamily::ipv6 || destination.family() == AddressFamily::ipv6;
}

std::size_t ip_udp_overhead(const Address& source, const Address& destination) noexcept {
    return uses_ipv6(source, destination) ? 48 : 28;
}

std::vector<std::byte> ip_udp_packet(const Address& source, const Address& destination,
                                     gsl::span<const std::byte> payload,
                                     std::uint16_t identification) {
    const bool v6 = uses_ipv6(source, destination);
    const std::size_t ip_header = v6 ? 40 : 20;
    const std::size_t udp_length = 8 + payload.size();
    if (udp_length > 0xffff || ip_header + udp_length > (v6 ? 0xffff + 40 : 0xffff))
        throw std::length_error("datagram too large for a UDP packet");

    std::vector<std::uint8_t> p(ip_header + udp_length, 0);
    Checksum udp_sum;
    if (v6) {
        const Ip6 src = ipv6_of(source);
        const Ip6 dst = ipv6_of(destination);
        p[0] = 0x60;
        put16(p, 4, static_cast<std::uint32_t>(udp_length));
        p[6] = 17;  // next header: UDP
        p[7] = 64;  // hop limit
        for (std::size_t i = 0; i < 16; ++i) {
            p[8 + i] = src[i];
            p[24 + i] = dst[i];
        }
        udp_sum.add(src);
        udp_sum.add(dst);
    } else {
        const Ip4 src = ipv4_of(source);
        const Ip4 dst = ipv4_of(destination);
        p[0] = 0x45;
        put16(p, 2, static_cast<std::uint32_t>(ip_header + udp_length));
        put16(p, 4, identification);
        p[6] = 0x40;  // don't fragment
        p[8] = 64;    // TTL
        p[9] = 17;    // protocol: UDP
        for (std::size_t i = 0; i < 4; ++i) {
            p[12 + i] = src[i];
            p[16 + i] = dst[i];
        }
        Checksum header_sum;
        header_sum.add({p.data(), 20});
        put16(p, 10, header_sum.finish());
        udp_sum.add(src);
        udp_sum.add(dst);
    }
    // The pseudo-header's protocol and length, then the UDP header and payload.
    udp_sum.add16(17);
    udp_sum.add16(static_cast<std::uint32_t>(udp_length));
    const std::size_t u = ip_header;
    put16(p, u, port_of(source));
    put16(p, u + 2, port_of(destination));
    put16(p, u + 4, static_cast<std::uint32_t>(udp_length));
    for (std::size_t i = 0; i < payload.size(); ++i)
        p[u + 8 + i] = std::to_integer<std::uint8_t>(payload[i]);
    udp_sum.add({p.data() + u, udp_length});
    const std::uint16_t check = udp_sum.finish();
    put16(p, u + 6, check == 0 ? 0xffffu : check);  // RFC 768: 0 means "none"

    std::vector<std::byte> out(p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
        out[i] = std::byte{p[i]};
    return out;
}

}  // namespace coap::sim
