// amplification_test.cpp — the amplification limit (RFC 7252 §11.3, RFC 9175
// §2.3/§2.4) and response matching by address (§5.3.2), through the simulated
// network: a large response to an unverified source becomes a small 4.01 with
// an Echo value, the client repeats the request with it by itself, verified
// addresses are remembered for a while in a bounded table, spoofed and forged
// requests get nothing large, and a response from the wrong address is never
// taken for the one asked for (multicast aside).
#include "endpoint_harness.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

using test::EndpointPair;
using test::WireMessage;

const std::string large_body(600, 'x');

/// The server answers every request with a 600-byte payload.
void answer_large(EndpointPair& pair) {
    pair.on_request = [&pair](Endpoint& endpoint, const Event& event) {
        (void)endpoint.respond(pair.net.now(), event.responder, ResponseOptions{},
                               [](MessageWriter& w) { w.payload(large_body); });
    };
}

std::optional<std::vector<std::byte>> echo_of(gsl::span<const std::byte> bytes) {
    const auto view = MessageView::parse(bytes);
    if (!view) return std::nullopt;
    const auto echo = view->find(OptionNumber::echo);
    if (!echo) return std::nullopt;
    return std::vector<std::byte>(echo->value.begin(), echo->value.end());
}

/// A GET for /big as bytes, with `echo` when given.
std::vector<std::byte> get_request(MessageType type, std::uint16_t message_id,
                                   std::optional<std::vector<std::byte>> echo = std::nullopt) {
    std::vector<std::byte> buffer(256);
    const std::byte token[4] = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    MessageWriter w(buffer, type, codes::get, message_id, token);
    w.option(OptionNumber::uri_path, "big");
    if (echo) w.option(OptionNumber::echo, *echo);
    buffer.resize(*w.finish());
    return buffer;
}

std::size_t total_bytes(const std::vector<WireMessage>& messages) {
    std::size_t n = 0;
    for (const auto& m : messages)
        n += m.bytes.size();
    return n;
}

TEST(Rfc9175_2_4, ALargeResponseToANewSourceIsChallengedAndTheClientRepeatsByItself) {
    EndpointPair pair;
    answer_large(pair);
    const auto id = pair.get("big");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    pair.net.run_for(seconds(1));

    // The application sees one response, the full one.
    ASSERT_EQ(pair.client_events.size(), 1u);
    EXPECT_EQ(pair.client_events[0].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[0].request, *id);
    EXPECT_EQ(pair.client_events[0].code, codes::content);
    EXPECT_EQ(pair.client_events[0].payload, large_body);

    const auto requests = pair.sent(pair.client, pair.server);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(requests.size(), 2u);
    ASSERT_EQ(answers.size(), 2u);
    // First a piggybacked 4.01 with an Echo value, within 3× the request's size.
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::unauthorized));
    EXPECT_TRUE(answers[0].payload.empty());
    EXPECT_LE(answers[0].bytes.size(), 3 * requests[0].bytes.size());
    const auto challenge = echo_of(answers[0].bytes);
    ASSERT_TRUE(challenge.has_value());
    EXPECT_EQ(challenge->size(), 12u);
    EXPECT_FALSE(echo_of(requests[0].bytes).has_value());
    // The request again: new message ID, same token, the Echo value echoed.
    EXPECT_NE(requests[1].message_id, requests[0].message_id);
    EXPECT_EQ(requests[1].token, requests[0].token);
    EXPECT_EQ(echo_of(requests[1].bytes), challenge);
    EXPECT_TRUE(answers[1].is(MessageType::acknowledgement, codes::content));

    // The handler ran for both; only the second saw a verified source.
    ASSERT_EQ(pair.server_events.size(), 2u);
    EXPECT_EQ(pair.handler_runs, 2u);
    const EndpointStats server = pair.server_endpoint().stats();
    EXPECT_EQ(server.echo_challenges_sent, 1u);
    EXPECT_EQ(server.echo_values_rejected, 0u);
    EXPECT_EQ(server.verified_addresses, 1u);
    EXPECT_EQ(pair.client_endpoint().stats().echo_retries, 1u);
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc9175_2_4, TheRequestEventSaysWhetherTheSourceIsVerified) {
    EndpointPair pair;
    std::vector<bool> verified;
    pair.on_request = [&](Endpoint& endpoint, const Event& event) {
        verified.push_back(event.source_verified);
        (void)endpoint.respond(pair.net.now(), event.responder, ResponseOptions{},
                               [](MessageWriter& w) { w.payload(large_body); });
    };
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(verified, (std::vector<bool>{false, true}));
}

