// notification_test.cpp — Endpoint::notify, the engine side of RFC 7641:
// notifications are responses outside a request's exchange (§4.2) with a fresh
// message ID; CON ones are retransmitted and report their fate, NON ones are
// sent once and an RST naming a recent one is reported (§3.6); a newer state
// replaces a CON notification in flight (§4.5.2); the notification table is
// bounded (EndpointCapacities::notifications).
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace coap {
namespace {

using test::EndpointPair;

constexpr std::array<std::byte, 2> token{std::byte{0xab}, std::byte{0xcd}};

Result<NotificationId, LocalError> notify(EndpointPair& pair, bool confirmable,
                                          std::string_view payload,
                                          std::optional<NotificationId> replaces = {},
                                          gsl::span<const std::byte> tok = token) {
    NotifyOptions options;
    options.confirmable = confirmable;
    options.replaces = replaces;
    return pair.net.with(pair.server, [&](Endpoint& s, Instant now) {
        return s.notify(now, EndpointPair::client_address(), tok, options, [&](MessageWriter& w) {
            w.option_uint(OptionNumber::observe, 7);
            w.payload(payload);
        });
    });
}

std::vector<test::RecordedEvent> of_kind(const std::vector<test::RecordedEvent>& events,
                                         EventKind kind) {
    std::vector<test::RecordedEvent> out;
    for (const auto& e : events)
        if (e.kind == kind) out.push_back(e);
    return out;
}

/// A client exchange held open with `listen`, so that notifications match it.
RequestId listening_client(EndpointPair& pair) {
    RequestOptions options;
    options.hold = true;
    const auto id = pair.send(options, "obs");
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(pair.run_until_client_events(1));
    EXPECT_TRUE(
        pair.net
            .with(pair.client,
                  [&](Endpoint& c, Instant now) { return c.listen(now, *id, seconds(600)); })
            .ok());
    return *id;
}

std::vector<std::byte> token_of(EndpointPair& pair) {
    return pair.client_events.at(0).token;
}

TEST(Rfc7641_4_2, ConNotificationMatchesTheTokenAndIsAcknowledged) {
    EndpointPair pair;
    const RequestId request = listening_client(pair);
    const auto tok = token_of(pair);
    const auto id = notify(pair, true, "n1", std::nullopt, tok);
    ASSERT_TRUE(id.ok());
    EXPECT_NE(id->value, 0u);
    EXPECT_TRUE(pair.server_endpoint().notification_in_flight(*id));
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 1u);
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[1].request, request);
    EXPECT_EQ(pair.client_events[1].type, MessageType::confirmable);
    EXPECT_EQ(pair.client_events[1].payload, "n1");
    pair.net.run_for(seconds(1));
    const auto acked = of_kind(pair.server_events, EventKind::notification_acknowledged);
    ASSERT_EQ(acked.size(), 1u);
    EXPECT_EQ(acked[0].notification, *id);
    EXPECT_FALSE(pair.server_endpoint().notification_in_flight(*id));
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 0u);
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7641_4_2, EachNotificationHasAFreshMessageId) {
    EndpointPair pair;
    ASSERT_TRUE(notify(pair, false, "a").ok());
    ASSERT_TRUE(notify(pair, false, "b").ok());
    ASSERT_TRUE(notify(pair, true, "c").ok());
    pair.net.run_for(seconds(1));
    const auto wire = pair.sent(pair.server, pair.client);
    ASSERT_GE(wire.size(), 3u);
    EXPECT_TRUE(wire[0].is(MessageType::non_confirmable, codes::content));
    EXPECT_NE(wire[0].message_id, wire[1].message_id);
    EXPECT_NE(wire[1].message_id, wire[2].message_id);
    EXPECT_EQ(wire[2].type, MessageType::confirmable);
}

TEST(Rfc7641_3_6, ConNotificationNobodyWantsIsResetAndReported) {
    EndpointPair pair;  // the client has no exchange with this token: RST
    const auto id = notify(pair, true, "x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_server_events(1));
    EXPECT_EQ(pair.server_events[0].kind, EventKind::notification_failed);
    EXPECT_EQ(pair.server_events[0].reason, FailureReason::reset);
    EXPECT_EQ(pair.server_events[0].notification, *id);
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 0u);
}

TEST(Rfc7641_4_5, UnacknowledgedConNotificationTimesOut) {
    EndpointPair pair;
    pair.net.block(pair.server, pair.client);
    const auto id = notify(pair, true, "x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_server_events(1));
    EXPECT_EQ(pair.server_events[0].kind, EventKind::notification_failed);
    EXPECT_EQ(pair.server_events[0].reason, FailureReason::timeout);
    EXPECT_EQ(pair.server_events[0].notification, *id);
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), 5u);  // 1 + MAX_RETRANSMIT
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 0u);
}

