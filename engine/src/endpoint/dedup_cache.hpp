// dedup_cache.hpp — DedupCache: the (peer, message ID) pairs received recently
// and what was answered to each (RFC 7252 §4.5). Owns the lifetime rule: an
// entry lives EXCHANGE_LIFETIME for CON and NON_LIFETIME for NON and is never
// evicted while live, so a handler never runs twice for one message. Fixed
// capacity; expired entries are reclaimed lazily, when a slot is needed.
#pragma once

#include "coap/address.hpp"
#include "coap/time.hpp"
#include "hash_index.hpp"
#include "slot_list.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace coap::detail {

enum class DedupReply : std::uint8_t {
    none,       ///< nothing sent yet (a NON, or a CON whose handler is still running)
    empty_ack,  ///< an empty ACK went out; duplicates get it again
    stored,     ///< a piggybacked response (or RST/ACK) is stored; duplicates get it again
};

struct DedupEntry {
    Address peer;
    Instant expires{};
    std::uint32_t reply_length = 0;
    std::uint32_t exchange = 0xffffffffu;  ///< the server exchange still answering, if any
    std::uint16_t message_id = 0;
    DedupReply reply = DedupReply::none;
    bool in_use = false;
};

class DedupCache {
  public:
    void init(std::size_t capacity, std::size_t reply_size);

    /// The live entry for (peer, message_id), if any.
    std::optional<std::uint32_t> find(const Address& peer, std::uint16_t message_id,
                                      Instant now) const noexcept;
    /// A new entry expiring at `expires`; nullopt when every entry is live.
    std::optional<std::uint32_t> insert(const Address& peer, std::uint16_t message_id, Instant now,
                                        Instant expires) noexcept;
    /// Stores the reply sent for the entry (at most reply_size bytes).
    void store_reply(std::uint32_t slot, gsl::span<const std::byte> reply) noexcept;
    gsl::span<const std::byte> stored_reply(std::uint32_t slot) const noexcept;
    void erase(std::uint32_t slot) noexcept;

    DedupEntry& operator[](std::uint32_t slot) noexcept { return entries_[slot]; }
    const DedupEntry& operator[](std::uint32_t slot) const noexcept { return entries_[slot]; }
    /// Live entries and expired ones not yet reclaimed.
    std::size_t in_use() const noexcept { return free_.in_use(); }
    /// Earliest instant at which an entry will expire (for Max-Age on 5.03).
    std::optional<Instant> earliest_expiry() const noexcept;

  private:
    static std::uint64_t key(const Address& peer, std::uint16_t message_id) noexcept {
        return mix_hash(peer.hash(), message_id);
    }
    bool reclaim_expired(Instant now) noexcept;

    std::vector<DedupEntry> entries_;
    std::vector<std::byte> replies_;
    std::size_t reply_size_ = 0;
    FreeList free_;
    HashIndex index_;
};

}  // namespace coap::detail
