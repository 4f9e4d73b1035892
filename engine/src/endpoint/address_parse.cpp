// address_parse.cpp — Address::parse: IPv4 dotted decimal and IPv6 (RFC 4291
// §2.2) literals, bracketed or not, with an optional numeric zone. The grammar
// checks are the engine's URI host grammars; this file only converts.
#include "coap/address.hpp"

#include "coap/detail/ascii.hpp"
#include "coap/detail/uri_grammar.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap {
namespace {

/// The four bytes of a text the grammar accepted as IPv4address.
std::array<std::uint8_t, 4> ipv4_bytes(std::string_view text) noexcept {
    std::array<std::uint8_t, 4> out{};
    std::size_t octet = 0;
    unsigned value = 0;
    for (const char c : text) {
        if (c == '.') {
            out[octet++] = static_cast<std::uint8_t>(value);
            value = 0;
        } else {
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
    }
    out[octet] = static_cast<std::uint8_t>(value);
    return out;
}

/// Appends the bytes of `part` (h16 pieces separated by ':', perhaps ending in an
/// IPv4 address) to out[at...]; returns the new end. The grammar has checked it.
std::size_t put_pieces(std::string_view part, std::array<std::uint8_t, 16>& out,
                       std::size_t at) noexcept {
    while (!part.empty()) {
        const std::size_t colon = part.find(':');
        const std::string_view piece = part.substr(0, colon);
        if (piece.find('.') != std::string_view::npos) {
            for (const std::uint8_t b : ipv4_bytes(piece))
                out[at++] = b;
        } else {
            unsigned value = 0;
            for (const char c : piece)
                value = value << 4 | static_cast<unsigned>(detail::hex_value(c));
            out[at++] = static_cast<std::uint8_t>(value >> 8);
            out[at++] = static_cast<std::uint8_t>(value);
        }
        part = colon == std::string_view::npos ? std::string_view{} : part.substr(colon + 1);
    }
    return at;
}

std::optional<std::uint32_t> zone_id(std::string_view zone) noexcept {
    if (zone.empty() || zone.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : zone) {
        if (!detail::is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > 0xffffffffu) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

std::optional<Address> parse_ipv6(std::string_view text, std::uint16_t port) noexcept {
    std::uint32_t scope = 0;
    if (const std::size_t percent = text.find('%'); percent != std::string_view::npos) {
        const auto zone = zone_id(text.substr(percent + 1));
        if (!zone) return std::nullopt;
        scope = *zone;
        text = text.substr(0, percent);
    }
    if (!detail::is_ipv6_address(text)) return std::nullopt;
    std::array<std::uint8_t, 16> ip{};
    const std::size_t gap = text.find("::");
    if (gap == std::string_view::npos) {
        put_pieces(text, ip, 0);
    } else {
        // The tail goes to the end; the zeros of "::" stay between.
        std::array<std::uint8_t, 16> tail{};
        const std::size_t tail_size = put_pieces(text.substr(gap + 2), tail, 0);
        put_pieces(text.substr(0, gap), ip, 0);
        for (std::size_t i = 0; i < tail_size; ++i)
            ip[16 - tail_size + i] = tail[i];
    }
    return Address::ipv6(ip, port, scope);
}

}  // namespace

std::optional<Address> Address::parse(std::string_view host, std::uint16_t port) noexcept {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return parse_ipv6(host.substr(1, host.size() - 2), port);
    if (detail::is_ipv4_address(host)) return Address::ipv4(ipv4_bytes(host), port);
    return parse_ipv6(host, port);
}

}  // namespace coap
