// coap/udp/socket_address.hpp — conversions between coap::Address and the
// socket API's sockaddr. Owns only the conversion rules: an IPv4-mapped IPv6
// address (a dual-stack socket's IPv4 peer) becomes an IPv4 Address, and an
// IPv4 Address sent through an IPv6 socket becomes IPv4-mapped.
#pragma once

#include "coap/address.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>

namespace coap::udp {

/// A socket address with its length, ready for sendto/bind. Room for an
/// AF_INET or AF_INET6 address, the only families a UDP socket here uses
/// (28 bytes, not sockaddr_storage's 128: one is built for every send).
struct SocketAddress {
    sockaddr_in6 storage{};
    socklen_t length = 0;
    const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// `address` as a sockaddr of `family` (AF_INET or AF_INET6); nullopt when it
/// cannot be expressed in that family (an IPv6 address on an IPv4 socket, opaque).
std::optional<SocketAddress> to_socket_address(const Address& address, int family) noexcept;

/// The Address a sockaddr names (IPv4-mapped IPv6 unmapped); nullopt for other families.
std::optional<Address> from_socket_address(const sockaddr* address, socklen_t length) noexcept;

/// IPv4-mapped IPv6 (::ffff:a.b.c.d) as IPv4; any other address unchanged.
Address unmapped(const Address& address) noexcept;

}  // namespace coap::udp
