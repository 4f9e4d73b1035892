// coap/address.hpp — Address: an opaque, hashable, printable peer address.
// Owns the value type the engine uses to tell peers apart. Adapters create it
// (IPv4 or IPv6 with port and scope, or any transport's identifying bytes);
// the engine only compares, hashes, prints and asks is_multicast(). Fixed size,
// never allocates.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace coap {

enum class AddressFamily : std::uint8_t { none, ipv4, ipv6, opaque };

/// Text form of an Address, held in place ("192.0.2.1:5683", "[ff02::fd%3]:5683",
/// "opaque:0a0b…").
struct AddressText {
    std::array<char, 80> chars{};
    std::size_t size = 0;
    std::string_view view() const noexcept { return {chars.data(), size}; }
};

class Address {
  public:
    /// Bytes an address holds: an IPv6 address, or a transport's own
    /// identifier. 24 hosted (room for longer identifiers); 16 in the embedded
    /// profile, where an Address is 24 bytes instead of 32 and every exchange,
    /// dedup entry, queued datagram and event holds one.
#if defined(COAP_EMBEDDED) && COAP_EMBEDDED
    static constexpr std::size_t max_opaque_size = 16;
#else
    static constexpr std::size_t max_opaque_size = 24;
#endif

    constexpr Address() noexcept = default;

    static Address ipv4(std::array<std::uint8_t, 4> ip, std::uint16_t port) noexcept;
    static Address ipv6(std::array<std::uint8_t, 16> ip, std::uint16_t port,
                        std::uint32_t scope_id = 0) noexcept;
    /// Any transport's identifying bytes; at most max_opaque_size (longer input is
    /// a contract violation).
    static Address opaque(gsl::span<const std::byte> bytes) noexcept;
    /// The address an IP literal spells, with `port`: IPv4 dotted decimal
    /// ("192.0.2.1", four decimal octets without leading zeros) or IPv6 in any
    /// RFC 4291 §2.2 form ("2001:db8::1", "::", "::ffff:192.0.2.1"), optionally
    /// bracketed ("[::1]") and with a numeric zone ("fe80::1%3", scope id 3).
    /// nullopt for anything else (names, named zones, bracketed IPv4).
    static std::optional<Address> parse(std::string_view host, std::uint16_t port = 0) noexcept;
    /// This address with another port.
    Address with_port(std::uint16_t port) const noexcept {
        Address copy = *this;
        copy.port_ = port;
        return copy;
    }

    AddressFamily family() const noexcept {
        return family_;
    }
    /// 4 bytes for IPv4, 16 for IPv6, the bytes given for opaque, none for none.
    gsl::span<const std::uint8_t> bytes() const noexcept {
        return {bytes_.data(), length_};
    }
    std::uint16_t port() const noexcept {
        return port_;
    }
    std::uint32_t scope_id() const noexcept {
        return scope_id_;
    }

    /// 224.0.0.0/4 or ff00::/8.
    bool is_multicast() const noexcept;
    std::size_t hash() const noexcept;
    AddressText text() const noexcept;

    friend bool operator==(const Address& a, const Address& b) noexcept;

  private:
    std::array<std::uint8_t, max_opaque_size> bytes_{};
    std::uint32_t scope_id_ = 0;
    std::uint16_t port_ = 0;
    std::uint8_t length_ = 0;
    AddressFamily family_ = AddressFamily::none;
};

}  // namespace coap

template <>
struct std::hash<coap::Address> {
    std::size_t operator()(const coap::Address& address) const noexcept { return address.hash(); }
};
