// fuzz/engine/harness_api.cpp — the Endpoint API calls the engine harness makes
// (send_request, ping, cancel, respond, acknowledge, release, set_peer_parameters)
// with live, stale and made-up handles, and the errors each call may return. The
// calls on held exchanges are in harness_held.cpp.
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <iterator>

namespace engine_fuzz {

std::size_t Harness::draw_target(Node& n) {
    const std::size_t target = draw_index(in_, address_count - 1);
    n.known[target] = true;
    return target;
}

coap::RequestOptions Harness::draw_request_options(Body& body) {
    coap::RequestOptions options;
    options.method = pick(in_, methods);
    options.confirmable = in_.ConsumeBool();
    options.multicast = in_.ConsumeBool();
    options.hold = in_.ConsumeBool();
    const std::size_t parameter_choice = draw_index(in_, 2);
    if (parameter_choice == 1) options.parameters = draw_parameters(in_);
    if (parameter_choice == 2) options.parameters = fast_parameters();
    body = Body{};
    if (in_.ConsumeBool()) {
        body = draw_body(in_);
        body.marker = next_marker_++;
    }
    return options;
}

void Harness::request() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t target = draw_target(n);
    Body body;
    const coap::RequestOptions options = draw_request_options(body);
    // Without a body the request goes through the builder-less overload, unmarked.
    const bool with_body = body.marker.has_value();
    const auto stats = n.endpoint.stats();
    const auto result = with_body
                            ? n.endpoint.send_request(now_, addresses()[target], options,
                                                      [&](MessageWriter& w) { body.write(w); })
                            : n.endpoint.send_request(now_, addresses()[target], options);
    TRACE("node %zu: request %u.%02u to %zu %s%s%s -> %s %x\n", n.self, options.method.code_class(),
          options.method.detail(), target, options.confirmable ? "CON" : "NON",
          options.multicast ? " multicast" : "", options.hold ? " hold" : "",
          result ? "ok" : coap::describe(result.error()).data(), result ? result->value : 0);
    const bool bad_method = !options.method.is_request();
    const bool bad_type = (options.multicast && options.confirmable) ||
                          (con_to_group_refused && is_group(target) && options.confirmable);
    const bool bad_parameters = options.parameters && !options.parameters->valid();
    if (bad_method || bad_type) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_request);
        return;
    }
    if (bad_parameters) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_parameters);
        return;
    }
    if (is_group(target) && options.confirmable && !con_to_group(n, target, result)) return;
    started(n, stats, result, target, body.marker.value_or(0),
            options.multicast || is_group(target), false, options.hold);
}

void Harness::ping() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t target = draw_target(n);
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.ping(now_, addresses()[target]);
    TRACE("node %zu: ping %zu -> %s %x\n", n.self, target,
          result ? "ok" : coap::describe(result.error()).data(), result ? result->value : 0);
    if (is_group(target) && !con_to_group(n, target, result)) return;
    started(n, stats, result, target, 0, false, true, false);
}

bool Harness::con_to_group(Node& n, std::size_t group,
                           const coap::Result<RequestId, LocalError>& result) {
    if (con_to_group_refused) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_request);
        return false;
    }
    n.tainted[group] = true;
    return true;
}

void Harness::unreachable() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t target = draw_index(in_, address_count - 1);
    const auto before = n.endpoint.stats();
    const std::size_t failed = n.endpoint.handle_unreachable(now_, addresses()[target]);
    const auto after = n.endpoint.stats();
    TRACE("node %zu: unreachable %zu -> %zu failed\n", n.self, target, failed);
    // Each failure releases its exchange and queues exactly its one event.
    FUZZ_REQUIRE(after.exchanges_in_use + failed == before.exchanges_in_use);
    FUZZ_REQUIRE(after.queued_events == before.queued_events + failed);
    std::size_t candidates = 0;
    for (auto& [id, live] : n.live) {
        if (live.multicast || live.peer != target) continue;
        live.unreachable = true;
        ++candidates;
    }
    FUZZ_REQUIRE(failed <= candidates);
}

void Harness::cancel() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t which = draw_index(in_, 4);
    const std::size_t index = draw_index(in_, max_remembered - 1);
    std::uint32_t id = 0;
    if (which == 2) id = in_.ConsumeIntegral<std::uint32_t>();
    if (which == 0 && !n.live.empty()) {
        auto it = n.live.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(index % n.live.size()));
        id = it->first;
    } else if (which == 1 && !n.finished.empty()) {
        id = n.finished[index % n.finished.size()];
    } else if (which == 3 && !n.responders.empty()) {
        id = n.responders[index % n.responders.size()].id;
    }
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.cancel(now_, RequestId{id});
    TRACE("node %zu: cancel %x -> %s\n", n.self, id,
          result ? "ok" : coap::describe(result.error()).data());
    const auto it = n.live.find(id);
    if (it != n.live.end()) {
        // Stale only when its end is already queued, unpolled.
        FUZZ_REQUIRE(local_error_is(result, {LocalError::events_full, LocalError::stale_handle}));
        if (!result && result.error() == LocalError::stale_handle)
            FUZZ_REQUIRE(stats.queued_events > 0);
        if (!result && result.error() == LocalError::events_full)
            FUZZ_REQUIRE(stats.queued_events == n.endpoint.config().capacities.events ||
                         fault_fired(n));
        if (result) {
            it->second.cancelled = true;
            it->second.cancelled_at = n.events_polled + stats.queued_events;
        }
        return;
    }
    if (id == 0 || n.issued.count(id) != 0 || n.responder_ids.count(id) != 0)
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
    if (result) {
        // A made-up id that names a live exchange: it must be one of ours.
        FUZZ_REQUIRE(false);
    }
}

