// option_header.hpp — encoding and decoding of the option header (delta and
// length nibbles with their 1- or 2-byte extensions, RFC 7252 §3.1).
// A detail header: shared by MessageView, OptionIterator (inline, for speed) and
// MessageWriter. Not part of the supported API.
#pragma once

#include <cstddef>
#include <cstdint>

// The option walk is the hottest loop of the codec: its two steps are inlined even
// at -O2, where GCC otherwise keeps the iterator in memory across a call.
#if defined(__GNUC__) || defined(__clang__)
#define COAP_ALWAYS_INLINE [[gnu::always_inline]] inline
#else
#define COAP_ALWAYS_INLINE inline
#endif

namespace coap::detail {

inline constexpr std::uint32_t max_extended = 65535u + 269u;  // largest delta/length

/// Bytes a nibble needs after the first header byte: 0, 1 or 2.
constexpr std::size_t extension_size(std::uint32_t value) noexcept {
    return value < 13 ? 0 : value < 269 ? 1 : 2;
}

constexpr std::size_t option_header_size(std::uint32_t delta, std::uint32_t length) noexcept {
    return 1 + extension_size(delta) + extension_size(length);
}

constexpr std::uint8_t nibble_for(std::uint32_t value) noexcept {
    return static_cast<std::uint8_t>(value < 13 ? value : value < 269 ? 13 : 14);
}

inline std::byte* write_extension(std::byte* out, std::uint32_t value) noexcept {
    if (value >= 269) {
        std::uint32_t v = value - 269;
        *out++ = static_cast<std::byte>(v >> 8);
        *out++ = static_cast<std::byte>(v & 0xffu);
    } else if (value >= 13) {
        *out++ = static_cast<std::byte>(value - 13);
    }
    return out;
}

/// Writes the header for (delta, length) at `out`; returns one past its last byte.
/// Both values must be at most max_extended.
inline std::byte* write_option_header(std::byte* out, std::uint32_t delta,
                                      std::uint32_t length) noexcept {
    *out++ = static_cast<std::byte>((nibble_for(delta) << 4) | nibble_for(length));
    out = write_extension(out, delta);
    return write_extension(out, length);
}

struct DecodedHeader {
    std::uint32_t delta;
    std::uint32_t length;
    std::size_t header_size;
};

/// Decodes a header known to be well formed (already validated by parse).
COAP_ALWAYS_INLINE DecodedHeader decode_valid_option_header(const std::byte* p) noexcept {
    const auto first = std::to_integer<std::uint32_t>(p[0]);
    if (first < 0xd0u && (first & 0x0fu) < 13u)
        return {first >> 4, first & 0x0fu, 1};  // the common case
    std::size_t pos = 1;
    auto extend = [&](std::uint32_t nibble) noexcept {
        if (nibble == 13) return std::to_integer<std::uint32_t>(p[pos++]) + 13u;
        if (nibble == 14) {
            std::uint32_t v = (std::to_integer<std::uint32_t>(p[pos]) << 8) |
                              std::to_integer<std::uint32_t>(p[pos + 1]);
            pos += 2;
            return v + 269u;
        }
        return nibble;
    };
    const std::uint32_t delta = extend(first >> 4);
    const std::uint32_t length = extend(first & 0x0fu);
    return {delta, length, pos};
}

}  // namespace coap::detail
