// bench/endpoint_bench.cpp — the timed loops of endpoint_bench. Exchanges:
// a client and one or more servers in an EndpointNetwork, each iteration a
// round of requests sent, delivered, answered and matched. Server only: one
// server Endpoint fed pre-encoded CON GETs from many (peer, MID) pairs.
//
// Steady state: every Endpoint has 4352 dedup entries, and virtual time moves
// on by `step` per exchange so that the live entries (each lives
// EXCHANGE_LIFETIME, 247 s, for a CON; NON_LIFETIME, 145 s, for a NON) stay
// below that: at 60 ms per exchange, 4117 CON entries are live (95%). Before
// the timed loop, an untimed warm-up runs until every dedup table has filled
// once, so that expired entries are being reclaimed as they are in a server
// that has been up for a while.
#include "endpoint_bench.hpp"

#include "alloc_window.hpp"
#include "endpoint_network.hpp"

#include <benchmark/benchmark.h>

#include <coap/endpoint.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {
namespace {

constexpr std::size_t message_size = 1152;
constexpr std::size_t dedup_capacity = 4352;
constexpr coap::Duration exchange_step = coap::milliseconds(60);
/// Untimed exchanges before the timed loop: the dedup table fills once, then
/// reclamation cycles a few times.
constexpr std::size_t warmup_exchanges = dedup_capacity + 4096;

constexpr std::string_view response_payload = "22.5 Cel";
const coap::Address client_address = coap::Address::ipv4({192, 0, 2, 100}, 49152);

coap::Address server_address(std::size_t index) {
    return coap::Address::ipv4({192, 0, 2, static_cast<std::uint8_t>(1 + index)}, 5683);
}

// Lambdas, not functions: coap::FunctionRef (MessageBuilder) binds callable
// objects only; a function name does not compile.
constexpr auto write_request = [](coap::MessageWriter& writer) {
    writer.option(coap::OptionNumber::uri_path, "sensors")
        .option(coap::OptionNumber::uri_path, "temperature");
};

constexpr auto write_response = [](coap::MessageWriter& writer) {
    writer.option_uint(coap::OptionNumber::content_format, 0).payload(response_payload);
};

coap::EndpointConfig endpoint_config(std::uint64_t seed, std::uint8_t nstart) {
    coap::EndpointConfig config;
    config.seed = seed;
    config.capacities.dedup_entries = dedup_capacity;
    config.capacities.max_message_size = message_size;
    config.transmission.nstart = nstart;
    return config;
}

/// Live dedup entries in steady state when one arrives every `step`.
std::int64_t live_entries(coap::Duration lifetime, coap::Duration step) {
    return lifetime.ms / step.ms;
}

// ---- exchanges between Endpoints ----

struct ExchangeSpec {
    int in_flight = 1;  ///< requests sent per round, before any is delivered
    int servers = 1;    ///< server Endpoints, requests spread round robin
    bool confirmable = true;
    bool separate = false;  ///< the server sends an empty ACK, then a CON response
    std::uint8_t nstart = 1;
};

void run_exchanges(benchmark::State& state, ExchangeSpec spec) {
    EndpointNetwork network(message_size);
    const std::size_t client = network.add(endpoint_config(1, spec.nstart), client_address);
    for (int s = 0; s < spec.servers; ++s) {
        const auto index = static_cast<std::size_t>(s);
        network.add(endpoint_config(100 + index, 1), server_address(index));
    }
    coap::Endpoint& client_endpoint = network.node(client).endpoint;

    coap::Instant now{0};
    std::size_t responses = 0;
    std::size_t unexpected = 0;
    auto on_event = [&](std::size_t node, const coap::Event& event) {
        coap::Endpoint& endpoint = network.node(node).endpoint;
        if (node == client) {
            const bool good = event.kind == coap::EventKind::response_received &&
                              event.message.code().raw() == coap::codes::content.raw() &&
                              event.message.payload().size() == response_payload.size();
            ++(good ? responses : unexpected);
            return;
        }
        if (event.kind != coap::EventKind::request_received) {
            ++unexpected;
            return;
        }
        if (spec.separate && !endpoint.acknowledge(now, event.responder)) ++unexpected;
        if (!endpoint.respond(now, event.responder, coap::ResponseOptions{}, write_response))
            ++unexpected;
    };

    coap::RequestOptions request;
    request.confirmable = spec.confirmable;
    const auto in_flight = static_cast<std::size_t>(spec.in_flight);
    auto round = [&](bool check_in_flight) -> bool {
        for (std::size_t k = 0; k < in_flight; ++k) {
            const auto server = k % static_cast<std::size_t>(spec.servers);
            if (!client_endpoint.send_request(now, server_address(server), request, write_request))
                return false;
        }
        // Every request is on the wire, none held back by NSTART (untimed check).
        if (check_in_flight && client_endpoint.stats().queued_datagrams != in_flight) return false;
        const std::size_t before = responses;
        const bool delivered = network.settle(now, on_event);
        now = now + exchange_step * spec.in_flight;
        return delivered && responses - before == in_flight && unexpected == 0;
    };

    for (std::size_t done = 0; done < warmup_exchanges; done += in_flight) {
        if (!round(true)) {
            state.SkipWithError("an exchange failed during the warm-up");
            return;
        }
    }
    const AllocationWindow window;
    for (auto _ : state) {
        if (!round(false)) {
            state.SkipWithError("an exchange did not end with its 2.05 response");
            break;
        }
    }
    window.report(state);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * spec.in_flight);

