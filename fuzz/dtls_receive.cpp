// fuzz/dtls_receive.cpp — libFuzzer target: the DTLS receive path. A client
// and a server DtlsEndpoint (PSK, deterministic seeds, a tiny session table)
// exchange records through a fuzzer-driven network that delivers, drops,
// duplicates, reorders, corrupts (bit flips, truncation, appended bytes) and
// injects raw datagrams from the peer's address and from strangers, while time
// jumps and both sides send plaintext.
// Invariants: no crash or sanitizer report; the tables stay within their
// limits; every plaintext either side delivers is one the other side sent
// (authenticated encryption: a corrupted or forged record never gets through);
// timeouts never lie in the past after handle_timeout.
#include "coap/dtls/dtls_endpoint.hpp"

#include "data_provider.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <set>
#include <string>
#include <vector>

namespace {

using coap::dtls::DtlsConfig;
using coap::dtls::DtlsEndpoint;

const coap::Address client_address = coap::Address::ipv4({10, 0, 0, 1}, 40000);
const coap::Address server_address = coap::Address::ipv4({10, 0, 0, 2}, 5684);

std::vector<std::byte> key() {
    const std::string text = "fuzzing-key-0123";
    return {reinterpret_cast<const std::byte*>(text.data()),
            reinterpret_cast<const std::byte*>(text.data()) + text.size()};
}

DtlsConfig config(coap::dtls::Role role, std::uint64_t seed) {
    DtlsConfig c;
    c.role = role;
    c.psk = coap::dtls::PskCredentials{"fuzz-client", key(), {}, {}};
    if (role == coap::dtls::Role::client) {
        // Runs the client's hint scan on whatever the network delivers; the
        // answer is the configured identity, so handshakes still succeed.
        c.psk->choose_by_hint = [](std::string_view) {
            return std::optional<coap::dtls::PskIdentity>{{"fuzz-client", key()}};
        };
    }
    c.deterministic_seed = seed;
    c.max_sessions = 3;
    c.max_handshakes = 2;
    c.idle_timeout = coap::seconds(120);
    c.handshake_timeout_min = coap::milliseconds(500);
    c.handshake_timeout_max = coap::seconds(4);
    return c;
}

struct InFlight {
    bool to_server = true;
    coap::Address from;
    std::vector<std::byte> bytes;
};

struct World {
    DtlsEndpoint client{config(coap::dtls::Role::client, 11)};
    DtlsEndpoint server{config(coap::dtls::Role::server, 12)};
    coap::Instant now{};
    std::deque<InFlight> wire;
    std::set<std::vector<std::byte>> sent_by_client;
    std::set<std::vector<std::byte>> sent_by_server;

    void collect() {
        while (auto d = client.next_datagram())
            wire.push_back({true, client_address, d->bytes});
        while (auto d = server.next_datagram())
            wire.push_back({false, d->peer, d->bytes});
        while (auto p = server.next_plaintext()) {
            // Only what the client sent, from the client's address.
            if (!(p->peer == client_address) || !sent_by_client.count(p->bytes)) std::abort();
            // The server answers what it got (its plaintext path too).
            sent_by_server.insert(p->bytes);
            (void)server.send(now, p->peer, p->bytes);
        }
        while (auto p = client.next_plaintext())
            if (!(p->peer == server_address) || !sent_by_server.count(p->bytes)) std::abort();
        while (client.next_event()) {
        }
        while (server.next_event()) {
        }
        if (server.sessions() > 3 || server.handshakes() > 2 || client.sessions() > 3) std::abort();
    }

