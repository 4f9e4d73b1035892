// dtls_sim_test.cpp — coaps:// on the simulated network: `cobalt serve`'s
// resources behind a DtlsTransport, cobalt's client commands on another, both
// in virtual time (mbedTLS's timers run on the simulated clock). Handshakes
// with PSK; over lossy links they complete or fail within a bounded time;
// wrong keys and unknown identities fail cleanly with their reason on both
// sides; a plain CoAP datagram to the DTLS port gets nothing; an unverified
// address gets a HelloVerifyRequest and the server keeps no state for it;
// block-wise and observe work over DTLS; idle sessions close.
#include "cli_world.hpp"
#include "exit_codes.hpp"
#include "serve_resources.hpp"

#include <coap/dtls/dtls_transport.hpp>
#include <coap/sim/network.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace {

using coap::dtls::DtlsConfig;
using coap::dtls::DtlsTransport;
using coap::dtls::Failure;
using coap::dtls::Role;
using coap::dtls::SessionEvent;
namespace exit_code = cobalt_cli::exit_code;

std::vector<std::byte> bytes(std::string_view text) {
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    return {first, first + text.size()};
}

DtlsConfig psk_config(Role role, std::string identity, std::string key, std::uint64_t seed) {
    DtlsConfig config;
    config.role = role;
    config.psk = coap::dtls::PskCredentials{std::move(identity), bytes(key), {}, {}};
    config.deterministic_seed = seed;
    return config;
}

coap::Address server_address() {
    return coap::Address::ipv4({10, 0, 0, 2}, 5684);
}
coap::Address client_address() {
    return coap::Address::ipv4({10, 0, 0, 1}, 40000);
}

/// `cobalt serve` (demo resources) on a DTLS server, a client DTLS transport.
struct SecureWorld {
    SecureWorld(DtlsConfig server_config, DtlsConfig client_config, std::uint64_t seed = 3,
                coap::sim::LinkConditions link = {.delay = coap::milliseconds(5)})
        : net(seed),
          server_node(net.add_port(server_address())),
          client_node(net.add_port(client_address())),
          server_dtls(net.port(server_node), server_config),
          client_dtls(net.port(client_node), client_config),
          server_driver(server_dtls, cobalt_cli::server_config(seed + 1)) {
        net.set_default_link(link);
        server_dtls.set_session_handler(
            [this](const SessionEvent& event) { server_events.push_back(event); });
        cobalt_cli::ServeOptions options;
        options.large_size = 10000;
        server = cobalt_cli::build_server(server_driver, options);
    }

    cli_test::Outcome run(std::initializer_list<std::string> args) {
        std::vector<std::string> storage(args);
        cobalt_cli::Args views(storage.begin(), storage.end());
        std::ostringstream out;
        std::ostringstream err;
        cobalt_cli::ClientEnvironment environment{.seed = 77 + ++runs};
        const int code = cobalt_cli::run_client(client_dtls, views, out, err, environment);
        return {code, out.str(), err.str()};
    }

    static std::string base() { return "coaps://10.0.0.2:5684"; }

    coap::sim::Network net;
    coap::sim::NodeId server_node;
    coap::sim::NodeId client_node;
    DtlsTransport server_dtls;
    DtlsTransport client_dtls;
    coap::Driver server_driver;
    std::unique_ptr<cobalt_cli::Server> server;
    std::vector<SessionEvent> server_events;
    std::uint64_t runs = 0;
};

TEST(DtlsSim, PskHandshakeThenGetPutObserveAndBlockwise) {
    SecureWorld world(psk_config(Role::server, "client-1", "secret key 16 b!", 11),
                      psk_config(Role::client, "client-1", "secret key 16 b!", 12));
    const auto got = world.run({"get", SecureWorld::base() + "/large"});
    ASSERT_EQ(got.exit_code, exit_code::ok) << got.err;
    EXPECT_EQ(got.out, cobalt_cli::large_body(10000));  // ten Block2 blocks over DTLS
    EXPECT_TRUE(world.client_dtls.endpoint().established(server_address()));
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 1u);
    EXPECT_EQ(world.server_dtls.endpoint().stats().hello_verify_requests, 1u);

    const std::string upload(5000, 'u');
    const auto echoed = world.run(
        {"post", "--payload", upload, "--block-size", "256", SecureWorld::base() + "/echo"});
    ASSERT_EQ(echoed.exit_code, exit_code::ok) << echoed.err;
    EXPECT_EQ(echoed.out, upload);

    const auto watched =
        world.run({"observe", "--count", "3", "--duration", "30", SecureWorld::base() + "/time"});
    ASSERT_EQ(watched.exit_code, exit_code::ok) << watched.err;
    EXPECT_EQ(std::count(watched.out.begin(), watched.out.end(), '\n'), 3);
    // One handshake served them all.
    EXPECT_EQ(world.server_dtls.endpoint().stats().handshakes_completed, 1u);
    EXPECT_EQ(world.client_dtls.endpoint().stats().handshakes_completed, 1u);
}