TEST(Rfc7641_4_5, NonNotificationIsSentOnceAndNeedsNoAnswer) {
    EndpointPair pair;
    ASSERT_TRUE(notify(pair, false, "x").ok());
    pair.net.run_for(seconds(300));
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), 1u);
    EXPECT_TRUE(pair.server_events.empty());
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 0u);
    EXPECT_FALSE(pair.server_endpoint().next_timeout().has_value());
}

std::vector<std::byte> reset_for(std::uint16_t message_id) {
    return {std::byte{0x70}, std::byte{0}, std::byte{static_cast<std::uint8_t>(message_id >> 8)},
            std::byte{static_cast<std::uint8_t>(message_id)}};
}

TEST(Rfc7641_3_6, ResetOfARecentNonNotificationIsReported) {
    EndpointPair pair;
    const auto first = notify(pair, false, "a");
    const auto second = notify(pair, false, "b");
    ASSERT_TRUE(first.ok() && second.ok());
    pair.net.run_for(seconds(1));
    const auto wire = pair.sent(pair.server, pair.client);
    ASSERT_EQ(wire.size(), 2u);
    pair.net.inject(pair.client, EndpointPair::server_address(), reset_for(wire[0].message_id));
    pair.net.run_for(seconds(1));
    ASSERT_EQ(pair.server_events.size(), 1u);
    EXPECT_EQ(pair.server_events[0].kind, EventKind::notification_failed);
    EXPECT_EQ(pair.server_events[0].reason, FailureReason::reset);
    EXPECT_EQ(pair.server_events[0].notification, *first);
    // Reported once; an RST naming no notification is ignored (§4.2).
    pair.net.inject(pair.client, EndpointPair::server_address(), reset_for(wire[0].message_id));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    reset_for(static_cast<std::uint16_t>(wire[1].message_id + 100)));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.server_events.size(), 1u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), 2u);  // no RST answers an RST
}

TEST(Rfc7641_3_6, ResetAfterNonLifetimeIsIgnored) {
    EndpointPair pair;
    ASSERT_TRUE(notify(pair, false, "a").ok());
    pair.net.run_for(seconds(146));  // NON_LIFETIME is 145 s
    const auto wire = pair.sent(pair.server, pair.client);
    ASSERT_EQ(wire.size(), 1u);
    pair.net.inject(pair.client, EndpointPair::server_address(), reset_for(wire[0].message_id));
    pair.net.run_for(seconds(1));
    EXPECT_TRUE(pair.server_events.empty());
}

TEST(Rfc7641_4_5_2, NewerStateReplacesTheConNotificationInFlight) {
    EndpointPair pair;
    pair.net.block(pair.server, pair.client);
    const auto old_id = notify(pair, true, "old");
    ASSERT_TRUE(old_id.ok());
    pair.net.run_for(seconds(4));  // one retransmission (first timeout 2-3 s)
    const auto replaced = notify(pair, false, "new", *old_id);
    ASSERT_TRUE(replaced.ok());
    EXPECT_EQ(*replaced, *old_id);
    EXPECT_EQ(pair.server_endpoint().stats().notifications_in_flight, 1u);
    ASSERT_TRUE(pair.run_until_server_events(1));
    EXPECT_EQ(pair.server_events[0].kind, EventKind::notification_failed);
    EXPECT_EQ(pair.server_events[0].notification, *old_id);
    const auto wire = pair.sent(pair.server, pair.client);
    // The retransmission counter carried over: still 1 + MAX_RETRANSMIT messages
    // in all, plus the replacement sent at once.
    ASSERT_EQ(wire.size(), 6u);
    EXPECT_EQ(wire[0].payload, "old");
    EXPECT_EQ(wire[1].payload, "old");
    for (std::size_t i = 2; i < wire.size(); ++i) {
        EXPECT_EQ(wire[i].payload, "new");
        EXPECT_EQ(wire[i].type, MessageType::confirmable);  // a replacement stays CON
        EXPECT_EQ(wire[i].message_id, wire[2].message_id);
    }
    EXPECT_NE(wire[2].message_id, wire[0].message_id);
}

