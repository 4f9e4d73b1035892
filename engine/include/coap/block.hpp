// coap/block.hpp — the Block1/Block2 option value (RFC 7959 §2.2; BERT per RFC 8323 §6).
// Owns NUM/M/SZX packing, size arithmetic and validation; never touches messages.
#pragma once

#include "coap/result.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

enum class BlockError : std::uint8_t {
    value_too_large,  ///< more than 3 bytes: NUM would exceed 2^20 - 1
    reserved_szx,     ///< SZX 7 outside a reliable transport (BERT)
    num_too_large,    ///< NUM above 2^20 - 1
    bad_size,         ///< a block size that is not 16, 32, ..., 1024
};

std::string_view describe(BlockError error) noexcept;

class BlockValue {
  public:
    static constexpr std::uint32_t max_num = (1u << 20) - 1;
    static constexpr std::uint8_t bert_szx = 7;

    constexpr BlockValue() noexcept = default;

    /// Builds NUM/M/SZX; fails for NUM above 2^20-1 or SZX 7 unless `allow_bert`.
    static Result<BlockValue, BlockError> make(std::uint32_t num, bool more, std::uint8_t szx,
                                               bool allow_bert = false) noexcept;
    /// Builds from a block size in bytes (16, 32, ..., 1024).
    static Result<BlockValue, BlockError> with_size(std::uint32_t num, bool more,
                                                    std::uint32_t size) noexcept;
    /// Decodes an option's uint value (0–3 bytes on the wire).
    static Result<BlockValue, BlockError> from_uint(std::uint32_t value,
                                                    bool allow_bert = false) noexcept;

    constexpr std::uint32_t num() const noexcept { return num_; }
    constexpr bool more() const noexcept { return more_; }
    constexpr std::uint8_t szx() const noexcept { return szx_; }
    constexpr bool is_bert() const noexcept { return szx_ == bert_szx; }
    /// Block size in bytes: 2^(SZX+4); BERT blocks are 1024 bytes each.
    constexpr std::uint32_t size() const noexcept { return 1u << ((is_bert() ? 6u : szx_) + 4u); }
    /// Byte offset of this block in the body (NUM * size).
    constexpr std::uint64_t offset() const noexcept { return std::uint64_t{num_} * size(); }
    /// The option value to write: NUM << 4 | M << 3 | SZX.
    constexpr std::uint32_t to_uint() const noexcept {
        return (num_ << 4) | (more_ ? 0x8u : 0u) | szx_;
    }

    /// The same body offset expressed with a smaller SZX (late negotiation, §2.5);
    /// nullopt when `smaller_szx` is not smaller or NUM would overflow.
    std::optional<BlockValue> resized(std::uint8_t smaller_szx) const noexcept;
    /// The block that follows this one (NUM + 1), nullopt at NUM 2^20-1.
    std::optional<BlockValue> next() const noexcept;

    friend constexpr bool operator==(const BlockValue&, const BlockValue&) noexcept = default;

  private:
    constexpr BlockValue(std::uint32_t num, bool more, std::uint8_t szx) noexcept
        : num_(num), more_(more), szx_(szx) {}

    std::uint32_t num_ = 0;
    bool more_ = false;
    std::uint8_t szx_ = 0;
};

/// SZX for a size in bytes (16..1024, powers of two), nullopt otherwise.
std::optional<std::uint8_t> szx_for_size(std::uint32_t size) noexcept;

}  // namespace coap
