// message_id_blocks.hpp — MessageIdBlocks: one peer's message ID counter with the
// RFC 7252 §4.4 rule that an ID is not reused with that peer within
// EXCHANGE_LIFETIME. The 65536 IDs are split into 16 blocks of 4096; each block
// remembers when it last issued an ID, and the counter may only enter a block
// whose last ID is at least a lifetime old. That costs 80 bytes per peer and
// allows about 61,000 messages per lifetime (some 248 per second with the
// default parameters) before a sender has to wait. The times count ticks of
// 1.024 s since the peer's state began, rounded up, so that a block is never
// free early (at most a tick late), each takes 4 bytes, not 8, and no division
// is needed (a microcontroller has no 64-bit divide).
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
    /// unlikely to replay recent IDs) with every block unused; `now` is the
    /// origin of the block times.
    void reset(std::uint16_t first, Instant now) noexcept {
        next_ = first;
        used_ = 0;
        current_ = no_block;
        origin_ = now;
    }

    /// When the next ID may be issued without reuse within `lifetime`: `now` or
    /// earlier when it may go now.
    Instant available_at(Duration lifetime) const noexcept {
        const unsigned block = block_of(next_);
        if (block == current_ || (used_ & (1u << block)) == 0) return Instant::min();
        return origin_ + Duration{std::int64_t{last_issued_[block]} << tick_bits} + lifetime;
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
        const std::uint32_t at = ticks_after_origin(now);
        if (at > last_issued_[block] || (used_before & (1u << block)) == 0)
            last_issued_[block] = at;
        return id;
    }

    std::uint16_t next() const noexcept { return next_; }

  private:
    static constexpr unsigned no_block = block_count;
    static unsigned block_of(std::uint16_t id) noexcept { return id >> block_bits; }
    /// Whole ticks from the origin to `now`, rounded up (0 before the origin,
    /// and at most 2^32 − 1: 139 years).
    std::uint32_t ticks_after_origin(Instant now) const noexcept {
        if (now <= origin_) return 0;
        const std::uint64_t ms =
            static_cast<std::uint64_t>(now.ms) - static_cast<std::uint64_t>(origin_.ms);
        const std::uint64_t ticks = (ms >> tick_bits) + ((ms & tick_mask) != 0 ? 1 : 0);
        return ticks > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(ticks);
    }

    static constexpr unsigned tick_bits = 10;  ///< a tick is 1024 ms
    static constexpr std::uint64_t tick_mask = (std::uint64_t{1} << tick_bits) - 1;

    std::array<std::uint32_t, block_count> last_issued_{};  ///< ticks after origin_, rounded up
    Instant origin_{};
    std::uint16_t next_ = 0;
    std::uint16_t used_ = 0;       ///< bit b: block b has issued an ID
    unsigned current_ = no_block;  ///< the block of the last ID issued
};

}  // namespace coap::detail
