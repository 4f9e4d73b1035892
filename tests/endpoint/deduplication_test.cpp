// deduplication_test.cpp — RFC 7252 §4.5 rules of the Endpoint through the
// simulated network: duplicates of CON get the same answer without a second
// run of the handler, duplicates of NON are ignored, entries live
// EXCHANGE_LIFETIME / NON_LIFETIME, and a full cache never evicts a live entry.
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::EndpointPair;

/// A CON (or NON) GET /x from the client with a fixed message ID and token.
std::vector<std::byte> raw_get(MessageType type, std::uint16_t message_id,
                               std::uint8_t token = 0x5a) {
    std::vector<std::byte> buffer(64);
    const std::byte t[1] = {std::byte{token}};
    MessageWriter writer(buffer, type, codes::get, message_id, t);
    writer.option(OptionNumber::uri_path, "x");
    buffer.resize(writer.finish().value());
    return buffer;
}

TEST(Rfc7252_4_5, DuplicateConfirmableGetsTheSameResponseWithoutRunningTheHandlerAgain) {
    EndpointPair pair;
    int calls = 0;
    pair.on_request = [&](Endpoint& server, const Event& event) {
        ++calls;
        (void)server.respond(pair.net.now(), event.responder, {},
                             [&](MessageWriter& w) { w.payload("call " + std::to_string(calls)); });
    };
    const auto request = raw_get(MessageType::confirmable, 0x4242);
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(5));
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(100));
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(calls, 1);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 3u);
    for (const auto& a : answers) {
        EXPECT_TRUE(a.is(MessageType::acknowledgement, codes::content));
        EXPECT_EQ(a.message_id, 0x4242);
        EXPECT_EQ(a.payload, "call 1");
        EXPECT_EQ(a.bytes, answers[0].bytes);
    }
    EXPECT_EQ(pair.server_endpoint().stats().duplicates_received, 2u);
}

TEST(Rfc7252_4_5, DuplicateWhileTheHandlerIsBusyGetsAnEmptyAck) {
    EndpointPair pair;
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint&, const Event& event) { later = event.responder; };
    const auto request = raw_get(MessageType::confirmable, 0x0101);
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(milliseconds(100));  // shorter than the empty-ACK delay
    EXPECT_TRUE(pair.sent(pair.server, pair.client).empty());
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(milliseconds(50));
    auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_EQ(pair.handler_runs, 1u);
    // The response is now separate, and a CON of its own.
    ASSERT_TRUE(later);
    ASSERT_TRUE(
        pair.net
            .with(pair.server, [&](Endpoint& s, Instant now) { return s.respond(now, *later, {}); })
            .ok());
    answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_TRUE(answers[1].is(MessageType::confirmable, codes::content));
    EXPECT_NE(answers[1].message_id, 0x0101);
}

TEST(Rfc7252_4_5, DuplicateNonConfirmableIsIgnored) {
    EndpointPair pair;
    const auto request = raw_get(MessageType::non_confirmable, 0x0202);
    for (int i = 0; i < 3; ++i) {
        pair.net.inject(pair.client, EndpointPair::server_address(), request);
        pair.net.run_for(seconds(10));
    }
    EXPECT_EQ(pair.handler_runs, 1u);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0].is(MessageType::non_confirmable, codes::content));
}

TEST(Rfc7252_4_5, ConfirmableEntriesLiveExactlyExchangeLifetime) {
    EndpointPair pair;
    const auto request = raw_get(MessageType::confirmable, 0x0303);
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(247) - milliseconds(20));  // arrival at 10 ms; 247 s later minus 10
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 1u) << "still a duplicate just before EXCHANGE_LIFETIME";
    pair.net.run_for(seconds(1));
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 2u) << "a new message after EXCHANGE_LIFETIME";
}

TEST(Rfc7252_4_5, NonConfirmableEntriesLiveNonLifetime) {
    EndpointPair pair;
    const auto request = raw_get(MessageType::non_confirmable, 0x0404);
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(144));
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(2));
    EXPECT_EQ(pair.handler_runs, 1u);
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 2u);
}

