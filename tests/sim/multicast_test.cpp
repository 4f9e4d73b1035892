// multicast_test.cpp — group membership and fan-out: every member but the sender
// gets a copy with ArrivalInfo::multicast, each copy through its own link;
// leaving, empty groups (no route), and join refusing unicast addresses.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::FakeNode;
using simtest::ip4;
using simtest::numbered;

const Address all_coap_nodes = Address::ipv4({224, 0, 1, 187}, 5683);

struct Group {
    Network net{31};
    std::vector<NodeId> ids;
    std::vector<FakeNode*> nodes;
    Group() {
        for (std::uint8_t i = 1; i <= 4; ++i) {
            auto [id, node] = add_fake(net, ip4(i));
            ids.push_back(id);
            nodes.push_back(node);
        }
        for (std::size_t i = 1; i < 4; ++i)
            net.join(ids[i], all_coap_nodes);
    }
    void send_from(std::size_t i) {
        nodes[i]->send(all_coap_nodes, numbered(static_cast<std::uint32_t>(i)));
        net.service(ids[i]);
        net.run_until_idle(net.now() + seconds(60));
    }
};

TEST(SimMulticast, EveryMemberReceivesACopyMarkedMulticast) {
    Group g;
    g.net.set_default_link({.delay = milliseconds(3)});
    g.send_from(0);
    EXPECT_TRUE(g.nodes[0]->received.empty());
    for (std::size_t i = 1; i < 4; ++i) {
        ASSERT_EQ(g.nodes[i]->received.size(), 1u) << i;
        EXPECT_TRUE(g.nodes[i]->received[0].multicast);
        EXPECT_EQ(g.nodes[i]->received[0].peer, g.net.address(g.ids[0]));
        EXPECT_EQ(g.nodes[i]->received[0].time, Instant{3});
    }
    const auto& trace = g.net.trace();
    EXPECT_EQ(trace.count({.kind = TraceKind::sent}), 1u);
    const auto sent = trace.select({.kind = TraceKind::sent});
    EXPECT_EQ(sent[0].to, no_node);
    EXPECT_TRUE(sent[0].multicast);
    EXPECT_EQ(sent[0].destination, all_coap_nodes);
    EXPECT_EQ(trace.count({.kind = TraceKind::delivered, .from = g.ids[0]}), 3u);
}

TEST(SimMulticast, TheSenderDoesNotReceiveItsOwnDatagram) {
    Group g;
    g.send_from(2);
    EXPECT_TRUE(g.nodes[0]->received.empty());
    EXPECT_EQ(g.nodes[1]->received.size(), 1u);
    EXPECT_TRUE(g.nodes[2]->received.empty());
    EXPECT_EQ(g.nodes[3]->received.size(), 1u);
}

TEST(SimMulticast, EachCopyTakesItsOwnLink) {
    Group g;
    g.net.set_link(g.ids[0], g.ids[1], {.delay = milliseconds(100)});
    g.net.set_link(g.ids[0], g.ids[2], {.loss = 1.0});
    g.net.block(g.ids[0], g.ids[3]);
    g.send_from(0);
    ASSERT_EQ(g.nodes[1]->received.size(), 1u);
    EXPECT_EQ(g.nodes[1]->received[0].time, Instant{100});
    EXPECT_TRUE(g.nodes[2]->received.empty());
    EXPECT_TRUE(g.nodes[3]->received.empty());
    EXPECT_EQ(g.net.trace().count({.kind = TraceKind::dropped, .to = g.ids[2]}), 1u);
    EXPECT_EQ(g.net.trace().count({.to = g.ids[3], .reason = DropReason::partition}), 1u);
}

TEST(SimMulticast, LeavingStopsDeliveryAndAnEmptyGroupHasNoRoute) {
    Group g;
    g.net.leave(g.ids[1], all_coap_nodes);
    g.send_from(0);
    EXPECT_TRUE(g.nodes[1]->received.empty());
    EXPECT_EQ(g.nodes[2]->received.size(), 1u);
    g.net.leave(g.ids[2], all_coap_nodes);
    g.net.leave(g.ids[3], all_coap_nodes);
    g.send_from(0);
    EXPECT_EQ(g.net.trace().dropped(DropReason::no_route), 1u);
}

TEST(SimMulticast, GroupsAreMatchedWithTheirPortAndIpv6Works) {
    Network net(32);
    const auto v6 = [](std::uint8_t last) {
        return Address::ipv6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}, 5683);
    };
    const auto group =
        Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5683);
    auto [a, fa] = add_fake(net, v6(1));
    auto [b, fb] = add_fake(net, v6(2));
    net.join(b, group);
    fa->send(Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5684),
             numbered(1));
    fa->send(group, numbered(2));
    net.service(a);
    net.run_until_idle(Instant{100});
    ASSERT_EQ(fb->received.size(), 1u);
    EXPECT_TRUE(fb->received[0].multicast);
    EXPECT_EQ(net.trace().dropped(DropReason::no_route), 1u);
}

TEST(SimMulticast, JoiningAUnicastAddressIsRefused) {
    Group g;
    EXPECT_THROW(g.net.join(g.ids[0], ip4(200)), std::invalid_argument);
}

}  // namespace
}  // namespace coap::sim
