// link_faults_test.cpp — per-link faults: loss close to the configured fraction,
// duplication, reordering, MTU drops (IPv4 and IPv6 overheads), partitions in
// one or both directions and healing, per-link overrides of the default.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::FakeNode;
using simtest::ip4;
using simtest::number_of;
using simtest::numbered;

struct Pair {
    Network net;
    NodeId a, b;
    FakeNode* fa;
    FakeNode* fb;
    explicit Pair(std::uint64_t seed) : net(seed) {
        std::tie(a, fa) = add_fake(net, ip4(1));
        std::tie(b, fb) = add_fake(net, ip4(2));
    }
    /// Sends `count` numbered datagrams a → b, `gap` apart, then runs until idle.
    void send(std::uint32_t count, Duration gap = milliseconds(1), std::size_t size = 8) {
        for (std::uint32_t i = 0; i < count; ++i) {
            fa->send(net.address(b), numbered(i, size));
            net.service(a);
            net.run_for(gap);
        }
        net.run_until_idle(net.now() + seconds(3600));
    }
};

TEST(SimLinkFaults, LossFractionIsRoughlyAsConfigured) {
    Pair p(11);
    p.net.set_link(p.a, p.b, {.loss = 0.3});
    p.send(10'000);
    const auto lost = p.net.trace().dropped(DropReason::loss);
    EXPECT_GT(lost, 2700u);
    EXPECT_LT(lost, 3300u);
    EXPECT_EQ(p.fb->received.size(), 10'000u - lost);
    EXPECT_EQ(p.net.stats().dropped_loss, lost);
}

TEST(SimLinkFaults, LossZeroNeverDropsAndLossOneAlwaysDrops) {
    Pair p(12);
    p.net.set_link(p.a, p.b, {.loss = 1.0});
    p.send(100);
    EXPECT_TRUE(p.fb->received.empty());
    p.net.set_link(p.a, p.b, {.loss = 0.0});
    p.send(100);
    EXPECT_EQ(p.fb->received.size(), 100u);
}

TEST(SimLinkFaults, DuplicationDeliversSomeDatagramsTwice) {
    Pair p(13);
    p.net.set_link(p.a, p.b,
                   {.delay = milliseconds(5), .jitter = milliseconds(3), .duplicate = 0.2});
    p.send(5'000);
    const auto duplicated = p.net.trace().count({.kind = TraceKind::duplicated});
    EXPECT_GT(duplicated, 850u);
    EXPECT_LT(duplicated, 1150u);
    EXPECT_EQ(p.fb->received.size(), 5'000u + duplicated);
    EXPECT_EQ(p.net.stats().duplicated, duplicated);
    // Both copies of a duplicated packet share its packet number.
    const auto copies = p.net.trace().select({.kind = TraceKind::duplicated});
    ASSERT_FALSE(copies.empty());
    const auto packet = copies.front().packet;
    std::size_t deliveries = 0;
    for (const auto& r : p.net.trace().records())
        if (r.kind == TraceKind::delivered && r.packet == packet) ++deliveries;
    EXPECT_EQ(deliveries, 2u);
}

std::size_t inversions(const std::vector<simtest::Received>& received) {
    std::size_t n = 0;
    for (std::size_t i = 1; i < received.size(); ++i)
        if (number_of(received[i].bytes) < number_of(received[i - 1].bytes)) ++n;
    return n;
}

TEST(SimLinkFaults, ReorderingLetsLaterDatagramsOvertake) {
    Pair in_order(14);
    in_order.net.set_default_link({.delay = milliseconds(10)});
    in_order.send(200);
    EXPECT_EQ(inversions(in_order.fb->received), 0u);

    Pair p(14);
    p.net.set_default_link(
        {.delay = milliseconds(10), .reorder = 0.2, .reorder_delay = milliseconds(20)});
    p.send(200);
    ASSERT_EQ(p.fb->received.size(), 200u);
    EXPECT_GT(inversions(p.fb->received), 10u);
    // A held-back datagram arrives exactly reorder_delay late.
    for (const auto& r : p.fb->received) {
        const auto delay = r.time.ms - static_cast<std::int64_t>(number_of(r.bytes));
        EXPECT_TRUE(delay == 10 || delay == 30) << delay;
    }
}

TEST(SimLinkFaults, MtuDropsDatagramsWhoseIpPacketIsTooLarge) {
    Pair p(15);
    p.net.set_link(p.a, p.b, {.mtu = 100});
    p.send(1, milliseconds(1), 72);  // 72 + 28 = 100
    p.send(1, milliseconds(1), 73);
    EXPECT_EQ(p.fb->received.size(), 1u);
    EXPECT_EQ(p.net.trace().dropped(DropReason::mtu), 1u);
    EXPECT_EQ(p.net.stats().dropped_mtu, 1u);
    const auto drops = p.net.trace().select({.kind = TraceKind::dropped});
    ASSERT_EQ(drops.size(), 1u);
    EXPECT_EQ(drops[0].bytes.size(), 73u);
    EXPECT_EQ(drops[0].to, p.b);
}

TEST(SimLinkFaults, MtuCountsTheIpv6Header) {
    Network net(16);
    const auto v6 = [](std::uint8_t last) {
        return Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}, 5683);
    };
    auto [a, fa] = add_fake(net, v6(1));
    auto [b, fb] = add_fake(net, v6(2));
    net.set_default_link({.mtu = 100});
    fa->send(net.address(b), numbered(1, 52));  // 52 + 48 = 100
    fa->send(net.address(b), numbered(2, 53));
    net.service(a);
    net.run_until_idle(Instant{100});
    ASSERT_EQ(fb->received.size(), 1u);
    EXPECT_EQ(fb->received[0].bytes.size(), 52u);
}

TEST(SimLinkFaults, PartitionDropsBothWaysUntilHealed) {
    Pair p(17);
    p.net.partition(p.a, p.b);
    EXPECT_TRUE(p.net.blocked(p.a, p.b));
    EXPECT_TRUE(p.net.blocked(p.b, p.a));
    p.fa->send(p.net.address(p.b), numbered(1));
    p.fb->send(p.net.address(p.a), numbered(2));
    p.net.service(p.a);
    p.net.service(p.b);
    p.net.run_until_idle(Instant{1000});
    EXPECT_TRUE(p.fa->received.empty());
    EXPECT_TRUE(p.fb->received.empty());
    EXPECT_EQ(p.net.trace().dropped(DropReason::partition), 2u);

    p.net.heal(p.a, p.b);
    p.fa->send(p.net.address(p.b), numbered(3));
    p.fb->send(p.net.address(p.a), numbered(4));
    p.net.service(p.a);
    p.net.service(p.b);
    p.net.run_until_idle(Instant{2000});
    EXPECT_EQ(p.fa->received.size(), 1u);
    EXPECT_EQ(p.fb->received.size(), 1u);
}

TEST(SimLinkFaults, BlockIsDirected) {
    Pair p(18);
    p.net.block(p.a, p.b);
    p.fa->send(p.net.address(p.b), numbered(1));
    p.fb->send(p.net.address(p.a), numbered(2));
    p.net.service(p.a);
    p.net.service(p.b);
    p.net.run_until_idle(Instant{1000});
    EXPECT_TRUE(p.fb->received.empty());
    EXPECT_EQ(p.fa->received.size(), 1u);
    p.net.heal_all();
    EXPECT_FALSE(p.net.blocked(p.a, p.b));
}

TEST(SimLinkFaults, APartitionDropsDatagramsAlreadyInFlight) {
    Pair p(19);
    p.net.set_default_link({.delay = milliseconds(100)});
    p.fa->send(p.net.address(p.b), numbered(1));
    p.net.service(p.a);
    p.net.run_for(milliseconds(50));
    p.net.block(p.a, p.b);
    p.net.run_until_idle(Instant{1000});
    EXPECT_TRUE(p.fb->received.empty());
    const auto drops = p.net.trace().select({.kind = TraceKind::dropped});
    ASSERT_EQ(drops.size(), 1u);
    EXPECT_EQ(drops[0].reason, DropReason::partition);
    EXPECT_EQ(drops[0].time, Instant{100});
}

TEST(SimLinkFaults, PerLinkConditionsOverrideTheDefaultUntilCleared) {
    Pair p(20);
    p.net.set_default_link({.delay = milliseconds(7)});
    p.net.set_link(p.a, p.b, {.delay = milliseconds(40)});
    EXPECT_EQ(p.net.link(p.a, p.b).delay, milliseconds(40));
    EXPECT_EQ(p.net.link(p.b, p.a).delay, milliseconds(7));
    p.send(1);
    EXPECT_EQ(p.fb->received.at(0).time, Instant{40});
    p.net.clear_link(p.a, p.b);
    EXPECT_EQ(p.net.link(p.a, p.b).delay, milliseconds(7));
}

TEST(SimLinkFaults, InvalidConditionsAreRefused) {
    Pair p(21);
    EXPECT_THROW(p.net.set_default_link({.loss = 1.5}), std::invalid_argument);
    EXPECT_THROW(p.net.set_link(p.a, p.b, {.duplicate = -0.1}), std::invalid_argument);
    EXPECT_THROW(p.net.set_links(p.a, p.b, {.delay = milliseconds(-1)}), std::invalid_argument);
}

}  // namespace
}  // namespace coap::sim
