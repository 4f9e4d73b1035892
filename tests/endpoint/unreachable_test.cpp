// unreachable_test.cpp — Endpoint::handle_unreachable: an ICMP error reported
// by the adapter ends the client exchanges waiting on that peer at once
// (exchange_failed with peer_unreachable), queued ones included and unsent,
// and touches nothing else. Bare Endpoints, time given by hand.
#include "coap/endpoint.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace coap {
namespace {

const Address server = Address::ipv4({10, 0, 0, 2}, 5683);
const Address other = Address::ipv4({10, 0, 0, 3}, 5683);

struct Client {
    Endpoint endpoint{EndpointConfig{.seed = 7}};
    std::array<std::byte, 1152> buffer{};
    std::vector<Transmit> sent;
    std::vector<Event> events;

    void drain(Instant) {
        while (auto t = endpoint.poll_transmit(buffer))
            sent.push_back(*t);
        while (auto e = endpoint.poll_event())
            events.push_back(*e);
    }
    RequestId get(Instant now, const Address& peer, bool confirmable = true) {
        auto id = endpoint.send_request(now, peer, {.confirmable = confirmable});
        EXPECT_TRUE(id.ok());
        drain(now);
        return id.value();
    }
    std::size_t failures_for(RequestId id, FailureReason reason) const {
        std::size_t n = 0;
        for (const Event& e : events)
            if (e.kind == EventKind::exchange_failed && e.request == id && e.reason == reason) ++n;
        return n;
    }
};

TEST(Unreachable, FailsTheOutstandingAndQueuedRequestsToThatPeerWithoutSendingThem) {
    Client c;
    const RequestId first = c.get(Instant{0}, server);
    const RequestId queued = c.get(Instant{0}, server);  // NSTART 1: waits
    const RequestId non = c.get(Instant{0}, server, false);
    ASSERT_EQ(c.sent.size(), 1u);
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{5}, server), 3u);
    c.drain(Instant{5});
    EXPECT_EQ(c.sent.size(), 1u) << "no queued request goes out to an unreachable peer";
    EXPECT_EQ(c.failures_for(first, FailureReason::peer_unreachable), 1u);
    EXPECT_EQ(c.failures_for(queued, FailureReason::peer_unreachable), 1u);
    EXPECT_EQ(c.failures_for(non, FailureReason::peer_unreachable), 1u);
    EXPECT_FALSE(c.endpoint.is_live(first));
    EXPECT_EQ(c.endpoint.stats().exchanges_in_use, 0u);
    EXPECT_FALSE(c.endpoint.next_timeout()) << "no retransmission left";
}

TEST(Unreachable, LeavesOtherPeersAndPortsAlone) {
    Client c;
    const RequestId to_other = c.get(Instant{0}, other);
    const RequestId to_port = c.get(Instant{0}, server.with_port(5684));
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{1}, server), 0u);
    c.drain(Instant{1});
    EXPECT_TRUE(c.events.empty());
    EXPECT_TRUE(c.endpoint.is_live(to_other));
    EXPECT_TRUE(c.endpoint.is_live(to_port));
    EXPECT_TRUE(c.endpoint.next_timeout());
}

TEST(Unreachable, EndsAPingAndAnAcknowledgedRequest) {
    Client c;
    const RequestId request = c.get(Instant{0}, server);
    ASSERT_EQ(c.sent.size(), 1u);
    // The server acknowledges empty: the request now waits for a separate response.
    MessageView sent_message = MessageView::parse({c.buffer.data(), c.sent[0].length}).value();
    const std::uint16_t mid = sent_message.message_id();
    const std::byte ack[4] = {std::byte{0x60}, std::byte{0},
                              std::byte{static_cast<unsigned char>(mid >> 8)},
                              std::byte{static_cast<unsigned char>(mid)}};
    c.endpoint.handle_datagram(Instant{3}, server, ack);
    c.drain(Instant{3});
    ASSERT_TRUE(c.events.empty());
    auto ping = c.endpoint.ping(Instant{4}, server);
    ASSERT_TRUE(ping.ok());
    c.drain(Instant{4});
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{6}, server), 2u);
    c.drain(Instant{6});
    EXPECT_EQ(c.failures_for(request, FailureReason::peer_unreachable), 1u);
    EXPECT_EQ(c.failures_for(ping.value(), FailureReason::peer_unreachable), 1u);
}

TEST(Unreachable, HeldExchangesAndServerExchangesAreNotEnded) {
    Client c;
    auto held = c.endpoint.send_request(Instant{0}, server, {.hold = true});
    ASSERT_TRUE(held.ok());
    c.drain(Instant{0});
    MessageView request = MessageView::parse({c.buffer.data(), c.sent[0].length}).value();
    // A piggybacked 2.05 for it: the exchange is held for the application.
    std::array<std::byte, 64> response{};
    MessageWriter w(response, MessageType::acknowledgement, codes::content, request.message_id(),
                    request.token());
    const auto length = w.finish().value();
    c.endpoint.handle_datagram(Instant{2}, server, {response.data(), length});
    c.drain(Instant{2});
    ASSERT_EQ(c.events.size(), 1u);
    ASSERT_EQ(c.events[0].kind, EventKind::response_received);
    // A request from the peer: a server exchange.
    std::array<std::byte, 64> incoming{};
    MessageWriter r(incoming, MessageType::confirmable, codes::get, 0x1234,
                    gsl::span<const std::byte>{});
    const auto incoming_length = r.finish().value();
    c.endpoint.handle_datagram(Instant{3}, server, {incoming.data(), incoming_length});
    c.drain(Instant{3});
    ASSERT_EQ(c.events.size(), 2u);
    ASSERT_EQ(c.events[1].kind, EventKind::request_received);
    const ResponderId responder = c.events[1].responder;

    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{4}, server), 0u);
    c.drain(Instant{4});
    EXPECT_EQ(c.events.size(), 2u);
    EXPECT_TRUE(c.endpoint.is_live(held.value()));
    EXPECT_TRUE(c.endpoint.respond(Instant{4}, responder, {}).ok());
}

TEST(Unreachable, AFullEventQueueLeavesTheRestToTheirTimers) {
    EndpointConfig config{.seed = 3};
    config.capacities.events = 1;
    config.transmission.nstart = 4;
    Client c;
    c.endpoint = Endpoint(config);
    const RequestId a = c.get(Instant{0}, server);
    const RequestId b = c.get(Instant{0}, server);
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{1}, server), 1u);
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{1}, server), 0u) << "the queue is still full";
    c.drain(Instant{1});
    ASSERT_EQ(c.events.size(), 1u);
    EXPECT_EQ(c.events[0].reason, FailureReason::peer_unreachable);
    const RequestId survivor = c.events[0].request == a ? b : a;
    EXPECT_TRUE(c.endpoint.is_live(survivor));
    EXPECT_EQ(c.endpoint.handle_unreachable(Instant{2}, server), 1u);
    c.drain(Instant{2});
    EXPECT_EQ(c.failures_for(survivor, FailureReason::peer_unreachable), 1u);
}

TEST(Unreachable, DescribesTheReason) {
    EXPECT_EQ(describe(FailureReason::peer_unreachable), "peer unreachable");
}

}  // namespace
}  // namespace coap
