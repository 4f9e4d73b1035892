// dedup_cache.hpp — DedupCache: the (peer, message ID) pairs received recently
// and what was answered to each (RFC 7252 §4.5). Owns the lifetime rule: an
// entry lives EXCHANGE_LIFETIME for CON and NON_LIFETIME for NON and is never
// evicted while live, so a handler never runs twice for one message. Fixed
// capacity. The replies to send again live apart, in a ReplyStore ring that may
// drop them (oldest first); an entry whose reply was dropped says so (`lost`).
//
// Expiry order: a binary min-heap of (expires, slot), with each entry's heap
// position, because CON and NON entries (and peers with their own transmission
// parameters) have different lifetimes, so insertion order is not expiry order.
// earliest_expiry() is O(1); insert, erase and reclaiming an entry O(log n).
// Expired entries are reclaimed lazily, a few per insert: until then they are
// held (counted in in_use(), invisible to find()), never freed before they expire.
#pragma once

#include "coap/address.hpp"
#include "coap/time.hpp"
#include "hash_index.hpp"
#include "reply_store.hpp"
#include "slot_list.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap::detail {

enum class DedupReply : std::uint8_t {
    none,       ///< nothing sent yet (a NON, or a CON whose handler is still running)
    empty_ack,  ///< an empty ACK went out; duplicates get it again
    stored,     ///< a piggybacked response (or RST/ACK) is stored; duplicates get it again
    lost,       ///< a reply went out but is no longer stored (dropped from the
                ///< ReplyStore, or larger than it): duplicates get nothing
};

struct DedupEntry {
    Address peer;
    Instant received{};                ///< (when it expires is kept in the expiry heap only)
    std::uint64_t key = 0;             ///< hash of (peer, message_id), as in the index
    ReplyRef reply_ref{};              ///< where the reply is, when reply == stored
    std::uint32_t exchange = no_slot;  ///< the server exchange still answering, if any
    std::uint32_t heap_position = 0;   ///< index in the expiry heap, while in_use
    std::uint16_t message_id = 0;
    DedupReply reply = DedupReply::none;
    bool in_use = false;
};

class DedupCache {
  public:
    /// `capacity` entries and a ring of `reply_bytes` for stored replies.
    void init(Arena& arena, std::size_t capacity, std::size_t reply_bytes);

    /// The live entry for (peer, message_id), if any.
    std::optional<std::uint32_t> find(const Address& peer, std::uint16_t message_id,
                                      Instant now) const noexcept;
    /// A new entry expiring at `expiry`; nullopt when every entry is live. An
    /// expired entry for the same pair is replaced (callers find() first, so a
    /// live one never is). With `evict_received_before`, a full cache reclaims
    /// its soonest-expiring entry when that one was received at or before it and
    /// no exchange still answers it (EndpointConfig::dedup_eviction_age).
    std::optional<std::uint32_t> insert(const Address& peer, std::uint16_t message_id, Instant now,
                                        Instant expiry,
                                        std::optional<Instant> evict_received_before = {}) noexcept;
    /// Stores the reply sent for the entry, for duplicates. When the ring has no
    /// room, the oldest stored replies are dropped and their entries become `lost`;
    /// a reply larger than the ring is not stored and this entry becomes `lost`.
    void store_reply(std::uint32_t slot, gsl::span<const std::byte> reply) noexcept;
    /// The stored reply; empty unless the entry's reply is `stored`.
    gsl::span<const std::byte> stored_reply(std::uint32_t slot) const noexcept;
    void erase(std::uint32_t slot) noexcept;

    DedupEntry& operator[](std::uint32_t slot) noexcept { return entries_[slot]; }
    /// When the entry in `slot` (in use) expires. O(1).
    Instant expires(std::uint32_t slot) const noexcept {
        return heap_[entries_[slot].heap_position].expires;
    }
    const DedupEntry& operator[](std::uint32_t slot) const noexcept { return entries_[slot]; }
    /// Live entries and expired ones not yet reclaimed.
    std::size_t in_use() const noexcept { return heap_size_; }
    /// Entries in the (peer, message ID) index (check_consistency).
    std::size_t indexed() const noexcept { return index_.size(); }
    /// Earliest instant at which an entry will expire (for Max-Age on 5.03). O(1).
    std::optional<Instant> earliest_expiry() const noexcept;
    /// When the entry that expires soonest was received. O(1).
    std::optional<Instant> soonest_received() const noexcept;
    /// Replies dropped, or never stored for want of room, while their entry was live.
    std::uint64_t replies_evicted() const noexcept { return replies_evicted_; }
    /// Live entries reclaimed early by the eviction policy of insert().
    std::uint64_t evicted_early() const noexcept { return evicted_early_; }
    const ReplyStore& replies() const noexcept { return replies_; }

  private:
    struct HeapNode {
        Instant expires;
        std::uint32_t slot;
    };
    /// The index key: eight consecutive message IDs of a peer share a group of
    /// eight buckets (one cache line) placed by the hash of the peer and the
    /// group, so that a client numbering its messages in order touches a new
    /// line once in eight requests; groups land at random, as single keys did.
    static std::uint64_t key(const Address& peer, std::uint16_t message_id) noexcept {
        const std::uint64_t group = mix_hash(peer.hash(), message_id >> 3);
        return (group & ~std::uint64_t{7}) | (message_id & 7u);
    }
    std::optional<std::uint32_t> lookup(std::uint64_t k, const Address& peer,
                                        std::uint16_t message_id) const noexcept;
    /// Erases expired entries, earliest first: at most `budget`, and more while
    /// no slot is free.
    void reclaim_expired(Instant now, std::size_t budget) noexcept;
    void reply_lost(DedupEntry& e) noexcept;

    void heap_set(std::uint32_t position, HeapNode node) noexcept;
    void sift_up(std::uint32_t position) noexcept;
    void sift_down(std::uint32_t position) noexcept;

    FixedArray<DedupEntry> entries_;
    FixedArray<HeapNode> heap_;  ///< [0, heap_size_) is a min-heap on expires
    std::uint32_t heap_size_ = 0;
    FreeList free_;
    HashIndex index_;
    ReplyStore replies_;
    std::uint64_t replies_evicted_ = 0;
    std::uint64_t evicted_early_ = 0;
    Instant latest_{};  ///< the latest `now` seen by insert(), to tell live from expired
};

}  // namespace coap::detail
