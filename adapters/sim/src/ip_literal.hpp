// ip_literal.hpp — IP address literals as text to Address: IPv4 dotted decimal
// and IPv6 (RFC 4291 §2.2 text, with or without brackets, an optional numeric
// zone "%3"), for Port::resolve. Owns the parsing only; knows no names.
#pragma once

#include "coap/address.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace coap::sim {

/// The address `host` spells, with `port`; nullopt when it is not an IP literal.
/// An IPv4 literal must not be bracketed; an IPv6 one may be ("[::1]" or "::1").
std::optional<Address> parse_ip_literal(std::string_view host, std::uint16_t port) noexcept;

}  // namespace coap::sim
