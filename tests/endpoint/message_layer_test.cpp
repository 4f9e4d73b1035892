// message_layer_test.cpp — RFC 7252 §4 rules of the Endpoint, each driven
// through the simulated network in virtual time: retransmission (§4.2, §4.8),
// message IDs (§4.4), NON (§4.3), ping and RST (§4.2, §4.3), malformed input.
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace coap {
namespace {

using test::EndpointPair;

TEST(Rfc7252_4_8, DefaultDerivedValues) {
    constexpr TransmissionParameters p;
    EXPECT_EQ(p.max_transmit_span(), seconds(45));
    EXPECT_EQ(p.max_transmit_wait(), seconds(93));
    EXPECT_EQ(p.exchange_lifetime(), seconds(247));
    EXPECT_EQ(p.non_lifetime(), seconds(145));
    EXPECT_EQ(p.max_rtt(), seconds(202));
}

TEST(Rfc7252_4_8_2, DerivedValuesFollowTheParameters) {
    TransmissionParameters p;
    p.ack_timeout = seconds(1);
    p.max_retransmit = 2;
    p.ack_random_factor_permille = 2000;
    p.max_latency = seconds(10);
    p.processing_delay = seconds(1);
    EXPECT_EQ(p.max_transmit_span(), seconds(6));   // 1 × (2² − 1) × 2
    EXPECT_EQ(p.max_transmit_wait(), seconds(14));  // 1 × (2³ − 1) × 2
    EXPECT_EQ(p.exchange_lifetime(), seconds(27));  // 6 + 2 × 10 + 1
    EXPECT_EQ(p.non_lifetime(), seconds(16));       // 6 + 10
}

TEST(Rfc7252_4_8, ParametersWhoseDerivedValuesWouldOverflowAreInvalid) {
    TransmissionParameters p;
    EXPECT_TRUE(p.valid());
    p.ack_timeout = Duration{std::int64_t{1} << 62};
    EXPECT_FALSE(p.valid());
    p = {};
    p.ack_random_factor_permille = 100'000;
    EXPECT_FALSE(p.valid());
    p = {};
    p.max_retransmit = 21;
    EXPECT_FALSE(p.valid());
    p = {};
    p.max_latency = seconds(86'401);
    EXPECT_FALSE(p.valid());
    // The largest valid values stay far from overflow.
    p = {};
    p.ack_timeout = seconds(3600);
    p.ack_random_factor_permille = 10'000;
    p.max_retransmit = 20;
    p.max_latency = seconds(86'400);
    p.processing_delay = seconds(86'400);
    EXPECT_TRUE(p.valid());
    EXPECT_GT(p.exchange_lifetime().ms, 0);
    EXPECT_GT(p.max_transmit_wait().ms, p.max_transmit_span().ms);
}

/// Times at which the client sent CON requests to a server that never answers.
std::vector<Instant> unanswered_schedule(EndpointPair& pair) {
    pair.net.block(pair.server, pair.client);
    EXPECT_TRUE(pair.get("x").ok());
    EXPECT_TRUE(pair.run_until_client_events(1));
    std::vector<Instant> times;
    for (const auto& m : pair.sent(pair.client, pair.server))
        times.push_back(m.at);
    return times;
}

TEST(Rfc7252_4_2, ExactRetransmissionScheduleForAGivenSeed) {
    EndpointPair pair(7);
    const auto times = unanswered_schedule(pair);
    ASSERT_EQ(times.size(), 5u);  // the first transmission and MAX_RETRANSMIT = 4 more
    // The first timeout is drawn once; every later one doubles it.
    const std::int64_t t0 = (times[1] - times[0]).ms;
    for (std::size_t i = 1; i + 1 < times.size(); ++i)
        EXPECT_EQ((times[i + 1] - times[i]).ms, t0 << i) << "interval " << i;
    ASSERT_EQ(pair.client_events.size(), 1u);
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::timeout);
    EXPECT_EQ((pair.client_events[0].at - times[4]).ms, t0 << 4);
    // Pinned for this seed: a change of PRNG or of timeout arithmetic shows here.
    EXPECT_EQ(times[0].ms, 0);
    const std::vector<std::int64_t> expected{0, t0, 3 * t0, 7 * t0, 15 * t0};
    for (std::size_t i = 0; i < times.size(); ++i)
        EXPECT_EQ(times[i].ms, expected[i]);
    EXPECT_EQ(t0, 2654);
    EXPECT_EQ(pair.client_events[0].at.ms, 31 * t0);

    EndpointPair again(7);
    EXPECT_EQ(unanswered_schedule(again), times) << "the same seed gives the same schedule";
}

TEST(Rfc7252_4_2, FirstTimeoutIsUniformBetweenAckTimeoutAndItsRandomFactor) {
    std::set<std::int64_t> seen;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        EndpointPair pair(seed);
        const auto times = unanswered_schedule(pair);
        ASSERT_GE(times.size(), 2u);
        const std::int64_t t0 = (times[1] - times[0]).ms;
        EXPECT_GE(t0, 2000);
        EXPECT_LE(t0, 3000);
        seen.insert(t0);
        // Giving up never happens later than MAX_TRANSMIT_WAIT.
        EXPECT_LE((pair.client_events.back().at - times[0]).ms, 93'000);
        EXPECT_GE((pair.client_events.back().at - times[0]).ms, 62'000);  // 31 × ACK_TIMEOUT
    }
    EXPECT_GT(seen.size(), 30u) << "the first timeout is random, not fixed";
}

TEST(Rfc7252_4_8, ParametersOverriddenPerEndpointPerPeerAndPerRequest) {
    EndpointConfig fast;
    fast.transmission.ack_timeout = milliseconds(100);
    fast.transmission.ack_random_factor_permille = 1000;
    fast.transmission.max_retransmit = 2;
    {
        EndpointPair pair(3, fast);
        const auto times = unanswered_schedule(pair);
        ASSERT_EQ(times.size(), 3u);
        EXPECT_EQ((times[1] - times[0]).ms, 100);
        EXPECT_EQ((times[2] - times[1]).ms, 200);
        EXPECT_EQ((pair.client_events[0].at - times[0]).ms, 700);
    }
    {
        EndpointPair pair(3);
        TransmissionParameters slow;
        slow.ack_timeout = seconds(10);
        slow.ack_random_factor_permille = 1000;
        slow.max_retransmit = 1;
        ASSERT_TRUE(
            pair.client_endpoint().set_peer_parameters(EndpointPair::server_address(), slow).ok());
        const auto times = unanswered_schedule(pair);
        ASSERT_EQ(times.size(), 2u);
        EXPECT_EQ((times[1] - times[0]).ms, 10'000);
        EXPECT_EQ((pair.client_events[0].at - times[0]).ms, 30'000);
    }
    {
        EndpointPair pair(3);
        pair.net.block(pair.server, pair.client);
        RequestOptions options;
        TransmissionParameters once;
        once.ack_timeout = milliseconds(500);
        once.ack_random_factor_permille = 1000;
        once.max_retransmit = 0;
        options.parameters = once;
        ASSERT_TRUE(pair.send(options, "x").ok());
        ASSERT_TRUE(pair.run_until_client_events(1));
        EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u);
        EXPECT_EQ(pair.client_events[0].at.ms, 500);
    }
}

TEST(Rfc7252_4_8, InvalidParametersAreRefused) {
    EndpointPair pair;
    TransmissionParameters bad;
    bad.ack_random_factor_permille = 900;
    EXPECT_EQ(
        pair.client_endpoint().set_peer_parameters(EndpointPair::server_address(), bad).error(),
        LocalError::invalid_parameters);
    RequestOptions options;
    options.parameters = bad;
    EXPECT_EQ(pair.send(options, "x").error(), LocalError::invalid_parameters);
}

TEST(Rfc7252_4_3, NonRequestsAreNeverRetransmitted) {
    EndpointPair pair;
    pair.net.block(pair.client, pair.server);
    const auto id = pair.get("x", false);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].type, MessageType::non_confirmable);
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::timeout);
    EXPECT_EQ(pair.client_events[0].at.ms, 93'000) << "a NON request waits MAX_TRANSMIT_WAIT";
}

TEST(Rfc7252_4_4, MessageIdsAreConsecutivePerPeer) {
    EndpointPair pair;
    const auto third =
        pair.net.add_endpoint(Address::ipv4({10, 0, 0, 3}, 5683), EndpointConfig{.seed = 99});
    pair.net.on_event(third, [&](const Event& e) {
        if (e.kind == EventKind::request_received)
            (void)pair.net.endpoint(third).respond(pair.net.now(), e.responder, {});
    });
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(pair.get("a").ok());
        ASSERT_TRUE(
            pair.net
                .with(pair.client,
                      [&](Endpoint& c, Instant now) {
                          return c.send_request(now, Address::ipv4({10, 0, 0, 3}, 5683), {});
                      })
                .ok());
        ASSERT_TRUE(pair.run_until_client_events(std::size_t(2 * (i + 1))));
    }
    const auto to_server = pair.sent(pair.client, pair.server);
    const auto to_third = pair.sent(pair.client, third);
    ASSERT_EQ(to_server.size(), 3u);
    ASSERT_EQ(to_third.size(), 3u);
    for (std::size_t i = 1; i < 3; ++i) {
        EXPECT_EQ(std::uint16_t(to_server[i].message_id - to_server[i - 1].message_id), 1);
        EXPECT_EQ(std::uint16_t(to_third[i].message_id - to_third[i - 1].message_id), 1);
    }
    EXPECT_NE(to_server[0].message_id, to_third[0].message_id) << "each peer starts at random";
}

TEST(Rfc7252_4_4, AMessageIdIsNotReusedWithAPeerWithinExchangeLifetime) {
    // A client sending faster than 65536 messages per EXCHANGE_LIFETIME to one
    // peer must wait rather than reuse an ID the peer may still remember.
    EndpointConfig client;
    client.transmission.nstart = 200;
    client.capacities.exchanges = 256;
    EndpointPair pair(3, client);
    constexpr std::size_t total = 64'000;
    std::size_t sent = 0;
    while (sent < total) {
        for (int i = 0; i < 200 && sent < total; ++i, ++sent)
            ASSERT_TRUE(pair.get("a").ok());
        ASSERT_TRUE(pair.run_until_client_events(sent));
    }
    const Duration lifetime = client.transmission.exchange_lifetime();
    std::map<std::uint16_t, Instant> last_use;
    std::size_t requests = 0;
    for (const auto& m : pair.sent(pair.client, pair.server)) {
        ++requests;
        if (const auto it = last_use.find(m.message_id); it != last_use.end()) {
            ASSERT_GE((m.at - it->second).ms, lifetime.ms) << "ID " << m.message_id;
        }
        last_use[m.message_id] = m.at;
    }
    EXPECT_EQ(requests, total) << "no loss: one datagram per request";
    const auto stats = pair.client_endpoint().stats();
    EXPECT_GT(stats.message_id_waits, 0u);
    EXPECT_EQ(stats.message_ids_reused_early, 0u);
    // Every request got its answer (a 2.05, or a 5.03 from a full dedup cache).
    for (const auto& event : pair.client_events)
        EXPECT_EQ(event.kind, EventKind::response_received);
    EXPECT_GE(pair.net.now().ms, lifetime.ms) << "the last requests waited for old IDs";
}

TEST(Rfc7252_4_3, EmptyConfirmableIsAPingAnsweredWithReset) {
    EndpointPair pair;
    const auto id = pair.net.with(pair.client, [](Endpoint& c, Instant now) {
        return c.ping(now, EndpointPair::server_address());
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::pong);
    EXPECT_EQ(pair.client_events[0].request, *id);
    const auto ping = pair.sent(pair.client, pair.server);
    const auto answer = pair.sent(pair.server, pair.client);
    ASSERT_EQ(ping.size(), 1u);
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_TRUE(ping[0].is(MessageType::confirmable, codes::empty));
    EXPECT_TRUE(answer[0].is(MessageType::reset, codes::empty));
    EXPECT_EQ(answer[0].message_id, ping[0].message_id);
    EXPECT_EQ(pair.server_events.size(), 0u) << "a ping never reaches the application";
}

TEST(Rfc7252_4_3, PingToASilentPeerTimesOut) {
    EndpointPair pair;
    pair.net.partition(pair.client, pair.server);
    const auto id = pair.net.with(pair.client, [](Endpoint& c, Instant now) {
        return c.ping(now, EndpointPair::server_address());
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::timeout);
}

TEST(Rfc7252_4_2, ResetCancelsTheMatchingExchange) {
    EndpointPair pair;
    pair.on_request = nullptr;  // the server never answers; the test resets instead
    pair.net.block(pair.client, pair.server);
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    const auto request = pair.sent(pair.client, pair.server).at(0);
    const std::byte rst[4] = {std::byte{0x70}, std::byte{0},
                              std::byte{static_cast<std::uint8_t>(request.message_id >> 8)},
                              std::byte{static_cast<std::uint8_t>(request.message_id)}};
    pair.net.inject(pair.server, EndpointPair::client_address(), rst);
    ASSERT_TRUE(pair.run_until_client_events(1, seconds(1)));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::reset);
    pair.net.run_for(seconds(100));
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u) << "no retransmission after RST";
    EXPECT_EQ(pair.client_events.size(), 1u);
}

TEST(Rfc7252_4_2, UnmatchedAckAndResetAreIgnored) {
    EndpointPair pair;
    const std::byte ack[4] = {std::byte{0x60}, std::byte{0}, std::byte{0x12}, std::byte{0x34}};
    const std::byte rst[4] = {std::byte{0x70}, std::byte{0}, std::byte{0x12}, std::byte{0x35}};
    pair.net.inject(pair.server, EndpointPair::client_address(), ack);
    pair.net.inject(pair.server, EndpointPair::client_address(), rst);
    pair.net.run_for(seconds(1));
    EXPECT_TRUE(pair.sent(pair.client, pair.server).empty());
    EXPECT_TRUE(pair.client_events.empty());
}

TEST(Rfc7252_4_2, MalformedConfirmableGetsResetAndMalformedNonIsIgnored) {
    EndpointPair pair;
    // CON, TKL 0, GET, MID 0x0102, option delta nibble 15 (reserved).
    const std::byte bad_con[5] = {std::byte{0x40}, std::byte{0x01}, std::byte{0x01},
                                  std::byte{0x02}, std::byte{0xf1}};
    const std::byte bad_non[5] = {std::byte{0x50}, std::byte{0x01}, std::byte{0x01},
                                  std::byte{0x03}, std::byte{0xf1}};
    pair.net.inject(pair.client, EndpointPair::server_address(), bad_con);
    pair.net.inject(pair.client, EndpointPair::server_address(), bad_non);
    pair.net.run_for(seconds(1));
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0].is(MessageType::reset, codes::empty));
    EXPECT_EQ(answers[0].message_id, 0x0102);
    EXPECT_TRUE(pair.server_events.empty());
    EXPECT_EQ(pair.server_endpoint().stats().malformed_received, 2u);
}

TEST(Rfc7252_4_2, TooShortDatagramsAreIgnored) {
    EndpointPair pair;
    const std::byte tiny[3] = {std::byte{0x40}, std::byte{0x01}, std::byte{0x01}};
    pair.net.inject(pair.client, EndpointPair::server_address(), tiny);
    pair.net.inject(pair.client, EndpointPair::server_address(), gsl::span<const std::byte>{});
    pair.net.run_for(seconds(1));
    EXPECT_TRUE(pair.sent(pair.server, pair.client).empty());
}

}  // namespace
}  // namespace coap
