// coap/option.hpp — CoAP option numbers, their registry, and option values.
// Owns: the OptionNumber constants, the per-option format/length/repeatability
// table, the §5.4.6 properties derived from the number, and uint value coding.
// Never walks a message (see message.hpp for that).
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

/// An option number. Any 16-bit value is representable; the named ones are
/// registered (RFC 7252 §12.2 and later RFCs).
enum class OptionNumber : std::uint16_t {
    if_match = 1,         // RFC 7252
    uri_host = 3,         // RFC 7252
    etag = 4,             // RFC 7252
    if_none_match = 5,    // RFC 7252
    observe = 6,          // RFC 7641
    uri_port = 7,         // RFC 7252
    location_path = 8,    // RFC 7252
    oscore = 9,           // RFC 8613
    uri_path = 11,        // RFC 7252
    content_format = 12,  // RFC 7252
    max_age = 14,         // RFC 7252
    uri_query = 15,       // RFC 7252
    hop_limit = 16,       // RFC 8768
    accept = 17,          // RFC 7252
    q_block1 = 19,        // RFC 9177
    location_query = 20,  // RFC 7252
    edhoc = 21,           // RFC 9668
    block2 = 23,          // RFC 7959
    block1 = 27,          // RFC 7959
    size2 = 28,           // RFC 7959
    q_block2 = 31,        // RFC 9177
    proxy_uri = 35,       // RFC 7252
    proxy_scheme = 39,    // RFC 7252
    size1 = 60,           // RFC 7252
    echo = 252,           // RFC 9175
    no_response = 258,    // RFC 7967
    request_tag = 292,    // RFC 9175
};

constexpr std::uint16_t to_underlying(OptionNumber number) noexcept {
    return static_cast<std::uint16_t>(number);
}

// Properties derived from the number alone (RFC 7252 §5.4.6).
/// Odd numbers are critical: an unrecognised critical option must not be ignored.
constexpr bool is_critical(OptionNumber n) noexcept {
    return (to_underlying(n) & 0x01u) != 0;
}
constexpr bool is_elective(OptionNumber n) noexcept {
    return !is_critical(n);
}
/// Unsafe-to-forward: a proxy that does not understand it must not forward it.
constexpr bool is_unsafe(OptionNumber n) noexcept {
    return (to_underlying(n) & 0x02u) != 0;
}
constexpr bool is_safe_to_forward(OptionNumber n) noexcept {
    return !is_unsafe(n);
}
/// NoCacheKey: only meaningful for safe-to-forward options (bits 0x1e == 0x1c).
constexpr bool is_no_cache_key(OptionNumber n) noexcept {
    return (to_underlying(n) & 0x1eu) == 0x1cu;
}

/// How an option's value is interpreted (RFC 7252 §3.2).
enum class OptionFormat : std::uint8_t { empty, opaque, uint, string };

std::string_view format_name(OptionFormat format) noexcept;

/// One row of the option registry.
struct OptionInfo {
    OptionNumber number;
    std::string_view name;
    OptionFormat format;
    std::uint16_t min_length;
    std::uint16_t max_length;
    bool repeatable;

    constexpr bool length_ok(std::size_t length) const noexcept {
        return length >= min_length && length <= max_length;
    }
};

/// The registry row for `number`, or nullptr when cobalt does not know it.
const OptionInfo* find_option_info(OptionNumber number) noexcept;

/// The whole registry, ascending by number.
gsl::span<const OptionInfo> option_registry() noexcept;

/// Looks an option up by its registered name, case-insensitively ("Uri-Path").
const OptionInfo* find_option_info(std::string_view name) noexcept;

/// Decodes an unsigned integer option value (network byte order, 0–4 bytes;
/// leading zero bytes are accepted). nullopt when the value is longer than 4 bytes.
constexpr std::optional<std::uint32_t> decode_uint(gsl::span<const std::byte> value) noexcept {
    if (value.size() > 4) return std::nullopt;
    std::uint32_t result = 0;
    for (std::byte b : value)
        result = (result << 8) | std::to_integer<std::uint32_t>(b);
    return result;
}

/// The minimal encoding of an unsigned integer option value (0 encodes as zero bytes).
struct EncodedUint {
    std::array<std::byte, 4> bytes{};
    std::uint8_t length = 0;

    gsl::span<const std::byte> view() const noexcept { return {bytes.data(), length}; }
};

constexpr EncodedUint encode_uint(std::uint32_t value) noexcept {
    EncodedUint out;
    std::uint8_t length = value == 0           ? 0
                          : value < 0x100u     ? 1
                          : value < 0x10000u   ? 2
                          : value < 0x1000000u ? 3
                                               : 4;
    out.length = length;
    for (std::uint8_t i = 0; i < length; ++i) {
        out.bytes[length - 1u - i] = static_cast<std::byte>((value >> (8u * i)) & 0xffu);
    }
    return out;
}

/// One option as it appears in a message: its number and raw value bytes.
struct OptionView {
    OptionNumber number;
    gsl::span<const std::byte> value;

    std::optional<std::uint32_t> as_uint() const noexcept { return decode_uint(value); }
    std::string_view as_string() const noexcept {
        return {reinterpret_cast<const char*>(value.data()), value.size()};
    }
    /// True when the registry knows this number and the value length is in range.
    bool well_formed() const noexcept {
        const OptionInfo* info = find_option_info(number);
        return info != nullptr && info->length_ok(value.size());
    }
};

}  // namespace coap
