// fuzz/engine/harness_held.cpp — held exchanges (RequestOptions::hold) in the engine
// harness: send_next, listen and close with live, held, stale and made-up ids and the
// errors each may return; index_of and is_live against the model; and the end of a
// run, where every exchange still held is closed or listened to expiry so that the
// endpoints go idle.
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <vector>

namespace engine_fuzz {
namespace {

/// Zero, short, long, negative and huge timeouts, and (last) any value at all.
Duration draw_listen_timeout(Provider& in) {
    static constexpr std::array<std::int64_t, 7> timeouts{
        0, 1, 250, 5000, 100000, std::int64_t{1} << 40, -1000};
    if (in.ConsumeBool()) return Duration{pick(in, timeouts)};
    std::int64_t ms = draw(in, std::numeric_limits<std::int64_t>::min(),
                           std::numeric_limits<std::int64_t>::max());
    // Until the engine saturates now + timeout, keep the deadline far from overflow.
    if (!listen_timeout_saturates) ms %= std::int64_t{1} << 41;
    return Duration{ms};
}

}  // namespace

std::uint32_t Harness::draw_request_id(Node& n) {
    const std::size_t which = draw_index(in_, 5);
    const std::size_t index = draw_index(in_, max_remembered - 1);
    std::uint32_t id = 0;
    if (which == 3) id = in_.ConsumeIntegral<std::uint32_t>();
    std::vector<std::uint32_t> open;
    for (const auto& [live_id, live] : n.live)
        if (live.open) open.push_back(live_id);
    if (which == 1 && !open.empty()) {
        id = open[index % open.size()];
    } else if (which <= 1 && !n.live.empty()) {
        auto it = n.live.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(index % n.live.size()));
        id = it->first;
    } else if (which == 2 && !n.finished.empty()) {
        id = n.finished[index % n.finished.size()];
    } else if (which == 4 && !n.responders.empty()) {
        id = n.responders[index % n.responders.size()].id;
    }
    return id;
}

void Harness::send_next() {
    Node& n = node_at(draw_index(in_, 2));
    const std::uint32_t id = draw_request_id(n);
    Body body;
    const coap::RequestOptions options = draw_request_options(body);
    const std::size_t leak_limit = 7 - n.endpoint.config().capacities.exchanges;
    if (!send_next_reindexes_message_id && n.sent_next >= leak_limit) {
        TRACE("node %zu: send_next %x skipped (message-ID index leak)\n", n.self, id);
        return;
    }
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.send_next(now_, RequestId{id}, options,
                                             [&](MessageWriter& w) { body.write(w); });
    TRACE("node %zu: send_next %x %u.%02u %s%s -> %s\n", n.self, id, options.method.code_class(),
          options.method.detail(), options.confirmable ? "CON" : "NON",
          options.multicast ? " multicast" : "",
          result ? "ok" : coap::describe(result.error()).data());
    const auto it = n.live.find(id);
    if (it == n.live.end()) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        return;
    }
    Live& live = it->second;
    if (!result && result.error() == LocalError::stale_handle) {
        FUZZ_REQUIRE(stats.queued_events > 0);  // its end is queued, unpolled
        return;
    }
    if (options.multicast || !options.method.is_request() || !live.hold || live.multicast ||
        live.ping) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_request);
        return;
    }
    if (!result && result.error() == LocalError::invalid_request) {
        // Still in flight (queued, or a CON not yet acknowledged): not known open.
        FUZZ_REQUIRE(!live.open);
        return;
    }
    if (options.parameters && !options.parameters->valid()) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_parameters);
        return;
    }
    FUZZ_REQUIRE(
        local_error_is(result, {LocalError::message_too_large, LocalError::invalid_message}));
    FUZZ_REQUIRE(n.endpoint.stats().exchanges_in_use == stats.exchanges_in_use);
    FUZZ_REQUIRE(n.endpoint.stats().queued_events == stats.queued_events);
    if (!result) return;
    ++n.sent_next;
    // Re-armed: responses queued until now belong to what came before.
    live.open = false;
    live.listening = false;
    live.rearmed_at = n.events_polled + stats.queued_events;
    live.marker = body.marker.value_or(0);
    live.sent.push_back({live.rearmed_at, live.marker});
}

void Harness::listen() {
    Node& n = node_at(draw_index(in_, 2));
    const std::uint32_t id = draw_request_id(n);
    const Duration timeout = draw_listen_timeout(in_);
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.listen(now_, RequestId{id}, timeout);
    TRACE("node %zu: listen %x for %lld -> %s\n", n.self, id, static_cast<long long>(timeout.ms),
          result ? "ok" : coap::describe(result.error()).data());
    FUZZ_REQUIRE(n.endpoint.stats().queued_events == stats.queued_events);
    const auto it = n.live.find(id);
    if (it == n.live.end()) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        return;
    }
    Live& live = it->second;
    if (!result && result.error() == LocalError::stale_handle) {
        FUZZ_REQUIRE(stats.queued_events > 0);
        return;
    }
    FUZZ_REQUIRE(local_error_is(result, {LocalError::invalid_request}));
    // A ping is only ever waiting for its ACK or RST; an open exchange is held.
    if (live.ping) FUZZ_REQUIRE(!result);
    if (live.open) FUZZ_REQUIRE(result.ok());
    if (result && !live.multicast) live.listening = true;
}

