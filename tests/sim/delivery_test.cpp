// delivery_test.cpp — the network's clock and scheduling: fixed delay, jitter
// bounds, an hour-long delay in one step, first-sent-first-delivered ties,
// deliveries before timers, run_until / run_for / idle, no route, the stuck guard.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::ip4;
using simtest::number_of;
using simtest::numbered;

TEST(SimDelivery, FixedDelayDeliversAtExactlySendTimePlusDelay) {
    Network net(1, Instant{1000});
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_default_link({.delay = milliseconds(30)});

    fa->send(net.address(b), numbered(7));
    net.service(a);
    EXPECT_EQ(net.in_flight(), 1u);
    EXPECT_EQ(net.trace().sent(a, b), 1u);

    ASSERT_TRUE(net.run_until([&] { return !fb->received.empty(); }, Instant{5000}));
    EXPECT_EQ(fb->received[0].time, Instant{1030});
    EXPECT_EQ(fb->received[0].peer, net.address(a));
    EXPECT_FALSE(fb->received[0].multicast);
    EXPECT_EQ(number_of(fb->received[0].bytes), 7u);
    EXPECT_EQ(net.now(), Instant{1030});
    EXPECT_TRUE(net.idle());
    EXPECT_EQ(net.trace().delivered(a, b), 1u);
    EXPECT_EQ(net.trace().times({.kind = TraceKind::delivered}), std::vector<Instant>{{1030}});
}

TEST(SimDelivery, JitterStaysWithinDelayPlusJitter) {
    Network net(2);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_link(a, b, {.delay = milliseconds(10), .jitter = milliseconds(20)});

    for (std::uint32_t i = 0; i < 1000; ++i) {
        fa->send(net.address(b), numbered(i));
        net.service(a);
        net.run_for(milliseconds(100));
    }
    ASSERT_EQ(fb->received.size(), 1000u);
    std::set<std::int64_t> delays;
    for (const auto& r : fb->received)
        delays.insert(r.time.ms - static_cast<std::int64_t>(number_of(r.bytes)) * 100);
    ASSERT_EQ(delays.size(), 21u);  // every value of [10, 30] occurs
    EXPECT_EQ(*delays.begin(), 10);
    EXPECT_EQ(*delays.rbegin(), 30);
}

