// request_response_test.cpp — RFC 7252 §5 rules of the Endpoint through the
// simulated network: tokens (§5.3.1), matching (§5.3.2), piggybacked, separate
// and NON responses (§5.2), unrecognised options (§5.4.1), 4.13 (§5.9.2.9).
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

#include <set>

namespace coap {
namespace {

using test::EndpointPair;

TEST(Rfc7252_5_3_1, TokensAreRandomOfTheConfiguredLengthAndNotDerivedFromMessageIds) {
    EndpointConfig client;
    client.token_length = 6;
    EndpointPair pair(1, client);
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(pair.get("x").ok());
        ASSERT_TRUE(pair.run_until_client_events(std::size_t(i + 1)));
    }
    std::set<std::vector<std::byte>> tokens;
    for (const auto& m : pair.sent(pair.client, pair.server)) {
        ASSERT_EQ(m.token.size(), 6u);
        tokens.insert(m.token);
        const std::byte id_high{static_cast<std::uint8_t>(m.message_id >> 8)};
        const std::byte id_low{static_cast<std::uint8_t>(m.message_id)};
        EXPECT_FALSE(m.token[0] == id_high && m.token[1] == id_low);
    }
    EXPECT_EQ(tokens.size(), 20u);
    // Another seed, other tokens.
    EndpointPair other(2, client);
    ASSERT_TRUE(other.get("x").ok());
    ASSERT_TRUE(other.run_until_client_events(1));
    EXPECT_EQ(tokens.count(other.sent(other.client, other.server)[0].token), 0u);
}

TEST(Rfc7252_5_3_1, DefaultTokensHaveAtLeastFourBytes) {
    EndpointPair pair;
    ASSERT_TRUE(pair.get("x").ok());
    EXPECT_GE(pair.sent(pair.client, pair.server).at(0).token.size(), 4u);
}

TEST(Rfc7252_5_2_1, PiggybackedResponseInTheAck) {
    EndpointPair pair;
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    const auto& event = pair.client_events[0];
    EXPECT_EQ(event.kind, EventKind::response_received);
    EXPECT_EQ(event.request, *id);
    EXPECT_EQ(event.type, MessageType::acknowledgement);
    EXPECT_EQ(event.code, codes::content);
    EXPECT_EQ(event.payload, "ok");
    EXPECT_EQ(event.peer, EndpointPair::server_address());
    const auto request = pair.sent(pair.client, pair.server).at(0);
    EXPECT_EQ(event.message_id, request.message_id);
    EXPECT_EQ(event.token, request.token);
    EXPECT_EQ(pair.server_events.at(0).payload, "");
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_2_2, SlowHandlerGetsAnEmptyAckThenASeparateConfirmableResponse) {
    EndpointPair pair;
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint&, const Event& event) { later = event.responder; };
    const auto id = pair.get("slow");
    ASSERT_TRUE(id.ok());
    pair.net.run_for(seconds(1));
    auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::empty));
    // Sent after the configured empty-ACK delay (500 ms) following the 10 ms arrival.
    EXPECT_EQ(answers[0].at.ms, 510);
    pair.net.run_for(seconds(30));
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u) << "no retransmission after the ACK";
    ASSERT_TRUE(later);
    ASSERT_TRUE(pair.net
                    .with(pair.server,
                          [&](Endpoint& s, Instant now) {
                              return s.respond(now, *later, {},
                                               [](MessageWriter& w) { w.payload("late"); });
                          })
                    .ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[0].type, MessageType::confirmable);
    EXPECT_EQ(pair.client_events[0].payload, "late");
    pair.net.run_for(seconds(1));
    const auto from_client = pair.sent(pair.client, pair.server);
    ASSERT_EQ(from_client.size(), 2u);
    EXPECT_TRUE(from_client[1].is(MessageType::acknowledgement, codes::empty));
    answers = pair.sent(pair.server, pair.client);
    EXPECT_EQ(from_client[1].message_id, answers[1].message_id);
    EXPECT_EQ(answers[1].token, from_client[0].token);
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_2_2, SeparateResponseMayBeNonConfirmable) {
    EndpointPair pair;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        (void)s.acknowledge(pair.net.now(), event.responder);
        ResponseOptions options;
        options.separate_confirmable = false;
        (void)s.respond(pair.net.now(), event.responder, options);
    };
    ASSERT_TRUE(pair.get("x").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].type, MessageType::non_confirmable);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_TRUE(answers[1].is(MessageType::non_confirmable, codes::content));
}

