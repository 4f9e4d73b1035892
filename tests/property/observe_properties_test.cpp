// observe_properties_test.cpp — an observation (RFC 7641) over a lossy,
// reordering simulated network with an outage of random length, a short
// Max-Age (so that re-registrations happen, §3.3.1) and CON or NON
// notifications, for random seeds and schedules: the client never delivers an
// older state after a newer one (§3.4, across re-registrations), and once the
// network heals it sees the latest state (§4.5 eventual consistency).
#include "../observe/observe_fixture.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace coap {
namespace {

RC_GTEST_PROP(ObserveProperties, NeverOlderAndLatestAfterTheNetworkHeals, ()) {
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1u << 30);
    const auto loss_percent = *rc::gen::inRange(0, 30);
    const auto jitter_ms = *rc::gen::inRange(0, 400);
    const auto max_age = *rc::gen::inRange<std::uint32_t>(2, 30);
    const auto changes = *rc::gen::inRange(1, 40);
    const auto gap_ms = *rc::gen::inRange(50, 4000);
    const auto outage_start = *rc::gen::inRange(0, 60);
    const auto outage_length = *rc::gen::inRange(0, 120);
    const bool confirmable = *rc::gen::arbitrary<bool>();

    test::Observed o(seed);
    o.max_age = max_age;
    ObserveConfig server;
    server.always_confirmable = confirmable;
    o.tree.set_observe_config(server);
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(10),
                                             .jitter = milliseconds(jitter_ms),
                                             .loss = loss_percent / 100.0,
                                             .duplicate = 0.02});
    std::vector<std::string> seen;
    // Retries that outlast the longest outage (back-off capped at 16 s).
    auto task = test::collect(o.pair.remote("coap://10.0.0.2/time"), &seen,
                              ObserveClientConfig{.max_registration_retries = 40,
                                                  .retry_delay = seconds(1),
                                                  .max_retry_delay = seconds(16)});
    task.start();
    for (int i = 1; i <= changes; ++i)
        o.change_at(milliseconds(gap_ms * i), i);
    o.at(seconds(outage_start),
         [&o] { o.pair.net.partition(o.pair.client_node, o.pair.server_node); });
    o.at(seconds(outage_start + outage_length), [&o] { o.pair.net.heal_all(); });
    o.pair.net.run_for(milliseconds(gap_ms * changes) + seconds(outage_start + outage_length + 1));

    // Healed, and the loss gone: one more state, then time for Max-Age, a
    // re-registration and its back-off to bring it.
    o.pair.net.heal_all();
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(10)});
    const int latest = changes + 1000;
    o.change_at(seconds(1), latest);
    o.pair.net.run_for(seconds(max_age + 60));

    RC_ASSERT(!seen.empty());
    RC_TAG(seen.size() > static_cast<std::size_t>(changes) ? "saw all" : "lost some");
    int previous = -1;
    for (const auto& item : seen) {
        RC_ASSERT(item.rfind("error", 0) != 0);  // the stream never failed
        RC_ASSERT(item != "end");
        const int value = std::stoi(item);
        RC_ASSERT(value >= previous);  // never an older state after a newer one
        previous = value;
    }
    RC_ASSERT(seen.back() == std::to_string(latest));
    RC_ASSERT(!task.done());
}

}  // namespace
}  // namespace coap
