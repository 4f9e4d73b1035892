// coap/etag.hpp — an entity tag (RFC 7252 §5.10.6): 1 to 8 opaque bytes, held by value.
// Owns storage and comparison; no allocation.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap {

class ETag {
  public:
    static constexpr std::size_t max_length = 8;

    /// nullopt unless 1 <= bytes.size() <= 8.
    static std::optional<ETag> from_bytes(gsl::span<const std::byte> bytes) noexcept {
        if (bytes.empty() || bytes.size() > max_length) return std::nullopt;
        ETag tag;
        std::copy(bytes.begin(), bytes.end(), tag.bytes_.begin());
        tag.length_ = static_cast<std::uint8_t>(bytes.size());
        return tag;
    }
    /// The shortest ETag that carries `value` (at least one byte): handy for versions.
    static ETag from_uint64(std::uint64_t value) noexcept {
        ETag tag;
        std::uint8_t length = 1;
        while (length < max_length && (value >> (8u * length)) != 0)
            ++length;
        for (std::uint8_t i = 0; i < length; ++i) {
            tag.bytes_[length - 1u - i] = static_cast<std::byte>((value >> (8u * i)) & 0xffu);
        }
        tag.length_ = length;
        return tag;
    }

    gsl::span<const std::byte> bytes() const noexcept { return {bytes_.data(), length_}; }
    std::size_t size() const noexcept { return length_; }

    friend bool operator==(const ETag& a, const ETag& b) noexcept {
        return a.length_ == b.length_ &&
               std::equal(a.bytes_.begin(), a.bytes_.begin() + a.length_, b.bytes_.begin());
    }

  private:
    ETag() noexcept = default;
    std::array<std::byte, max_length> bytes_{};
    std::uint8_t length_ = 0;
};

}  // namespace coap