TEST(Rfc7252_5_2_2, SeparateResponseIsRetransmittedUntilAcknowledged) {
    EndpointPair pair;
    pair.answer_separately();
    ASSERT_TRUE(pair.get("x").ok());
    // Swallow the client's ACK of the separate response for a while.
    pair.net.run_for(milliseconds(15));
    pair.net.block(pair.client, pair.server);
    pair.net.run_for(seconds(10));
    pair.net.unblock(pair.client, pair.server);
    pair.net.run_for(seconds(120));
    std::size_t copies = 0;
    for (const auto& m : pair.sent(pair.server, pair.client))
        copies += m.is(MessageType::confirmable, codes::content);
    EXPECT_GE(copies, 2u);
    EXPECT_EQ(pair.client_events.size(), 1u) << "reported once, however many copies";
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_2_2, ASeparateResponseNobodyWantsIsResetAndReported) {
    EndpointPair pair;
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        later = event.responder;
        (void)s.acknowledge(pair.net.now(), event.responder);
    };
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    pair.net.run_for(seconds(1));
    ASSERT_TRUE(later);
    // The client gives up; the separate response then matches nothing: RST.
    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.cancel(now, *id); })
            .ok());
    ASSERT_TRUE(
        pair.net
            .with(pair.server, [&](Endpoint& s, Instant now) { return s.respond(now, *later, {}); })
            .ok());
    ASSERT_TRUE(pair.run_until_server_events(2, seconds(5)));
    EXPECT_EQ(pair.server_events[1].kind, EventKind::response_failed);
    EXPECT_EQ(pair.server_events[1].responder, *later);
    EXPECT_EQ(pair.server_events[1].reason, FailureReason::reset);
    EXPECT_TRUE(pair.sent(pair.client, pair.server).back().is(MessageType::reset, codes::empty));
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_2_2, AnUnacknowledgedSeparateResponseFailsAfterMaxRetransmit) {
    EndpointPair pair;
    pair.answer_separately();
    ASSERT_TRUE(pair.get("x").ok());
    pair.net.run_for(milliseconds(15));
    pair.net.partition(pair.client, pair.server);
    ASSERT_TRUE(pair.run_until_server_events(2, seconds(100)));
    EXPECT_EQ(pair.server_events[1].kind, EventKind::response_failed);
    EXPECT_EQ(pair.server_events[1].reason, FailureReason::timeout);
    std::size_t copies = 0;
    for (const auto& m : pair.sent(pair.server, pair.client))
        copies += m.is(MessageType::confirmable, codes::content);
    EXPECT_EQ(copies, 5u) << "the first transmission and MAX_RETRANSMIT more";
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_2_3, NonRequestGetsANonResponse) {
    EndpointPair pair;
    const auto id = pair.get("x", false);
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[0].type, MessageType::non_confirmable);
    const auto request = pair.sent(pair.client, pair.server).at(0);
    EXPECT_EQ(pair.client_events[0].token, request.token);
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u) << "no ACK for a NON response";
}