    void deliver(const InFlight& packet) {
        if (packet.to_server)
            server.receive(now, packet.from, packet.bytes);
        else
            client.receive(now, server_address, packet.bytes);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cobalt_fuzz::DataProvider in(data, size);
    World world;
    std::uint32_t message = 0;
    for (int step = 0; step < 200 && in.remaining_bytes() > 0; ++step) {
        switch (in.ConsumeIntegralInRange<int>(0, 9)) {
            case 0:
            case 1: {  // deliver the oldest (the common case: a handshake goes through)
                if (world.wire.empty()) break;
                const InFlight packet = world.wire.front();
                world.wire.pop_front();
                world.deliver(packet);
                break;
            }
            case 2:  // drop it
                if (!world.wire.empty()) world.wire.pop_front();
                break;
            case 3: {  // duplicate, or deliver a later one first
                if (world.wire.empty()) break;
                const auto index = in.ConsumeIntegralInRange<std::size_t>(0, world.wire.size() - 1);
                world.deliver(world.wire[index]);
                if (in.ConsumeBool())
                    world.wire.erase(world.wire.begin() + static_cast<long>(index));
                break;
            }
            case 4: {  // corrupt one: flip a bit, cut it short or append bytes
                if (world.wire.empty()) break;
                InFlight packet = world.wire.front();
                world.wire.pop_front();
                auto& b = packet.bytes;
                if (!b.empty()) {
                    const auto at = in.ConsumeIntegralInRange<std::size_t>(0, b.size() - 1);
                    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
                        case 0:
                            b[at] ^=
                                static_cast<std::byte>(1u << in.ConsumeIntegralInRange<int>(0, 7));
                            break;
                        case 1:
                            b.resize(at);
                            break;
                        default:
                            b.resize(b.size() + in.ConsumeIntegralInRange<std::size_t>(1, 64),
                                     static_cast<std::byte>(in.ConsumeIntegral<std::uint8_t>()));
                    }
                }
                world.deliver(packet);
                break;
            }
            case 5: {  // a raw datagram from the fuzzer, to either side, from anyone
                const auto length = in.ConsumeIntegralInRange<std::size_t>(0, 300);
                std::vector<std::byte> bytes(length);
                for (auto& b : bytes)
                    b = static_cast<std::byte>(in.ConsumeIntegral<std::uint8_t>());
                if (!bytes.empty() && in.ConsumeBool()) bytes[0] = std::byte{22};  // handshake
                if (bytes.size() > 1 && in.ConsumeBool()) bytes[1] = std::byte{0xfe};
                const auto stranger = in.ConsumeIntegralInRange<std::uint8_t>(0, 5);
                const coap::Address from = stranger == 0
                                               ? client_address
                                               : coap::Address::ipv4({10, 0, 1, stranger}, 40000);
                if (in.ConsumeBool())
                    world.server.receive(world.now, from, bytes);
                else
                    world.client.receive(world.now, server_address, bytes);
                break;
            }
            case 6: {  // the client sends a numbered message (starting a handshake if needed)
                const std::string text = "message " + std::to_string(message++);
                std::vector<std::byte> bytes(
                    reinterpret_cast<const std::byte*>(text.data()),
                    reinterpret_cast<const std::byte*>(text.data()) + text.size());
                world.sent_by_client.insert(bytes);
                (void)world.client.send(world.now, server_address, bytes);
                break;
            }
            case 7:  // time passes
                world.now = world.now + coap::milliseconds(in.ConsumeIntegralInRange<int>(0, 5000));
                break;
            case 8:  // timers fire
                world.client.handle_timeout(world.now);
                world.server.handle_timeout(world.now);
                break;
            default:  // a side ends the session
                if (in.ConsumeBool())
                    world.client.close(world.now, server_address);
                else
                    world.server.close(world.now, client_address);
        }
        world.collect();
    }
    if (std::getenv("DTLS_FUZZ_TRACE") != nullptr)
        std::fprintf(stderr, "handshakes %llu/%llu, plaintext %llu/%llu, cookies %llu\n",
                     static_cast<unsigned long long>(world.client.stats().handshakes_completed),
                     static_cast<unsigned long long>(world.server.stats().handshakes_completed),
                     static_cast<unsigned long long>(world.client.stats().plaintext_in),
                     static_cast<unsigned long long>(world.server.stats().plaintext_in),
                     static_cast<unsigned long long>(world.server.stats().hello_verify_requests));
    // Run out the clock: every handshake ends, every table stays bounded.
    for (int round = 0; round < 50; ++round) {
        const auto next_client = world.client.next_timeout();
        const auto next_server = world.server.next_timeout();
        if (!next_client && !next_server) break;
        world.now = world.now + coap::seconds(10);
        world.client.handle_timeout(world.now);
        world.server.handle_timeout(world.now);
        world.wire.clear();
        world.collect();
        if (const auto t = world.client.next_timeout(); t && *t < world.now) std::abort();
        if (const auto t = world.server.next_timeout(); t && *t < world.now) std::abort();
    }
    return 0;
}