void Harness::close() {
    Node& n = node_at(draw_index(in_, 2));
    const std::uint32_t id = draw_request_id(n);
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.close(now_, RequestId{id});
    TRACE("node %zu: close %x -> %s\n", n.self, id,
          result ? "ok" : coap::describe(result.error()).data());
    const auto after = n.endpoint.stats();
    FUZZ_REQUIRE(after.queued_events == stats.queued_events);  // close() reports nothing
    const auto it = n.live.find(id);
    if (it == n.live.end()) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        return;
    }
    if (!result) {
        FUZZ_REQUIRE(result.error() == LocalError::stale_handle && stats.queued_events > 0);
        return;
    }
    FUZZ_REQUIRE(after.exchanges_in_use + 1 == stats.exchanges_in_use);
    FUZZ_REQUIRE(!n.endpoint.is_live(RequestId{id}));
    n.closed[id] = n.events_polled + after.queued_events;
    finish(n, it);
}

void Harness::query() {
    Node& n = node_at(draw_index(in_, 2));
    const std::uint32_t id = draw_request_id(n);
    const auto index = n.endpoint.index_of(RequestId{id});
    const bool live = n.endpoint.is_live(RequestId{id});
    TRACE("node %zu: query %x -> index %lld, %s\n", n.self, id,
          index ? static_cast<long long>(*index) : -1LL, live ? "live" : "not live");
    if (id == 0) FUZZ_REQUIRE(!index && !live);
    if (index) FUZZ_REQUIRE(*index < n.endpoint.config().capacities.exchanges);
    if (const auto slot = n.slots.find(id); slot != n.slots.end())
        FUZZ_REQUIRE(index && *index == slot->second);
    const bool modelled = n.live.count(id) != 0;
    if (live) FUZZ_REQUIRE(modelled);
    if (modelled && n.endpoint.stats().queued_events == 0) FUZZ_REQUIRE(live);
    if (n.responder_ids.count(id) != 0) FUZZ_REQUIRE(!live);
}

void Harness::check_handles(const Node& n) const {
    const bool drained = n.endpoint.stats().queued_events == 0;
    std::vector<std::size_t> used;
    for (const auto& [id, live] : n.live) {
        const auto index = n.endpoint.index_of(RequestId{id});
        FUZZ_REQUIRE(index && *index == live.index);
        const bool is_live = n.endpoint.is_live(RequestId{id});
        // Not live only once its end is queued, unpolled.
        if (drained) FUZZ_REQUIRE(is_live);
        if (!is_live) continue;
        FUZZ_REQUIRE(std::find(used.begin(), used.end(), *index) == used.end());
        used.push_back(*index);
    }
    for (const std::uint32_t id : n.finished) {
        FUZZ_REQUIRE(!n.endpoint.is_live(RequestId{id}));
        const auto index = n.endpoint.index_of(RequestId{id});
        FUZZ_REQUIRE(index && *index == n.slots.at(id));
    }
    FUZZ_REQUIRE(!n.endpoint.index_of(RequestId{0}));
    FUZZ_REQUIRE(!n.endpoint.is_live(RequestId{0}));
}

bool Harness::release_held() {
    bool changed = false;
    for (Node& n : nodes_) {
        std::vector<std::uint32_t> held;
        for (const auto& [id, live] : n.live) {
            // Nothing in flight and no deadline anywhere: whatever is still live
            // waits for the application, which only a held, answered exchange does,
            // or one listening without end (a timeout too large for the clock; any
            // unicast exchange awaiting a response may be told to listen).
            FUZZ_REQUIRE(!live.multicast && (live.listening || (live.hold && live.open)));
            held.push_back(id);
        }
        for (const std::uint32_t id : held) {
            changed = true;
            const bool by_listen = (released_++ % 2) == 1;
            const auto result = by_listen ? n.endpoint.listen(now_, RequestId{id}, Duration{0})
                                          : n.endpoint.close(now_, RequestId{id});
            TRACE("drain: node %zu %s %x -> %s\n", n.self, by_listen ? "listens to" : "closes", id,
                  result ? "ok" : coap::describe(result.error()).data());
            FUZZ_REQUIRE(result.ok());
            const auto it = n.live.find(id);
            if (by_listen) {
                it->second.listening = true;
            } else {
                n.closed[id] = n.events_polled + n.endpoint.stats().queued_events;
                finish(n, it);
            }
        }
        drain(n.self);
    }
    return changed;
}

}  // namespace engine_fuzz