TEST(Rfc7252_5_3_2, ResponsesMatchOnPeerAndToken) {
    EndpointPair pair;
    pair.on_request = nullptr;
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    const auto request = pair.sent(pair.client, pair.server).at(0);
    // The right token from the wrong peer: not our response, so RST.
    const auto stranger =
        pair.net.add_endpoint(Address::ipv4({10, 0, 0, 9}, 5683), EndpointConfig{.seed = 5});
    std::vector<std::byte> forged(64);
    MessageWriter writer(forged, MessageType::confirmable, codes::content, 0x7777, request.token);
    forged.resize(writer.finish().value());
    pair.net.inject(stranger, EndpointPair::client_address(), forged);
    pair.net.run_for(milliseconds(100));
    EXPECT_TRUE(pair.client_events.empty());
    const auto replies = pair.sent(pair.client, stranger);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_TRUE(replies[0].is(MessageType::reset, codes::empty));
    EXPECT_EQ(replies[0].message_id, 0x7777);
    // The right peer with the right token: the response.
    pair.net.inject(pair.server, EndpointPair::client_address(), forged);
    ASSERT_TRUE(pair.run_until_client_events(1, seconds(1)));
    EXPECT_EQ(pair.client_events[0].request, *id);
}

TEST(Rfc7252_5_3_2, AnAckWithTheRightMessageIdButTheWrongTokenIsIgnored) {
    EndpointPair pair;
    pair.net.block(pair.client, pair.server);  // the real server never sees the request
    ASSERT_TRUE(pair.get("x").ok());
    const auto request = pair.sent(pair.client, pair.server).at(0);
    std::vector<std::byte> wrong(64);
    const std::byte other_token[4] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    MessageWriter writer(wrong, MessageType::acknowledgement, codes::content, request.message_id,
                         other_token);
    wrong.resize(writer.finish().value());
    pair.net.inject(pair.server, EndpointPair::client_address(), wrong);
    pair.net.run_for(seconds(4));
    EXPECT_TRUE(pair.client_events.empty());
    EXPECT_GE(pair.sent(pair.client, pair.server).size(), 2u) << "still retransmitting";
}

TEST(Rfc7252_5_3_2, AnUnexpectedConfirmableResponseGetsResetAndAnUnexpectedNonIsIgnored) {
    EndpointPair pair;
    std::vector<std::byte> con(64), non(64);
    const std::byte token[2] = {std::byte{9}, std::byte{9}};
    MessageWriter w1(con, MessageType::confirmable, codes::content, 0x1000, token);
    con.resize(w1.finish().value());
    MessageWriter w2(non, MessageType::non_confirmable, codes::content, 0x1001, token);
    non.resize(w2.finish().value());
    pair.net.inject(pair.server, EndpointPair::client_address(), con);
    pair.net.inject(pair.server, EndpointPair::client_address(), non);
    pair.net.run_for(seconds(1));
    const auto replies = pair.sent(pair.client, pair.server);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_TRUE(replies[0].is(MessageType::reset, codes::empty));
    EXPECT_EQ(replies[0].message_id, 0x1000);
    EXPECT_TRUE(pair.client_events.empty());
}

TEST(Rfc7252_4_3, AnUnexpectedNonResponseGetsResetWhenConfigured) {
    EndpointConfig client;
    client.reset_unexpected_non_responses = true;  // RFC 7641 §3.6: a forgotten observation
    EndpointPair pair(1, client);
    std::vector<std::byte> non(64);
    const std::byte token[2] = {std::byte{9}, std::byte{9}};
    MessageWriter writer(non, MessageType::non_confirmable, codes::content, 0x1001, token);
    non.resize(writer.finish().value());
    pair.net.inject(pair.server, EndpointPair::client_address(), non);
    pair.net.run_for(seconds(1));
    const auto replies = pair.sent(pair.client, pair.server);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_TRUE(replies[0].is(MessageType::reset, codes::empty));
    EXPECT_EQ(replies[0].message_id, 0x1001);
    EXPECT_TRUE(pair.client_events.empty());
}