TEST(Rfc9175_2_4, SmallResponsesAreNeverChallenged) {
    EndpointPair pair;  // answers "ok"
    ASSERT_TRUE(pair.get("small").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].code, codes::content);
    EXPECT_EQ(pair.handler_runs, 1u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), 1u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 0u);
    EXPECT_EQ(pair.server_endpoint().stats().verified_addresses, 0u);
}

TEST(Rfc9175_2_4, AVerifiedAddressIsNotChallengedWithinItsLifetimeAndIsAfter) {
    EndpointConfig server_config;
    server_config.verified_address_lifetime = seconds(100);
    EndpointPair pair(1, {}, server_config);
    answer_large(pair);
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.handler_runs, 2u);

    pair.net.run_for(seconds(90));  // still verified
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(2));
    EXPECT_EQ(pair.client_events[1].payload, large_body);
    EXPECT_EQ(pair.handler_runs, 3u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 1u);

    pair.net.run_for(seconds(20));  // the lifetime has passed
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(3));
    EXPECT_EQ(pair.client_events[2].payload, large_body);
    EXPECT_EQ(pair.handler_runs, 5u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 2u);
    EXPECT_EQ(pair.client_endpoint().stats().echo_retries, 2u);
}

TEST(Rfc9175_2_4, ASpoofedSourceOnlyEverGetsSmallChallenges) {
    EndpointPair pair;
    answer_large(pair);
    // The victim runs a CoAP endpoint but asked for nothing. An attacker sends
    // requests with the victim's source address: modelled by datagrams the
    // victim's node emits without its endpoint knowing.
    const auto victim = pair.net.add_endpoint(Address::ipv4({10, 0, 0, 9}, 5683));
    std::size_t request_bytes = 0;
    for (std::uint16_t i = 0; i < 20; ++i) {
        const auto request =
            get_request(i % 2 == 0 ? MessageType::confirmable : MessageType::non_confirmable,
                        static_cast<std::uint16_t>(0x100 + i));
        request_bytes += request.size();
        pair.net.inject(victim, EndpointPair::server_address(), request);
    }
    pair.net.run_for(seconds(300));

    const auto to_victim = pair.sent(pair.server, victim);
    ASSERT_EQ(to_victim.size(), 20u);
    for (std::size_t i = 0; i < to_victim.size(); ++i) {
        EXPECT_EQ(to_victim[i].code, codes::unauthorized);
        EXPECT_EQ(to_victim[i].type,
                  i % 2 == 0 ? MessageType::acknowledgement : MessageType::non_confirmable);
    }
    EXPECT_LE(total_bytes(to_victim), 3 * request_bytes);
    EXPECT_EQ(pair.handler_runs, 20u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 20u);
    EXPECT_EQ(pair.server_endpoint().stats().verified_addresses, 0u);
    // The victim's endpoint ignores ACKs and NON responses it never asked for.
    EXPECT_EQ(pair.net.endpoint(victim).stats().exchanges_in_use, 0u);
}

