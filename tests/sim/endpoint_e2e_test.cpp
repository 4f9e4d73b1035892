// endpoint_e2e_test.cpp — real coap::Endpoints on the simulated network: a CON
// GET answered 2.05 by the server's event handler, over a clean link and over a
// lossy one (retransmissions, one terminal event per request), and a multicast
// GET answered by every group member after its leisure.
#include "coap/code.hpp"
#include "coap/endpoint.hpp"
#include "coap/sim/network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace coap::sim {
namespace {

struct Answer {
    EventKind kind = EventKind::request_received;
    RequestId request{};
    Code code{};
    std::string payload;
    Instant at{};
};

std::string text(gsl::span<const std::byte> bytes) {
    std::string out;
    for (const std::byte b : bytes)
        out.push_back(static_cast<char>(b));
    return out;
}

/// A client and `servers` servers; every server answers each request 2.05 with
/// its own name as payload; the client records every event.
struct World {
    Network net;
    NodeId client{};
    std::vector<NodeId> servers;
    std::vector<Answer> answers;
    std::size_t requests_handled = 0;

    explicit World(std::uint64_t seed, std::size_t server_count = 1) : net(seed) {
        client = net.add_endpoint(Address::ipv4({10, 0, 0, 1}, 5683), EndpointConfig{.seed = seed});
        net.on_event(client, [this](const Event& e) {
            Answer a{e.kind, e.request, {}, {}, net.now()};
            if (e.kind == EventKind::response_received) {
                a.code = e.message.code();
                a.payload = text(e.message.payload());
            }
            answers.push_back(a);
        });
        for (std::size_t i = 0; i < server_count; ++i) {
            const auto last = static_cast<std::uint8_t>(10 + i);
            const NodeId id = net.add_endpoint(Address::ipv4({10, 0, 0, last}, 5683),
                                               EndpointConfig{.seed = seed * 100 + i});
            const std::string name = "server " + std::to_string(i);
            net.on_event(id, [this, id, name](const Event& e) {
                if (e.kind != EventKind::request_received) return;
                ++requests_handled;
                const auto sent = net.endpoint(id).respond(
                    net.now(), e.responder, ResponseOptions{.code = codes::content},
                    [&](MessageWriter& w) { w.payload(name); });
                EXPECT_TRUE(sent.ok());
            });
            servers.push_back(id);
        }
    }

    Result<RequestId, LocalError> get(const Address& to, RequestOptions options = {}) {
        return net.with(client, [&](Endpoint& endpoint, Instant now) {
            return endpoint.send_request(now, to, options, [](MessageWriter& w) {
                w.option(OptionNumber::uri_path, "hello");
            });
        });
    }

    std::size_t terminal_events(RequestId id) const {
        std::size_t n = 0;
        for (const auto& a : answers)
            if (a.request == id &&
                (a.kind == EventKind::response_received || a.kind == EventKind::exchange_failed))
                ++n;
        return n;
    }
};

TEST(SimEndpoints, ConGetIsAnswered205ByTheServerHandler) {
    World w(1);
    w.net.set_default_link({.delay = milliseconds(25)});
    const auto id = w.get(w.net.address(w.servers[0]));
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(w.net.trace().sent(w.client, w.servers[0]), 1u) << "with() drains at once";

    ASSERT_TRUE(w.net.run_until([&] { return !w.answers.empty(); }, Instant{10'000}));
    ASSERT_EQ(w.answers.size(), 1u);
    EXPECT_EQ(w.answers[0].kind, EventKind::response_received);
    EXPECT_EQ(w.answers[0].request, *id);
    EXPECT_EQ(w.answers[0].code, codes::content);
    EXPECT_EQ(w.answers[0].payload, "server 0");
    EXPECT_EQ(w.answers[0].at, Instant{50}) << "one round trip, piggybacked";
    EXPECT_EQ(w.net.trace().sent(w.servers[0], w.client), 1u);
    EXPECT_EQ(w.requests_handled, 1u);
    // Afterwards only bookkeeping timers remain; the network runs dry.
    EXPECT_TRUE(w.net.run_until_idle(Instant{3'600'000}));
    EXPECT_EQ(w.answers.size(), 1u);
}

TEST(SimEndpoints, ConGetsOverALossyLinkEndWithOneTerminalEventEach) {
    World w(7);
    w.net.set_default_link({.delay = milliseconds(20), .jitter = milliseconds(10), .loss = 0.3});
    const Address server = w.net.address(w.servers[0]);
    std::size_t answered = 0;
    constexpr std::size_t requests = 20;
    for (std::size_t i = 0; i < requests; ++i) {
        const auto id = w.get(server);
        ASSERT_TRUE(id.ok()) << describe(id.error());
        ASSERT_TRUE(w.net.run_until([&] { return w.terminal_events(*id) > 0; },
                                    w.net.now() + seconds(300)));
        const auto& last = w.answers.back();
        if (last.kind == EventKind::response_received) {
            ++answered;
            EXPECT_EQ(last.code, codes::content);
            EXPECT_EQ(last.payload, "server 0");
        } else {
            EXPECT_EQ(last.kind, EventKind::exchange_failed);
        }
    }
    w.net.run_until_idle(w.net.now() + seconds(3600));
    for (const auto& a : w.answers)
        EXPECT_EQ(w.terminal_events(a.request), 1u) << "request " << a.request.value;
    EXPECT_GE(answered, 15u);
    EXPECT_GT(w.net.trace().dropped(DropReason::loss), 0u);
    EXPECT_GT(w.net.trace().sent(w.client, w.servers[0]), requests) << "retransmissions";
    EXPECT_GT(w.net.endpoint(w.client).stats().retransmissions, 0u);
}

TEST(SimEndpoints, MulticastGetIsAnsweredByEveryMember) {
    World w(3, 3);
    w.net.set_default_link({.delay = milliseconds(5)});
    const auto group = Address::ipv4({224, 0, 1, 187}, 5683);
    for (const NodeId s : w.servers)
        w.net.join(s, group);
    const auto id = w.get(group, RequestOptions{.confirmable = false, .multicast = true});
    ASSERT_TRUE(id.ok()) << describe(id.error());
    ASSERT_TRUE(w.net.run_until(
        [&] { return !w.answers.empty() && w.answers.back().kind == EventKind::multicast_done; },
        Instant{60'000}));
    std::vector<std::string> payloads;
    for (const auto& a : w.answers)
        if (a.kind == EventKind::response_received) payloads.push_back(a.payload);
    std::sort(payloads.begin(), payloads.end());
    EXPECT_EQ(payloads, (std::vector<std::string>{"server 0", "server 1", "server 2"}));
    EXPECT_EQ(w.net.trace().count({.kind = TraceKind::delivered, .from = w.client}), 3u);
    EXPECT_EQ(w.requests_handled, 3u);
}

}  // namespace
}  // namespace coap::sim
