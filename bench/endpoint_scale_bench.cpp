// bench/endpoint_scale_bench.cpp — endpoint_scale_bench: what one more
// request costs an Endpoint that already has N exchanges outstanding (N from
// 1k to 1M), and the bytes of state per exchange. cobalt alone. Owns the
// scenarios, their once-per-size setup and the program's main.
//
//  - server/…: one server Endpoint holds N CON GETs (one per client address),
//    taken from poll_event and never answered (deferred responses). Each timed
//    request is a CON GET from a fresh (peer, message ID): handle_datagram,
//    poll_transmit, next_timeout, poll_event, respond (piggybacked 2.05),
//    poll_transmit. remember_safe_requests is false, so an answered GET gives
//    its dedup entry back and the timed requests never fill the dedup table.
//  - client/…: one client Endpoint has N CON GETs awaiting their ACK, one per
//    server address (default NSTART 1: a gateway polling N devices). Each timed
//    request is send_request to one of 1024 further servers, poll_transmit, and
//    the piggybacked 2.05 built from the sent bytes fed to handle_datagram,
//    next_timeout, poll_event.
// As the call order asks, next_timeout() is read after each drain of
// poll_transmit: twice per timed request on either side. Virtual time stays at
// 0, so no timer is due (the held requests' empty-ACK delay is 500 ms, the
// retransmissions 2-3 s away) and handle_timeout is never called. The
// …/no_next_timeout variants leave next_timeout() out, to tell its cost apart.
//
// Each size is set up once and kept for the whole run of its benchmark
// (Google Benchmark calls the function again for every trial); the timed loop
// leaves exactly N exchanges outstanding. A size the engine cannot hold (its
// capacities.exchanges after clamping is below N + 64) is reported as skipped
// with the reason, and does not fail the program.
#include "alloc_counter.hpp"
#include "error_watch.hpp"

#include <benchmark/benchmark.h>

#include <coap/endpoint.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t message_size = 256;
constexpr std::size_t margin = 64;          ///< exchanges beyond N (the timed request)
constexpr std::size_t timed_peers = 1024;   ///< peers the timed requests come from / go to
constexpr std::size_t dedup_margin = 4096;  ///< dedup entries beyond N
constexpr std::string_view response_payload = "22.5 Cel";
constexpr coap::Instant now{0};

constexpr auto write_request = [](coap::MessageWriter& writer) {
    writer.option(coap::OptionNumber::uri_path, "sensors")
        .option(coap::OptionNumber::uri_path, "temperature");
};

constexpr auto write_response = [](coap::MessageWriter& writer) {
    writer.option_uint(coap::OptionNumber::content_format, 0).payload(response_payload);
};

/// The i-th outstanding peer: 10.(1 + i / 65536).x.y, distinct up to 16M.
coap::Address outstanding_peer(std::size_t i) {
    return coap::Address::ipv4({10, static_cast<std::uint8_t>(1 + (i >> 16)),
                                static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                               5683);
}

/// The i-th peer of the timed requests (i below timed_peers).
coap::Address timed_peer(std::size_t i) {
    return coap::Address::ipv4(
        {172, 16, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)}, 5683);
}

coap::EndpointConfig scale_config(std::size_t outstanding, std::uint64_t seed) {
    coap::EndpointConfig config;
    config.seed = seed;
    config.capacities.exchanges = outstanding + margin;
    config.capacities.dedup_entries = outstanding + dedup_margin;
    config.capacities.peers = outstanding + timed_peers + margin;
    config.capacities.max_message_size = message_size;
    config.remember_safe_requests = false;
    return config;
}

/// The Endpoint and the bytes its constructor allocated.
struct Built {
    std::unique_ptr<coap::Endpoint> endpoint;
    std::uint64_t bytes = 0;
};

Built build(const coap::EndpointConfig& config) {
    const std::uint64_t before = bench::alloc_counter::allocated_bytes();
    auto endpoint = std::make_unique<coap::Endpoint>(config);
    return Built{std::move(endpoint), bench::alloc_counter::allocated_bytes() - before};
}