TEST(Rfc9175_2_4, ForgedStaleAndBorrowedEchoValuesAreRejected) {
    EndpointConfig server_config;
    server_config.echo_lifetime = seconds(30);
    EndpointPair pair(1, {}, server_config);
    answer_large(pair);
    const auto victim = pair.net.add_endpoint(Address::ipv4({10, 0, 0, 9}, 5683));

    // Forged: twelve bytes of the attacker's choosing.
    std::vector<std::byte> forged(12, std::byte{0x5a});
    pair.net.inject(victim, EndpointPair::server_address(),
                    get_request(MessageType::confirmable, 0x200, forged));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.server_endpoint().stats().echo_values_rejected, 1u);

    // Borrowed: a genuine value, issued to the attacker's own address (the client).
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    const auto borrowed = echo_of(pair.sent(pair.server, pair.client)[0].bytes);
    ASSERT_TRUE(borrowed.has_value());
    pair.net.inject(victim, EndpointPair::server_address(),
                    get_request(MessageType::confirmable, 0x201, borrowed));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.server_endpoint().stats().echo_values_rejected, 2u);

    // Stale: the client's own value, echoed again after its lifetime (and after
    // the address's verification has lapsed).
    pair.net.run_for(seconds(200));
    pair.net.inject(pair.client, EndpointPair::server_address(),
                    get_request(MessageType::confirmable, 0x202, borrowed));
    pair.net.run_for(seconds(1));
    EXPECT_EQ(pair.server_endpoint().stats().echo_values_rejected, 3u);

    // Every answer to a rejected value was a small challenge, never the response.
    for (const auto& m : pair.sent(pair.server, victim))
        EXPECT_EQ(m.code, codes::unauthorized);
    const auto to_client = pair.sent(pair.server, pair.client);
    EXPECT_EQ(to_client.back().code, codes::unauthorized);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 4u);
}

TEST(Rfc9175_2_4, TheVerifiedTableIsBounded) {
    EndpointConfig server_config;
    server_config.capacities.verified_addresses = 2;
    EndpointPair pair(1, {}, server_config);
    answer_large(pair);
    std::vector<sim::NodeId> clients{pair.client};
    for (std::uint8_t i = 0; i < 2; ++i)
        clients.push_back(pair.net.add_endpoint(
            Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(20 + i)}, 5683),
            EndpointConfig{.seed = 50u + i}));
    std::size_t responses = 0;
    for (const auto id : clients)
        pair.net.on_event(id, [&](const Event& event) {
            if (event.kind == EventKind::response_received && event.message.payload().size() == 600)
                ++responses;
        });
    const auto get_from = [&](sim::NodeId id) {
        return pair.net.with(id, [&](Endpoint& endpoint, Instant now) {
            return endpoint.send_request(
                now, EndpointPair::server_address(), {},
                [](MessageWriter& w) { w.option(OptionNumber::uri_path, "big"); });
        });
    };
    for (const auto id : clients) {
        ASSERT_TRUE(get_from(id).ok());
        pair.net.run_for(seconds(5));
    }
    EXPECT_EQ(responses, 3u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 3u);
    EXPECT_EQ(pair.server_endpoint().stats().verified_addresses, 2u);
    // The first client was forgotten to make room; the last is still known.
    ASSERT_TRUE(get_from(clients[2]).ok());
    pair.net.run_for(seconds(5));
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 3u);
    ASSERT_TRUE(get_from(clients[0]).ok());
    pair.net.run_for(seconds(5));
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 4u);
    EXPECT_EQ(responses, 5u);
    EXPECT_EQ(pair.server_endpoint().stats().verified_addresses, 2u);
}

TEST(Rfc9175_2_4, FactorZeroDisablesTheLimit) {
    EndpointConfig server_config;
    server_config.amplification_factor = 0;
    EndpointPair pair(1, {}, server_config);
    answer_large(pair);
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].payload, large_body);
    EXPECT_EQ(pair.handler_runs, 1u);
    EXPECT_EQ(pair.sent(pair.server, pair.client).size(), 1u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 0u);
}

TEST(Rfc9175_2_4, ALargerFactorLetsMoreThrough) {
    EndpointConfig server_config;
    server_config.amplification_factor = 100;
    EndpointPair pair(1, {}, server_config);
    answer_large(pair);
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.handler_runs, 1u);
    EXPECT_EQ(pair.client_events[0].payload, large_body);
}