TEST(Rfc7641_4_5_2, ReplacementsEverySecondDoNotPostponeGivingUp) {
    // A client that went away while the state changes faster than the back-off
    // (TD_COAP_OBS_05 found this): every replacement used to restart the
    // timeout, so the notification never failed and the observer stayed forever.
    EndpointPair pair;
    pair.net.block(pair.server, pair.client);
    const auto id = notify(pair, true, "state 0");
    ASSERT_TRUE(id.ok());
    // MAX_TRANSMIT_WAIT at most: 2 s × 1.5 × (2^5 − 1) = 93 s.
    int seconds_waited = 0;
    for (; seconds_waited < 100 && pair.server_events.empty(); ++seconds_waited) {
        pair.net.run_for(seconds(1));
        if (pair.server_endpoint().notification_in_flight(*id)) {
            ASSERT_TRUE(notify(pair, false, "state " + std::to_string(seconds_waited), *id).ok());
        }
    }
    ASSERT_EQ(pair.server_events.size(), 1u);
    EXPECT_EQ(pair.server_events[0].kind, EventKind::notification_failed);
    EXPECT_EQ(pair.server_events[0].notification, *id);
    EXPECT_LE(seconds_waited, 94);
    EXPECT_GE(seconds_waited, 62);  // 2 s × (2^5 − 1): not given up early either
    EXPECT_FALSE(pair.server_endpoint().notification_in_flight(*id));
}

TEST(Rfc7641_4_5_2, AnAckForTheReplacedMessageIsIgnored) {
    EndpointPair pair;
    pair.net.block(pair.server, pair.client);
    const auto old_id = notify(pair, true, "old");
    const auto old_mid = pair.sent(pair.server, pair.client).at(0).message_id;
    ASSERT_TRUE(notify(pair, true, "new", *old_id).ok());
    std::vector<std::byte> ack = reset_for(old_mid);
    ack[0] = std::byte{0x60};
    pair.net.inject(pair.client, EndpointPair::server_address(), ack);
    pair.net.run_for(milliseconds(100));
    EXPECT_TRUE(pair.server_events.empty());
    EXPECT_TRUE(pair.server_endpoint().notification_in_flight(*old_id));
}

TEST(Rfc7641_4_5, FullNotificationTableIsAnErrorAndLeavesRequestsAlone) {
    EndpointConfig server;
    server.capacities.notifications = 1;
    server.capacities.exchanges = 1;
    EndpointPair pair(1, {}, server);
    pair.net.block(pair.server, pair.client);
    ASSERT_TRUE(notify(pair, true, "a").ok());
    const auto second = notify(pair, true, "b");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error(), LocalError::notifications_full);
    EXPECT_TRUE(notify(pair, false, "c").ok());  // NON needs no slot
    pair.net.unblock(pair.server, pair.client);
    // The request slot is still free for a request.
    ASSERT_TRUE(pair.get("x").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events.back().kind, EventKind::response_received);
}

TEST(Rfc7641_4_2, MisuseIsRefused) {
    EndpointPair pair;
    NotifyOptions options;
    options.code = codes::get;
    const auto bad_code = pair.net.with(pair.server, [&](Endpoint& s, Instant now) {
        return s.notify(now, EndpointPair::client_address(), token, options, [](MessageWriter&) {});
    });
    EXPECT_EQ(bad_code.error(), LocalError::invalid_message);
    const std::array<std::byte, 9> long_token{};
    EXPECT_EQ(notify(pair, false, "x", std::nullopt, long_token).error(),
              LocalError::invalid_request);
    const auto to_group = pair.net.with(pair.server, [&](Endpoint& s, Instant now) {
        return s.notify(now, Address::ipv4({224, 0, 1, 187}, 5683), token, NotifyOptions{},
                        [](MessageWriter&) {});
    });
    EXPECT_EQ(to_group.error(), LocalError::invalid_request);
    // A replaces naming nothing in flight sends a plain notification.
    const auto plain = notify(pair, false, "x", NotificationId{12345});
    ASSERT_TRUE(plain.ok());
    EXPECT_NE(plain->value, 12345u);
}

TEST(Rfc7641_4_1, DuplicateRegistrationIsDeduplicated) {
    EndpointPair pair;
    const std::vector<std::byte> get = {
        std::byte{0x42}, std::byte{0x01}, std::byte{0x12}, std::byte{0x34},
        std::byte{0xab}, std::byte{0xcd}, std::byte{0x60},  // Observe: 0 (option 6, length 0)
        std::byte{0x53}, std::byte{'o'},  std::byte{'b'},  std::byte{'s'}};  // Uri-Path "obs"
    pair.net.inject(pair.client, EndpointPair::server_address(), get);
    pair.net.run_for(milliseconds(10));
    pair.net.inject(pair.client, EndpointPair::server_address(), get);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(of_kind(pair.server_events, EventKind::request_received).size(), 1u);
    const auto wire = pair.sent(pair.server, pair.client);
    ASSERT_EQ(wire.size(), 2u);  // the stored reply again
    EXPECT_EQ(wire[0].bytes, wire[1].bytes);
}

}  // namespace
}  // namespace coap
