// port_test.cpp — sim::Port, the simulated network as a coap::Transport: the
// inbox (owner serviced on delivery, bounded, oversize datagrams dropped),
// send() through the links and the trace, the owner's wakeup in virtual time,
// wait() (on arrival, at the deadline, false when idle, running other owners),
// multicast, resolve() of literals and names, and re-entrancy. The owner is a
// tiny fake Serviceable, not the Driver.
#include "coap/sim/port.hpp"
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::ip4;
using simtest::number_of;
using simtest::numbered;

struct Got {
    Instant time{};
    Address peer{};
    std::vector<std::byte> bytes;
    bool multicast = false;
};

/// Records its service() calls and what it receives; may echo, may keep a
/// wakeup time (cleared when serviced at or after it).
struct Owner final : Serviceable {
    Port& port;
    std::vector<Got> got;
    std::vector<Instant> services;
    std::vector<Instant> wakeups;
    std::optional<Instant> wakeup;
    bool echo = false;
    std::size_t buffer_size = 1500;
    std::function<void()> during_service;

    explicit Owner(Port& p) : port(p) { port.attach(this); }
    ~Owner() { port.attach(nullptr); }
    Owner(const Owner&) = delete;
    Owner& operator=(const Owner&) = delete;

    void service() override {
        services.push_back(port.now());
        if (wakeup && *wakeup <= port.now()) {
            wakeups.push_back(port.now());
            wakeup.reset();
        }
        if (during_service) during_service();
        std::vector<std::byte> buffer(buffer_size);
        while (const auto r = port.receive(buffer)) {
            buffer.resize(r->length);
            got.push_back({port.now(), r->peer, buffer, r->arrival.multicast});
            if (echo) port.send(r->peer, buffer);
            buffer.resize(buffer_size);
        }
    }
    std::optional<Instant> next_wakeup() const override { return wakeup; }
};

struct Pair {
    Network net{7};
    NodeId a = net.add_port(ip4(1));
    NodeId b = net.add_port(ip4(2));
    Port& pa = net.port(a);
    Port& pb = net.port(b);
};

std::vector<std::byte> take(Port& port, std::size_t size = 1500) {
    std::vector<std::byte> buffer(size);
    const auto r = port.receive(buffer);
    if (!r) return {};
    buffer.resize(r->length);
    return buffer;
}

TEST(SimPort, DeliveryServicesTheOwnerWhichReceivesFromTheInbox) {
    Pair p;
    Owner owner(p.pb);
    p.net.set_default_link({.delay = milliseconds(5)});
    EXPECT_TRUE(p.pa.send(p.pb.local_address(), numbered(42)));
    EXPECT_TRUE(owner.services.empty());
    p.net.run_until_idle(Instant{1000});
    ASSERT_EQ(owner.got.size(), 1u);
    EXPECT_EQ(owner.got[0].time, Instant{5});
    EXPECT_EQ(owner.got[0].peer, ip4(1));
    EXPECT_EQ(number_of(owner.got[0].bytes), 42u);
    EXPECT_FALSE(owner.got[0].multicast);
    EXPECT_EQ(owner.services, (std::vector<Instant>{Instant{5}}));
    EXPECT_EQ(p.pb.stats().received, 1u);
    EXPECT_EQ(p.pb.inbox_size(), 0u);
}

TEST(SimPort, WithoutAnOwnerDatagramsWaitInTheInbox) {
    Pair p;
    p.pa.send(ip4(2), numbered(1));
    p.pa.send(ip4(2), numbered(2, 20));
    p.net.run_until_idle(Instant{1000});
    EXPECT_EQ(p.pb.inbox_size(), 2u);
    EXPECT_EQ(number_of(take(p.pb)), 1u);
    EXPECT_EQ(take(p.pb).size(), 20u);
    std::vector<std::byte> buffer(10);
    EXPECT_FALSE(p.pb.receive(buffer));
}