void Harness::respond(Node& n, ResponderId responder, const coap::ResponseOptions& options,
                      const Body& body) {
    const bool empty = !body.marker && body.options.empty() && body.payload.empty();
    const std::size_t unpolled = n.endpoint.stats().queued_events;
    const auto result = empty ? n.endpoint.respond(now_, responder, options)
                              : n.endpoint.respond(now_, responder, options,
                                                   [&](MessageWriter& w) { body.write(w); });
    TRACE("node %zu: respond %x %u.%02u -> %s\n", n.self, responder.value,
          options.code.code_class(), options.code.detail(),
          result ? "ok" : coap::describe(result.error()).data());
    FUZZ_REQUIRE(local_error_is(result, {LocalError::stale_handle, LocalError::already_answered,
                                         LocalError::invalid_message, LocalError::message_too_large,
                                         LocalError::peers_full, LocalError::transmit_queue_full}));
    if (!options.code.is_response()) FUZZ_REQUIRE(!result);
    if (n.issued.count(responder.value) != 0 || responder.value == 0)
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
    if (result) {
        // A guessed id may name a request whose event is still queued, unpolled:
        // the handle is live, so the engine rightly accepts it.
        FUZZ_REQUIRE(n.responder_ids.count(responder.value) == 1 || unpolled > 0);
        FUZZ_REQUIRE(n.answered.insert(responder.value).second);
    }
}

void Harness::answer(Operation op) {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t which = draw_index(in_, 3);
    const std::size_t index = draw_index(in_, max_remembered - 1);
    std::uint32_t id = 0;
    if (which == 2) id = in_.ConsumeIntegral<std::uint32_t>();
    coap::ResponseOptions options;
    Body body;
    if (op == op_respond) {
        options.code = draw_code(in_);
        options.separate_confirmable = in_.ConsumeBool();
        if (in_.ConsumeBool()) body = draw_body(in_);
    }
    std::optional<std::uint32_t> marker;
    if (which == 0 && !n.responders.empty()) {
        const Responder& r = n.responders[n.responders.size() - 1 - index % n.responders.size()];
        id = r.id;
        marker = r.marker;
    } else if (which == 1 && !n.finished.empty()) {
        id = n.finished[index % n.finished.size()];  // a RequestId: wrong kind
    } else if (which == 3 && !n.answered.empty()) {
        auto it = n.answered.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(index % n.answered.size()));
        id = *it;
    }
    const ResponderId responder{id};
    if (op == op_respond) {
        body.marker = marker;
        respond(n, responder, options, body);
        return;
    }
    const std::size_t unpolled = n.endpoint.stats().queued_events;
    const auto result = op == op_acknowledge ? n.endpoint.acknowledge(now_, responder)
                                             : n.endpoint.release(responder);
    TRACE("node %zu: %s %x -> %s\n", n.self, op == op_acknowledge ? "acknowledge" : "release", id,
          result ? "ok" : coap::describe(result.error()).data());
    FUZZ_REQUIRE(
        local_error_is(result, {LocalError::stale_handle, LocalError::transmit_queue_full}));
    if (!result && result.error() == LocalError::transmit_queue_full)
        FUZZ_REQUIRE(op == op_acknowledge);
    if (n.issued.count(id) != 0 || id == 0)
        FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
    if (result) FUZZ_REQUIRE(n.responder_ids.count(id) == 1 || unpolled > 0);
}

void Harness::set_parameters() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t target = draw_target(n);
    const TransmissionParameters parameters = draw_parameters(in_);
    const auto stats = n.endpoint.stats();
    const auto result = n.endpoint.set_peer_parameters(addresses()[target], parameters);
    TRACE("node %zu: set parameters of %zu -> %s\n", n.self, target,
          result ? "ok" : coap::describe(result.error()).data());
    if (!parameters.valid()) {
        FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_parameters);
        return;
    }
    FUZZ_REQUIRE(local_error_is(result, {LocalError::peers_full}));
    if (!result)
        FUZZ_REQUIRE(stats.peers_in_use == n.endpoint.config().capacities.peers || fault_fired(n));
    if (result) n.pinned[target] = parameters;
}

}  // namespace engine_fuzz