TEST(Rfc7252_4_5, AFullCacheNeverEvictsALiveEntryAndAnswers503WithMaxAge) {
    EndpointConfig server;
    server.capacities.dedup_entries = 4;
    EndpointPair pair(1, {}, server);
    for (std::uint16_t id = 1; id <= 4; ++id)
        pair.net.inject(pair.client, EndpointPair::server_address(),
                        raw_get(MessageType::confirmable, id));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 4u);
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 5));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 4u);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 5u);
    EXPECT_TRUE(answers[4].is(MessageType::acknowledgement, codes::service_unavailable));
    ASSERT_TRUE(answers[4].max_age);
    EXPECT_GE(*answers[4].max_age, 245u) << "come back when the oldest entry expires";
    EXPECT_LE(*answers[4].max_age, 248u);
    // A duplicate of an old message is still recognised.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 2));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 4u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).back().payload, "ok");
    // After EXCHANGE_LIFETIME the space is reclaimed.
    pair.net.run_for(seconds(250));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 5));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 5u);
    EXPECT_LE(pair.server_endpoint().stats().dedup_entries_in_use, 4u);
}

TEST(Rfc7252_4_5, WithAnEvictionAgeAFullCacheReclaimsAnEntryOnlyOnceItIsThatOld) {
    EndpointConfig server;
    server.capacities.dedup_entries = 2;
    server.dedup_eviction_age = seconds(60);
    EndpointPair pair(1, {}, server);
    for (std::uint16_t id = 1; id <= 2; ++id)
        pair.net.inject(pair.client, EndpointPair::server_address(),
                        raw_get(MessageType::confirmable, id));
    pair.net.run_for(seconds(30));
    EXPECT_EQ(pair.handler_runs, 2u);
    // 30 s old: younger than the eviction age, so still 5.03.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 3));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 2u);
    const auto busy = pair.sent(pair.server, pair.client).back();
    EXPECT_TRUE(busy.is(MessageType::acknowledgement, codes::service_unavailable));
    ASSERT_TRUE(busy.max_age);
    EXPECT_GE(*busy.max_age, 29u) << "come back when the oldest entry may be reclaimed";
    EXPECT_LE(*busy.max_age, 31u);
    // Past 60 s (long before EXCHANGE_LIFETIME) the oldest entry gives way.
    pair.net.run_for(seconds(30));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 3));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 3u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).back().payload, "ok");
    EXPECT_EQ(pair.server_endpoint().stats().dedup_evicted_early, 1u);
    EXPECT_LE(pair.server_endpoint().stats().dedup_entries_in_use, 2u);
    // The price, as documented: a duplicate of the evicted message runs again.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 1));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.server_endpoint().stats().dedup_evicted_early, 2u);
    EXPECT_EQ(pair.handler_runs, 4u);
}

/// A CON request with any method, as raw_get builds a GET.
std::vector<std::byte> raw_request(Code method, MessageType type, std::uint16_t message_id) {
    std::vector<std::byte> buffer(64);
    const std::byte t[1] = {std::byte{0x5b}};
    MessageWriter writer(buffer, type, method, message_id, t);
    writer.option(OptionNumber::uri_path, "x");
    buffer.resize(writer.finish().value());
    return buffer;
}

TEST(Rfc7252_4_5, WithoutRememberingSafeRequestsAnAnsweredGetGivesItsEntryBack) {
    EndpointConfig server;
    server.capacities.dedup_entries = 2;
    server.remember_safe_requests = false;
    EndpointPair pair(1, {}, server);
    // Far more GETs (CON and NON) and FETCHes than entries: every one is answered.
    for (std::uint16_t id = 1; id <= 30; ++id) {
        const Code method = id % 3 == 0 ? codes::fetch : codes::get;
        const MessageType type =
            id % 2 == 0 ? MessageType::confirmable : MessageType::non_confirmable;
        pair.net.inject(pair.client, EndpointPair::server_address(), raw_request(method, type, id));
        pair.net.run_for(milliseconds(100));
    }
    EXPECT_EQ(pair.handler_runs, 30u);
    EXPECT_EQ(pair.server_endpoint().stats().dedup_entries_in_use, 0u);
    EXPECT_EQ(pair.server_endpoint().stats().busy_responses_sent, 0u);
    // The price, as documented: a duplicate GET runs its handler again (and is
    // answered again, the same way).
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_request(codes::get, MessageType::confirmable, 2));
    pair.net.run_for(milliseconds(100));
    EXPECT_EQ(pair.handler_runs, 31u);
    EXPECT_TRUE(pair.sent(pair.server, pair.client)
                    .back()
                    .is(MessageType::acknowledgement, codes::content));
}

