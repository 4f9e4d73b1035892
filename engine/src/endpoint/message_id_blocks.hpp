// message_id_blocks.hpp — MessageIdBlocks: one peer's message ID counter with the
// RFC 7252 §4.4 rule that an ID is not reused with that peer within
// EXCHANGE_LIFETIME. The 65536 IDs are split into 16 blocks of 4096; each block
// remembers when it last issued an ID, and the counter may only enter a block
// whose last ID is at least a lifetime old. That costs 136 bytes per peer and
// allows about 61,000 messages per lifetime (some 248 per second with the
// default parameters) before a sender has to wait.
#pragma once

#include "coap/time.hpp"

#include <array>
#include <cstdint>

namespace coap::detail {

class MessageIdBlocks {
  public:
    static constexpr unsigned block_bits = 12;
    static constexpr std::size_t block_count = 65536u >> block_bits;

    /// Starts at `first` (random, so that a restarted or evicted peer state is
    /// unlikely to replay recent IDs) with every block unused.
    void reset(std::uint16_t first) noexcept {
        next_ = first;
        used_ = 0;
        current_ = no_block;
    }

    /// When the next ID may be issued without reuse within `lifetime`: `now` or
    /// earlier when it may go now.
    Instant available_at(Duration lifetime) const noexcept {
        const unsigned block = block_of(next_);
        if (block == current_ || (used_ & (1u << block)) == 0) return Instant::min();
        return last_issued_[block] + lifetime;
    }

    /// Issues the next ID. Callers that can wait check available_at() first;
    /// the others (responses and notifications, which cannot be held back) count
    /// an early reuse themselves.
    std::uint16_t issue(Instant now) noexcept {
        const std::uint16_t id = next_++;
        const unsigned block = block_of(id);
        current_ = block;
        const std::uint16_t used_before = used_;
        used_ = static_cast<std::uint16_t>(used_ | (1u << block));
        if (now > last_issued_[block] || (used_before & (1u << block)) == 0)
            last_issued_[block] = now;
        return id;
    }

    std::uint16_t next() const noexcept { return next_; }

  private:
    static constexpr unsigned no_block = block_count;
    static unsigned block_of(std::uint16_t id) noexcept { return id >> block_bits; }

    std::array<Instant, block_count> last_issued_{};
    std::uint16_t next_ = 0;
    std::uint16_t used_ = 0;       ///< bit b: block b has issued an ID
    unsigned current_ = no_block;  ///< the block of the last ID issued
};

}  // namespace coap::detail
