// ip_packet.hpp — synthesized IPv4/IPv6 + UDP packets around a CoAP datagram,
// for the pcap export and the MTU check. Owns the mapping of any Address to an
// IP address and port (opaque: a stable address derived from its bytes; port
// 0 or opaque: 5683) and the header checksums. Knows nothing of sockets.
#pragma once

#include "coap/address.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace coap::sim {

inline constexpr std::uint16_t default_coap_port = 5683;

/// True when the packet between these addresses gets an IPv6 header.
bool uses_ipv6(const Address& source, const Address& destination) noexcept;

/// IP plus UDP header bytes: 28 for IPv4, 48 for IPv6.
std::size_t ip_udp_overhead(const Address& source, const Address& destination) noexcept;

/// The IPv4 or IPv6 packet, with UDP header, carrying `payload`. `identification`
/// fills the IPv4 identification field.
std::vector<std::byte> ip_udp_packet(const Address& source, const Address& destination,
                                     gsl::span<const std::byte> payload,
                                     std::uint16_t identification);

}  // namespace coap::sim