TEST(SimDelivery, OneHourDelayIsOneStepOfVirtualTime) {
    const auto started = std::chrono::steady_clock::now();
    Network net(3);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_link(a, b, {.delay = seconds(3600)});
    fa->send(net.address(b), numbered(1));
    net.service(a);
    ASSERT_TRUE(net.step());
    ASSERT_EQ(fb->received.size(), 1u);
    EXPECT_EQ(fb->received[0].time, Instant{3'600'000});
    EXPECT_FALSE(net.step());
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

TEST(SimDelivery, EqualArrivalTimesDeliverInSendOrder) {
    Network net(4);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_default_link({.delay = milliseconds(5)});
    for (std::uint32_t i = 0; i < 50; ++i)
        fa->send(net.address(b), numbered(i));
    net.service(a);
    net.run_until_idle(Instant{1000});
    ASSERT_EQ(fb->received.size(), 50u);
    for (std::uint32_t i = 0; i < 50; ++i)
        EXPECT_EQ(number_of(fb->received[i].bytes), i);
}

TEST(SimDelivery, DeliveryBeforeTimerAtTheSameInstantThenTimersByNodeId) {
    Network net(5);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    auto [c, fc] = add_fake(net, ip4(3));
    net.set_default_link({.delay = milliseconds(500)});
    fc->timer = Instant{500};
    fb->timer = Instant{500};
    std::vector<char> order;
    fb->on_datagram = [&](simtest::FakeNode&, const simtest::Received&) { order.push_back('d'); };
    fa->send(net.address(b), numbered(1));
    net.service(a);

    ASSERT_TRUE(net.step());
    EXPECT_EQ(fb->received.size(), 1u);
    EXPECT_TRUE(fb->timeouts.empty());
    ASSERT_TRUE(net.step());
    EXPECT_EQ(fb->timeouts, std::vector<Instant>{Instant{500}});
    EXPECT_TRUE(fc->timeouts.empty());
    ASSERT_TRUE(net.step());
    EXPECT_EQ(fc->timeouts, std::vector<Instant>{Instant{500}});
    EXPECT_FALSE(net.step());
    EXPECT_EQ(net.stats().timeouts, 2u);
}

TEST(SimDelivery, RunUntilStopsAtTheLimitAndRunForAdvancesExactly) {
    Network net(6);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_default_link({.delay = seconds(10)});
    fa->send(net.address(b), numbered(1));
    net.service(a);

    EXPECT_FALSE(net.run_until([&] { return !fb->received.empty(); }, Instant{4000}));
    EXPECT_EQ(net.now(), Instant{4000});
    EXPECT_EQ(net.next_event_time(), Instant{10'000});
    net.run_for(seconds(7));
    EXPECT_EQ(net.now(), Instant{11'000});
    EXPECT_EQ(fb->received.size(), 1u);
    EXPECT_TRUE(net.idle());
    // Idle: run_until returns false without moving the clock.
    EXPECT_FALSE(net.run_until([] { return false; }, Instant{1'000'000}));
    EXPECT_EQ(net.now(), Instant{11'000});
    net.run_for(seconds(1));
    EXPECT_EQ(net.now(), Instant{12'000});
}

TEST(SimDelivery, OverdueTimerFiresNow) {
    Network net(7, Instant{100});
    auto [a, fa] = add_fake(net, ip4(1));
    fa->timer = Instant{20};
    EXPECT_EQ(net.next_event_time(), Instant{100});
    ASSERT_TRUE(net.step());
    EXPECT_EQ(fa->timeouts, std::vector<Instant>{Instant{100}});
    (void)a;
}

TEST(SimDelivery, UnknownDestinationIsDroppedAsNoRoute) {
    Network net(8);
    auto [a, fa] = add_fake(net, ip4(1));
    fa->send(ip4(99), numbered(1));
    net.service(a);
    EXPECT_EQ(net.trace().dropped(DropReason::no_route), 1u);
    EXPECT_EQ(net.trace().count({.kind = TraceKind::sent, .from = a, .to = no_node}), 1u);
    EXPECT_EQ(net.stats().dropped_no_route, 1u);
    EXPECT_TRUE(net.idle());
}

TEST(SimDelivery, NodesAreFoundByAddressAndAddressesAreUnique) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    EXPECT_EQ(net.find(ip4(1)), a);
    EXPECT_EQ(net.find(ip4(1, 1)), std::nullopt);
    EXPECT_THROW(add_fake(net, ip4(1)), std::invalid_argument);
    EXPECT_THROW(add_fake(net, Address::ipv4({224, 0, 1, 187}, 5683)), std::invalid_argument);
    EXPECT_THROW(net.node(NodeId{5}), std::out_of_range);
    EXPECT_THROW(net.endpoint(a), std::invalid_argument);
    (void)fa;
}

TEST(SimDelivery, ATimerThatNeverAdvancesIsReportedInsteadOfSpinningForever) {
    struct Stuck : simtest::FakeNode {
        std::optional<Instant> next_timeout() const override { return Instant{0}; }
    };
    Network net;
    net.add_node(ip4(1), std::make_unique<Stuck>());
    EXPECT_THROW(net.run_until([] { return false; }, Instant{10}), std::runtime_error);
}

TEST(SimDelivery, TracingCanBeSwitchedOffButStatisticsRemain) {
    Network net;
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    net.set_tracing(false);
    fa->send(net.address(b), numbered(1));
    net.service(a);
    net.run_until_idle(Instant{10});
    EXPECT_EQ(net.trace().size(), 0u);
    EXPECT_EQ(net.stats().sent, 1u);
    EXPECT_EQ(net.stats().delivered, 1u);
    EXPECT_EQ(fb->received.size(), 1u);
}

}  // namespace
}  // namespace coap::sim
