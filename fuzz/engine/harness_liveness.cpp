// fuzz/engine/harness_liveness.cpp — the end of an engine harness run: heal the
// network, run time to every deadline, release the held exchanges (which alone may
// wait without a deadline), require that everything ended and every table is empty,
// then ping between all endpoints and require every pong.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace engine_fuzz {

void Harness::converge() {
    for (int round = 0; round < 5000; ++round) {
        while (!flights_.empty()) {
            deliver(0);
            drain_all();
        }
        const auto earliest = earliest_deadline();
        if (!earliest) {
            // Held exchanges wait for the application: close or listen to them.
            if (release_held()) continue;
            break;
        }
        if (*earliest > now_) now_ = *earliest;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
            const auto t = nodes_[i].endpoint.next_timeout();
            if (!t || *t > now_) continue;
            nodes_[i].endpoint.handle_timeout(now_);
            drain(i);
            settle(i);
        }
        for (const Node& n : nodes_)
            check(n);
    }
    FUZZ_REQUIRE(flights_.empty());
    FUZZ_REQUIRE(!earliest_deadline());
    for (const Node& n : nodes_) {
        const auto stats = n.endpoint.stats();
        FUZZ_REQUIRE(n.live.empty());
        FUZZ_REQUIRE(stats.exchanges_in_use == 0);
        FUZZ_REQUIRE(stats.notifications_in_flight == 0 && n.notifying.empty());
        FUZZ_REQUIRE(stats.queued_datagrams == 0 && stats.queued_events == 0);
    }
}

void Harness::probe() {
    for (Node& n : nodes_) {
        for (std::size_t j = 0; j < nodes_.size(); ++j) {
            if (j == n.self) continue;
            n.known[j] = true;
            const auto stats = n.endpoint.stats();
            const auto result = n.endpoint.ping(now_, addresses()[j]);
            TRACE("probe: node %zu pings %zu -> %s\n", n.self, j,
                  result ? "ok" : coap::describe(result.error()).data());
            started(n, stats, result, j, 0, false, true, false);
            if (result) probes_.emplace(n.self, result->value);
            drain(n.self);
        }
    }
    converge();
    FUZZ_REQUIRE(pongs_missing_ == 0);
}

}  // namespace engine_fuzz
