// datagram_queue.hpp — DatagramQueue: datagrams waiting for poll_transmit, in
// order. Owns a ring of fixed-size buffers, carved from the Endpoint's Arena;
// a datagram is copied in once (or written in place: reserve/commit) and
// copied out once. Fixed capacity; push
// reports a full queue.
#pragma once

#include "arena.hpp"
#include "coap/address.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace coap::detail {

class DatagramQueue {
  public:
    void init(Arena& arena, std::size_t capacity, std::size_t datagram_size) {
        entries_ = arena.take<Entry>(capacity);
        bytes_ = arena.take<std::byte>(capacity * datagram_size);
        datagram_size_ = datagram_size;
        head_ = count_ = 0;
    }
    bool full() const noexcept { return count_ == entries_.size(); }
    bool empty() const noexcept { return count_ == 0; }
    std::size_t size() const noexcept { return count_; }

    /// Copies `datagram` in; false when the queue is full.
    bool push(const Address& peer, gsl::span<const std::byte> datagram) noexcept {
        if (full() || datagram.size() > datagram_size_) return false;
        const std::size_t slot = (head_ + count_) % entries_.size();
        entries_[slot] = Entry{peer, datagram.size()};
        if (!datagram.empty())
            std::memcpy(bytes_.data() + slot * datagram_size_, datagram.data(), datagram.size());
        ++count_;
        return true;
    }

    /// Room for the next datagram, to be written in place and then queued by
    /// commit() (no copy); empty when the queue is full. Valid until the next
    /// push() or commit().
    gsl::span<std::byte> reserve() noexcept {
        if (full()) return {};
        const std::size_t slot = (head_ + count_) % entries_.size();
        return {bytes_.data() + slot * datagram_size_, datagram_size_};
    }
    /// Queues the first `length` bytes of reserve() for `peer`.
    bool commit(const Address& peer, std::size_t length) noexcept {
        if (full() || length > datagram_size_) return false;
        entries_[(head_ + count_) % entries_.size()] = Entry{peer, length};
        ++count_;
        return true;
    }

    struct Front {
        const Address& peer;
        gsl::span<const std::byte> bytes;
    };
    Front front() const noexcept {
        return {entries_[head_].peer,
                {bytes_.data() + head_ * datagram_size_, entries_[head_].length}};
    }
    void pop() noexcept {
        head_ = (head_ + 1) % entries_.size();
        --count_;
    }

  private:
    struct Entry {
        Address peer;
        std::size_t length = 0;
    };
    FixedArray<Entry> entries_;
    FixedArray<std::byte> bytes_;
    std::size_t datagram_size_ = 0;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace coap::detail