/// Empty when the engine holds `outstanding` + margin exchanges, else the reason.
std::string capacity_problem(std::size_t outstanding) {
    coap::EndpointConfig probe;
    probe.capacities.exchanges = outstanding + margin;
    probe.capacities.max_message_size = 64;
    const coap::Endpoint endpoint(probe);
    const std::size_t held = endpoint.config().capacities.exchanges;
    if (held >= outstanding + margin) return {};
    return "capacities.exchanges = " + std::to_string(outstanding + margin) + " is clamped to " +
           std::to_string(held) + ", so " + std::to_string(outstanding) +
           " exchanges cannot be outstanding";
}

void set_common_counters(benchmark::State& state, std::size_t outstanding, std::uint64_t bytes,
                         std::uint64_t allocations) {
    state.counters["outstanding"] = static_cast<double>(outstanding);
    state.counters["allocs_per_req"] = bench::alloc_counter::available()
                                           ? benchmark::Counter(static_cast<double>(allocations),
                                                                benchmark::Counter::kAvgIterations)
                                           : benchmark::Counter(-1.0);
    // Everything the constructor allocated (exchanges, dedup, peers and the
    // fixed part) per outstanding exchange: what holding one costs this config.
    state.counters["ctor_bytes_per_outstanding"] =
        static_cast<double>(bytes) / static_cast<double>(outstanding);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

/// 2048-aligned, so that the request never straddles a page (see codec_bench.cpp).
struct alignas(2048) DatagramBuffer {
    std::array<std::byte, 64> bytes{};
};

// ---- server: N requests held by the application ----

struct ServerWorld {
    static constexpr const char* request_failed =
        "a timed request did not end with its piggybacked 2.05";
    std::size_t outstanding = 0;
    Built server;
    Built& built() { return server; }
    /// Why the timed loop left the table unlike it found it; nullptr if not.
    const char* unsteady(const coap::EndpointStats& stats) const {
        if (stats.exchanges_in_use != outstanding || stats.busy_responses_sent != 0 ||
            stats.duplicates_received != 0 || stats.dropped_datagrams != 0)
            return "held requests lost, or a 5.03, duplicate or drop in the timed loop";
        return nullptr;
    }
    DatagramBuffer request;
    std::size_t request_length = 0;
    std::vector<std::byte> out = std::vector<std::byte>(message_size);
    std::uint64_t sequence = 0;  ///< timed requests so far
    std::string error;

    /// Feeds a CON GET with `message_id` from `peer`; true when nothing was sent.
    bool feed(const coap::Address& peer, std::uint16_t message_id) {
        request.bytes[2] = std::byte{static_cast<std::uint8_t>(message_id >> 8)};
        request.bytes[3] = std::byte{static_cast<std::uint8_t>(message_id)};
        server.endpoint->handle_datagram(now, peer, {request.bytes.data(), request_length});
        return !server.endpoint->poll_transmit(out).has_value();
    }

    explicit ServerWorld(std::size_t n) : outstanding(n), server(build(scale_config(n, 7))) {
        const std::array<std::byte, 4> token = {std::byte{0x5a}, std::byte{0x11}, std::byte{0x22},
                                                std::byte{0x33}};
        coap::MessageWriter writer(request.bytes, coap::MessageType::confirmable, coap::codes::get,
                                   0, token);
        write_request(writer);
        const auto length = writer.finish();
        if (!length) {
            error = "the request template does not encode";
            return;
        }
        request_length = *length;
        coap::Endpoint& endpoint = *server.endpoint;
        for (std::size_t i = 0; i < n; ++i) {
            const bool quiet = feed(outstanding_peer(i), static_cast<std::uint16_t>(i));
            const auto event = endpoint.poll_event();
            if (!quiet || !event || event->kind != coap::EventKind::request_received) {
                error = "a held request was answered or not delivered during the setup";
                return;
            }
            // Held: the responder is dropped, the application "is still working".
        }
        if (endpoint.stats().exchanges_in_use != n) error = "not every request is held";
    }

    /// One timed request; true when it ended with its piggybacked 2.05.
    template <bool with_next_timeout>
    bool one_request() {
        coap::Endpoint& endpoint = *server.endpoint;
        const coap::Address peer = timed_peer(sequence % timed_peers);
        const auto message_id = static_cast<std::uint16_t>(sequence / timed_peers);
        ++sequence;
        bool good = feed(peer, message_id);
        if constexpr (with_next_timeout) benchmark::DoNotOptimize(endpoint.next_timeout());
        std::size_t answers = 0;
        while (const auto event = endpoint.poll_event()) {
            good = good && event->kind == coap::EventKind::request_received &&
                   endpoint.respond(now, event->responder, coap::ResponseOptions{}, write_response);
            while (const auto transmit = endpoint.poll_transmit(out)) {
                ++answers;
                good = good && transmit->peer == peer &&
                       std::to_integer<std::uint8_t>(out[0]) == 0x64 &&  // ACK, token 4
                       std::to_integer<std::uint8_t>(out[1]) == coap::codes::content.raw();
            }
            if constexpr (with_next_timeout) benchmark::DoNotOptimize(endpoint.next_timeout());
        }
        return good && answers == 1;
    }
};

/// The world of the size being measured, kept across the trials of one
/// benchmark and replaced when the size (or the side) changes.
template <class World>
World& world_for(std::size_t outstanding) {
    static std::unique_ptr<World> world;
    if (!world || world->outstanding != outstanding) {
        world.reset();  // free the previous size first
        world = std::make_unique<World>(outstanding);
    }
    return *world;
}

// ---- client: N requests awaiting their ACK ----

struct ClientWorld {
    static constexpr const char* request_failed = "a timed request did not end with its 2.05";
    std::size_t outstanding = 0;
    Built client;
    Built& built() { return client; }
    const char* unsteady(const coap::EndpointStats& stats) const {
        if (stats.exchanges_in_use != outstanding || stats.retransmissions != 0 ||
            stats.message_id_waits != 0 || stats.dropped_datagrams != 0)
            return "outstanding requests lost, or a retransmission, wait or drop";
        return nullptr;
    }
    std::vector<std::byte> out = std::vector<std::byte>(message_size);
    DatagramBuffer response;
    std::size_t response_length = 0;
    std::uint64_t sequence = 0;
    std::string error;

    explicit ClientWorld(std::size_t n) : outstanding(n), client(build(scale_config(n, 1))) {
        // The piggybacked 2.05 of every timed request: its message ID and its
        // 8-byte token are patched in from the request as sent.
        const std::array<std::byte, 8> token{};
        coap::MessageWriter writer(response.bytes, coap::MessageType::acknowledgement,
                                   coap::codes::content, 0, token);
        write_response(writer);
        const auto length = writer.finish();
        if (!length) {
            error = "the response template does not encode";
            return;
        }
        response_length = *length;
        coap::Endpoint& endpoint = *client.endpoint;
        const coap::RequestOptions options;
        for (std::size_t i = 0; i < n; ++i) {
            const auto sent =
                endpoint.send_request(now, outstanding_peer(i), options, write_request);
            std::size_t datagrams = 0;
            while (endpoint.poll_transmit(out))
                ++datagrams;
            if (!sent || datagrams != 1) {
                error = "an outstanding request was refused or not sent during the setup";
                return;
            }
        }
        if (endpoint.stats().exchanges_in_use != n || endpoint.poll_event())
            error = "not every request is outstanding";
    }

    template <bool with_next_timeout>
    bool one_request() {
        coap::Endpoint& endpoint = *client.endpoint;
        const coap::Address peer = timed_peer(sequence % timed_peers);
        ++sequence;
        const auto id = endpoint.send_request(now, peer, coap::RequestOptions{}, write_request);
        if (!id) return false;
        const auto transmit = endpoint.poll_transmit(out);
        // Version 1, CON, token length 8: the template's token length.
        if (!transmit || transmit->peer != peer || std::to_integer<std::uint8_t>(out[0]) != 0x48)
            return false;
        if constexpr (with_next_timeout) benchmark::DoNotOptimize(endpoint.next_timeout());
        std::copy_n(out.begin() + 2, 2 + 8, response.bytes.begin() + 2);  // message ID, token
        endpoint.handle_datagram(now, peer, {response.bytes.data(), response_length});
        bool good = !endpoint.poll_transmit(out).has_value();
        if constexpr (with_next_timeout) benchmark::DoNotOptimize(endpoint.next_timeout());
        std::size_t responses = 0;
        while (const auto event = endpoint.poll_event()) {
            ++responses;
            good = good && event->kind == coap::EventKind::response_received &&
                   event->request == *id &&
                   event->message.code().raw() == coap::codes::content.raw();
        }
        return good && responses == 1;
    }
};

// ---- the timed loop, for either side ----

/// N outstanding in a World (ServerWorld, ClientWorld), then one timed request
/// per iteration; fails (SkipWithError) when a request or the steady state
/// is not what the World expects.
template <class World, bool with_next_timeout>
void BM_Outstanding(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    if (const std::string problem = capacity_problem(n); !problem.empty()) {
        state.SkipWithError(problem.c_str());
        return;
    }
    World& world = world_for<World>(n);
    if (!world.error.empty()) {
        state.SkipWithError(world.error.c_str());
        return;
    }
    const std::uint64_t allocations_before = bench::alloc_counter::allocations();
    for (auto _ : state) {
        if (!world.template one_request<with_next_timeout>()) {
            state.SkipWithError(World::request_failed);
            return;
        }
    }
    const std::uint64_t allocations = bench::alloc_counter::allocations() - allocations_before;
    const coap::EndpointStats stats = world.built().endpoint->stats();
    if (const char* problem = world.unsteady(stats)) {
        state.SkipWithError(problem);
        return;
    }
    set_common_counters(state, n, world.built().bytes, allocations);
    state.counters["dedup_in_use"] = static_cast<double>(stats.dedup_entries_in_use);
}

// ---- bytes of state per exchange slot ----

/// The slope of the constructor's bytes between 1024 and 2048 exchange slots
/// (both keep the hash indexes at load factor 1/2, see endpoint_state_size.cpp),
/// the other tables at their defaults; range(0) is max_message_size.
void BM_ExchangeSlotBytes(benchmark::State& state) {
    constexpr std::size_t low = 1024;
    constexpr std::size_t high = 2048;
    coap::EndpointConfig config;
    config.capacities.max_message_size = static_cast<std::size_t>(state.range(0));
    config.capacities.exchanges = low;
    std::uint64_t at_low = 0;
    std::uint64_t at_high = 0;
    for (auto _ : state) {
        config.capacities.exchanges = low;
        at_low = build(config).bytes;
        config.capacities.exchanges = high;
        at_high = build(config).bytes;
    }
    state.counters["bytes_per_exchange"] =
        static_cast<double>(at_high - at_low) / static_cast<double>(high - low);
}

void register_all() {
    const std::vector<std::int64_t> sizes = {1'000, 10'000, 65'000, 100'000, 1'000'000};
    const auto add = [&](const char* name, void (*run)(benchmark::State&)) {
        auto* b = benchmark::RegisterBenchmark(name, run);
        for (const std::int64_t n : sizes)
            b->Arg(n);
        b->ArgName("outstanding")->Unit(benchmark::kNanosecond);
    };
    add("server/held", BM_Outstanding<ServerWorld, true>);
    add("server/held/no_next_timeout", BM_Outstanding<ServerWorld, false>);
    add("client/awaiting_ack", BM_Outstanding<ClientWorld, true>);
    add("client/awaiting_ack/no_next_timeout", BM_Outstanding<ClientWorld, false>);
    benchmark::RegisterBenchmark("exchange_slot_bytes", BM_ExchangeSlotBytes)
        ->ArgName("max_message_size")
        ->Arg(256)
        ->Arg(1152)
        ->Iterations(1);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return EXIT_FAILURE;
    register_all();
    const std::unique_ptr<benchmark::BenchmarkReporter> display(
        benchmark::CreateDefaultDisplayReporter());
    bench::ErrorWatch watch(*display);
    benchmark::RunSpecifiedBenchmarks(&watch);
    benchmark::Shutdown();
    if (watch.errors() != 0) {
        std::cerr << "endpoint_scale_bench: " << watch.errors()
                  << " benchmark(s) failed their own checks (see above)\n";
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
