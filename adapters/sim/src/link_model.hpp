// link_model.hpp — the random fate of one datagram on one link, decided when it
// is sent: dropped (MTU or loss) or delivered once or twice, each copy after its
// own delay. Owns every fault draw; the Prng is the network's, so the same seed
// and the same sends give the same fates. Partitions are the network's business.
#pragma once

#include "coap/prng.hpp"
#include "coap/sim/link_conditions.hpp"
#include "coap/sim/trace.hpp"
#include "coap/time.hpp"

#include <array>
#include <cstddef>

namespace coap::sim {

struct LinkFate {
    /// none: delivered, `copies` times.
    DropReason drop = DropReason::none;
    std::size_t copies = 0;
    std::array<Duration, 2> delays{};
};

/// True with probability `p` (no draw when p is 0 or 1).
bool chance(Prng& prng, double p) noexcept;

/// delay + uniform [0, jitter] + (with probability reorder) reorder_delay.
Duration draw_delay(const LinkConditions& link, Prng& prng) noexcept;

/// The fate of a datagram whose synthesized IP packet is `ip_size` bytes long.
LinkFate decide_fate(const LinkConditions& link, std::size_t ip_size, Prng& prng) noexcept;

}  // namespace coap::sim
