// link_model.cpp — fault draws for one datagram on one link (see link_model.hpp).
// Draw order, fixed for replay: MTU (no draw), loss, duplication, then per copy
// jitter and reordering.
#include "link_model.hpp"

namespace coap::sim {

bool chance(Prng& prng, double p) noexcept {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    // 53 random bits as a double in [0, 1): exact, identical on every platform.
    const double u = static_cast<double>(prng.next() >> 11) * 0x1.0p-53;
    return u < p;
}

Duration draw_delay(const LinkConditions& link, Prng& prng) noexcept {
    Duration delay = link.delay;
    if (link.jitter.ms > 0) delay = delay + milliseconds(prng.between(0, link.jitter.ms));
    if (chance(prng, link.reorder)) delay = delay + link.reorder_delay;
    return delay;
}

LinkFate decide_fate(const LinkConditions& link, std::size_t ip_size, Prng& prng) noexcept {
    LinkFate fate;
    if (link.mtu != 0 && ip_size > link.mtu) {
        fate.drop = DropReason::mtu;
        return fate;
    }
    if (chance(prng, link.loss)) {
        fate.drop = DropReason::loss;
        return fate;
    }
    fate.copies = chance(prng, link.duplicate) ? 2 : 1;
    for (std::size_t i = 0; i < fate.copies; ++i)
        fate.delays[i] = draw_delay(link, prng);
    return fate;
}

}  // namespace coap::sim
