// fuzz/driver/final.cpp — the end of a driver harness run: heal the network,
// end every observation, settle every deferred answer (later ones are answered at once), run until
// the simulation idles, then check liveness: every Task that was not destroyed has finished (each
// await resumed once, each stream ended), every single-response callback was called once, no Driver
// runs a send, and no Endpoint holds an exchange.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace driver_fuzz {

void Harness::converge() {
    finishing_ = true;
    auto& net = world_.net();
    net.heal_all();
    net.set_default_link({});
    for (std::size_t a = 0; a < world_.node_count(); ++a)
        for (std::size_t b = 0; b < world_.node_count(); ++b)
            net.clear_link(world_.node(a), world_.node(b));
    // Observations end: no new observer, and a final 5.03 to every one (§3.2);
    // a client then re-registers a bounded number of times, answered without Observe.
    for (auto& tree : trees_) {
        tree->set_observe_config(coap::ObserveConfig{.max_observers = 0});
        (void)tree->find("/imm")->end_observation();
        FUZZ_REQUIRE(tree->observer_count() == 0);
    }
    for (std::size_t i = 0; i < deferred_.size(); ++i) {
        complete(i, static_cast<std::uint8_t>(i % 2 == 0 ? 0 : 4));
        // Refused (a full transmit queue): the destructor's answer then.
        if (deferred_[i].response.pending()) complete(i, 4);
    }
    DRIVER_TRACE("converge at %lld\n", static_cast<long long>(net.now().ms));
    const bool idle = net.run_until_idle(net.now() + coap::milliseconds(converge_limit_ms));
    FUZZ_REQUIRE(idle);
    FUZZ_REQUIRE(depth_ == 0);
}

void Harness::final_checks() {
    for (Record& r : records_) {
        if (r.spec.form == Form::callback) {
            if (!r.many) FUZZ_REQUIRE(r.calls == 1);
            continue;
        }
        if (r.destroyed) continue;
        FUZZ_REQUIRE(r.task.done());
        FUZZ_REQUIRE(r.task_ended);
        if (r.spec.form == Form::stream) FUZZ_REQUIRE(r.stream_ended);
    }
    for (const Deferred& d : deferred_)
        FUZZ_REQUIRE(!d.response.pending());
    for (const coap::Task<void>& task : server_tasks_)
        FUZZ_REQUIRE(!task.valid() || task.done());
    for (std::size_t i = 0; i < world_.size(); ++i) {
        coap::Driver& d = world_.driver(i);
        FUZZ_REQUIRE(d.pending_sends() == 0);
        FUZZ_REQUIRE(d.endpoint().stats().exchanges_in_use == 0);
        FUZZ_REQUIRE(!d.next_wakeup().has_value());
    }
}

}  // namespace driver_fuzz
