// dedup_cache.cpp — DedupCache lookup, insertion and lazy reclamation.
#include "dedup_cache.hpp"

#include <gsl/assert>

#include <cstring>

namespace coap::detail {

void DedupCache::init(std::size_t capacity, std::size_t reply_size) {
    entries_.assign(capacity, DedupEntry{});
    replies_.assign(capacity * reply_size, std::byte{0});
    reply_size_ = reply_size;
    free_.init(static_cast<std::uint32_t>(capacity));
    index_.init(capacity);
}

std::optional<std::uint32_t> DedupCache::find(const Address& peer, std::uint16_t message_id,
                                              Instant now) const noexcept {
    auto slot = index_.find(key(peer, message_id), [&](std::uint32_t s) {
        const DedupEntry& e = entries_[s];
        return e.message_id == message_id && e.peer == peer;
    });
    if (slot && entries_[*slot].expires <= now) return std::nullopt;
    return slot;
}

std::optional<std::uint32_t> DedupCache::insert(const Address& peer, std::uint16_t message_id,
                                                Instant now, Instant expires) noexcept {
    // An expired entry for the same pair is replaced in place.
    if (auto old = index_.find(key(peer, message_id), [&](std::uint32_t s) {
            return entries_[s].message_id == message_id && entries_[s].peer == peer;
        })) {
        erase(*old);
    }
    if (free_.empty() && !reclaim_expired(now)) return std::nullopt;
    const std::uint32_t slot = free_.pop();
    DedupEntry& e = entries_[slot];
    e = DedupEntry{};
    e.peer = peer;
    e.message_id = message_id;
    e.expires = expires;
    e.in_use = true;
    index_.insert(key(peer, message_id), slot);
    return slot;
}

void DedupCache::store_reply(std::uint32_t slot, gsl::span<const std::byte> reply) noexcept {
    Expects(reply.size() <= reply_size_);
    if (!reply.empty())
        std::memcpy(replies_.data() + slot * reply_size_, reply.data(), reply.size());
    entries_[slot].reply_length = static_cast<std::uint32_t>(reply.size());
    entries_[slot].reply = DedupReply::stored;
}

gsl::span<const std::byte> DedupCache::stored_reply(std::uint32_t slot) const noexcept {
    return {replies_.data() + slot * reply_size_, entries_[slot].reply_length};
}

void DedupCache::erase(std::uint32_t slot) noexcept {
    DedupEntry& e = entries_[slot];
    if (!e.in_use) return;
    index_.erase(key(e.peer, e.message_id), slot);
    e.in_use = false;
    free_.push(slot);
}

bool DedupCache::reclaim_expired(Instant now) noexcept {
    bool any = false;
    for (std::uint32_t s = 0; s < entries_.size(); ++s) {
        if (entries_[s].in_use && entries_[s].expires <= now) {
            erase(s);
            any = true;
        }
    }
    return any;
}

std::optional<Instant> DedupCache::earliest_expiry() const noexcept {
    std::optional<Instant> earliest;
    for (const DedupEntry& e : entries_)
        if (e.in_use && (!earliest || e.expires < *earliest)) earliest = e.expires;
    return earliest;
}

}  // namespace coap::detail