    // Nothing may have been retransmitted, timed out or refused for lack of room:
    // otherwise the loop measured something else than the exchange it names.
    for (std::size_t i = 0; i < network.size(); ++i) {
        const coap::EndpointStats stats = network.node(i).endpoint.stats();
        if (stats.retransmissions != 0 || stats.busy_responses_sent != 0 ||
            stats.duplicates_received != 0 || stats.dropped_datagrams != 0) {
            state.SkipWithError("retransmissions, duplicates, 5.03 or drops in a lossless run");
            return;
        }
    }
    if (network.timeouts_fired() != 0) state.SkipWithError("a timer fired in a lossless run");
}

// ---- a server Endpoint alone ----

struct ServerSpec {
    coap::Duration step{};       ///< virtual time between two requests (0: frozen)
    std::uint8_t expected_code;  ///< 2.05, or 5.03 once the dedup table is full of live entries
};

constexpr std::size_t server_peers = 1024;

/// 2048-aligned, so that the request never straddles a page (see codec_bench.cpp).
struct alignas(2048) RequestBuffer {
    std::array<std::byte, 64> bytes{};
};

void run_server(benchmark::State& state, ServerSpec spec) {
    coap::Endpoint server(endpoint_config(7, 1));
    std::vector<coap::Address> peers;
    peers.reserve(server_peers);
    for (std::size_t i = 0; i < server_peers; ++i) {
        peers.push_back(coap::Address::ipv4(
            {10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
            static_cast<std::uint16_t>(40000 + i)));
    }
    RequestBuffer request;
    const std::array<std::byte, 4> token = {std::byte{0x5a}, std::byte{0x11}, std::byte{0x22},
                                            std::byte{0x33}};
    coap::MessageWriter writer(request.bytes, coap::MessageType::confirmable, coap::codes::get, 0,
                               token);
    write_request(writer);
    const auto length = writer.finish();
    if (!length) {
        state.SkipWithError("the request template does not encode");
        return;
    }
    const gsl::span<std::byte> datagram{request.bytes.data(), *length};
    std::vector<std::byte> out(message_size);

    coap::Instant now{0};
    std::uint64_t sequence = 0;
    auto one_request = [&](std::uint8_t expected_code) -> bool {
        // Peers in turn; each peer's message ID goes up by one per visit.
        const coap::Address& peer = peers[sequence % server_peers];
        const auto message_id = static_cast<std::uint16_t>(sequence / server_peers);
        datagram[2] = std::byte{static_cast<std::uint8_t>(message_id >> 8)};
        datagram[3] = std::byte{static_cast<std::uint8_t>(message_id)};
        server.handle_datagram(now, peer, datagram);

        std::size_t answers = 0;
        bool good = true;
        auto drain = [&] {
            while (const auto transmit = server.poll_transmit(out)) {
                ++answers;
                good = good && transmit->peer == peer &&
                       std::to_integer<std::uint8_t>(out[1]) == expected_code;
            }
        };
        drain();
        benchmark::DoNotOptimize(server.next_timeout());
        while (const auto event = server.poll_event()) {
            good = good && event->kind == coap::EventKind::request_received &&
                   server.respond(now, event->responder, coap::ResponseOptions{}, write_response);
            drain();
        }
        ++sequence;
        now = now + spec.step;
        return good && answers == 1;
    };

    // The first requests fill the dedup table: they get 2.05 whatever the step.
    for (std::size_t i = 0; i < warmup_exchanges; ++i) {
        if (!one_request(i < dedup_capacity ? coap::codes::content.raw() : spec.expected_code)) {
            state.SkipWithError("a request went unanswered during the warm-up");
            return;
        }
    }
    const AllocationWindow window;
    for (auto _ : state) {
        if (!one_request(spec.expected_code)) {
            state.SkipWithError("a request did not get the expected answer");
            break;
        }
    }
    window.report(state);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

/// The step that keeps `fraction` of the dedup table live with CON requests.
coap::Duration step_for_occupancy(double fraction) {
    const double lifetime =
        static_cast<double>(coap::TransmissionParameters{}.exchange_lifetime().ms);
    const double live = fraction * static_cast<double>(dedup_capacity);
    return coap::milliseconds(static_cast<std::int64_t>(lifetime / live) + 1);
}

struct Registered {
    EndpointScenario scenario;
    std::function<void(benchmark::State&)> run;
};

std::string occupancy_text(coap::Duration lifetime, coap::Duration step) {
    const std::int64_t live = live_entries(lifetime, step);
    return "one exchange every " + std::to_string(step.ms) +
           " ms of virtual time: " + std::to_string(live) + " of " +
           std::to_string(dedup_capacity) + " dedup entries live (" +
           std::to_string(live * 100 / static_cast<std::int64_t>(dedup_capacity)) + "%)";
}

const std::vector<Registered>& registered() {
    static const std::vector<Registered> all = [] {
        const coap::TransmissionParameters defaults{};
        const coap::Duration con = defaults.exchange_lifetime();
        const coap::Duration non = defaults.non_lifetime();
        const std::string pair_note = "; " + occupancy_text(con, exchange_step);
        std::vector<Registered> list;
        auto exchange = [&](std::string name, std::string description, ExchangeSpec spec) {
            list.push_back(Registered{
                EndpointScenario{"exchange/" + name, std::move(description), spec.in_flight},
                [spec](benchmark::State& state) { run_exchanges(state, spec); }});
        };
        exchange("con_piggybacked",
                 "client and server Endpoint: CON GET, piggybacked 2.05 with an 8-byte payload" +
                     pair_note,
                 ExchangeSpec{});
        exchange(
            "non",
            "NON GET, NON 2.05 (server's own message ID); " + occupancy_text(non, exchange_step),
            ExchangeSpec{.confirmable = false});
        exchange("con_separate",
                 "CON GET; empty ACK, then a CON 2.05, then the client's empty ACK (3 datagrams "
                 "after the request; the client keeps a dedup entry too)" +
                     pair_note,
                 ExchangeSpec{.separate = true});
        exchange("con_8_in_flight_nstart8",
                 "8 CON GETs sent to one server before any is delivered, client NSTART 8; an "
                 "iteration is 8 exchanges" +
                     pair_note,
                 ExchangeSpec{.in_flight = 8, .nstart = 8});
        exchange(
            "con_8_in_flight_8_servers",
            "8 CON GETs to 8 server Endpoints (one each, NSTART 1) before any is delivered; an "
            "iteration is 8 exchanges; per server, " +
                occupancy_text(con, exchange_step * 8),
            ExchangeSpec{.in_flight = 8, .servers = 8});

        auto server = [&](std::string name, std::string description, ServerSpec spec) {
            list.push_back(
                Registered{EndpointScenario{"server/" + name, std::move(description), 1},
                           [spec](benchmark::State& state) { run_server(state, spec); }});
        };
        const coap::Duration half = step_for_occupancy(0.5);
        const coap::Duration most = step_for_occupancy(0.95);
        server("con_get_dedup_50",
               "server Endpoint alone: pre-encoded CON GETs from 1024 peers, piggybacked 2.05 "
               "(handle_datagram, poll_event, respond, poll_transmit); " +
                   occupancy_text(con, half),
               ServerSpec{half, coap::codes::content.raw()});
        server("con_get_dedup_95", "the same; " + occupancy_text(con, most),
               ServerSpec{most, coap::codes::content.raw()});
        server("con_get_dedup_full",
               "the same with virtual time frozen: every dedup entry is live, so each request "
               "gets 5.03 with Max-Age (overload)",
               ServerSpec{coap::Duration{}, coap::codes::service_unavailable.raw()});
        return list;
    }();
    return all;
}

}  // namespace

const std::vector<EndpointScenario>& endpoint_scenarios() {
    static const std::vector<EndpointScenario> all = [] {
        std::vector<EndpointScenario> list;
        for (const Registered& r : registered())
            list.push_back(r.scenario);
        return list;
    }();
    return all;
}

void register_endpoint_benchmarks() {
    for (const Registered& r : registered()) {
        const auto& run = r.run;
        benchmark::RegisterBenchmark(r.scenario.name.c_str(),
                                     [&run](benchmark::State& state) { run(state); });
    }
}

}  // namespace bench
