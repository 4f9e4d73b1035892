// bench/async_bench.cpp — the timed loops of async_bench. Every scenario sends
// a GET with Uri-Path sensors/temperature and gets a piggybacked (or NON) 2.05
// with Content-Format 0 and an 8-byte payload, as endpoint_bench's exchanges do.
//
// raw/*: a client and a server Endpoint in an EndpointNetwork (endpoint_bench's
// wiring), the client calling send_request once per iteration.
// await/*, callback/*: two Drivers on tests/async's LoopbackTransport pair. One
// coroutine (or one callback that sends again from inside itself) stays alive
// across iterations; an iteration is one client.run_once(): the client Driver
// takes in the response, resumes the coroutine, which sends the next request,
// and the loopback's wait() runs the server Driver, which answers it.
//
// Steady state as in endpoint_bench: 4352 dedup entries per Endpoint, virtual
// time 60 ms further per request, and 8448 untimed requests first so that each
// dedup table has filled once and expired entries are being reclaimed.
#include "async_bench.hpp"

#include "alloc_window.hpp"
#include "endpoint_network.hpp"
#include "loopback_transport.hpp"

#include <benchmark/benchmark.h>

#include <coap/driver.hpp>
#include <coap/endpoint.hpp>
#include <coap/remote_endpoint.hpp>
#include <coap/request.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>
#include <coap/task.hpp>

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {
namespace {

constexpr std::size_t message_size = 1152;
constexpr std::size_t dedup_capacity = 4352;
constexpr coap::Duration request_step = coap::milliseconds(60);
constexpr std::size_t warmup_requests = dedup_capacity + 4096;

constexpr std::string_view response_payload = "22.5 Cel";
constexpr std::uint16_t text_plain = 0;
const coap::Address client_address = coap::Address::ipv4({192, 0, 2, 100}, 49152);
const coap::Address server_address = coap::Address::ipv4({192, 0, 2, 1}, 5683);
/// An IP literal on the default port: no Uri-Host, no Uri-Port, as in raw/*.
constexpr std::string_view target_uri = "coap://192.0.2.1/sensors/temperature";

coap::EndpointConfig endpoint_config(std::uint64_t seed) {
    coap::EndpointConfig config;
    config.seed = seed;
    config.capacities.dedup_entries = dedup_capacity;
    config.capacities.max_message_size = message_size;
    return config;
}

/// Nothing retransmitted, duplicated, refused or dropped: otherwise the loop
/// measured something else than the exchange it names.
bool quiet(const coap::EndpointStats& stats) {
    return stats.retransmissions == 0 && stats.busy_responses_sent == 0 &&
           stats.duplicates_received == 0 && stats.dropped_datagrams == 0;
}

// ---- raw Endpoints (the baseline) ----

constexpr auto write_request = [](coap::MessageWriter& writer) {
    writer.option(coap::OptionNumber::uri_path, "sensors")
        .option(coap::OptionNumber::uri_path, "temperature");
};

constexpr auto write_response = [](coap::MessageWriter& writer) {
    writer.option_uint(coap::OptionNumber::content_format, text_plain).payload(response_payload);
};

void run_raw(benchmark::State& state, bool confirmable) {
    EndpointNetwork network(message_size);
    const std::size_t client = network.add(endpoint_config(1), client_address);
    network.add(endpoint_config(100), server_address);
    coap::Endpoint& client_endpoint = network.node(client).endpoint;

    coap::Instant now{0};
    std::uint64_t responses = 0;
    std::uint64_t unexpected = 0;
    auto on_event = [&](std::size_t node, const coap::Event& event) {
        coap::Endpoint& endpoint = network.node(node).endpoint;
        if (node == client) {
            const bool good = event.kind == coap::EventKind::response_received &&
                              event.message.code() == coap::codes::content &&
                              event.message.payload().size() == response_payload.size();
            ++(good ? responses : unexpected);
            return;
        }
        if (event.kind != coap::EventKind::request_received ||
            !endpoint.respond(now, event.responder, coap::ResponseOptions{}, write_response))
            ++unexpected;
    };
    coap::RequestOptions request;
    request.confirmable = confirmable;
    auto round = [&]() -> bool {
        if (!client_endpoint.send_request(now, server_address, request, write_request))
            return false;
        const std::uint64_t before = responses;
        const bool delivered = network.settle(now, on_event);
        now = now + request_step;
        return delivered && responses == before + 1 && unexpected == 0;
    };

    for (std::size_t i = 0; i < warmup_requests; ++i) {
        if (!round()) {
            state.SkipWithError("an exchange failed during the warm-up");
            return;
        }
    }
    const AllocationWindow window;
    for (auto _ : state) {
        if (!round()) {
            state.SkipWithError("an exchange did not end with its 2.05 response");
            break;
        }
    }
    window.report(state);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    for (std::size_t i = 0; i < network.size(); ++i)
        if (!quiet(network.node(i).endpoint.stats()))
            state.SkipWithError("retransmissions, duplicates, 5.03 or drops in a lossless run");
    if (network.timeouts_fired() != 0) state.SkipWithError("a timer fired in a lossless run");
}

// ---- two Drivers on the loopback transports ----

struct DriverPair {
    coap::test::LoopbackClock clock;
    coap::test::LoopbackTransport client_port{clock, client_address};
    coap::test::LoopbackTransport server_port{clock, server_address};
    coap::Driver client{client_port, endpoint_config(1)};
    coap::Driver server{server_port, endpoint_config(100)};

    DriverPair() {
        client_port.connect(server_port);
        server_port.connect(client_port);
    }
};

enum class Server { handler, tree };

void answer(coap::RequestContext& context) {
    (void)context.respond(coap::codes::content, response_payload, text_plain);
}

/// Serves the request with a plain handler, or through a ResourceTree of a
/// few resources (and /.well-known/core) that must route it.
void serve(DriverPair& pair, Server server, coap::ResourceTree& tree) {
    if (server == Server::handler) {
        pair.server.set_request_handler(answer);
        return;
    }
    tree.add("/sensors/temperature").rt("temperature-c").ct(text_plain).get(answer);
    tree.add("/sensors/humidity").rt("humidity").get(answer);
    tree.add("/sensors/{id}/state").get(answer);
    tree.add("/actuators/*").put(answer);
    tree.add("/config").get(answer).put(answer);
    tree.serve(pair.server);
}

/// Results seen by the client, and the flag that lets it stop sending.
struct Tally {
    std::uint64_t good = 0;
    std::uint64_t bad = 0;
    bool stop = false;
};

/// Awaits `make()` after `make()` until told to stop; `check` judges each value.
template <class Make, class Check>
coap::Task<void> await_loop(coap::RemoteEndpoint remote, Make make, Check check, Tally& tally) {
    while (!tally.stop) {
        auto result = co_await remote.send(make());
        ++(result && check(*result) ? tally.good : tally.bad);
    }
}

/// send_with's callback: counts the outcome and sends the next request from
/// inside the callback, until told to stop.
struct CallbackChain {
    const coap::RemoteEndpoint* remote;
    Tally* tally;
    void operator()(coap::Result<coap::Done, coap::Error> result) const {
        ++(result ? tally->good : tally->bad);
        if (!tally->stop) (void)remote->send_with(coap::Request::get(), *this);
    }
};

/// The timed loop shared by the Driver scenarios, once the client's first
/// request is on its way. Before each client.run_once() the response to the last
/// request waits in the client's ring; run_once() takes it in (the client sends
/// the next request) and its wait() runs the server, which answers that one.
void run_rounds(benchmark::State& state, DriverPair& pair, Tally& tally) {
    pair.server.service();
    auto round = [&]() -> bool {
        const std::uint64_t before = tally.good;
        (void)pair.client.run_once();
        pair.clock.now = pair.clock.now + request_step;
        return tally.good == before + 1 && tally.bad == 0;
    };
    for (std::size_t i = 0; i < warmup_requests; ++i) {
        if (!round()) {
            state.SkipWithError("a request failed during the warm-up");
            return;
        }
    }
    const AllocationWindow window;
    for (auto _ : state) {
        if (!round()) {
            state.SkipWithError("a request did not end with its 2.05 response");
            break;
        }
    }
    window.report(state);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    // The request in flight is answered, and the client sends no more.
    tally.stop = true;
    if (!round()) state.SkipWithError("the last request did not end with its 2.05 response");
    if (pair.client.pending_sends() != 0) state.SkipWithError("the client is still sending");
    if (!quiet(pair.client.endpoint().stats()) || !quiet(pair.server.endpoint().stats()))
        state.SkipWithError("retransmissions, duplicates, 5.03 or drops in a lossless run");
}

template <class Make, class Check>
void run_await(benchmark::State& state, Server server, Make make, Check check) {
    coap::ResourceTree tree;
    DriverPair pair;
    serve(pair, server, tree);
    auto remote = pair.client.remote_endpoint(target_uri);
    if (!remote) {
        state.SkipWithError("the target URI does not resolve");
        return;
    }
    Tally tally;
    auto task = await_loop(*remote, make, check, tally);
    task.start();
    run_rounds(state, pair, tally);
    if (!task.done() && !state.error_occurred())
        state.SkipWithError("the coroutine did not finish");
}

void run_callback(benchmark::State& state, Server server) {
    coap::ResourceTree tree;
    DriverPair pair;
    serve(pair, server, tree);
    auto remote = pair.client.remote_endpoint(target_uri);
    if (!remote) {
        state.SkipWithError("the target URI does not resolve");
        return;
    }
    Tally tally;
    (void)remote->send_with(coap::Request::get(), CallbackChain{&*remote, &tally});
    run_rounds(state, pair, tally);
}

constexpr auto con_get = [] { return coap::Request::get(); };
constexpr auto non_get = [] { return coap::Request::get().nonconfirmable(); };
constexpr auto con_get_response = [] { return coap::Request::get().emit_successful_response(); };
constexpr auto any_done = [](const coap::Done&) { return true; };
constexpr auto full_response = [](const coap::OwnedMessage& response) {
    return response.code() == coap::codes::content &&
           response.payload().size() == response_payload.size();
};

}  // namespace

const std::vector<AsyncScenario>& async_scenarios() {
    static const std::vector<AsyncScenario> scenarios = {
        {"raw/con", "", "two Endpoints (EndpointNetwork): CON GET, piggybacked 2.05"},
        {"raw/non", "", "two Endpoints: NON GET, NON 2.05"},
        {"await/con", "raw/con",
         "two Drivers: `co_await remote.send(Request::get())`, handler answers"},
        {"await/non", "raw/non", "the same with `.nonconfirmable()`"},
        {"await/con_emit_response", "raw/con",
         "`.emit_successful_response()`: the value is an OwnedMessage copy of the 2.05"},
        {"await/con_resource_tree", "raw/con",
         "await/con, the server routes through a ResourceTree (5 resources and /.well-known/core)"},
        {"callback/con", "raw/con",
         "`remote.send_with(Request::get(), f)`, f sends the next one from inside itself"},
        {"callback/con_resource_tree", "raw/con", "callback/con against the ResourceTree server"},
    };
    return scenarios;
}

void register_async_benchmarks() {
    benchmark::RegisterBenchmark("raw/con", run_raw, true);
    benchmark::RegisterBenchmark("raw/non", run_raw, false);
    benchmark::RegisterBenchmark("await/con", [](benchmark::State& state) {
        run_await(state, Server::handler, con_get, any_done);
    });
    benchmark::RegisterBenchmark("await/non", [](benchmark::State& state) {
        run_await(state, Server::handler, non_get, any_done);
    });
    benchmark::RegisterBenchmark("await/con_emit_response", [](benchmark::State& state) {
        run_await(state, Server::handler, con_get_response, full_response);
    });
    benchmark::RegisterBenchmark("await/con_resource_tree", [](benchmark::State& state) {
        run_await(state, Server::tree, con_get, any_done);
    });
    benchmark::RegisterBenchmark(
        "callback/con", [](benchmark::State& state) { run_callback(state, Server::handler); });
    benchmark::RegisterBenchmark("callback/con_resource_tree", [](benchmark::State& state) {
        run_callback(state, Server::tree);
    });
}

}  // namespace bench
