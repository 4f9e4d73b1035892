// multicast_test.cpp — RFC 7252 §8 rules of the Endpoint through the simulated
// network: a NON request to a group collects responses from many servers until
// the window closes; servers wait a random leisure, never answer with RST or
// an error response, and ignore CON requests sent to a group.
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

#include <set>

namespace coap {
namespace {

using test::EndpointPair;

const Address group = Address::ipv4({224, 0, 1, 187}, 5683);

struct Group {
    EndpointPair pair{4};
    std::vector<sim::NodeId> members;
    std::function<void(Endpoint&, const Event&, std::size_t)> behaviour;
    std::size_t handler_runs = 0;

    explicit Group(std::size_t count) {
        behaviour = [this](Endpoint& e, const Event& event, std::size_t index) {
            (void)e.respond(pair.net.now(), event.responder, {}, [&](MessageWriter& w) {
                w.payload("member " + std::to_string(index));
            });
        };
        for (std::size_t i = 0; i < count; ++i) {
            const auto id = pair.net.add_endpoint(
                Address::ipv4({10, 0, 1, static_cast<std::uint8_t>(i + 1)}, 5683),
                EndpointConfig{.seed = 100 + i});
            pair.net.join(id, group);
            pair.net.on_event(id, [this, id, i](const Event& event) {
                if (event.kind != EventKind::request_received) return;
                EXPECT_TRUE(event.multicast);
                ++handler_runs;
                behaviour(pair.net.endpoint(id), event, i);
            });
            members.push_back(id);
        }
    }
    Result<RequestId, LocalError> multicast_get() {
        RequestOptions options;
        options.confirmable = false;
        options.multicast = true;
        return pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
            return c.send_request(now, group, options,
                                  [](MessageWriter& w) { w.option(OptionNumber::uri_path, "x"); });
        });
    }
};

TEST(Rfc7252_8_1, AMulticastRequestCollectsResponsesFromEveryMemberUntilTheWindowCloses) {
    Group g(5);
    const auto id = g.multicast_get();
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(g.pair.run_until_client_events(6));
    std::set<std::string> responders;
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(g.pair.client_events[i].kind, EventKind::response_received);
        EXPECT_EQ(g.pair.client_events[i].request, *id);
        responders.insert(std::string(g.pair.client_events[i].peer.text().view()));
    }
    EXPECT_EQ(responders.size(), 5u);
    EXPECT_EQ(g.pair.client_events[5].kind, EventKind::multicast_done);
    // Default window: DEFAULT_LEISURE + ACK_TIMEOUT.
    EXPECT_EQ(g.pair.client_events[5].at.ms, 7000);
    EXPECT_EQ(g.pair.client_endpoint().stats().exchanges_in_use, 0u);
    // One datagram on the wire, to the group.
    EXPECT_EQ(g.pair.net.trace().count({.kind = sim::TraceKind::sent, .from = g.pair.client}), 1u);
}

TEST(Rfc7252_8_1, MulticastRequestsMustBeNonConfirmable) {
    Group g(1);
    RequestOptions options;
    options.multicast = true;
    options.confirmable = true;
    EXPECT_EQ(g.pair.send(options, "x").error(), LocalError::invalid_request);
}

TEST(Rfc7252_8_1, NoConfirmableMessageOrPingGoesToAGroup) {
    Group g(2);
    const auto con = g.pair.net.with(g.pair.client, [](Endpoint& c, Instant now) {
        return c.send_request(now, group, RequestOptions{});
    });
    EXPECT_EQ(con.error(), LocalError::invalid_request);
    const auto ping =
        g.pair.net.with(g.pair.client, [](Endpoint& c, Instant now) { return c.ping(now, group); });
    EXPECT_EQ(ping.error(), LocalError::invalid_request);
    EXPECT_EQ(g.pair.net.trace().count({.kind = sim::TraceKind::sent, .from = g.pair.client}), 0u);
}

TEST(Rfc7252_8_2, ServersWaitARandomLeisureBeforeAnswering) {
    Group g(8);
    ASSERT_TRUE(g.multicast_get().ok());
    ASSERT_TRUE(g.pair.run_until_client_events(9));
    std::set<std::int64_t> send_times;
    for (const auto member : g.members) {
        const auto sent = g.pair.sent(member, g.pair.client);
        ASSERT_EQ(sent.size(), 1u);
        EXPECT_GE(sent[0].at.ms, 10);         // arrival
        EXPECT_LE(sent[0].at.ms, 10 + 5000);  // arrival + DEFAULT_LEISURE
        send_times.insert(sent[0].at.ms);
    }
    EXPECT_GT(send_times.size(), 4u) << "leisure is random per server";
}

