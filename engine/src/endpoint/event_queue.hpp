// event_queue.hpp — EventQueue: events waiting for poll_event, in order, each
// with its own copy of the message it reports. Owns the validity rule of event
// views: the slot of the most recently polled event is never reused before the
// next poll, because the ring has one slot more than its capacity.
#pragma once

#include "arena.hpp"
#include "coap/endpoint_event.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstring>
#include <optional>

namespace coap::detail {

class EventQueue {
  public:
    void init(Arena& arena, std::size_t capacity, std::size_t message_size) {
        capacity_ = capacity;
        events_ = arena.take<Event>(capacity + 1);
        lengths_ = arena.take<std::size_t>(capacity + 1);
        bytes_ = arena.take<std::byte>((capacity + 1) * message_size);
        message_size_ = message_size;
        head_ = count_ = 0;
    }
    bool full() const noexcept { return count_ == capacity_; }
    std::size_t size() const noexcept { return count_; }

    /// Queues `event`; when `message` is not empty it is copied in and
    /// event.message is made to view the copy. False when full or too large.
    bool push(const Event& event, gsl::span<const std::byte> message = {}) noexcept {
        if (full() || message.size() > message_size_) return false;
        const std::size_t slot = (head_ + count_) % events_.size();
        events_[slot] = event;
        lengths_[slot] = message.size();
        if (!message.empty())
            std::memcpy(bytes_.data() + slot * message_size_, message.data(), message.size());
        ++count_;
        return true;
    }

    std::optional<Event> pop() noexcept {
        if (count_ == 0) return std::nullopt;
        const std::size_t slot = head_;
        head_ = (head_ + 1) % events_.size();
        --count_;
        Event event = events_[slot];
        if (lengths_[slot] != 0) {
            // The copy was validated when it was received; parsing again only
            // rebases the view onto the stored bytes.
            auto view = MessageView::parse({bytes_.data() + slot * message_size_, lengths_[slot]});
            if (view) event.message = *view;
        }
        return event;
    }

  private:
    FixedArray<Event> events_;
    FixedArray<std::size_t> lengths_;
    FixedArray<std::byte> bytes_;
    std::size_t capacity_ = 0;
    std::size_t message_size_ = 0;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace coap::detail
