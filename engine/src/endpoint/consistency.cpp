// consistency.cpp — Endpoint::check_consistency(): the tables of one Endpoint
// checked against each other through their public accessors only (slots in
// use, lookup indexes, the timer heap, peer references and NSTART counts, the
// links between dedup entries and server exchanges). O(capacity); for tests
// (the exhaustion and flood tests call it after every step) and debugging.
// Also the test-only fault injection entry points (COBALT_FAULT_INJECTION).
#include "endpoint_state.hpp"

namespace coap {
namespace {

using detail::ExchangeState;
using detail::no_slot;

const char* check_exchanges(const Endpoint::State& s) {
    const auto& x = s.exchanges;
    std::size_t used = 0;
    std::size_t by_message_id = 0;
    std::size_t by_token = 0;
    std::optional<Instant> earliest;
    for (std::uint32_t slot = 0; slot < x.capacity(); ++slot) {
        const detail::Exchange& e = x[slot];
        if (e.state == ExchangeState::unused) {
            if (e.indexed_by_message_id || e.indexed_by_token) return "an unused slot is indexed";
            continue;
        }
        ++used;
        if ((e.state == ExchangeState::notifying) != (slot >= x.reserved_begin()))
            return "a notification outside its reserved slots, or a request inside them";
        if (e.deadline != detail::never && (!earliest || e.deadline < *earliest))
            earliest = e.deadline;
        by_message_id += e.indexed_by_message_id ? 1 : 0;
        by_token += e.indexed_by_token ? 1 : 0;
        if (e.indexed_by_message_id && x.find_by_message_id(e.peer, e.message_id) != slot)
            return "an exchange indexed by message ID is not found by it";
        if (e.indexed_by_token && x.find_by_token(e.peer, e.token_bytes()) != slot)
            return "an exchange indexed by token is not found by it";
        if (e.peer_slot != no_slot &&
            (e.peer_slot >= s.config.capacities.peers || !s.peers[e.peer_slot].in_use))
            return "an exchange names a peer slot not in use";
        if (e.client && e.peer_slot == no_slot) return "a client exchange without a peer";
    }
    if (used != x.in_use() + x.reserved_in_use()) return "exchange slots in use miscounted";
    if (used != x.active().size()) return "the active list misses exchanges";
    if (by_message_id != x.indexed_by_message_id() || by_token != x.indexed_by_token())
        return "an exchange index holds entries of no exchange";
    for (const std::uint32_t slot : x.active())
        if (x[slot].state == ExchangeState::unused) return "an unused slot in the active list";
    if (earliest != x.earliest_deadline()) return "the timer heap's earliest deadline is wrong";
    return nullptr;
}

const char* check_peers(const Endpoint::State& s) {
    const auto& x = s.exchanges;
    std::size_t used = 0;
    for (std::uint32_t p = 0; p < s.config.capacities.peers; ++p) {
        const detail::Peer& peer = s.peers[p];
        if (!peer.in_use) continue;
        ++used;
        if (s.peers.find(peer.address) != p) return "a peer is not found by its address";
        std::uint32_t references = 0;
        std::uint32_t outstanding = 0;
        for (const std::uint32_t slot : x.active()) {
            if (x[slot].peer_slot != p) continue;
            ++references;
            if (x[slot].counts_outstanding) ++outstanding;
        }
        if (references != peer.references) return "a peer's reference count is wrong";
        if (outstanding != peer.outstanding) return "a peer's NSTART count is wrong";
        std::uint32_t last = no_slot;
        std::size_t length = 0;
        for (std::uint32_t q = peer.queue_head; q != no_slot; q = x[q].next_queued) {
            const detail::Exchange& e = x[q];
            if (++length > x.capacity()) return "a peer's NSTART queue loops";
            if (!e.client || e.state != ExchangeState::queued || e.counts_outstanding ||
                e.peer_slot != p)
                return "a peer's NSTART queue holds an exchange that is not waiting for it";
            last = q;
        }
        if (last != peer.queue_tail) return "a peer's NSTART queue tail is wrong";
    }
    if (used != s.peers.in_use()) return "peer slots in use miscounted";
    if (used != s.peers.indexed()) return "the peer index holds entries of no peer";
    return nullptr;
}

const char* check_dedup(const Endpoint::State& s) {
    const auto& x = s.exchanges;
    std::size_t used = 0;
    for (std::uint32_t i = 0; i < s.config.capacities.dedup_entries; ++i) {
        const detail::DedupEntry& entry = s.dedup[i];
        if (!entry.in_use) continue;
        ++used;
        if (s.dedup.find(entry.peer, entry.message_id, Instant{s.dedup.expires(i).ms - 1}) != i)
            return "a dedup entry is not found by its (peer, message ID)";
        if (entry.exchange == no_slot) continue;
        if (entry.exchange >= x.capacity()) return "a dedup entry names no exchange slot";
        const detail::Exchange& e = x[entry.exchange];
        if (e.state == ExchangeState::unused || e.client || e.dedup_slot != i ||
            e.request_message_id != entry.message_id || !(e.peer == entry.peer))
            return "a dedup entry names an exchange that is not its request's";
    }
    if (used != s.dedup.in_use()) return "dedup entries in use miscounted";
    if (used != s.dedup.indexed()) return "the dedup index holds entries of no entry";
    return nullptr;
}

}  // namespace

const char* Endpoint::check_consistency() const noexcept {
    if (const char* problem = check_exchanges(*state_)) return problem;
    if (const char* problem = check_peers(*state_)) return problem;
    return check_dedup(*state_);
}

#if defined(COBALT_FAULT_INJECTION)
std::uint64_t Endpoint::acquisitions() const noexcept {
    return state_->acquisitions;
}

void Endpoint::fail_acquisition(std::uint64_t index) noexcept {
    state_->fail_at = index;
}
#endif

}  // namespace coap
