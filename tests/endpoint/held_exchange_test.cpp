// held_exchange_test.cpp — RequestOptions::hold, the engine side of a send
// descriptor: after a response the exchange keeps its slot and token until the
// application asks again with the same token (send_next), listens for more
// responses (listen) or ends it (close). RFC 7252 §5.3.1 (token reuse within
// one exchange), §4.4 (a fresh message ID per message).
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::EndpointPair;

RequestOptions held(bool confirmable = true) {
    RequestOptions options;
    options.confirmable = confirmable;
    options.hold = true;
    return options;
}

TEST(HeldExchange, StaysOpenAfterTheResponseUntilClosed) {
    EndpointPair pair;
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[0].request, *id);
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 1u);
    const auto index = pair.client_endpoint().index_of(*id);
    ASSERT_TRUE(index.has_value());
    EXPECT_LT(*index, pair.client_endpoint().config().capacities.exchanges);
    EXPECT_TRUE(pair.client_endpoint().is_live(*id));

    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.close(now, *id); })
            .ok());
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
    EXPECT_FALSE(pair.client_endpoint().is_live(*id));
    EXPECT_EQ(pair.client_endpoint().index_of(*id), index);  // the slot it had
    EXPECT_FALSE(pair.client_endpoint().index_of(RequestId{0}).has_value());
    pair.net.run_for(seconds(300));
    EXPECT_EQ(pair.client_events.size(), 1u);  // close() reports nothing
}

TEST(HeldExchange, Rfc7252_4_4_SendNextReusesTheTokenWithAFreshMessageId) {
    EndpointPair pair;
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(pair.run_until_client_events(1));
    ASSERT_TRUE(pair.net
                    .with(pair.client,
                          [&](Endpoint& c, Instant now) {
                              return c.send_next(now, *id, held(false), [](MessageWriter& w) {
                                  w.option(OptionNumber::uri_path, "y");
                              });
                          })
                    .ok());
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].request, *id);
    const auto wire = pair.sent(pair.client, pair.server);
    ASSERT_EQ(wire.size(), 2u);
    EXPECT_EQ(wire[0].token, wire[1].token);
    EXPECT_NE(wire[0].message_id, wire[1].message_id);
    EXPECT_EQ(wire[1].type, MessageType::non_confirmable);
    EXPECT_EQ(pair.server_events.size(), 2u);
}

TEST(HeldExchange, SendNextIsRefusedWhileTheRequestIsStillInFlightAndForMulticast) {
    EndpointPair pair;
    pair.net.partition(pair.client, pair.server);
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(id.ok());
    const auto early = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_next(now, *id, held(), [](MessageWriter&) {});
    });
    ASSERT_FALSE(early.ok());
    EXPECT_EQ(early.error(), LocalError::invalid_request);

    RequestOptions group = held(false);
    group.multicast = true;
    const auto multicast = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_request(now, Address::ipv4({224, 0, 1, 187}, 5683), group);
    });
    ASSERT_TRUE(multicast.ok());
    const auto next = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_next(now, *multicast, held(false), [](MessageWriter&) {});
    });
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.error(), LocalError::invalid_request);
}

TEST(HeldExchange, FurtherResponsesWithTheTokenAreReportedWhileHeld) {
    EndpointPair pair;
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(pair.run_until_client_events(1));
    const auto token = pair.client_events[0].token;
    // The server sends another NON response carrying the same token.
    std::vector<std::byte> extra(64);
    MessageWriter writer(extra, MessageType::non_confirmable, codes::content, 0x7777, token);
    writer.payload("again");
    extra.resize(*writer.finish());
    pair.net.inject(pair.server, EndpointPair::client_address(), extra);
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].request, *id);
    EXPECT_EQ(pair.client_events[1].payload, "again");
}

