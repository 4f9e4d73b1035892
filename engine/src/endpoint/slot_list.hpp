// slot_list.hpp — FreeList: the free slots of a fixed table, as a stack of
// indices. Owns nothing else. Carved once from the Endpoint's Arena; push and
// pop never allocate.
#pragma once

#include "arena.hpp"

#include <cstdint>

namespace coap::detail {

/// Names no slot of any table (an empty link, a missing owner).
inline constexpr std::uint32_t no_slot = 0xffffffffu;

class FreeList {
  public:
    void init(Arena& arena, std::uint32_t count) {
        free_.reset(arena.take<std::uint32_t>(count));
        for (auto i = static_cast<std::uint32_t>(free_.capacity()); i > 0; --i)
            free_.push_back(i - 1);
        capacity_ = count;
    }
    bool empty() const noexcept { return free_.empty(); }
    std::uint32_t pop() noexcept {
        const std::uint32_t slot = free_.back();
        free_.pop_back();
        return slot;
    }
    void push(std::uint32_t slot) noexcept { free_.push_back(slot); }
    std::uint32_t in_use() const noexcept {
        return capacity_ - static_cast<std::uint32_t>(free_.size());
    }

  private:
    FixedVector<std::uint32_t> free_;
    std::uint32_t capacity_ = 0;
};

/// The free slots of a fixed table in first-in, first-out order: a freed slot
/// is reused as late as possible, which keeps stale handles stale for longest.
class FreeQueue {
  public:
    void init(Arena& arena, std::uint32_t count) {
        ring_ = arena.take<std::uint32_t>(count);
        for (std::uint32_t i = 0; i < ring_.size(); ++i)
            ring_[i] = i;
        head_ = 0;
        size_ = static_cast<std::uint32_t>(ring_.size());
    }
    bool empty() const noexcept { return size_ == 0; }
    std::uint32_t pop() noexcept {
        const std::uint32_t slot = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --size_;
        return slot;
    }
    void push(std::uint32_t slot) noexcept {
        ring_[(head_ + size_) % ring_.size()] = slot;
        ++size_;
    }
    std::uint32_t in_use() const noexcept {
        return static_cast<std::uint32_t>(ring_.size()) - size_;
    }

  private:
    FixedArray<std::uint32_t> ring_;
    std::size_t head_ = 0;
    std::uint32_t size_ = 0;
};

}  // namespace coap::detail
