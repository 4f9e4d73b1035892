// determinism_test.cpp — the same seed and the same calls give the same trace,
// record for record (times, kinds, reasons, nodes, bytes); another seed gives
// another trace.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::FakeNode;
using simtest::ip4;
using simtest::numbered;

/// Three nodes that echo every datagram once (numbers below 1000), over faulty
/// links, with a multicast group; returns the whole trace.
std::vector<TraceRecord> run_scenario(std::uint64_t seed) {
    Network net(seed);
    std::vector<NodeId> ids;
    std::vector<FakeNode*> nodes;
    for (std::uint8_t i = 1; i <= 3; ++i) {
        auto [id, node] = add_fake(net, ip4(i));
        ids.push_back(id);
        nodes.push_back(node);
        node->on_datagram = [](FakeNode& self, const simtest::Received& r) {
            if (simtest::number_of(r.bytes) < 1000)
                self.send(r.peer, numbered(simtest::number_of(r.bytes) + 1000));
        };
    }
    const auto group = Address::ipv4({224, 0, 1, 187}, 5683);
    net.join(ids[1], group);
    net.join(ids[2], group);
    net.set_default_link({.delay = milliseconds(20),
                          .jitter = milliseconds(15),
                          .loss = 0.1,
                          .duplicate = 0.1,
                          .reorder = 0.1});
    net.set_link(ids[0], ids[2], {.delay = milliseconds(5), .loss = 0.3});
    for (std::uint32_t i = 0; i < 300; ++i) {
        const auto& target = i % 3 == 0 ? group : net.address(ids[1 + i % 2]);
        nodes[0]->send(target, numbered(i));
        net.service(ids[0]);
        net.run_for(milliseconds(7));
    }
    net.run_until_idle(net.now() + seconds(60));
    return net.trace().records();
}

bool same(const TraceRecord& x, const TraceRecord& y) {
    return x.time == y.time && x.kind == y.kind && x.reason == y.reason && x.packet == y.packet &&
           x.from == y.from && x.to == y.to && x.source == y.source &&
           x.destination == y.destination && x.multicast == y.multicast && x.bytes == y.bytes;
}

TEST(SimDeterminism, SameSeedGivesTheSameTrace) {
    const auto first = run_scenario(42);
    const auto second = run_scenario(42);
    ASSERT_EQ(first.size(), second.size());
    ASSERT_GT(first.size(), 1000u);
    for (std::size_t i = 0; i < first.size(); ++i)
        ASSERT_TRUE(same(first[i], second[i])) << i;
}

TEST(SimDeterminism, AnotherSeedGivesAnotherTrace) {
    const auto first = run_scenario(42);
    const auto other = run_scenario(43);
    bool differs = first.size() != other.size();
    for (std::size_t i = 0; !differs && i < first.size(); ++i)
        differs = !same(first[i], other[i]);
    EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace coap::sim