TEST(HeldExchange, ManySendNextCallsOnOneSlotKeepTheTablesConsistent) {
    // Regression (found by the engine fuzzer): each send_next left the previous
    // message ID in the index, until every lookup spun forever.
    EndpointConfig small;
    small.capacities.exchanges = 1;
    EndpointPair pair(3, small);
    const auto id = pair.send(held(false), "x");
    ASSERT_TRUE(id.ok());
    for (std::size_t i = 1; i <= 200; ++i) {
        ASSERT_TRUE(pair.run_until_client_events(i));
        ASSERT_TRUE(pair.net
                        .with(pair.client,
                              [&](Endpoint& c, Instant now) {
                                  return c.send_next(now, *id, held(i % 2 == 0),
                                                     [](MessageWriter&) {});
                              })
                        .ok());
    }
    ASSERT_TRUE(pair.run_until_client_events(201));
    EXPECT_EQ(pair.server_events.size(), 201u);
    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.close(now, *id); })
            .ok());
    // The slot is free and its indexes empty: a new request works normally.
    ASSERT_TRUE(pair.get("y").ok());
    ASSERT_TRUE(pair.run_until_client_events(202));
    EXPECT_EQ(pair.client_events.back().kind, EventKind::response_received);
}

TEST(HeldExchange, ListenWithAnEndlessTimeoutNeverTimesOut) {
    // Regression (found by the engine fuzzer): now + timeout overflowed.
    EndpointPair pair;
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(pair.run_until_client_events(1));
    ASSERT_TRUE(
        pair.net
            .with(pair.client,
                  [&](Endpoint& c, Instant now) { return c.listen(now, *id, Duration{INT64_MAX}); })
            .ok());
    EXPECT_FALSE(pair.client_endpoint().next_timeout().has_value());
    pair.net.run_for(seconds(100000));
    EXPECT_EQ(pair.client_events.size(), 1u);
    EXPECT_TRUE(pair.client_endpoint().is_live(*id));
}

TEST(HeldExchange, Rfc7252_4_7_ListeningToAnUnansweredRequestFreesItsNstartSlot) {
    // Regression (found by the engine fuzzer in CI): an endless listen kept the
    // peer's only NSTART slot, so every later request to it queued forever.
    EndpointPair pair;
    pair.net.block(pair.server, pair.client);  // the server's answers never arrive
    const auto first = pair.send(held(false), "x");
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(pair.net
                    .with(pair.client,
                          [&](Endpoint& c, Instant now) {
                              return c.listen(now, *first, Duration{INT64_MAX});
                          })
                    .ok());
    ASSERT_TRUE(pair.get("y").ok());
    pair.net.run_for(milliseconds(10));
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 2u);  // "y" went at once
}

TEST(HeldExchange, ListenEndsWithATimeoutWhenNothingMoreArrives) {
    EndpointPair pair;
    const auto id = pair.send(held(), "x");
    ASSERT_TRUE(pair.run_until_client_events(1));
    const Instant start = pair.net.now();
    ASSERT_TRUE(pair.net
                    .with(pair.client,
                          [&](Endpoint& c, Instant now) { return c.listen(now, *id, seconds(7)); })
                    .ok());
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[1].reason, FailureReason::timeout);
    EXPECT_EQ(pair.client_events[1].at - start, seconds(7));
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
}

TEST(HeldExchange, Rfc7252_4_7_AHeldExchangeNoLongerCountsTowardsNstart) {
    EndpointPair pair;
    const auto first = pair.send(held(), "x");
    ASSERT_TRUE(pair.run_until_client_events(1));
    const auto second = pair.get("y");  // NSTART = 1: goes at once only if the first left
    ASSERT_TRUE(second.ok());
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].request, *second);
    EXPECT_EQ(pair.client_events[1].kind, EventKind::response_received);
    (void)first;
}

TEST(HeldExchange, ClosingAMulticastExchangeEndsItWithoutMulticastDone) {
    EndpointPair pair;
    RequestOptions group = held(false);
    group.multicast = true;
    const auto id = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_request(now, Address::ipv4({224, 0, 1, 187}, 5683), group);
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.close(now, *id); })
            .ok());
    pair.net.run_for(seconds(600));
    EXPECT_TRUE(pair.client_events.empty());
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
}

}  // namespace
}  // namespace coap