TEST(Rfc7252_4_5, WithoutRememberingSafeRequestsABusyServersOwnAnswersToGetsSpendNoEntries) {
    EndpointConfig server;
    server.capacities.exchanges = 1;
    server.capacities.dedup_entries = 4;
    server.remember_safe_requests = false;
    EndpointPair pair(1, {}, server);
    pair.on_request = [](Endpoint&, const Event&) {};  // holds the one exchange
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_request(codes::get, MessageType::confirmable, 1));
    pair.net.run_for(milliseconds(100));
    // Every further GET finds the exchange table full: 5.03, and its entry back.
    for (std::uint16_t id = 2; id <= 20; ++id) {
        pair.net.inject(pair.client, EndpointPair::server_address(),
                        raw_request(codes::get, MessageType::confirmable, id));
        pair.net.run_for(milliseconds(10));
    }
    EXPECT_EQ(pair.server_endpoint().stats().busy_responses_sent, 19u);
    EXPECT_EQ(pair.server_endpoint().stats().dedup_entries_in_use, 1u) << "only the held GET";
    EXPECT_EQ(pair.handler_runs, 1u);
}

TEST(Rfc7252_4_5, WithoutRememberingSafeRequestsUnsafeOnesAndBusyGetsStillDeduplicate) {
    EndpointConfig server;
    server.capacities.dedup_entries = 4;
    server.remember_safe_requests = false;
    EndpointPair pair(1, {}, server);
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        if (event.message.message_id() == 7) {
            later = event.responder;  // a GET still being worked on
            return;
        }
        (void)s.respond(pair.net.now(), event.responder, {},
                        [](MessageWriter& w) { w.payload("ok"); });
    };
    // A PUT and a POST keep their entries: duplicates run nothing again.
    for (const Code method : {codes::put, codes::post}) {
        const auto request =
            raw_request(method, MessageType::confirmable, method == codes::put ? 5 : 6);
        pair.net.inject(pair.client, EndpointPair::server_address(), request);
        pair.net.run_for(milliseconds(100));
        pair.net.inject(pair.client, EndpointPair::server_address(), request);
        pair.net.run_for(milliseconds(100));
    }
    EXPECT_EQ(pair.handler_runs, 2u);
    EXPECT_EQ(pair.server_endpoint().stats().dedup_entries_in_use, 2u);
    // A GET not answered yet keeps its entry: its duplicate gets an empty ACK.
    const auto busy = raw_request(codes::get, MessageType::confirmable, 7);
    pair.net.inject(pair.client, EndpointPair::server_address(), busy);
    pair.net.run_for(milliseconds(100));
    pair.net.inject(pair.client, EndpointPair::server_address(), busy);
    pair.net.run_for(milliseconds(50));
    EXPECT_EQ(pair.handler_runs, 3u);
    ASSERT_FALSE(pair.sent(pair.server, pair.client).empty());
    EXPECT_TRUE(
        pair.sent(pair.server, pair.client).back().is(MessageType::acknowledgement, codes::empty));
}

TEST(Rfc7252_4_5, WithoutRememberingSafeRequestsAGetIsServedWhenUnsafeOnesFillTheCache) {
    // A flood of PUTs (issue 12) fills every entry for EXCHANGE_LIFETIME: further
    // PUTs get 5.03, but a GET, whose entry would go once answered, is served
    // without one. Remembering safe requests, the GET gets 5.03 too.
    for (const bool remember : {false, true}) {
        EndpointConfig server;
        server.capacities.dedup_entries = 3;
        server.remember_safe_requests = remember;
        EndpointPair pair(1, {}, server);
        for (std::uint16_t id = 1; id <= 4; ++id) {
            pair.net.inject(pair.client, EndpointPair::server_address(),
                            raw_request(codes::put, MessageType::confirmable, id));
            pair.net.run_for(milliseconds(10));
        }
        EXPECT_EQ(pair.handler_runs, 3u);
        EXPECT_EQ(pair.server_endpoint().stats().busy_responses_sent, 1u);
        pair.net.inject(pair.client, EndpointPair::server_address(),
                        raw_request(codes::get, MessageType::confirmable, 5));
        pair.net.run_for(milliseconds(10));
        const auto sent = pair.sent(pair.server, pair.client);  // a copy: it outlives `answer`
        ASSERT_FALSE(sent.empty());
        const auto& answer = sent.back();
        if (remember) {
            EXPECT_TRUE(answer.is(MessageType::acknowledgement, codes::service_unavailable));
            EXPECT_EQ(pair.handler_runs, 3u);
        } else {
            EXPECT_TRUE(answer.is(MessageType::acknowledgement, codes::content));
            EXPECT_EQ(pair.handler_runs, 4u);
        }
        EXPECT_EQ(pair.server_endpoint().stats().dedup_entries_in_use, 3u);
        EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
    }
}

