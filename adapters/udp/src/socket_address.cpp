// socket_address.cpp — Address <-> sockaddr (see socket_address.hpp).
#include "coap/udp/socket_address.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace coap::udp {
namespace {

bool is_mapped(gsl::span<const std::uint8_t> ip) noexcept {
    static constexpr std::array<std::uint8_t, 12> prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return ip.size() == 16 && std::equal(prefix.begin(), prefix.end(), ip.begin());
}

}  // namespace

Address unmapped(const Address& address) noexcept {
    if (address.family() != AddressFamily::ipv6 || !is_mapped(address.bytes())) return address;
    const auto ip = address.bytes();
    return Address::ipv4({ip[12], ip[13], ip[14], ip[15]}, address.port());
}

std::optional<SocketAddress> to_socket_address(const Address& address, int family) noexcept {
    SocketAddress out;
    const auto ip = address.bytes();
    if (family == AF_INET) {
        if (address.family() != AddressFamily::ipv4) return std::nullopt;
        sockaddr_in v4{};
        v4.sin_family = AF_INET;
        v4.sin_port = htons(address.port());
        std::memcpy(&v4.sin_addr, ip.data(), 4);
        std::memcpy(&out.storage, &v4, sizeof v4);
        out.length = sizeof v4;
        return out;
    }
    if (family != AF_INET6) return std::nullopt;
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(address.port());
    if (address.family() == AddressFamily::ipv4) {
        v6.sin6_addr.s6_addr[10] = 0xff;
        v6.sin6_addr.s6_addr[11] = 0xff;
        std::memcpy(&v6.sin6_addr.s6_addr[12], ip.data(), 4);
    } else if (address.family() == AddressFamily::ipv6) {
        std::memcpy(&v6.sin6_addr, ip.data(), 16);
        v6.sin6_scope_id = address.scope_id();
    } else {
        return std::nullopt;
    }
    std::memcpy(&out.storage, &v6, sizeof v6);
    out.length = sizeof v6;
    return out;
}

std::optional<Address> from_socket_address(const sockaddr* address, socklen_t length) noexcept {
    if (address == nullptr) return std::nullopt;
    if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        sockaddr_in v4{};
        std::memcpy(&v4, address, sizeof v4);
        std::array<std::uint8_t, 4> ip{};
        std::memcpy(ip.data(), &v4.sin_addr, 4);
        return Address::ipv4(ip, ntohs(v4.sin_port));
    }
    if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, address, sizeof v6);
        std::array<std::uint8_t, 16> ip{};
        std::memcpy(ip.data(), &v6.sin6_addr, 16);
        return unmapped(Address::ipv6(ip, ntohs(v6.sin6_port), v6.sin6_scope_id));
    }
    return std::nullopt;
}

}  // namespace coap::udp
