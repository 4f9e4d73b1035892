// service_test.cpp — servicing a node: events reach the handler (or are counted
// and dropped), a handler may make its node send (also re-entrantly through
// service()), forgotten service() calls are caught up before the next step,
// broken nodes and step() from a handler are reported.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::FakeNode;
using simtest::ip4;
using simtest::numbered;

Event event(EventKind kind, std::uint32_t request) {
    Event e;
    e.kind = kind;
    e.request = RequestId{request};
    return e;
}

TEST(SimService, EventsReachTheHandlerInOrder) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    std::vector<std::uint32_t> seen;
    net.on_event(a, [&](const Event& e) { seen.push_back(e.request.value); });
    fa->events.push_back(event(EventKind::response_received, 1));
    fa->events.push_back(event(EventKind::exchange_failed, 2));
    net.service(a);
    EXPECT_EQ(seen, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(net.events_drained(a), 2u);
    EXPECT_EQ(net.stats().events, 2u);
}

TEST(SimService, WithoutAHandlerEventsAreDrainedAndCounted) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    fa->events.push_back(event(EventKind::pong, 1));
    net.service(a);
    EXPECT_TRUE(fa->events.empty());
    EXPECT_EQ(net.events_drained(a), 1u);
}

TEST(SimService, AHandlerMaySendAndItsDatagramsAreDrained) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.on_event(a, [&, fa = fa, b = b](const Event& e) {
        fa->send(net.address(b), numbered(e.request.value));
        if (e.request.value == 2) net.service(a);  // re-entrant: only asks for another pass
        // Handling an event may produce another event: serviced in the same call.
        if (e.request.value == 1) fa->events.push_back(event(EventKind::pong, 2));
    });
    fa->events.push_back(event(EventKind::pong, 1));
    net.service(a);
    EXPECT_EQ(net.trace().sent(a, b), 2u);
    EXPECT_TRUE(fa->outbox.empty());
    net.run_until_idle(Instant{100});
    EXPECT_EQ(fb->received.size(), 2u);
}

TEST(SimService, DatagramsQueuedWithoutServiceAreSentBeforeTheNextStep) {
    Network net(0, Instant{250});
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    fa->send(net.address(b), numbered(1));  // no net.service(a)
    EXPECT_EQ(net.next_event_time(), Instant{250});
    EXPECT_FALSE(net.idle());
    ASSERT_TRUE(net.run_until([&] { return !fb->received.empty(); }, Instant{1000}));
    EXPECT_EQ(net.trace().times({.kind = TraceKind::sent}), std::vector<Instant>{{250}});
}

TEST(SimService, ANodeThatWantsAPollButHasNothingIsReported) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    fa->lies_about_wanting_poll = true;
    EXPECT_THROW(net.service(a), std::logic_error);
}

TEST(SimService, SteppingFromAHandlerIsRefused) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.on_event(b, [&](const Event&) { net.step(); });
    fb->on_datagram = [](FakeNode& self, const simtest::Received&) {
        self.events.push_back(event(EventKind::request_received, 1));
    };
    fa->send(net.address(b), numbered(1));
    net.service(a);
    EXPECT_THROW(net.step(), std::logic_error);
}

TEST(SimService, InjectSendsRawBytesAsTheNode) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    const auto bytes = numbered(9);
    net.inject(a, net.address(b), bytes);
    net.run_until_idle(Instant{10});
    ASSERT_EQ(fb->received.size(), 1u);
    EXPECT_EQ(fb->received[0].peer, net.address(a));
    (void)fa;
}

}  // namespace
}  // namespace coap::sim
