// event_queue.hpp — EventQueue: events waiting for poll_event, in order, each
// with its own copy of the message it reports. Owns the validity rule of event
// views: the message of the most recently polled event is copied aside when it
// is polled, and stays there until the next poll, whatever is queued meanwhile.
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
        events_ = arena.take<Event>(capacity);
        lengths_ = arena.take<std::uint32_t>(capacity);
        bytes_ = arena.take<std::byte>(capacity * message_size);
        polled_ = arena.take<std::byte>(message_size);
        message_size_ = message_size;
        head_ = count_ = 0;
    }
    bool full() const noexcept { return count_ == events_.size(); }
    std::size_t size() const noexcept { return count_; }

    /// Queues `event`; when `message` is not empty it is copied in and
    /// event.message is made to view the copy. False when full or too large.
    bool push(const Event& event, gsl::span<const std::byte> message = {}) noexcept {
        if (full() || message.size() > message_size_) return false;
        const std::size_t slot = (head_ + count_) % events_.size();
        events_[slot] = event;
        lengths_[slot] = static_cast<std::uint32_t>(message.size());
        if (!message.empty())
            std::memcpy(bytes_.data() + slot * message_size_, message.data(), message.size());
        ++count_;
        return true;
    }

    /// The oldest event; its message views a copy that stays valid until the
    /// next pop(), so that its slot can take a new event at once.
    std::optional<Event> pop() noexcept {
        if (count_ == 0) return std::nullopt;
        const std::size_t slot = head_;
        head_ = (head_ + 1) % events_.size();
        --count_;
        Event event = events_[slot];
        if (lengths_[slot] != 0) {
            std::memcpy(polled_.data(), bytes_.data() + slot * message_size_, lengths_[slot]);
            // The copy was validated when it was received; parsing again only
            // rebases the view onto the polled bytes.
            auto view = MessageView::parse({polled_.data(), lengths_[slot]});
            if (view) event.message = *view;
        }
        return event;
    }

  private:
    FixedArray<Event> events_;
    FixedArray<std::uint32_t> lengths_;
    FixedArray<std::byte> bytes_;
    FixedArray<std::byte> polled_;  ///< the message of the event polled last
    std::size_t message_size_ = 0;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace coap::detail