TEST(SimPort, AttachingWithAFullInboxServicesTheOwnerBeforeTheNextStep) {
    Pair p;
    p.pa.send(ip4(2), numbered(3));
    p.net.run_until_idle(Instant{1000});
    Owner owner(p.pb);
    EXPECT_TRUE(owner.got.empty());
    p.net.step();
    ASSERT_EQ(owner.got.size(), 1u);
    EXPECT_EQ(number_of(owner.got[0].bytes), 3u);
}

TEST(SimPort, SendGoesThroughTheLinkAndTheTrace) {
    Pair p;
    p.net.set_link(p.a, p.b, {.delay = milliseconds(30)});
    ASSERT_TRUE(p.pa.send(ip4(2), numbered(9)));
    EXPECT_EQ(p.net.trace().sent(p.a, p.b), 1u);
    p.net.run_until_idle(Instant{1000});
    EXPECT_EQ(p.net.trace().times({.kind = TraceKind::delivered, .from = p.a, .to = p.b}),
              (std::vector<Instant>{Instant{30}}));
    EXPECT_EQ(p.pa.stats().sent, 1u);
    EXPECT_EQ(p.net.stats().sent, 1u);
}

TEST(SimPort, SendIsFalseWhenTheNetworkDropsItAtOnce) {
    Pair p;
    p.net.partition(p.a, p.b);
    EXPECT_FALSE(p.pa.send(ip4(2), numbered(1)));
    EXPECT_EQ(p.net.trace().dropped(DropReason::partition), 1u);
    EXPECT_FALSE(p.pa.send(ip4(99), numbered(2)));
    EXPECT_EQ(p.net.trace().dropped(DropReason::no_route), 1u);
    p.net.heal_all();
    EXPECT_TRUE(p.pa.send(ip4(2), numbered(3)));
    p.net.run_until_idle(Instant{1000});
    EXPECT_EQ(p.pb.inbox_size(), 1u);
    EXPECT_EQ(number_of(take(p.pb)), 3u);
}

TEST(SimPort, SendRefusesMoreThanAUdpPayload) {
    Pair p;
    EXPECT_FALSE(p.pa.send(ip4(2), std::vector<std::byte>(65508)));
    EXPECT_EQ(p.net.trace().size(), 0u);
    EXPECT_TRUE(p.pa.send(ip4(2), std::vector<std::byte>(65507)));
}

/// Sends 200 datagrams over a lossy link; returns which arrived and what send() said.
std::pair<std::vector<std::uint32_t>, std::vector<bool>> lossy_run(std::uint64_t seed) {
    Network net(seed);
    const NodeId a = net.add_port(ip4(1));
    const NodeId b = net.add_port(ip4(2));
    net.set_link(a, b, {.delay = milliseconds(10), .jitter = milliseconds(5), .loss = 0.3});
    std::vector<bool> accepted;
    for (std::uint32_t i = 0; i < 200; ++i)
        accepted.push_back(net.port(a).send(ip4(2), numbered(i)));
    net.run_until_idle(Instant{1000});
    std::vector<std::uint32_t> arrived;
    while (net.port(b).inbox_size() > 0)
        arrived.push_back(number_of(take(net.port(b))));
    EXPECT_EQ(arrived.size(),
              static_cast<std::size_t>(std::count(accepted.begin(), accepted.end(), true)));
    EXPECT_EQ(net.trace().dropped(DropReason::loss), 200 - arrived.size());
    return {arrived, accepted};
}

TEST(SimPort, LossIsSeededAndSendReportsIt) {
    const auto first = lossy_run(11);
    EXPECT_GT(first.first.size(), 100u);
    EXPECT_LT(first.first.size(), 180u);
    EXPECT_EQ(lossy_run(11), first);
    EXPECT_NE(lossy_run(12), first);
}