TEST(Rfc7252_5_3_1, AnExplicitTokenIsUsedAndMustNotBeInUse) {
    // RFC 7641 §3.3.1: a re-registration carries the token of its observation.
    EndpointPair pair;
    pair.net.block(pair.client, pair.server);
    const std::byte token[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
    RequestOptions options;
    options.token = token;
    const auto first = pair.send(options, "x");
    ASSERT_TRUE(first.ok());
    const auto sent = pair.sent(pair.client, pair.server);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].token, (std::vector<std::byte>{token, token + 3}));
    const auto tokens = pair.client_endpoint().token_of(*first);
    EXPECT_EQ(std::vector<std::byte>(tokens.begin(), tokens.end()), sent[0].token);
    // In use by a live exchange: refused, or responses could not be told apart.
    const auto again = pair.send(options, "y");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error(), LocalError::invalid_request);
    // Once that exchange is closed, the token may be used again.
    ASSERT_TRUE(pair.client_endpoint().close(pair.net.now(), *first).ok());
    EXPECT_TRUE(pair.client_endpoint().token_of(*first).empty());
    EXPECT_TRUE(pair.send(options, "y").ok());
    const std::byte long_token[9] = {};
    options.token = long_token;
    EXPECT_EQ(pair.send(options, "z").error(), LocalError::invalid_request);
}

TEST(Rfc7252_5_3_1, AZeroLengthTokenIsSentAndItsResponsesMatched) {
    // TD_COAP_CORE_12: a request without a token, piggybacked and separate.
    for (const bool separate : {false, true}) {
        EndpointPair pair;
        if (separate) pair.answer_separately();
        RequestOptions options;
        options.empty_token = true;
        const auto id = pair.send(options, "x");
        ASSERT_TRUE(id.ok());
        // One live request at a time may have the empty token.
        const auto second = pair.send(options, "y");
        ASSERT_FALSE(second.ok());
        EXPECT_EQ(second.error(), LocalError::invalid_request);
        ASSERT_TRUE(pair.run_until_client_events(1));
        const auto done = pair.client_events_for(*id);
        ASSERT_EQ(done.size(), 1u);
        EXPECT_EQ(done[0].kind, EventKind::response_received);
        EXPECT_TRUE(done[0].token.empty());
        EXPECT_EQ(done[0].payload, separate ? "" : "ok");  // the harness's answers
        const auto sent = pair.sent(pair.client, pair.server);
        ASSERT_FALSE(sent.empty());
        EXPECT_TRUE(sent[0].token.empty());
        // With an explicit token as well: contradictory, refused.
        const std::byte token[1] = {std::byte{7}};
        options.token = token;
        EXPECT_EQ(pair.send(options, "z").error(), LocalError::invalid_request);
        // The first one done, the empty token is free again.
        options.token = {};
        EXPECT_TRUE(pair.send(options, "w").ok());
    }
}

TEST(Rfc7252_5_3_2, APiggybackedResponseIsNoKeyIntoThePeersMessageIds) {
    // The peer's own CON request happens to use the message ID of our request;
    // the ACK that answers ours carries that same ID. Both must work.
    EndpointPair pair;
    pair.net.block(pair.client, pair.server);
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    const auto request = pair.sent(pair.client, pair.server).at(0);
    std::vector<std::byte> theirs(32), answer(64);
    MessageWriter w1(theirs, MessageType::confirmable, codes::get, request.message_id);
    theirs.resize(w1.finish().value());
    MessageWriter w2(answer, MessageType::acknowledgement, codes::content, request.message_id,
                     request.token);
    answer.resize(w2.payload("ours").finish().value());
    pair.net.on_event(pair.client, [&](const Event& event) {
        pair.client_events.push_back(test::record(event, pair.net.now()));
        if (event.kind == EventKind::request_received)
            (void)pair.client_endpoint().respond(pair.net.now(), event.responder, {});
    });
    pair.net.inject(pair.server, EndpointPair::client_address(), theirs);
    pair.net.inject(pair.server, EndpointPair::client_address(), answer);
    pair.net.run_for(seconds(1));
    ASSERT_EQ(pair.client_events.size(), 2u);
    EXPECT_EQ(pair.client_events[0].kind, EventKind::request_received);
    EXPECT_EQ(pair.client_events[1].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[1].request, *id);
    EXPECT_EQ(pair.client_events[1].payload, "ours");
}

