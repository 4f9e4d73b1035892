// fuzz/driver/input.cpp — how the driver harness reads its input: the world (in
// World's constructor), then one operation per step, each with draws that depend
// only on the values drawn (fuzz/driver/make_seeds.py mirrors them); link
// conditions, partitions, time; and the checks run after every operation.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace driver_fuzz {

Harness::Harness(Provider& in) : in_(in), world_(in) {
    build_trees();
}

Harness::~Harness() {
    for (std::size_t i = 0; i < world_.size(); ++i)
        world_.tap(i).set_hook(nullptr);
    finishing_ = true;
    records_.clear();
    server_tasks_.clear();
    deferred_.clear();
}

void Harness::run() {
    for (int step = 0; step < max_operations && in_.remaining_bytes() > 0; ++step) {
        const auto op = static_cast<Operation>(draw_index(in_, op_count - 1));
        DRIVER_TRACE("op %d: %u at %lld\n", step, unsigned{op},
                     static_cast<long long>(world_.net().now().ms));
        execute(op);
        FUZZ_REQUIRE(depth_ == 0);
        check_all();
    }
    converge();
    final_checks();
}

void Harness::execute(Operation op) {
    switch (op) {
        case op_launch:
            launch(draw_spec(in_));
            return;
        case op_destroy: {
            const auto k = in_.ConsumeIntegral<std::uint8_t>();
            if (!records_.empty()) destroy(k % records_.size());
            return;
        }
        case op_cancel: {
            const auto k = in_.ConsumeIntegral<std::uint8_t>();
            if (!records_.empty()) cancel(k % records_.size(), true);
            return;
        }
        case op_complete: {
            const auto k = in_.ConsumeIntegral<std::uint8_t>();
            const auto how = in_.ConsumeIntegral<std::uint8_t>();
            if (!deferred_.empty()) complete(k % deferred_.size(), how);
            return;
        }
        case op_drop_deferred: {
            const auto k = in_.ConsumeIntegral<std::uint8_t>();
            if (!deferred_.empty()) complete(k % deferred_.size(), 4);
            return;
        }
        case op_raw:
            raw();
            return;
        case op_replay:
            replay();
            return;
        case op_forge_response:
            forge_response();
            return;
        case op_forge_request:
            forge_request();
            return;
        case op_link:
            link();
            return;
        case op_partition:
            partition();
            return;
        case op_time:
            advance_time();
            return;
        case op_steps:
            steps();
            return;
        case op_join: {
            const std::size_t driver = draw_index(in_, 2);
            world_.join(driver, draw_index(in_, 1) == 0);
            return;
        }
        case op_destroy_server_task: {
            const auto k = in_.ConsumeIntegral<std::uint8_t>();
            if (!server_tasks_.empty()) server_tasks_[k % server_tasks_.size()] = {};
            return;
        }
        case op_count:
            return;
    }
}

void Harness::link() {
    const std::size_t a = draw_index(in_, 3);
    const std::size_t b = draw_index(in_, 3);
    const std::size_t mode = draw_index(in_, 2);
    auto bits = in_.ConsumeIntegral<std::uint16_t>();
    const auto field = [&bits](std::size_t n) {
        const std::size_t value = bits % n;
        bits = static_cast<std::uint16_t>(bits / n);
        return value;
    };
    static constexpr std::array<std::int64_t, 6> delays{0, 5, 50, 500, 3000, 20000};
    static constexpr std::array<std::int64_t, 4> jitters{0, 10, 300, 2000};
    static constexpr std::array<double, 4> losses{0.0, 0.1, 0.5, 1.0};
    static constexpr std::array<double, 3> duplicates{0.0, 0.3, 1.0};
    static constexpr std::array<double, 2> reorders{0.0, 0.5};
    static constexpr std::array<std::size_t, 3> mtus{0, 300, 120};
    coap::sim::LinkConditions c;
    c.delay = coap::milliseconds(delays[field(6)]);
    c.jitter = coap::milliseconds(jitters[field(4)]);
    c.loss = losses[field(4)];
    c.duplicate = duplicates[field(3)];
    c.reorder = reorders[field(2)];
    c.mtu = mtus[field(3)];
    auto& net = world_.net();
    switch (mode) {
        case 0:
            net.set_links(world_.node(a), world_.node(b), c);
            return;
        case 1:
            net.set_default_link(c);
            return;
        default:
            net.clear_link(world_.node(a), world_.node(b));
            net.clear_link(world_.node(b), world_.node(a));
            return;
    }
}

void Harness::partition() {
    const std::size_t a = draw_index(in_, 3);
    const std::size_t b = draw_index(in_, 3);
    auto& net = world_.net();
    switch (draw_index(in_, 3)) {
        case 0:
            net.partition(world_.node(a), world_.node(b));
            return;
        case 1:
            net.heal(world_.node(a), world_.node(b));
            return;
        case 2:
            net.heal_all();
            return;
        default:
            net.block(world_.node(a), world_.node(b));
            return;
    }
}

void Harness::advance_time() {
    const std::int64_t step = pick(in_, time_steps);
    if (time_spent_ + step > time_budget_ms) return;
    time_spent_ += step;
    world_.net().run_for(coap::milliseconds(step));
    // The observable resource changes: its observers are notified (RFC 7641).
    for (auto& tree : trees_)
        (void)tree->find("/imm")->notify();
}

void Harness::steps() {
    const std::size_t count = 1 + draw_index(in_, 15);
    for (std::size_t i = 0; i < count && world_.net().step(); ++i) {
    }
}

void Harness::check_all() {
    for (const auto& tree : trees_) {
        // Observers within the limits; /imm is the only observable resource.
        FUZZ_REQUIRE(tree->observer_count() <= tree->observe_config().max_observers);
        FUZZ_REQUIRE(tree->find("/imm")->observer_count() == tree->observer_count());
        FUZZ_REQUIRE(tree->observer_count() <= tree->observe_config().max_observers_per_resource);
    }
    for (std::size_t i = 0; i < world_.size(); ++i) {
        coap::Driver& d = world_.driver(i);
        const std::size_t capacity = world_.config(i).capacities.exchanges;
        const std::size_t pending = d.pending_sends();
        const coap::EndpointStats stats = d.endpoint().stats();
        FUZZ_REQUIRE(stats.exchanges_in_use <= capacity);
        // Every send the Driver runs holds a live exchange, but those waiting to
        // start over after a delay (an observation's registration backing off).
        FUZZ_REQUIRE(pending <= stats.exchanges_in_use + d.delayed_sends());
        std::size_t running = 0;
        std::size_t callbacks = 0;
        for (Record& r : records_) {
            if (r.driver != i) continue;
            if (r.spec.form == Form::callback) {
                if (r.launched && !r.final_seen) ++callbacks;
                continue;
            }
            if (r.destroyed || !r.probe) continue;
            const auto id = r.probe();
            if (!id) continue;
            ++running;
            // A running send's id names its exchange (also after a restart), unless
            // it waits to start over after a delay (a registration backing off).
            const bool live = d.endpoint().is_live(*id) || d.waiting_to_restart(*id);
            if (!live) DRIVER_TRACE("  #%zu runs as %u, not live\n", r.index, id->value);
            FUZZ_REQUIRE(live);
        }
        FUZZ_REQUIRE(running <= pending);
        // Deregistrations (RFC 7641 §3.6) run without a record.
        FUZZ_REQUIRE(pending <= running + callbacks + d.pending_deregistrations());
    }
}

}  // namespace driver_fuzz
