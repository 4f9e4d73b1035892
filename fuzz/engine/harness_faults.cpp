// fuzz/engine/harness_faults.cpp — pool exhaustion chosen by the input (target
// engine_faults, built with COBALT_FAULT_INJECTION): an operation makes one of
// the next few pool acquisitions of an endpoint (exchange, notification, dedup or
// peer slot, a place in the event or transmit queue) fail as if its table were
// full, whatever the table holds. The harness then accepts that step's "full"
// outcomes with room in the table; every other check stays as strict, the
// consistency check and liveness included. In the engine target these are no-ops.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace engine_fuzz {

void Harness::fault() {
#if defined(COBALT_FAULT_INJECTION)
    Node& n = node_at(draw_index(in_, 2));
    const std::uint64_t at = n.endpoint.acquisitions() + draw_index(in_, 7);
    TRACE("node %zu: acquisition %llu will fail\n", n.self, static_cast<unsigned long long>(at));
    n.endpoint.fail_acquisition(at);
    n.fault_at = at;
#endif
}

bool Harness::fault_fired(const Node& n) const {
#if defined(COBALT_FAULT_INJECTION)
    return n.fault_at && n.endpoint.acquisitions() > *n.fault_at;
#else
    (void)n;
    return false;
#endif
}

void Harness::disarm_faults() {
#if defined(COBALT_FAULT_INJECTION)
    for (Node& n : nodes_) {
        n.endpoint.fail_acquisition(~std::uint64_t{0});
        n.fault_at.reset();
    }
#endif
}

void Harness::forget_fired_faults() {
    for (Node& n : nodes_)
        if (fault_fired(n)) n.fault_at.reset();
}

}  // namespace engine_fuzz
