// reply_store.cpp — ReplyStore ring placement, FIFO dropping and record headers.
#include "reply_store.hpp"

#include <gsl/assert>

#include <algorithm>
#include <cstring>

namespace coap::detail {
namespace {

struct Header {
    std::uint32_t sequence;
    std::uint32_t owner;
    std::uint16_t length;
};

Header read_header(const std::byte* at) noexcept {
    Header h{};
    std::memcpy(&h.sequence, at, 4);
    std::memcpy(&h.owner, at + 4, 4);
    std::memcpy(&h.length, at + 8, 2);
    return h;
}

void write_header(std::byte* at, const Header& h) noexcept {
    std::memcpy(at, &h.sequence, 4);
    std::memcpy(at + 4, &h.owner, 4);
    std::memcpy(at + 8, &h.length, 2);
}

}  // namespace

void ReplyStore::init(Arena& arena, std::size_t capacity_bytes) {
    ring_ = arena.take<std::byte>(std::min<std::size_t>(capacity_bytes, 0xffffffffu));
    head_ = tail_ = end_ = 0;
    wrapped_ = false;
    count_ = 0;
    oldest_sequence_ = 0;
}

gsl::span<const std::byte> ReplyStore::get(const ReplyRef& ref) const noexcept {
    if (!contains(ref)) return {};
    const Header h = read_header(ring_.data() + ref.offset);
    if (h.sequence != ref.sequence || h.length != ref.length) return {};
    return {ring_.data() + ref.offset + header_size, ref.length};
}

std::size_t ReplyStore::used() const noexcept {
    if (count_ == 0) return 0;
    if (!wrapped_) return head_ - tail_;
    return (ring_.size() - tail_) + head_;
}

std::optional<std::uint32_t> ReplyStore::place(std::uint32_t need) noexcept {
    if (count_ == 0) {
        head_ = tail_ = end_ = 0;
        wrapped_ = false;
    }
    const auto size = static_cast<std::uint32_t>(ring_.size());
    if (!wrapped_) {
        if (size - head_ >= need) {
            const std::uint32_t at = head_;
            head_ += need;
            return at;
        }
        // The tail of the ring is too short: start again at 0 if the oldest
        // record leaves room there; [head_, size) stays unused until it wraps back.
        if (tail_ >= need) {
            end_ = head_;
            wrapped_ = true;
            head_ = need;
            return 0;
        }
        return std::nullopt;
    }
    if (tail_ - head_ >= need) {
        const std::uint32_t at = head_;
        head_ += need;
        return at;
    }
    return std::nullopt;
}

ReplyStore::Dropped ReplyStore::drop_oldest() noexcept {
    Expects(count_ > 0);
    const Header h = read_header(ring_.data() + tail_);
    tail_ += static_cast<std::uint32_t>(header_size) + h.length;
    --count_;
    ++oldest_sequence_;
    if (wrapped_ && tail_ == end_) {
        tail_ = 0;
        wrapped_ = false;
    }
    if (count_ == 0) {
        head_ = tail_ = end_ = 0;
        wrapped_ = false;
    }
    return {h.owner, h.sequence};
}

ReplyRef ReplyStore::write(std::uint32_t at, gsl::span<const std::byte> reply,
                           std::uint32_t owner) noexcept {
    const ReplyRef ref{.offset = at,
                       .sequence = oldest_sequence_ + count_,
                       .length = static_cast<std::uint16_t>(reply.size())};
    write_header(ring_.data() + at, Header{ref.sequence, owner, ref.length});
    if (!reply.empty()) std::memcpy(ring_.data() + at + header_size, reply.data(), reply.size());
    ++count_;
    return ref;
}

}  // namespace coap::detail
