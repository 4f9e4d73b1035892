// block.cpp — BlockValue construction, validation and renegotiation (RFC 7959 §2.2, §2.5).
#include "coap/block.hpp"

namespace coap {

Result<BlockValue, BlockError> BlockValue::make(std::uint32_t num, bool more, std::uint8_t szx,
                                                bool allow_bert) noexcept {
    if (num > max_num) return Err{BlockError::num_too_large};
    if (szx > bert_szx) return Err{BlockError::bad_size};
    if (szx == bert_szx && !allow_bert) return Err{BlockError::reserved_szx};
    return BlockValue(num, more, szx);
}

Result<BlockValue, BlockError> BlockValue::with_size(std::uint32_t num, bool more,
                                                     std::uint32_t size) noexcept {
    const std::optional<std::uint8_t> szx = szx_for_size(size);
    if (!szx) return Err{BlockError::bad_size};
    return make(num, more, *szx);
}

Result<BlockValue, BlockError> BlockValue::from_uint(std::uint32_t value,
                                                     bool allow_bert) noexcept {
    if (value > 0xffffffu) return Err{BlockError::value_too_large};
    return make(value >> 4, (value & 0x8u) != 0, static_cast<std::uint8_t>(value & 0x7u),
                allow_bert);
}

std::optional<BlockValue> BlockValue::resized(std::uint8_t smaller_szx) const noexcept {
    if (is_bert() || smaller_szx >= szx_) return std::nullopt;
    const std::uint64_t num = offset() >> (smaller_szx + 4u);
    if (num > max_num) return std::nullopt;
    return BlockValue(static_cast<std::uint32_t>(num), more_, smaller_szx);
}

std::optional<BlockValue> BlockValue::next() const noexcept {
    if (num_ == max_num) return std::nullopt;
    return BlockValue(num_ + 1, more_, szx_);
}

std::optional<std::uint8_t> szx_for_size(std::uint32_t size) noexcept {
    for (std::uint8_t szx = 0; szx < 7; ++szx) {
        if (size == (1u << (szx + 4u))) return szx;
    }
    return std::nullopt;
}

std::string_view describe(BlockError error) noexcept {
    switch (error) {
        case BlockError::value_too_large:
            return "block option value longer than 3 bytes";
        case BlockError::reserved_szx:
            return "SZX 7 is reserved outside BERT";
        case BlockError::num_too_large:
            return "block number above 2^20-1";
        case BlockError::bad_size:
            return "block size is not a power of two from 16 to 1024";
    }
    return "unknown block error";
}

}  // namespace coap
