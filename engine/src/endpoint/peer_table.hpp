// peer_table.hpp — PeerTable: per-peer state of an Endpoint (RFC 7252 §4.4
// message IDs, §4.7 congestion control). Owns the message ID counter, the
// count of outstanding confirmable interactions and the FIFO of requests
// waiting for NSTART, the PROBING_RATE budget, and pinned parameters.
// Fixed capacity; an idle peer is evicted, the least recently used of a
// sample of 16.
#pragma once

#include "coap/address.hpp"
#include "coap/prng.hpp"
#include "coap/time.hpp"
#include "hash_index.hpp"
#include "message_id_blocks.hpp"
#include "packed_transmission.hpp"
#include "slot_list.hpp"

#include <cstdint>
#include <optional>

namespace coap::detail {

struct Peer {
    Address address;
    Instant last_used{};
    /// NON bytes sent since the peer was last heard from (§4.7 PROBING_RATE).
    Instant unanswered_since{};
    /// When the last NON held back by PROBING_RATE may go, plus its own pacing.
    Instant paced_until{};
    std::uint32_t unanswered_bytes = 0;
    /// Exchanges that name this peer; a peer with any is never evicted.
    std::uint32_t references = 0;
    /// Head and tail of the FIFO of exchanges waiting for an NSTART slot.
    std::uint32_t queue_head = no_slot;
    std::uint32_t queue_tail = no_slot;
    std::uint8_t outstanding = 0;
    bool in_use = false;
    bool pinned = false;  ///< has its own parameters; never evicted
    PackedTransmission parameters{};
    /// §4.4 message IDs: the counter and when each block of them was last used.
    MessageIdBlocks message_ids{};
};

class PeerTable {
  public:
    void init(Arena& arena, std::size_t capacity);

    std::optional<std::uint32_t> find(const Address& address) const noexcept;
    /// The peer's slot, creating it (evicting an idle peer if needed); nullopt
    /// when the table is full of busy peers.
    std::optional<std::uint32_t> find_or_create(const Address& address, Instant now,
                                                const TransmissionParameters& defaults,
                                                Prng& prng) noexcept;
    Peer& operator[](std::uint32_t slot) noexcept { return peers_[slot]; }
    const Peer& operator[](std::uint32_t slot) const noexcept { return peers_[slot]; }
    std::size_t in_use() const noexcept { return free_.in_use(); }
    /// Entries in the address index (check_consistency).
    std::size_t indexed() const noexcept { return index_.size(); }

  private:
    bool evict_idle() noexcept;
    void remove(std::uint32_t slot) noexcept;

    FixedArray<Peer> peers_;
    FreeList free_;
    HashIndex index_;
    std::uint32_t cursor_ = 0;  ///< where evict_idle() samples next
};

}  // namespace coap::detail
