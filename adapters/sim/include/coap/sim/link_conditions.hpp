// coap/sim/link_conditions.hpp — LinkConditions: how one directed link treats
// the datagrams sent over it (delay, jitter, loss, duplication, reordering, MTU).
// Owns the knobs and their meaning only; the Network draws every random
// decision from its own seeded Prng.
#pragma once

#include "coap/time.hpp"

#include <cstddef>

namespace coap::sim {

/// Probabilities are doubles in [0, 1] (0 never, 1 always); each is drawn
/// independently per datagram (per copy, for a multicast send).
struct LinkConditions {
    /// Fixed one-way delay.
    Duration delay{};
    /// Extra delay drawn uniformly from [0, jitter] per copy (whole milliseconds).
    /// Jitter alone can already reorder datagrams sent close together.
    Duration jitter{};
    /// The datagram is lost.
    double loss = 0.0;
    /// A surviving datagram is delivered twice; the second copy draws its own
    /// jitter and reordering, so it may arrive first.
    double duplicate = 0.0;
    /// A copy is held back by `reorder_delay` on top of delay and jitter, so that
    /// datagrams sent after it within that time overtake it.
    double reorder = 0.0;
    Duration reorder_delay = milliseconds(50);
    /// Largest IP packet carried, in bytes: the datagram plus the 28 (IPv4,
    /// opaque) or 48 (IPv6) bytes of synthesized IP and UDP headers, as in the
    /// pcap export. Larger datagrams are dropped (DropReason::mtu). 0: no limit.
    std::size_t mtu = 0;

    /// Probabilities inside [0, 1], durations not negative.
    bool valid() const noexcept {
        const auto probability = [](double p) { return p >= 0.0 && p <= 1.0; };
        return delay.ms >= 0 && jitter.ms >= 0 && reorder_delay.ms >= 0 && probability(loss) &&
               probability(duplicate) && probability(reorder);
    }
};

}  // namespace coap::sim