TEST(Rfc7252_8_2, NoErrorResponsesToMulticastRequests) {
    Group g(3);
    g.behaviour = [&](Endpoint& e, const Event& event, std::size_t index) {
        ResponseOptions options;
        options.code = index == 0 ? codes::content : codes::not_found;
        EXPECT_TRUE(e.respond(g.pair.net.now(), event.responder, options).ok());
    };
    ASSERT_TRUE(g.multicast_get().ok());
    ASSERT_TRUE(g.pair.run_until_client_events(2));
    EXPECT_EQ(g.pair.client_events[0].code, codes::content);
    EXPECT_EQ(g.pair.client_events[1].kind, EventKind::multicast_done);
    EXPECT_TRUE(g.pair.sent(g.members[1], g.pair.client).empty());
    EXPECT_TRUE(g.pair.sent(g.members[2], g.pair.client).empty());
    for (const auto m : g.members)
        EXPECT_EQ(g.pair.net.endpoint(m).stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_8_2, NoResetsOrErrorsForBadMulticastDatagrams) {
    Group g(3);
    // A CON to the group, a malformed CON, an empty CON (ping), and a request
    // with an unrecognised critical option: none gets any answer.
    std::vector<std::byte> con(32), critical(32);
    MessageWriter w1(con, MessageType::confirmable, codes::get, 0x10);
    con.resize(w1.finish().value());
    MessageWriter w2(critical, MessageType::non_confirmable, codes::get, 0x11);
    w2.option(static_cast<OptionNumber>(13), "?");
    critical.resize(w2.finish().value());
    const std::byte malformed[5] = {std::byte{0x40}, std::byte{1}, std::byte{0}, std::byte{0x12},
                                    std::byte{0xf1}};
    const std::byte ping[4] = {std::byte{0x40}, std::byte{0}, std::byte{0}, std::byte{0x13}};
    for (const auto datagram : {Bytes{con}, Bytes{critical}, Bytes{malformed}, Bytes{ping}})
        g.pair.net.inject(g.pair.client, group, datagram);
    g.pair.net.run_for(seconds(10));
    EXPECT_EQ(g.handler_runs, 0u);
    for (const auto m : g.members)
        EXPECT_TRUE(g.pair.sent(m, g.pair.client).empty());
}

TEST(Rfc7252_8_1, ResponsesSentToAGroupAreNeverAcknowledgedOrReset) {
    // A forged CON response to the group would otherwise make every member
    // answer the forged source: reflection (§11.3).
    Group g(3);
    std::vector<std::byte> forged(32);
    const std::byte token[2] = {std::byte{1}, std::byte{2}};
    MessageWriter w(forged, MessageType::confirmable, codes::content, 0x1234, token);
    forged.resize(w.finish().value());
    g.pair.net.inject(g.pair.client, group, forged);
    g.pair.net.run_for(seconds(5));
    for (const auto m : g.members)
        EXPECT_TRUE(g.pair.sent(m, g.pair.client).empty());
}

TEST(Rfc7252_8_1, ARequestToAGroupAddressIsAMulticastRequest) {
    Group g(2);
    RequestOptions options;
    options.confirmable = false;  // multicast not set: the address says it
    const auto id = g.pair.net.with(g.pair.client, [&](Endpoint& c, Instant now) {
        return c.send_request(now, group, options);
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(g.pair.run_until_client_events(3));
    EXPECT_EQ(g.pair.client_events[0].kind, EventKind::response_received);
    EXPECT_EQ(g.pair.client_events[1].kind, EventKind::response_received);
    EXPECT_EQ(g.pair.client_events[2].kind, EventKind::multicast_done);
}

TEST(Rfc7252_8_2, DuplicatesOfAMulticastResponseAreReportedOnce) {
    Group g(2);
    g.pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(10), .duplicate = 1.0});
    ASSERT_TRUE(g.multicast_get().ok());
    ASSERT_TRUE(g.pair.run_until_client_events(3));
    EXPECT_EQ(g.pair.client_events[2].kind, EventKind::multicast_done);
    EXPECT_EQ(g.handler_runs, 2u) << "each member handled the duplicated request once";
}

}  // namespace
}  // namespace coap
