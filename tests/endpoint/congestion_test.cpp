// congestion_test.cpp — RFC 7252 §4.7 rules of the Endpoint through the
// simulated network: NSTART outstanding interactions per peer with a FIFO
// queue, and PROBING_RATE for NON traffic to a peer that does not answer.
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::EndpointPair;

TEST(Rfc7252_4_7, NstartOneKeepsOneConfirmableRequestOutstandingInFifoOrder) {
    EndpointPair pair;
    std::vector<RequestId> ids;
    for (const char* path : {"a", "b", "c", "d"})
        ids.push_back(pair.get(path).value());
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u) << "only the first goes out";
    ASSERT_TRUE(pair.run_until_client_events(4));
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(pair.client_events[i].request, ids[i]);
    // Each request leaves only after the previous response came back (20 ms RTT).
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i)
        EXPECT_EQ((sent[i].at - sent[i - 1].at).ms, 20);
}

TEST(Rfc7252_4_7, AnAcknowledgedRequestNoLongerCountsAsOutstanding) {
    // §4.7: outstanding is a request for which neither a response nor an ACK has
    // been received; after an empty ACK the next request may go.
    EndpointPair pair;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        (void)s.acknowledge(pair.net.now(), event.responder);  // never answered
    };
    ASSERT_TRUE(pair.get("slow").ok());
    ASSERT_TRUE(pair.get("next").ok());
    pair.net.run_for(milliseconds(100));
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1].at.ms, 20) << "sent as soon as the empty ACK arrived";
}

TEST(Rfc7252_4_7, NstartIsPerPeer) {
    EndpointPair pair;
    const Address third = Address::ipv4({10, 0, 0, 3}, 5683);
    pair.net.add_endpoint(third, EndpointConfig{.seed = 11});
    ASSERT_TRUE(pair.get("a").ok());
    ASSERT_TRUE(pair.net
                    .with(pair.client,
                          [&](Endpoint& c, Instant now) { return c.send_request(now, third, {}); })
                    .ok());
    EXPECT_EQ(pair.net.trace().count({.kind = sim::TraceKind::sent, .from = pair.client}), 2u);
}

TEST(Rfc7252_4_7, LargerNstartAllowsMoreOutstanding) {
    EndpointConfig client;
    client.transmission.nstart = 3;
    EndpointPair pair(1, client);
    for (int i = 0; i < 5; ++i)
        ASSERT_TRUE(pair.get("x").ok());
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 3u);
    ASSERT_TRUE(pair.run_until_client_events(5));
}

TEST(Rfc7252_4_7, AQueuedRequestFailsInTurnWhenThePeerIsSilent) {
    EndpointPair pair;
    pair.net.partition(pair.client, pair.server);
    const auto first = pair.get("a").value();
    const auto second = pair.get("b").value();
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[0].request, first);
    EXPECT_EQ(pair.client_events[1].request, second);
    EXPECT_EQ(pair.client_events[1].reason, FailureReason::timeout);
    // The second only started when the first gave up.
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 10u);
    EXPECT_EQ(sent[5].at, pair.client_events[0].at);
}

TEST(Rfc7252_4_7, CancellingAQueuedRequestKeepsTheQueueInOrder) {
    EndpointPair pair;
    const auto a = pair.get("a").value();
    const auto b = pair.get("b").value();
    const auto c = pair.get("c").value();
    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& e, Instant now) { return e.cancel(now, b); })
            .ok());
    ASSERT_TRUE(pair.run_until_client_events(3));
    EXPECT_EQ(pair.client_events[0].request, b);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::cancelled);
    EXPECT_EQ(pair.client_events[1].request, a);
    EXPECT_EQ(pair.client_events[2].request, c);
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 2u);
}

TEST(Rfc7252_4_7, NonRequestsAwaitingAResponseCountAsOutstanding) {
    EndpointPair pair;
    ASSERT_TRUE(pair.get("a", false).ok());
    ASSERT_TRUE(pair.get("b", false).ok());
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u);
    ASSERT_TRUE(pair.run_until_client_events(2));
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ((sent[1].at - sent[0].at).ms, 20) << "the second left with the first response";
}

TEST(Rfc7252_4_7, NonTrafficToASilentPeerStaysUnderProbingRate) {
    EndpointConfig client;
    client.transmission.nstart = 4;
    EndpointPair pair(1, client);
    pair.net.partition(pair.client, pair.server);
    std::vector<RequestId> ids;
    for (int i = 0; i < 4; ++i)
        ids.push_back(pair.get("probe", false).value());
    pair.net.run_for(seconds(200));
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 4u);
    // In the order they were asked for.
    ASSERT_TRUE(pair.run_until_client_events(4));
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(pair.client_events[i].request, ids[i]);
    // PROBING_RATE is 1 byte/s: after n unanswered bytes the next send waits n s.
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < sent.size(); ++i) {
        EXPECT_GE(sent[i].at.ms, static_cast<std::int64_t>(bytes) * 1000) << "send " << i;
        bytes += sent[i].bytes.size();
    }
    EXPECT_GT(sent[1].at.ms, 0);
}

TEST(Rfc7252_4_7, AnAnsweringPeerIsNotThrottled) {
    EndpointPair pair;
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(pair.get("x", false).ok());
        ASSERT_TRUE(pair.run_until_client_events(std::size_t(i + 1), seconds(1)));
    }
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(sent[2].at.ms, 40);
}

}  // namespace
}  // namespace coap
