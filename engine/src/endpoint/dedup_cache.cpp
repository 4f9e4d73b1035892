// dedup_cache.cpp — DedupCache lookup, insertion, the expiry heap and lazy
// reclamation, and the link between entries and the ReplyStore.
#include "dedup_cache.hpp"

#include <gsl/assert>

namespace coap::detail {
namespace {

/// Expired entries reclaimed by each insert beyond the one it may need: more
/// than one, so that reclamation keeps up with insertion.
constexpr std::size_t reclaim_budget = 2;

}  // namespace

void DedupCache::init(Arena& arena, std::size_t capacity, std::size_t reply_bytes) {
    entries_ = arena.take<DedupEntry>(capacity);
    heap_ = arena.take<HeapNode>(capacity);
    heap_size_ = 0;
    free_.init(arena, static_cast<std::uint32_t>(capacity));
    index_.init(arena, capacity);
    replies_.init(arena, reply_bytes);
    replies_evicted_ = 0;
}

std::optional<std::uint32_t> DedupCache::lookup(std::uint64_t k, const Address& peer,
                                                std::uint16_t message_id) const noexcept {
    return index_.find(k, [&](std::uint32_t s) {
        const DedupEntry& e = entries_[s];
        return e.message_id == message_id && e.peer == peer;
    });
}

std::optional<std::uint32_t> DedupCache::find(const Address& peer, std::uint16_t message_id,
                                              Instant now) const noexcept {
    auto slot = lookup(key(peer, message_id), peer, message_id);
    if (slot && expires(*slot) <= now) return std::nullopt;
    return slot;
}

std::optional<std::uint32_t> DedupCache::insert(
    const Address& peer, std::uint16_t message_id, Instant now, Instant expiry,
    std::optional<Instant> evict_received_before) noexcept {
    if (now > latest_) latest_ = now;
    const std::uint64_t k = key(peer, message_id);
    // An expired entry for the same pair is replaced.
    if (auto old = lookup(k, peer, message_id)) {
        Expects(expires(*old) <= now);
        erase(*old);
    }
    reclaim_expired(now, reclaim_budget);
    if (free_.empty() && evict_received_before && heap_size_ > 0) {
        const DedupEntry& soonest = entries_[heap_[0].slot];
        if (soonest.received <= *evict_received_before && soonest.exchange == no_slot) {
            erase(heap_[0].slot);
            ++evicted_early_;
        }
    }
    if (free_.empty()) return std::nullopt;
    const std::uint32_t slot = free_.pop();
    DedupEntry& e = entries_[slot];
    e = DedupEntry{};
    e.peer = peer;
    e.key = k;
    e.message_id = message_id;
    e.received = now;
    e.in_use = true;
    index_.insert(k, slot);
    heap_set(heap_size_, HeapNode{expiry, slot});
    ++heap_size_;
    sift_up(heap_size_ - 1);
    return slot;
}

void DedupCache::store_reply(std::uint32_t slot, gsl::span<const std::byte> reply) noexcept {
    DedupEntry& e = entries_[slot];
    e.reply = DedupReply::none;  // a reply stored before is superseded
    const auto ref = replies_.store(reply, slot, [&](std::uint32_t owner, std::uint32_t sequence) {
        DedupEntry& o = entries_[owner];
        if (o.in_use && o.reply == DedupReply::stored && o.reply_ref.sequence == sequence)
            reply_lost(o);
    });
    if (!ref) {
        reply_lost(e);
        return;
    }
    e.reply_ref = *ref;
    e.reply = DedupReply::stored;
}

void DedupCache::reply_lost(DedupEntry& e) noexcept {
    e.reply = DedupReply::lost;
    if (heap_[e.heap_position].expires > latest_) ++replies_evicted_;
}

gsl::span<const std::byte> DedupCache::stored_reply(std::uint32_t slot) const noexcept {
    const DedupEntry& e = entries_[slot];
    if (e.reply != DedupReply::stored) return {};
    return replies_.get(e.reply_ref);
}

void DedupCache::erase(std::uint32_t slot) noexcept {
    DedupEntry& e = entries_[slot];
    if (!e.in_use) return;
    index_.erase(e.key, slot);
    // Take it out of the heap: the last node fills the hole and moves up or down.
    const std::uint32_t position = e.heap_position;
    --heap_size_;
    if (position != heap_size_) {
        heap_set(position, heap_[heap_size_]);
        if (position > 0 && heap_[position].expires < heap_[(position - 1) / 2].expires)
            sift_up(position);
        else
            sift_down(position);
    }
    e.in_use = false;
    e.reply = DedupReply::none;
    free_.push(slot);
}

void DedupCache::reclaim_expired(Instant now, std::size_t budget) noexcept {
    while (heap_size_ > 0 && heap_[0].expires <= now && (budget > 0 || free_.empty())) {
        erase(heap_[0].slot);
        if (budget > 0) --budget;
    }
}

std::optional<Instant> DedupCache::earliest_expiry() const noexcept {
    if (heap_size_ == 0) return std::nullopt;
    return heap_[0].expires;
}

std::optional<Instant> DedupCache::soonest_received() const noexcept {
    if (heap_size_ == 0) return std::nullopt;
    return entries_[heap_[0].slot].received;
}

void DedupCache::heap_set(std::uint32_t position, HeapNode node) noexcept {
    heap_[position] = node;
    entries_[node.slot].heap_position = position;
}

void DedupCache::sift_up(std::uint32_t position) noexcept {
    const HeapNode node = heap_[position];
    while (position > 0) {
        const std::uint32_t parent = (position - 1) / 2;
        if (heap_[parent].expires <= node.expires) break;
        heap_set(position, heap_[parent]);
        position = parent;
    }
    heap_set(position, node);
}

void DedupCache::sift_down(std::uint32_t position) noexcept {
    const HeapNode node = heap_[position];
    for (;;) {
        std::uint32_t child = 2 * position + 1;
        if (child >= heap_size_) break;
        if (child + 1 < heap_size_ && heap_[child + 1].expires < heap_[child].expires) ++child;
        if (node.expires <= heap_[child].expires) break;
        heap_set(position, heap_[child]);
        position = child;
    }
    heap_set(position, node);
}

}  // namespace coap::detail