TEST(Rfc9175_2_4, NonRequestsGetANonChallengeAndAreRepeatedAsNon) {
    EndpointPair pair;
    answer_large(pair);
    ASSERT_TRUE(pair.get("big", false).ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].payload, large_body);
    const auto requests = pair.sent(pair.client, pair.server);
    const auto answers = pair.sent(pair.server, pair.client);
    ASSERT_EQ(requests.size(), 2u);
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_TRUE(answers[0].is(MessageType::non_confirmable, codes::unauthorized));
    EXPECT_EQ(requests[1].type, MessageType::non_confirmable);
    EXPECT_TRUE(echo_of(requests[1].bytes).has_value());
    EXPECT_TRUE(answers[1].is(MessageType::non_confirmable, codes::content));
}

TEST(Rfc9175_2_4, ASeparateResponseIsChallengedSeparately) {
    EndpointPair pair;
    pair.on_request = [&pair](Endpoint& endpoint, const Event& event) {
        (void)endpoint.acknowledge(pair.net.now(), event.responder);
        (void)endpoint.respond(pair.net.now(), event.responder, ResponseOptions{},
                               [](MessageWriter& w) { w.payload(large_body); });
    };
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    pair.net.run_for(seconds(1));
    ASSERT_EQ(pair.client_events.size(), 1u);
    EXPECT_EQ(pair.client_events[0].payload, large_body);
    const auto answers = pair.sent(pair.server, pair.client);
    // Empty ACK, the 4.01 as a separate CON; for the repeated request (from a
    // verified source now) empty ACK and the separate CON 2.05.
    ASSERT_GE(answers.size(), 4u);
    EXPECT_TRUE(answers[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_TRUE(answers[1].is(MessageType::confirmable, codes::unauthorized));
    EXPECT_TRUE(answers[3].is(MessageType::confirmable, codes::content));
    EXPECT_EQ(pair.server_endpoint().stats().exchanges_in_use, 0u);
    EXPECT_EQ(pair.client_endpoint().stats().exchanges_in_use, 0u);
}

TEST(Rfc9175_2_3, TheClientRepeatsABoundedNumberOfTimesThenReportsThe401) {
    EndpointConfig client_config;
    client_config.echo_retries = 2;
    EndpointPair pair(1, client_config);
    // A server that wants an Echo every time (say, freshness by its own rule).
    pair.on_request = [&pair](Endpoint& endpoint, const Event& event) {
        (void)endpoint.respond(
            pair.net.now(), event.responder, {.code = codes::unauthorized}, [](MessageWriter& w) {
                const std::byte value[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
                w.option(OptionNumber::echo, value);
            });
    };
    ASSERT_TRUE(pair.get("x").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    pair.net.run_for(seconds(10));
    ASSERT_EQ(pair.client_events.size(), 1u);
    EXPECT_EQ(pair.client_events[0].code, codes::unauthorized);
    EXPECT_EQ(pair.handler_runs, 3u);
    EXPECT_EQ(pair.client_endpoint().stats().echo_retries, 2u);
    // The client echoes the server's value as it is.
    const auto requests = pair.sent(pair.client, pair.server);
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(echo_of(requests[2].bytes),
              (std::vector<std::byte>{std::byte{1}, std::byte{2}, std::byte{3}}));
}

TEST(Rfc9175_2_3, EveryRequestOfAHeldExchangeMayBeChallenged) {
    // A server that remembers no verified address challenges every large
    // response; a request that echoes a valid value still gets its response.
    EndpointConfig client_config;
    client_config.echo_retries = 1;
    EndpointConfig server_config;
    server_config.capacities.verified_addresses = 0;
    EndpointPair pair(1, client_config, server_config);
    answer_large(pair);
    RequestOptions options;
    options.hold = true;
    const auto id = pair.send(options, "big");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    for (std::size_t i = 0; i < 3; ++i) {  // as block-wise transfers do, block by block
        ASSERT_TRUE(pair.net
                        .with(pair.client,
                              [&](Endpoint& c, Instant now) {
                                  return c.send_next(now, *id, options, [](MessageWriter& w) {
                                      w.option(OptionNumber::uri_path, "big");
                                  });
                              })
                        .ok());
        ASSERT_TRUE(pair.run_until_client_events(2 + i));
    }
    ASSERT_EQ(pair.client_events.size(), 4u);
    for (const auto& event : pair.client_events) {
        EXPECT_EQ(event.kind, EventKind::response_received);
        EXPECT_EQ(event.payload, large_body);
    }
    EXPECT_EQ(pair.client_endpoint().stats().echo_retries, 4u);
    EXPECT_EQ(pair.server_endpoint().stats().echo_challenges_sent, 4u);
    EXPECT_EQ(pair.server_endpoint().stats().verified_addresses, 0u);
}

TEST(Rfc9175_2_3, ZeroRetriesReportsTheFirst401) {
    EndpointConfig client_config;
    client_config.echo_retries = 0;
    EndpointPair pair(1, client_config);
    answer_large(pair);
    ASSERT_TRUE(pair.get("big").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].code, codes::unauthorized);
    EXPECT_EQ(pair.handler_runs, 1u);
}

TEST(Rfc9175_2_3, A401WithoutEchoIsReportedAsItIs) {
    EndpointPair pair;
    pair.on_request = [&pair](Endpoint& endpoint, const Event& event) {
        (void)endpoint.respond(pair.net.now(), event.responder, {.code = codes::unauthorized});
    };
    ASSERT_TRUE(pair.get("x").ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].code, codes::unauthorized);
    EXPECT_EQ(pair.handler_runs, 1u);
    EXPECT_EQ(pair.client_endpoint().stats().echo_retries, 0u);
}

TEST(Rfc9175_2_4, TransportVerifiedSourcesAreNotLimited) {
    // Without the simulated network: the adapter marks the arrival verified.
    Endpoint server(EndpointConfig{.seed = 7});
    const Address peer = Address::ipv4({192, 0, 2, 1}, 40000);
    const auto request = get_request(MessageType::confirmable, 0x300);
    server.handle_datagram(Instant{0}, peer, request, ArrivalInfo{.source_verified = true});
    const auto event = server.poll_event();
    ASSERT_TRUE(event.has_value());
    EXPECT_TRUE(event->source_verified);
    ASSERT_TRUE(server
                    .respond(Instant{0}, event->responder, {},
                             [](MessageWriter& w) { w.payload(large_body); })
                    .ok());
    std::vector<std::byte> buffer(server.config().capacities.max_message_size);
    const auto sent = server.poll_transmit(buffer);
    ASSERT_TRUE(sent.has_value());
    const auto response = MessageView::parse({buffer.data(), sent->length});
    ASSERT_TRUE(response.ok());
    EXPECT_EQ(response->code(), codes::content);
    EXPECT_EQ(response->payload().size(), 600u);
}

// ---- multicast ----

const Address group = Address::ipv4({224, 0, 1, 187}, 5683);

TEST(Rfc9175_2_4, LargeResponsesToAnUnverifiedMulticastRequesterAreNotSent) {
    EndpointPair pair;
    const auto member =
        pair.net.add_endpoint(Address::ipv4({10, 0, 1, 1}, 5683), EndpointConfig{.seed = 77});
    pair.net.join(member, group);
    pair.net.on_event(member, [&](const Event& event) {
        if (event.kind != EventKind::request_received) return;
        (void)pair.net.endpoint(member).respond(pair.net.now(), event.responder, {},
                                                [](MessageWriter& w) { w.payload(large_body); });
    });
    RequestOptions options;
    options.confirmable = false;
    options.multicast = true;
    const auto id = pair.net.with(pair.client, [&](Endpoint& c, Instant now) {
        return c.send_request(now, group, options,
                              [](MessageWriter& w) { w.option(OptionNumber::uri_path, "big"); });
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].kind, EventKind::multicast_done);
    EXPECT_EQ(pair.sent(member, pair.client).size(), 0u);
    EXPECT_EQ(pair.net.endpoint(member).stats().amplification_suppressed, 1u);
    EXPECT_EQ(pair.net.endpoint(member).stats().exchanges_in_use, 0u);
}

// ---- RFC 7252 §5.3.2: a response matches (token, address) ----

/// Writes a response to the client's first request, as sent by anyone.
std::vector<std::byte> forged_response(const WireMessage& request, MessageType type,
                                       std::uint16_t message_id) {
    std::vector<std::byte> buffer(64);
    MessageWriter w(buffer, type, codes::content, message_id, request.token);
    w.payload("forged");
    buffer.resize(*w.finish());
    return buffer;
}

TEST(Rfc7252_5_3_2, AResponseFromAnotherAddressIsNeverMatched) {
    EndpointPair pair;
    pair.on_request = [](Endpoint&, const Event&) {};  // the server takes its time
    const auto other = pair.net.add_endpoint(Address::ipv4({10, 0, 0, 66}, 5683));
    const auto id = pair.get("x");
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(pair.run_until_server_events(1));
    const auto request = pair.sent(pair.client, pair.server).at(0);

    // Right token and message ID, piggybacked, from the wrong address: ignored.
    pair.net.inject(other, EndpointPair::client_address(),
                    forged_response(request, MessageType::acknowledgement, request.message_id));
    // Right token, separate CON, from the wrong address: rejected with RST.
    pair.net.inject(other, EndpointPair::client_address(),
                    forged_response(request, MessageType::confirmable, 0x4242));
    // And as NON: ignored.
    pair.net.inject(other, EndpointPair::client_address(),
                    forged_response(request, MessageType::non_confirmable, 0x4243));
    pair.net.run_for(milliseconds(100));
    EXPECT_TRUE(pair.client_events.empty());
    const auto to_other = pair.sent(pair.client, other);
    ASSERT_EQ(to_other.size(), 1u);
    EXPECT_EQ(to_other[0].type, MessageType::reset);
    EXPECT_EQ(to_other[0].message_id, 0x4242);
    EXPECT_TRUE(pair.client_endpoint().is_live(*id));

    // The real server's response still matches.
    ASSERT_TRUE(pair.net
                    .with(pair.server,
                          [&](Endpoint& server, Instant now) {
                              return server.respond(now, pair.server_events[0].responder, {},
                                                    [](MessageWriter& w) { w.payload("real"); });
                          })
                    .ok());
    ASSERT_TRUE(pair.run_until_client_events(1));
    EXPECT_EQ(pair.client_events[0].payload, "real");
    EXPECT_EQ(pair.client_events[0].request, *id);
}

TEST(Rfc7252_5_3_2, AMulticastRequestTakesResponsesFromAnyMember) {
    EndpointPair pair;
    std::vector<sim::NodeId> members;
    for (std::uint8_t i = 0; i < 3; ++i) {
        const auto member =
            pair.net.add_endpoint(Address::ipv4({10, 0, 1, static_cast<std::uint8_t>(i + 1)}, 5683),
                                  EndpointConfig{.seed = 80u + i});
        pair.net.join(member, group);
        pair.net.on_event(member, [&pair, member](const Event& event) {
            if (event.kind != EventKind::request_received) return;
            (void)pair.net.endpoint(member).respond(pair.net.now(), event.responder, {},
                                                    [](MessageWriter& w) { w.payload("m"); });
        });
        members.push_back(member);
    }
    RequestOptions options;
    options.confirmable = false;
    options.multicast = true;
    ASSERT_TRUE(
        pair.net
            .with(pair.client,
                  [&](Endpoint& c, Instant now) { return c.send_request(now, group, options); })
            .ok());
    ASSERT_TRUE(pair.run_until_client_events(4));
    for (std::size_t i = 0; i < 3; ++i)
        EXPECT_EQ(pair.client_events[i].kind, EventKind::response_received);
    EXPECT_EQ(pair.client_events[3].kind, EventKind::multicast_done);
}

}  // namespace
}  // namespace coap
