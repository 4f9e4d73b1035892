// endpoint_properties_test.cpp — rapidcheck properties of the Endpoint over
// random simulated networks (loss 0–60 %, duplication, reordering, jitter,
// several clients and servers, random request mixes, sizes and response
// timing, many seeds):
//   every request ends exactly once (a response, or a timeout no earlier than
//   the RFC bound);
//   a server handler never runs twice for one (peer, message ID) within
//   EXCHANGE_LIFETIME;
//   no response is ever matched to the wrong request;
//   every table stays within its configured capacity, and empties at the end.
#include "coap/endpoint.hpp"
#include "coap/sim/network.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace coap {
namespace {

struct PlannedRequest {
    std::size_t client = 0;
    std::size_t server = 0;
    bool confirmable = true;
    std::size_t payload = 0;
    std::int64_t send_at_ms = 0;
};

struct Scenario {
    std::uint64_t seed = 0;
    int loss_percent = 0;
    int duplicate_percent = 0;
    int reorder_percent = 0;
    int jitter_ms = 0;
    std::size_t clients = 1;
    std::size_t servers = 1;
    /// Per server: 0 answers at once, otherwise after this many ms (a separate response).
    std::vector<int> server_delay_ms;
    std::vector<PlannedRequest> requests;
};

void showValue(const Scenario& s, std::ostream& os) {
    os << "seed " << s.seed << ", loss " << s.loss_percent << "%, duplicate " << s.duplicate_percent
       << "%, reorder " << s.reorder_percent << "%, jitter " << s.jitter_ms << " ms, " << s.clients
       << " clients, " << s.servers << " servers, delays";
    for (const int d : s.server_delay_ms)
        os << ' ' << d;
    os << '\n';
    for (const auto& r : s.requests)
        os << "  client " << r.client << " -> server " << r.server
           << (r.confirmable ? " CON" : " NON") << " payload " << r.payload << " at "
           << r.send_at_ms << " ms\n";
}

rc::Gen<Scenario> gen_scenario() {
    return rc::gen::mapcat(
        rc::gen::tuple(rc::gen::inRange<std::size_t>(1, 4), rc::gen::inRange<std::size_t>(1, 3),
                       rc::gen::inRange<std::size_t>(1, 25)),
        [](const std::tuple<std::size_t, std::size_t, std::size_t>& shape) {
            const auto [clients, servers, count] = shape;
            const auto request = rc::gen::build<PlannedRequest>(
                rc::gen::set(&PlannedRequest::client, rc::gen::inRange<std::size_t>(0, clients)),
                rc::gen::set(&PlannedRequest::server, rc::gen::inRange<std::size_t>(0, servers)),
                rc::gen::set(&PlannedRequest::confirmable,
                             rc::gen::weightedElement<bool>({{3, true}, {1, false}})),
                rc::gen::set(&PlannedRequest::payload, rc::gen::inRange<std::size_t>(0, 700)),
                rc::gen::set(&PlannedRequest::send_at_ms,
                             rc::gen::inRange<std::int64_t>(0, 20000)));
            return rc::gen::build<Scenario>(
                rc::gen::set(&Scenario::seed, rc::gen::arbitrary<std::uint64_t>()),
                rc::gen::set(&Scenario::loss_percent, rc::gen::inRange(0, 61)),
                rc::gen::set(&Scenario::duplicate_percent, rc::gen::inRange(0, 31)),
                rc::gen::set(&Scenario::reorder_percent, rc::gen::inRange(0, 31)),
                rc::gen::set(&Scenario::jitter_ms, rc::gen::inRange(0, 300)),
                rc::gen::set(&Scenario::clients, rc::gen::just(clients)),
                rc::gen::set(&Scenario::servers, rc::gen::just(servers)),
                rc::gen::set(&Scenario::server_delay_ms,
                             rc::gen::container<std::vector<int>>(
                                 servers, rc::gen::weightedElement<int>(
                                              {{2, 0}, {1, 300}, {1, 1500}, {1, 5000}}))),
                rc::gen::set(&Scenario::requests,
                             rc::gen::container<std::vector<PlannedRequest>>(count, request)));
        });
}

constexpr EndpointCapacities small_capacities{
    .exchanges = 12, .dedup_entries = 64, .peers = 6, .queued_datagrams = 16, .events = 8};

struct Outcome {
    int terminal_events = 0;
    bool responded = false;
    bool wrong_response = false;
    Instant sent_at{};
    Instant ended_at{};
    FailureReason reason = FailureReason::timeout;
    bool confirmable = true;
};

std::string text_of(Bytes bytes) {
    std::string s;
    for (const std::byte b : bytes)
        s.push_back(static_cast<char>(b));
    return s;
}

void check_capacities(sim::Network& net, const std::vector<sim::NodeId>& nodes) {
    for (const auto id : nodes) {
        const auto stats = net.endpoint(id).stats();
        RC_ASSERT(stats.exchanges_in_use <= small_capacities.exchanges);
        RC_ASSERT(stats.dedup_entries_in_use <= small_capacities.dedup_entries);
        RC_ASSERT(stats.peers_in_use <= small_capacities.peers);
        RC_ASSERT(stats.queued_datagrams <= small_capacities.queued_datagrams);
        RC_ASSERT(stats.queued_events <= small_capacities.events);
    }
}

RC_GTEST_PROP(EndpointProperties, EveryRequestEndsOnceAndHandlersNeverRunTwice, ()) {
    const Scenario s = *gen_scenario();
    sim::Network net(s.seed);
    net.set_tracing(false);
    net.set_default_link(sim::LinkConditions{
        .delay = milliseconds(20),
        .jitter = milliseconds(s.jitter_ms),
        .loss = s.loss_percent / 100.0,
        .duplicate = s.duplicate_percent / 100.0,
        .reorder = s.reorder_percent / 100.0,
        .reorder_delay = milliseconds(400),
    });

    std::vector<sim::NodeId> clients, servers, all;
    std::vector<Address> server_addresses;
    for (std::size_t i = 0; i < s.clients; ++i) {
        EndpointConfig config{.seed = s.seed + i + 1, .capacities = small_capacities};
        clients.push_back(net.add_endpoint(
            Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(i + 1)}, 5683), config));
    }
    for (std::size_t i = 0; i < s.servers; ++i) {
        EndpointConfig config{.seed = s.seed + 100 + i, .capacities = small_capacities};
        const auto address = Address::ipv4({10, 0, 1, static_cast<std::uint8_t>(i + 1)}, 5683);
        servers.push_back(net.add_endpoint(address, config));
        server_addresses.push_back(address);
    }
    all = clients;
    all.insert(all.end(), servers.begin(), servers.end());

    // Servers echo the request's query ("n=<index>") and pad to a random size.
    struct Pending {
        Instant due;
        sim::NodeId server;
        ResponderId responder;
        std::string echo;
    };
    std::vector<Pending> pending;
    std::map<std::pair<std::string, std::uint16_t>, std::vector<Instant>> handler_runs;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        const sim::NodeId id = servers[i];
        const int delay = s.server_delay_ms[i];
        net.on_event(id, [&, id, delay](const Event& event) {
            if (event.kind != EventKind::request_received) return;
            const std::string peer{event.peer.text().view()};
            handler_runs[{peer, event.message.message_id()}].push_back(net.now());
            std::string echo;
            for (const auto& o : event.message.uri_query())
                echo = text_of(o.value);
            if (delay == 0) {
                (void)net.endpoint(id).respond(net.now(), event.responder, {},
                                               [&](MessageWriter& w) { w.payload(echo); });
            } else {
                pending.push_back({net.now() + milliseconds(delay), id, event.responder, echo});
            }
        });
    }

    std::map<std::pair<std::size_t, std::uint32_t>, std::size_t> id_to_request;  // (client, id)
    std::vector<Outcome> outcomes(s.requests.size());
    for (std::size_t c = 0; c < clients.size(); ++c) {
        net.on_event(clients[c], [&, c](const Event& event) {
            const auto found = id_to_request.find({c, event.request.value});
            RC_ASSERT(found != id_to_request.end());
            const std::size_t index = found->second;
            Outcome& o = outcomes[index];
            switch (event.kind) {
                case EventKind::response_received: {
                    ++o.terminal_events;
                    o.responded = true;
                    o.ended_at = net.now();
                    const std::string expected = "n=" + std::to_string(index);
                    if (text_of(event.message.payload()) != expected &&
                        event.message.code() == codes::content)
                        o.wrong_response = true;
                    break;
                }
                case EventKind::exchange_failed:
                    ++o.terminal_events;
                    o.reason = event.reason;
                    o.ended_at = net.now();
                    break;
                default:
                    RC_FAIL("unexpected client event");
            }
        });
    }

    // Send every request at its planned time; answer slow requests when due.
    std::vector<std::size_t> order(s.requests.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return s.requests[a].send_at_ms < s.requests[b].send_at_ms;
    });
    const auto answer_due = [&] {
        for (std::size_t i = 0; i < pending.size();) {
            if (pending[i].due > net.now()) {
                ++i;
                continue;
            }
            const Pending p = pending[i];
            pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
            net.with(p.server, [&](Endpoint& e, Instant now) {
                (void)e.respond(now, p.responder, {}, [&](MessageWriter& w) { w.payload(p.echo); });
            });
        }
    };
    const auto run_to = [&](Instant until, const std::function<bool()>& done) {
        while (net.now() < until && !done()) {
            Instant stop = until;
            for (const auto& p : pending)
                stop = std::min(stop, p.due);
            // Stop early when a server queues a slow answer, so that it is sent on
            // time; jump when the network is idle.
            const std::size_t before = pending.size();
            const bool interrupted =
                net.run_until([&] { return pending.size() != before; }, std::max(stop, net.now()));
            if (!interrupted && net.now() < stop) net.run_for(stop - net.now());
            answer_due();
            check_capacities(net, all);
        }
        answer_due();
    };
    for (const std::size_t index : order) {
        const PlannedRequest& r = s.requests[index];
        run_to(Instant{r.send_at_ms}, [] { return false; });
        const std::string query = "n=" + std::to_string(index);
        const std::string payload(r.payload, 'p');
        RequestOptions options;
        options.method = codes::post;
        options.confirmable = r.confirmable;
        const auto id = net.with(clients[r.client], [&](Endpoint& e, Instant now) {
            return e.send_request(now, server_addresses[r.server], options, [&](MessageWriter& w) {
                w.option(OptionNumber::uri_query, query);
                w.payload(payload);
            });
        });
        if (!id) {
            // A full table is a defined local outcome, never a crash; it is not a request.
            RC_ASSERT(id.error() == LocalError::exchanges_full ||
                      id.error() == LocalError::transmit_queue_full ||
                      id.error() == LocalError::peers_full);
            outcomes[index].terminal_events = 1;
            outcomes[index].responded = true;
            continue;
        }
        id_to_request[{r.client, id->value}] = index;
        outcomes[index].sent_at = net.now();
        outcomes[index].confirmable = r.confirmable;
    }
    // Requests to one peer go one at a time (NSTART 1); each may take up to
    // EXCHANGE_LIFETIME (a lost separate response) plus PROBING_RATE pacing.
    const auto all_ended = [&] {
        for (const Outcome& o : outcomes)
            if (o.terminal_events == 0) return false;
        return true;
    };
    run_to(net.now() + seconds(600) * static_cast<std::int64_t>(s.requests.size()), all_ended);
    // Then long enough for every server-side exchange to end as well.
    run_to(net.now() + seconds(600), [] { return false; });

    const Duration rfc_bound = TransmissionParameters{}.ack_timeout * 31;  // 2 × (2^5 − 1) s
    for (const Outcome& o : outcomes) {
        RC_ASSERT(o.terminal_events == 1);
        RC_ASSERT(!o.wrong_response);
        if (!o.responded && o.reason == FailureReason::timeout && o.confirmable)
            RC_ASSERT(o.ended_at - o.sent_at >= rfc_bound);
    }
    const Duration lifetime = TransmissionParameters{}.exchange_lifetime();
    for (const auto& [key, times] : handler_runs)
        for (std::size_t i = 1; i < times.size(); ++i)
            RC_ASSERT(times[i] - times[i - 1] > lifetime);
    for (const auto id : all)
        RC_ASSERT(net.endpoint(id).stats().exchanges_in_use == 0u);
    std::size_t responded = 0;
    for (const Outcome& o : outcomes)
        responded += o.responded ? 1u : 0u;
    RC_CLASSIFY(s.loss_percent > 30, "loss over 30 %");
    RC_CLASSIFY(s.requests.size() > 12, "over 12 requests");
    RC_CLASSIFY(responded < s.requests.size(), "some requests failed");
}

}  // namespace
}  // namespace coap