TEST(SimPort, TheOwnerIsServicedAtItsWakeupInVirtualTime) {
    Pair p;
    Owner owner(p.pa);
    owner.wakeup = Instant{250};
    EXPECT_EQ(p.net.next_event_time(), Instant{250});
    EXPECT_TRUE(p.net.run_until_idle(Instant{10'000}));
    EXPECT_EQ(owner.wakeups, (std::vector<Instant>{Instant{250}}));
    EXPECT_EQ(owner.services, (std::vector<Instant>{Instant{250}}));
    EXPECT_EQ(p.net.now(), Instant{250});
    EXPECT_EQ(p.net.stats().timeouts, 1u);
}

TEST(SimPort, RunForServicesOwnersOfEveryPort) {
    Pair p;
    Owner oa(p.pa);
    Owner ob(p.pb);
    oa.wakeup = Instant{10};
    ob.wakeup = Instant{20};
    p.net.run_for(milliseconds(15));
    EXPECT_EQ(oa.wakeups, (std::vector<Instant>{Instant{10}}));
    EXPECT_TRUE(ob.wakeups.empty());
    EXPECT_EQ(p.net.now(), Instant{15});
    p.net.run_for(milliseconds(15));
    EXPECT_EQ(ob.wakeups, (std::vector<Instant>{Instant{20}}));
}

TEST(SimPort, WaitReturnsWhenADatagramArrives) {
    Pair p;
    p.net.set_default_link({.delay = milliseconds(40)});
    p.pa.send(ip4(2), numbered(5));
    EXPECT_TRUE(p.pb.wait(std::nullopt));
    EXPECT_EQ(p.net.now(), Instant{40});
    EXPECT_EQ(number_of(take(p.pb)), 5u);
}

TEST(SimPort, WaitWithADatagramAlreadyWaitingReturnsAtOnce) {
    Pair p;
    p.pa.send(ip4(2), numbered(5));
    p.net.run_until_idle(Instant{1000});
    p.pb.attach(nullptr);
    Owner other(p.pa);
    other.wakeup = Instant{500};
    EXPECT_TRUE(p.pb.wait(Instant{900}));
    EXPECT_EQ(p.net.now(), Instant{0});
    EXPECT_TRUE(other.services.empty());
}

TEST(SimPort, WaitStopsAtTheDeadline) {
    Pair p;
    p.net.set_default_link({.delay = milliseconds(100)});
    p.pa.send(ip4(2), numbered(5));
    EXPECT_TRUE(p.pb.wait(Instant{60}));
    EXPECT_EQ(p.net.now(), Instant{60});
    EXPECT_EQ(p.pb.inbox_size(), 0u);
    EXPECT_EQ(p.net.in_flight(), 1u);
    // Nothing pending at all: time still jumps to the deadline.
    Network idle;
    Port& port = idle.port(idle.add_port(ip4(1)));
    EXPECT_TRUE(port.wait(Instant{500}));
    EXPECT_EQ(idle.now(), Instant{500});
}

TEST(SimPort, WaitIsFalseWhenNothingCanHappenAndNoDeadlineIsGiven) {
    Pair p;
    Owner owner(p.pa);
    EXPECT_FALSE(p.pa.wait(std::nullopt));
    EXPECT_EQ(p.net.now(), Instant{0});
    // A datagram to nowhere leaves nothing pending either.
    p.pa.send(ip4(77), numbered(1));
    EXPECT_FALSE(p.pa.wait(std::nullopt));
}

TEST(SimPort, WaitReturnsWhenItsOwnersWakeupComes) {
    Pair p;
    Owner owner(p.pa);
    Owner other(p.pb);
    owner.wakeup = Instant{70};
    other.wakeup = Instant{30};
    EXPECT_TRUE(p.pa.wait(std::nullopt));
    EXPECT_EQ(p.net.now(), Instant{70});
    EXPECT_EQ(other.wakeups, (std::vector<Instant>{Instant{30}}));
    EXPECT_EQ(owner.wakeups, (std::vector<Instant>{Instant{70}}));
}

TEST(SimPort, WaitingOnOnePortRunsTheOtherPortsOwner) {
    Pair p;
    p.net.set_default_link({.delay = milliseconds(25)});
    Owner client(p.pa);
    Owner server(p.pb);
    server.echo = true;
    ASSERT_TRUE(p.pa.send(p.pa.resolve("10.0.0.2", 5683).value(), numbered(77)));
    int waits = 0;
    while (client.got.empty()) {
        ASSERT_TRUE(p.pa.wait(p.pa.now() + seconds(10)));
        ASSERT_LT(++waits, 10);
    }
    EXPECT_EQ(number_of(client.got[0].bytes), 77u);
    EXPECT_EQ(client.got[0].time, Instant{50});
    ASSERT_EQ(server.got.size(), 1u);
    EXPECT_EQ(server.got[0].time, Instant{25});
    EXPECT_EQ(server.got[0].peer, ip4(1));
    EXPECT_EQ(p.net.trace().sent(p.b, p.a), 1u);
}

TEST(SimPort, WaitFromAStepIsRefused) {
    Pair p;
    Owner owner(p.pb);
    owner.during_service = [&] {
        take(p.pb);
        p.pb.wait(std::nullopt);
    };
    p.pa.send(ip4(2), numbered(1));
    p.pa.send(ip4(2), numbered(2));  // pending while the first one is serviced
    EXPECT_THROW(p.net.run_until_idle(Instant{1000}), std::logic_error);
}

TEST(SimPort, AServiceInProgressIsNotReenteredButRunAgainAfter) {
    Pair p;
    Owner owner(p.pb);
    int depth = 0;
    int deepest = 0;
    owner.during_service = [&] {
        deepest = std::max(deepest, ++depth);
        if (owner.services.size() == 1) p.net.service(p.b);
        --depth;
    };
    p.net.service(p.b);
    EXPECT_EQ(deepest, 1);
    EXPECT_EQ(owner.services.size(), 2u);
}

TEST(SimPort, MulticastReachesAJoinedPort) {
    Network net(3);
    const Address group = Address::ipv4({224, 0, 1, 187}, 5683);
    auto [sender, fake] = add_fake(net, ip4(1));
    const NodeId a = net.add_port(ip4(2));
    const NodeId b = net.add_port(ip4(3));
    Owner owner(net.port(a));
    net.port(a).join(group);
    fake->send(group, numbered(8));
    net.service(sender);
    net.run_until_idle(Instant{1000});
    ASSERT_EQ(owner.got.size(), 1u);
    EXPECT_TRUE(owner.got[0].multicast);
    EXPECT_EQ(owner.got[0].peer, ip4(1));
    EXPECT_EQ(net.port(b).inbox_size(), 0u);
    // A port sends to the group too, and never receives its own datagram.
    net.port(b).join(group);
    EXPECT_TRUE(net.port(b).send(group, numbered(9)));
    net.run_until_idle(Instant{2000});
    ASSERT_EQ(owner.got.size(), 2u);
    EXPECT_EQ(owner.got[1].peer, ip4(3));
    EXPECT_EQ(net.port(b).inbox_size(), 0u);
    ASSERT_EQ(fake->received.size(), 0u);
    net.port(a).leave(group);
    net.port(b).leave(group);
    EXPECT_FALSE(net.port(b).send(group, numbered(10)));
    EXPECT_EQ(net.trace().dropped(DropReason::no_route), 1u);
}

TEST(SimPort, AFullInboxDropsAndCounts) {
    Network net;
    const NodeId a = net.add_port(ip4(1));
    const NodeId b = net.add_port(ip4(2), {.inbox_capacity = 3});
    for (std::uint32_t i = 0; i < 5; ++i)
        net.port(a).send(ip4(2), numbered(i));
    net.run_until_idle(Instant{1000});
    Port& port = net.port(b);
    EXPECT_EQ(port.inbox_size(), 3u);
    EXPECT_EQ(port.stats().received, 3u);
    EXPECT_EQ(port.stats().dropped_overflow, 2u);
    EXPECT_EQ(number_of(take(port)), 0u);
    EXPECT_EQ(number_of(take(port)), 1u);
    EXPECT_EQ(number_of(take(port)), 2u);
    EXPECT_EQ(port.inbox_size(), 0u);
    EXPECT_EQ(net.port(a).config().inbox_capacity, 1024u);
}

TEST(SimPort, ADatagramLongerThanTheBufferIsDroppedNotTruncated) {
    Pair p;
    p.pa.send(ip4(2), numbered(1, 100));
    p.pa.send(ip4(2), numbered(2, 10));
    p.net.run_until_idle(Instant{1000});
    std::vector<std::byte> buffer(50);
    const auto r = p.pb.receive(buffer);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->length, 10u);
    EXPECT_EQ(number_of(buffer), 2u);
    EXPECT_EQ(p.pb.stats().dropped_oversize, 1u);
    EXPECT_FALSE(p.pb.receive(buffer));
}

TEST(SimPort, ResolvesIpLiterals) {
    Pair p;
    using Ip6 = std::array<std::uint8_t, 16>;
    EXPECT_EQ(p.pa.resolve("192.0.2.1", 5683), Address::ipv4({192, 0, 2, 1}, 5683));
    const Address v6 =
        Address::ipv6(Ip6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 61616);
    EXPECT_EQ(p.pa.resolve("2001:db8::1", 61616), v6);
    EXPECT_EQ(p.pa.resolve("[2001:DB8::1]", 61616), v6);
    EXPECT_EQ(p.pa.resolve("2001:db8:0:0:0:0:0:1", 61616), v6);
    EXPECT_EQ(p.pa.resolve("::", 1), Address::ipv6(Ip6{}, 1));
    EXPECT_EQ(p.pa.resolve("::1", 1),
              Address::ipv6(Ip6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 1));
    EXPECT_EQ(p.pa.resolve("ff02::fd", 5683),
              Address::ipv6(Ip6{0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5683));
    EXPECT_EQ(p.pa.resolve("1::", 1), Address::ipv6(Ip6{0, 1}, 1));
    EXPECT_EQ(p.pa.resolve("::ffff:192.0.2.1", 7),
              Address::ipv6(Ip6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1}, 7));
    EXPECT_EQ(p.pa.resolve("[fe80::1%3]", 5683),
              Address::ipv6(Ip6{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5683, 3));
    for (const char* bad : {"", "256.0.0.1", "1.2.3", "01.2.3.4", "[192.0.2.1]", "2001:db8::1::2",
                            "1:2:3:4:5:6:7:8:9", "[::1", "fe80::1%eth0", "fe80::1%", "nowhere"})
        EXPECT_FALSE(p.pa.resolve(bad, 5683)) << bad;
}

TEST(SimPort, ResolvesNamesGivenToTheNetwork) {
    Pair p;
    p.net.add_name("Server.Example", ip4(2));
    p.net.add_name("v6.example",
                   Address::ipv6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 0, 4));
    EXPECT_EQ(p.pa.resolve("server.example", 1234), Address::ipv4({10, 0, 0, 2}, 1234));
    EXPECT_EQ(p.pa.resolve("SERVER.EXAMPLE", 5683), ip4(2));
    EXPECT_EQ(p.pa.resolve("v6.example", 9),
              Address::ipv6({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 9, 4));
    EXPECT_FALSE(p.pa.resolve("client.example", 5683));
    p.net.add_name("server.example", ip4(3));
    EXPECT_EQ(p.pa.resolve("server.example", 5683), ip4(3));
    EXPECT_THROW(p.net.add_name("", ip4(3)), std::invalid_argument);
}

TEST(SimPort, PortsAreNodesOfTheNetwork) {
    Pair p;
    EXPECT_EQ(p.pa.local_address(), ip4(1));
    EXPECT_EQ(p.pa.id(), p.a);
    EXPECT_EQ(&p.pa.network(), &p.net);
    EXPECT_EQ(p.net.find(ip4(2)), p.b);
    EXPECT_THROW(p.net.add_port(ip4(1)), std::invalid_argument);
    auto [fake, node] = add_fake(p.net, ip4(3));
    (void)node;
    EXPECT_THROW(p.net.port(fake), std::invalid_argument);
    EXPECT_THROW(p.net.endpoint(p.a), std::invalid_argument);
}

}  // namespace
}  // namespace coap::sim