TEST(DtlsSim, WrongKeyFailsCleanlyOnBothSides) {
    SecureWorld world(psk_config(Role::server, "client-1", "the server's key", 11),
                      psk_config(Role::client, "client-1", "not the same key", 12));
    const coap::Instant start = world.net.now();
    const auto got = world.run({"get", SecureWorld::base() + "/time"});
    EXPECT_EQ(got.exit_code, exit_code::security) << got.err;
    EXPECT_NE(got.err.find("pre-shared keys differ"), std::string::npos) << got.err;
    EXPECT_EQ(got.out, "");
    EXPECT_LT((world.net.now() - start).ms, 5000);  // at once, not after retransmissions
    EXPECT_EQ(world.client_dtls.last_failure(server_address()), Failure::wrong_key);
    ASSERT_FALSE(world.server_events.empty());
    EXPECT_EQ(world.server_events.back().kind, SessionEvent::Kind::failed);
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 0u);
}

TEST(DtlsSim, UnknownIdentityFailsCleanly) {
    SecureWorld world(psk_config(Role::server, "client-1", "secret key 16 b!", 11),
                      psk_config(Role::client, "stranger", "secret key 16 b!", 12));
    const auto got = world.run({"get", SecureWorld::base() + "/time"});
    EXPECT_EQ(got.exit_code, exit_code::security) << got.err;
    EXPECT_NE(got.err.find("no key for this identity"), std::string::npos) << got.err;
    EXPECT_EQ(world.client_dtls.last_failure(server_address()), Failure::unknown_identity);
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 0u);
}

TEST(DtlsSim, PlainCoapToTheDtlsPortGetsNothing) {
    SecureWorld world(psk_config(Role::server, "client-1", "secret key 16 b!", 11),
                      psk_config(Role::client, "client-1", "secret key 16 b!", 12));
    // A CoAP ping and a GET in plaintext, straight to the DTLS port.
    const std::vector<std::byte> ping = {std::byte{0x40}, std::byte{0}, std::byte{0x12},
                                         std::byte{0x34}};
    world.net.inject(world.client_node, server_address(), ping);
    world.net.run_for(coap::seconds(1));
    EXPECT_EQ(world.server_dtls.endpoint().stats().dropped_not_dtls, 1u);
    EXPECT_EQ(world.net.port(world.client_node).stats().received, 0u);
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 0u);
}

TEST(DtlsSim, AnUnverifiedAddressGetsACookieAndNoState) {
    // A ClientHello from a spoofed address: answered with a HelloVerifyRequest
    // no larger than it, and no session is kept.
    SecureWorld world(psk_config(Role::server, "client-1", "secret key 16 b!", 11),
                      psk_config(Role::client, "client-1", "secret key 16 b!", 12));
    (void)world.client_dtls.send(server_address(), bytes("x"));  // starts a handshake
    const auto sent =
        world.net.trace().select({.kind = coap::sim::TraceKind::sent, .from = world.client_node});
    ASSERT_FALSE(sent.empty());
    const std::vector<std::byte> hello = sent.front().bytes;  // the ClientHello
    world.net.trace().clear();
    const coap::Address spoofed = coap::Address::ipv4({10, 0, 0, 99}, 1234);
    world.net.add_address(world.client_node, spoofed);
    for (int i = 0; i < 100; ++i)
        world.net.inject_from(world.client_node, spoofed, server_address(), hello);
    world.net.run_for(coap::milliseconds(100));
    std::size_t answer = 0;
    std::size_t answers = 0;
    for (const auto& record : world.net.trace().select(
             {.kind = coap::sim::TraceKind::sent, .from = world.server_node})) {
        if (record.destination == spoofed) {
            answer = std::max(answer, record.bytes.size());
            ++answers;
        }
    }
    EXPECT_EQ(answers, 100u);  // one HelloVerifyRequest each, nothing more
    EXPECT_GE(world.server_dtls.endpoint().stats().hello_verify_requests, 100u);
    EXPECT_GT(answer, 0u);
    EXPECT_LE(answer, hello.size());
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 0u);
}