TEST(Rfc7252_5_3_2, AResponseLargerThanTheEndpointCanHoldIsRejectedUnacknowledged) {
    EndpointConfig client;
    client.capacities.max_message_size = 128;
    // The response itself, not an RFC 9175 challenge in its place.
    EndpointPair pair(1, client, EndpointConfig{.amplification_factor = 0});
    pair.on_request = [&](Endpoint& s, const Event& event) {
        (void)s.acknowledge(pair.net.now(), event.responder);
        (void)s.respond(pair.net.now(), event.responder, {},
                        [](MessageWriter& w) { w.payload(std::string(400, 'x')); });
    };
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1, seconds(5)));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::rejected_response);
    const auto replies = pair.sent(pair.client, pair.server);
    ASSERT_EQ(replies.size(), 2u);
    EXPECT_TRUE(replies[1].is(MessageType::reset, codes::empty)) << "rejected, not acknowledged";
}

TEST(Rfc7252_5_2_2, AResponseDeadlineShorterThanTheEmptyAckDelayPromisesNothing) {
    EndpointConfig server;
    server.response_deadline = milliseconds(200);
    server.empty_ack_delay = milliseconds(500);
    EndpointPair pair(1, {}, server);
    std::optional<ResponderId> later;
    pair.on_request = [&](Endpoint&, const Event& event) { later = event.responder; };
    ASSERT_TRUE(pair.get("x").ok());
    pair.net.run_for(seconds(1));
    ASSERT_TRUE(later);
    EXPECT_TRUE(pair.sent(pair.server, pair.client).empty()) << "no empty ACK, no promise";
    EXPECT_EQ(pair.server_endpoint().respond(pair.net.now(), *later, {}).error(),
              LocalError::stale_handle);
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc7252_5_4_1, UnrecognisedCriticalOptionInARequestGets402WithADiagnostic) {
    EndpointPair pair;
    std::vector<std::byte> request(64);
    MessageWriter writer(request, MessageType::confirmable, codes::get, 0x2000);
    writer.option(static_cast<OptionNumber>(13), "?");  // 13: critical, unassigned
    request.resize(writer.finish().value());
    pair.net.inject(pair.client, EndpointPair::server_address(), request);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 0u);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::bad_option));
    EXPECT_EQ(answers[0].payload, "unrecognized critical option 13");
    // An unrecognised elective option is ignored.
    std::vector<std::byte> elective(64);
    MessageWriter w2(elective, MessageType::confirmable, codes::get, 0x2001);
    w2.option(static_cast<OptionNumber>(2050), "?");  // even: elective
    elective.resize(w2.finish().value());
    pair.net.inject(pair.client, EndpointPair::server_address(), elective);
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.handler_runs, 1u);
}

