// peer_table.cpp — PeerTable lookup, creation and LRU eviction of idle peers.
#include "peer_table.hpp"

namespace coap::detail {

void PeerTable::init(Arena& arena, std::size_t capacity) {
    peers_ = arena.take<Peer>(capacity);
    free_.init(arena, static_cast<std::uint32_t>(capacity));
    index_.init(arena, capacity);
    cursor_ = 0;
}

std::optional<std::uint32_t> PeerTable::find(const Address& address) const noexcept {
    return index_.find(address.hash(),
                       [&](std::uint32_t slot) { return peers_[slot].address == address; });
}

std::optional<std::uint32_t> PeerTable::find_or_create(const Address& address, Instant now,
                                                       const TransmissionParameters& defaults,
                                                       Prng& prng) noexcept {
    if (auto slot = find(address)) {
        if (now > peers_[*slot].last_used) peers_[*slot].last_used = now;
        return slot;
    }
    if (free_.empty() && !evict_idle()) return std::nullopt;
    const std::uint32_t slot = free_.pop();
    Peer& peer = peers_[slot];
    peer = Peer{};
    peer.address = address;
    peer.in_use = true;
    peer.last_used = now;
    peer.parameters = PackedTransmission::pack(defaults);
    // §4.4: start message IDs at a random value so a restarted or evicted peer
    // state does not replay recent IDs.
    peer.message_ids.reset(static_cast<std::uint16_t>(prng.next()), now);
    index_.insert(address.hash(), slot);
    return slot;
}

bool PeerTable::evict_idle() noexcept {
    // Sampled LRU: the least recently used of the next `sample` idle peers from
    // a cursor that sweeps the table. A scan of every peer made each new peer
    // cost O(capacity) once the table was full, and a flood from spoofed
    // addresses (issue 12) a scan of the whole table per datagram (31 % of the
    // flood test's time); now O(sample) while idle peers are common, and a whole
    // sweep only when nearly every peer is busy.
    constexpr std::uint32_t sample = 16;
    const auto count = static_cast<std::uint32_t>(peers_.size());
    std::uint32_t victim = no_slot;
    std::uint32_t seen = 0;
    for (std::uint32_t k = 0; k < count && seen < sample; ++k) {
        const std::uint32_t i = cursor_;
        cursor_ = cursor_ + 1 == count ? 0 : cursor_ + 1;
        const Peer& p = peers_[i];
        if (!p.in_use || p.pinned || p.references != 0) continue;
        ++seen;
        if (victim == no_slot || p.last_used < peers_[victim].last_used) victim = i;
    }
    if (victim == no_slot) return false;
    remove(victim);
    return true;
}

void PeerTable::remove(std::uint32_t slot) noexcept {
    index_.erase(peers_[slot].address.hash(), slot);
    peers_[slot].in_use = false;
    free_.push(slot);
}

}  // namespace coap::detail