TEST(DtlsSim, HandshakesOverLossyLinksCompleteOrFailInBoundedTime) {
    int completed = 0;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        SecureWorld world(psk_config(Role::server, "client-1", "secret key 16 b!", seed * 3),
                          psk_config(Role::client, "client-1", "secret key 16 b!", seed * 5), seed,
                          {.delay = coap::milliseconds(20),
                           .jitter = coap::milliseconds(30),
                           .loss = 0.3,
                           .duplicate = 0.05});
        const coap::Instant start = world.net.now();
        const auto got = world.run({"get", SecureWorld::base() + "/large"});
        const auto took = world.net.now() - start;
        if (got.exit_code == exit_code::ok) {
            EXPECT_EQ(got.out, cobalt_cli::large_body(10000));
            ++completed;
        } else {
            EXPECT_EQ(got.exit_code, exit_code::timeout) << got.err;
            EXPECT_EQ(got.out, "");
        }
        // The handshake's timeouts (1 + 2 + … + 32 s) and CoAP's (93 s) bound it.
        EXPECT_LT(took.ms, 300'000) << "seed " << seed;
    }
    EXPECT_GE(completed, 9);
}

TEST(DtlsSim, TheSessionTableIsBoundedAndRefusesVerifiedClientsWhenFull) {
    // Endpoints wired by hand: three clients, a server that holds two sessions.
    DtlsConfig server_config = psk_config(Role::server, "client-1", "secret key 16 b!", 21);
    server_config.max_sessions = 2;
    coap::dtls::DtlsEndpoint server(server_config);
    std::vector<std::unique_ptr<coap::dtls::DtlsEndpoint>> clients;
    std::vector<coap::Address> addresses;
    for (std::uint8_t i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<coap::dtls::DtlsEndpoint>(
            psk_config(Role::client, "client-1", "secret key 16 b!", 30u + i)));
        addresses.push_back(
            coap::Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(10 + i)}, 4000));
    }
    const coap::Instant now{};
    for (auto& client : clients)
        ASSERT_TRUE(client->connect(now, server_address()));
    for (int round = 0; round < 20; ++round) {
        for (std::size_t i = 0; i < clients.size(); ++i)
            while (auto d = clients[i]->next_datagram())
                server.receive(now, addresses[i], d->bytes);
        while (auto d = server.next_datagram()) {
            for (std::size_t i = 0; i < clients.size(); ++i)
                if (d->peer == addresses[i]) clients[i]->receive(now, server_address(), d->bytes);
        }
        EXPECT_LE(server.sessions(), 2u);
    }
    int established = 0;
    for (auto& client : clients)
        established += client->established(server_address());
    EXPECT_EQ(established, 2);
    EXPECT_EQ(server.sessions(), 2u);
    EXPECT_GE(server.stats().refused_full, 1u);
    // The refused client's handshake times out at its end, cleanly.
    bool failed = false;
    coap::Instant later = now;
    for (int step = 0; step < 200 && !failed; ++step) {
        later = later + coap::seconds(1);
        for (auto& client : clients) {
            client->handle_timeout(later);
            while (const auto event = client->next_event())
                failed = failed || event->failure == Failure::handshake_timeout;
            while (client->next_datagram()) {
            }
        }
    }
    EXPECT_TRUE(failed);
}

TEST(DtlsSim, IdleSessionsCloseAndAClientHandshakesAgain) {
    DtlsConfig server = psk_config(Role::server, "client-1", "secret key 16 b!", 11);
    server.idle_timeout = coap::seconds(30);
    SecureWorld world(server, psk_config(Role::client, "client-1", "secret key 16 b!", 12));
    ASSERT_EQ(world.run({"get", SecureWorld::base() + "/time"}).exit_code, exit_code::ok);
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 1u);
    world.net.run_for(coap::seconds(31));
    EXPECT_EQ(world.server_dtls.endpoint().sessions(), 0u);
    ASSERT_FALSE(world.server_events.empty());
    EXPECT_EQ(world.server_events.back().failure, Failure::idle);
    // The client heard close_notify and starts over.
    const auto again = world.run({"get", SecureWorld::base() + "/time"});
    EXPECT_EQ(again.exit_code, exit_code::ok) << again.err;
    EXPECT_EQ(world.server_dtls.endpoint().stats().handshakes_completed, 2u);
}

}  // namespace