TEST(Rfc7252_5_4_1, KnownButUnimplementedCriticalOptionsCountAsUnrecognised) {
    // OSCORE (RFC 8613) is in the registry, but this endpoint does not implement
    // it: a request protected with it must not reach the application as if it
    // were plain.
    std::vector<std::byte> request(64);
    MessageWriter writer(request, MessageType::confirmable, codes::get, 0x2100);
    writer.option(OptionNumber::oscore, "\x09");
    request.resize(writer.finish().value());
    {
        EndpointPair pair;
        pair.net.inject(pair.client, EndpointPair::server_address(), request);
        pair.net.run_for(seconds(1));
        EXPECT_EQ(pair.handler_runs, 0u);
        const auto answers = pair.sent(pair.server, pair.client);
        ASSERT_EQ(answers.size(), 1u);
        EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::bad_option));
        EXPECT_EQ(answers[0].payload, "unrecognized critical option 9");
    }
    {
        // An application that handles OSCORE itself takes it off the list.
        EndpointConfig server;
        server.unsupported_critical_options = {};
        EndpointPair pair(1, {}, server);
        pair.net.inject(pair.client, EndpointPair::server_address(), request);
        pair.net.run_for(seconds(1));
        EXPECT_EQ(pair.handler_runs, 1u);
    }
    {
        // A response carrying Q-Block2 (RFC 9177) is rejected by a client without it.
        EndpointPair pair;
        pair.on_request = [&](Endpoint& s, const Event& event) {
            (void)s.respond(pair.net.now(), event.responder, {},
                            [](MessageWriter& w) { w.option_uint(OptionNumber::q_block2, 0); });
        };
        ASSERT_TRUE(pair.get("x").ok());
        ASSERT_TRUE(pair.run_until_client_events(1));
        EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
        EXPECT_EQ(pair.client_events[0].reason, FailureReason::rejected_response);
    }
}

TEST(Rfc7252_5_4_1, AResponseWithAnUnrecognisedCriticalOptionIsRejected) {
    EndpointPair pair;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        (void)s.respond(pair.net.now(), event.responder, {},
                        [](MessageWriter& w) { w.option(static_cast<OptionNumber>(13), "?"); });
    };
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::rejected_response);
}

TEST(Rfc7252_5_9_2_9, ARequestOverTheConfiguredMaximumGets413WithSize1) {
    EndpointConfig server;
    server.max_request_payload = 16;
    EndpointPair pair(1, {}, server);
    RequestOptions post;
    post.method = codes::post;
    const auto id = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_request(now, EndpointPair::server_address(), post,
                              [](MessageWriter& w) { w.payload("0123456789abcdefX"); });
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].code, codes::request_entity_too_large);
    const auto answer = pair.sent(pair.server, pair.client).at(0);
    ASSERT_TRUE(answer.size1);
    EXPECT_EQ(*answer.size1, 16u);
    EXPECT_EQ(pair.handler_runs, 0u);
}

TEST(Rfc7252_5, CancelEndsTheExchangeOnce) {
    EndpointPair pair;
    pair.on_request = nullptr;
    pair.net.block(pair.server, pair.client);
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.cancel(now, *id); })
            .ok());
    EXPECT_EQ(
        pair.net.with(pair.client, [&](Endpoint& c, Instant now) { return c.cancel(now, *id); })
            .error(),
        LocalError::stale_handle);
    pair.net.run_for(seconds(100));
    ASSERT_EQ(pair.client_events.size(), 1u);
    EXPECT_EQ(pair.client_events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(pair.client_events[0].reason, FailureReason::cancelled);
    EXPECT_EQ(pair.sent(pair.client, pair.server).size(), 1u) << "no retransmission";
}

TEST(Rfc7252_5, RespondingTwiceOrToAStaleHandleIsALocalError) {
    EndpointPair pair;
    std::optional<Result<Done, LocalError>> second;
    pair.on_request = [&](Endpoint& s, const Event& event) {
        EXPECT_TRUE(s.respond(pair.net.now(), event.responder, {}).ok());
        second = s.respond(pair.net.now(), event.responder, {});
    };
    ASSERT_TRUE(pair.get("x").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    ASSERT_TRUE(second);
    EXPECT_EQ(second->error(), LocalError::stale_handle);
    EXPECT_EQ(pair.server_endpoint().respond(pair.net.now(), ResponderId{12345}, {}).error(),
              LocalError::stale_handle);
}

TEST(Rfc7252_5_8, RequestsNeedAMethodCode) {
    EndpointPair pair;
    RequestOptions bad;
    bad.method = codes::content;
    EXPECT_EQ(pair.send(bad, "x").error(), LocalError::invalid_request);
}

}  // namespace
}  // namespace coap
