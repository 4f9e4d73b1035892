// hash_index.hpp — HashIndex: a fixed-capacity open-addressing index from a
// 64-bit key hash to a slot number in some table. Owns probing and deletion
// (linear probing, backward-shift delete, no tombstones); the table owns the
// keys, so lookups take a predicate that confirms a candidate slot. A bucket
// is 8 bytes (the hash's low 32 bits and the slot), so that a probe touches
// one cache line of a dense array. An index for at most `scan_limit` entries
// is a plain list of them instead, scanned in full (no larger than one cache
// line, and a fraction of the buckets: what a microcontroller's tables want).
// Carved once from the Endpoint's Arena by init(); never allocates.
#pragma once

#include "arena.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap::detail {

class HashIndex {
  public:
    static constexpr std::uint32_t no_slot = 0xffffffffu;

    /// Indexes of at most this many entries are a list (8 bytes an entry)
    /// rather than a hash table (at least 16 bytes an entry, 64 at least).
    static constexpr std::size_t scan_limit = 8;

    /// Room for `max_entries` entries: a list up to scan_limit, else buckets at a
    /// load factor of at most one half.
    void init(Arena& arena, std::size_t max_entries) {
        listed_ = 0;
        if (max_entries <= scan_limit) {
            buckets_ = arena.take<Bucket>(max_entries);
            mask_ = list;
            return;
        }
        std::size_t buckets = 16;
        while (buckets < max_entries * 2)
            buckets *= 2;
        buckets_ = arena.take<Bucket>(buckets);
        for (Bucket& b : buckets_)
            b = Bucket{};
        mask_ = static_cast<std::uint32_t>(buckets - 1);  // capacities stay far below 2^31
    }

    /// The first slot whose bucket hash equals `hash` and for which `matches(slot)`.
    template <class Matches>
    std::optional<std::uint32_t> find(std::uint64_t hash, Matches&& matches) const noexcept {
        const auto tag = static_cast<std::uint32_t>(hash);
        if (mask_ == list) {
            for (std::uint32_t i = 0; i < listed_; ++i)
                if (buckets_[i].tag == tag && matches(buckets_[i].slot)) return buckets_[i].slot;
            return std::nullopt;
        }
        for (std::uint32_t i = tag & mask_;; i = (i + 1) & mask_) {
            const Bucket& b = buckets_[i];
            if (b.slot == no_slot) return std::nullopt;
            if (b.tag == tag && matches(b.slot)) return b.slot;
        }
    }

    /// Adds (hash → slot); the caller guarantees capacity (at most max_entries).
    void insert(std::uint64_t hash, std::uint32_t slot) noexcept {
        const auto tag = static_cast<std::uint32_t>(hash);
        if (mask_ == list) {
            Expects(listed_ < buckets_.size());
            buckets_[listed_++] = Bucket{tag, slot};
            return;
        }
        std::uint32_t i = tag & mask_;
        while (buckets_[i].slot != no_slot)
            i = (i + 1) & mask_;
        buckets_[i] = Bucket{tag, slot};
        ++listed_;
    }

    /// Removes the entry (hash → slot) if present.
    void erase(std::uint64_t hash, std::uint32_t slot) noexcept {
        const auto tag = static_cast<std::uint32_t>(hash);
        if (mask_ == list) {
            for (std::uint32_t i = 0; i < listed_; ++i) {
                if (buckets_[i].slot == slot && buckets_[i].tag == tag) {
                    buckets_[i] = buckets_[--listed_];
                    return;
                }
            }
            return;
        }
        std::uint32_t i = tag & mask_;
        for (;; i = (i + 1) & mask_) {
            if (buckets_[i].slot == no_slot) return;
            if (buckets_[i].slot == slot && buckets_[i].tag == tag) break;
        }
        // Backward-shift: move later entries of the probe run into the hole.
        std::uint32_t hole = i;
        for (std::uint32_t j = (i + 1) & mask_; buckets_[j].slot != no_slot; j = (j + 1) & mask_) {
            const std::uint32_t home = buckets_[j].tag & mask_;
            const bool home_outside =
                hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (home_outside) {
                buckets_[hole] = buckets_[j];
                hole = j;
            }
        }
        buckets_[hole] = Bucket{};
        --listed_;
    }

    /// Entries indexed.
    std::size_t size() const noexcept { return listed_; }
    /// Whether this index is a scanned list (at most scan_limit entries).
    bool is_list() const noexcept { return mask_ == list; }
    /// Bytes of arena memory the index holds.
    std::size_t memory_bytes() const noexcept { return buckets_.size() * sizeof(Bucket); }

  private:
    struct Bucket {
        std::uint32_t tag = 0;  ///< the low 32 bits of the key hash (they hold the home bucket)
        std::uint32_t slot = no_slot;
    };
    static constexpr std::uint32_t list = 0xffffffffu;  ///< mask_ of a list index

    FixedArray<Bucket> buckets_;
    std::uint32_t mask_ = list;
    std::uint32_t listed_ = 0;  ///< entries indexed
};

/// Mixes a few integers into one 64-bit hash.
constexpr std::uint64_t mix_hash(std::uint64_t seed, std::uint64_t value) noexcept {
    std::uint64_t h = seed ^ (value + 0x9e3779b97f4a7c15u + (seed << 6) + (seed >> 2));
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    return h;
}

}  // namespace coap::detail