TEST(Rfc7252_4_5, ClientAcknowledgesADuplicateSeparateResponseWithoutReportingItTwice) {
    EndpointPair pair;
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        later = event.responder;
        (void)s.acknowledge(pair.net.now(), event.responder);
    };
    ASSERT_TRUE(pair.get("x").ok());
    pair.net.run_for(seconds(1));
    ASSERT_TRUE(later);
    // The client's ACK of the separate response is lost twice: the server
    // retransmits, the client acknowledges every copy and reports one response.
    pair.net.block(pair.client, pair.server);
    ASSERT_TRUE(
        pair.net
            .with(pair.server, [&](Endpoint& s, Instant now) { return s.respond(now, *later, {}); })
            .ok());
    pair.net.run_for(seconds(8));
    pair.net.unblock(pair.client, pair.server);
    pair.net.run_for(seconds(60));
    std::size_t responses = 0;
    for (const auto& e : pair.client_events)
        responses += e.kind == EventKind::response_received;
    EXPECT_EQ(responses, 1u);
    std::size_t separate = 0;
    for (const auto& m : pair.sent(pair.server, pair.client))
        separate += m.is(MessageType::confirmable, codes::content);
    EXPECT_GE(separate, 2u);
    std::size_t acks = 0;
    for (const auto& m : pair.sent(pair.client, pair.server))
        acks += m.is(MessageType::acknowledgement, codes::empty);
    EXPECT_EQ(acks, separate);
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_4_5, ADuplicateWhoseStoredReplyWasDroppedIsNeitherRerunNorAnswered) {
    EndpointConfig server;
    server.capacities.stored_reply_bytes = 40;  // room for about one reply
    EndpointPair pair(1, {}, server);
    for (std::uint16_t id = 1; id <= 3; ++id)
        pair.net.inject(pair.client, EndpointPair::server_address(),
                        raw_get(MessageType::confirmable, id));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 3u);
    EXPECT_GE(pair.server_endpoint().stats().replies_evicted, 1u);
    const std::size_t answers_before = pair.sent(pair.server, pair.client).size();
    // The oldest reply is gone: the handler must not run again, and nothing is
    // invented in its place (the client's retransmissions run out).
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 1));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 3u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), answers_before);
    EXPECT_EQ(pair.server_endpoint().stats().duplicates_unanswerable, 1u);
    // The newest reply is still there.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 3));
    pair.net.run_for(seconds(1));
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), answers_before + 1);
    EXPECT_TRUE(answers.back().is(MessageType::acknowledgement, codes::content));
    EXPECT_EQ(answers.back().message_id, 3);
    EXPECT_EQ(pair.handler_runs, 3u);
}

TEST(Rfc7252_4_5, AFullCacheFreesTheEarliestExpiringEntryFirst) {
    EndpointConfig server;
    server.capacities.dedup_entries = 4;
    EndpointPair pair(1, {}, server);
    // Two CON entries (247 s), then two NON entries (145 s): the table is full.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 1));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 2));
    pair.net.run_for(seconds(10));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::non_confirmable, 3));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::non_confirmable, 4));
    pair.net.run_for(seconds(1));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 5));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 4u);
    const auto busy = pair.sent(pair.server, pair.client).back();
    ASSERT_TRUE(busy.is(MessageType::acknowledgement, codes::service_unavailable));
    ASSERT_TRUE(busy.max_age);
    // The NON entries expire first (10 s + 145 s), not the older CON ones.
    EXPECT_GE(*busy.max_age, 143u);
    EXPECT_LE(*busy.max_age, 146u);
    pair.net.run_for(seconds(145));  // now past the NON entries, before the CON ones
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 6));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 5u);
    // The CON entries are still live: their duplicates are still recognised.
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    raw_get(MessageType::confirmable, 1));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 5u);
}

}  // namespace
}  // namespace coap
