// fuzz/engine/harness_invariants.cpp — the engine harness's bookkeeping checks:
// table occupancy and counters, every event and its view, exactly one terminal event
// per RequestId that was not closed (traced by markers), the responses of held
// exchanges, the events still queued for closed ones, request deduplication,
// responder ids.
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <algorithm>

namespace engine_fuzz {
namespace {

/// The marker of the request sent last before event number `serial` was queued.
std::uint32_t latest_sent_before(const Live& live, std::uint64_t serial) {
    std::uint32_t marker = live.sent.front().marker;
    for (const Live::Sent& s : live.sent)
        if (s.from_event <= serial) marker = s.marker;
    return marker;
}

}  // namespace

void Harness::check(const Node& n) {
    const auto stats = n.endpoint.stats();
    const auto& caps = n.endpoint.config().capacities;
    FUZZ_REQUIRE(stats.exchanges_in_use <= caps.exchanges);
    FUZZ_REQUIRE(stats.dedup_entries_in_use <= caps.dedup_entries);
    FUZZ_REQUIRE(stats.peers_in_use <= caps.peers);
    FUZZ_REQUIRE(stats.queued_datagrams <= caps.queued_datagrams);
    FUZZ_REQUIRE(stats.queued_events <= caps.events);
    FUZZ_REQUIRE(stats.notifications_in_flight <= caps.notifications);
    // Every CON notification holds its slot until its end event is queued.
    FUZZ_REQUIRE(n.notifying.size() <= stats.notifications_in_flight + stats.queued_events);
    FUZZ_REQUIRE(stats.datagrams_received == n.fed);
    FUZZ_REQUIRE(stats.datagrams_sent == n.polled);
    FUZZ_REQUIRE(stats.malformed_received + stats.duplicates_received <= n.fed);
    FUZZ_REQUIRE(stats.duplicates_unanswerable <= stats.duplicates_received);
    FUZZ_REQUIRE(n.endpoint.wants_poll() ==
                 (stats.queued_datagrams != 0 || stats.queued_events != 0));
    // Every live request holds an exchange until its terminal event is queued.
    FUZZ_REQUIRE(n.live.size() <= stats.exchanges_in_use + stats.queued_events);
    check_handles(n);
    if (const char* problem = n.endpoint.check_consistency()) {
        TRACE("node %zu: inconsistent: %s\n", n.self, problem);
        FUZZ_REQUIRE(problem == nullptr);
    }
}

void Harness::started(Node& n, const coap::EndpointStats& stats,
                      const coap::Result<RequestId, LocalError>& result, std::size_t target,
                      std::uint32_t marker, bool multicast, bool is_ping, bool hold) {
    const auto& caps = n.endpoint.config().capacities;
    if (!result) {
        switch (result.error()) {
            case LocalError::exchanges_full:
                FUZZ_REQUIRE(stats.exchanges_in_use == caps.exchanges || fault_fired(n));
                break;
            case LocalError::transmit_queue_full:
                FUZZ_REQUIRE(stats.queued_datagrams == caps.queued_datagrams || fault_fired(n));
                break;
            case LocalError::peers_full:
                FUZZ_REQUIRE(stats.peers_in_use == caps.peers || fault_fired(n));
                break;
            case LocalError::message_too_large:
            case LocalError::invalid_message:
                FUZZ_REQUIRE(!is_ping);
                break;
            default:
                FUZZ_REQUIRE(false);
        }
        FUZZ_REQUIRE(n.endpoint.stats().exchanges_in_use == stats.exchanges_in_use);
        return;
    }
    const std::uint32_t id = result->value;
    FUZZ_REQUIRE(id != 0);
    FUZZ_REQUIRE(n.issued.insert(id).second);  // never reused
    FUZZ_REQUIRE(n.responder_ids.count(id) == 0);
    FUZZ_REQUIRE(n.endpoint.stats().exchanges_in_use == stats.exchanges_in_use + 1);
    // No API call queues a terminal event but cancel(): the new id is live.
    FUZZ_REQUIRE(n.endpoint.is_live(RequestId{id}));
    const auto index = n.endpoint.index_of(RequestId{id});
    FUZZ_REQUIRE(index.has_value() && *index < caps.exchanges);
    n.slots[id] = *index;
    Live live;
    live.peer = target;
    live.marker = marker;
    live.multicast = multicast;
    live.ping = is_ping;
    live.hold = hold;
    live.index = *index;
    live.sent.push_back({0, marker});
    n.live[id] = live;
}

void Harness::finish(Node& n, std::map<std::uint32_t, Live>::iterator it) {
    remember(n.finished, it->first, max_remembered);
    n.live.erase(it);
}

void Harness::on_event(Node& n, const Event& event) {
    const auto peer = address_index(event.peer);
    FUZZ_REQUIRE(peer.has_value());
    FUZZ_REQUIRE(n.known[*peer]);
    TRACE("node %zu event %.*s request %x responder %x peer %zu reason %u\n", n.self,
          static_cast<int>(coap::describe(event.kind).size()), coap::describe(event.kind).data(),
          event.request.value, event.responder.value, *peer, static_cast<unsigned>(event.reason));
    const std::uint64_t serial = n.events_polled++;
    const Bytes message = event.message.bytes();
    FUZZ_REQUIRE(message.size() <= max_message_size(n));
    std::optional<MessageView> view;
    if (!message.empty()) {
        const auto parsed = MessageView::parse(message);
        FUZZ_REQUIRE(parsed.ok());
        FUZZ_REQUIRE(parsed->type() == event.message.type());
        FUZZ_REQUIRE(parsed->code() == event.message.code());
        FUZZ_REQUIRE(cobalt_fuzz::same_bytes(parsed->token(), event.message.token()));
        view = *parsed;
    }

    if (event.kind == EventKind::notification_acknowledged ||
        event.kind == EventKind::notification_failed)
        return on_notification_event(n, event);
    if (event.kind != EventKind::request_received && event.kind != EventKind::response_failed &&
        n.live.count(event.request.value) == 0) {
        // Only what was queued before close() may still arrive for a closed request,
        // and that is never its end: a request whose end is queued cannot be closed.
        const auto it = n.closed.find(event.request.value);
        TRACE("node %zu: the event is for a closed request\n", n.self);
        FUZZ_REQUIRE(it != n.closed.end());
        FUZZ_REQUIRE(serial < it->second);
        FUZZ_REQUIRE(event.kind == EventKind::response_received);
        FUZZ_REQUIRE(view.has_value() && view->code().is_response());
        return;
    }
    switch (event.kind) {
        case EventKind::request_received:
            return on_request(n, event, *peer, view);
        case EventKind::response_received: {
            const auto it = n.live.find(event.request.value);
            FUZZ_REQUIRE(it != n.live.end());
            Live& live = it->second;
            FUZZ_REQUIRE(!live.ping);
            FUZZ_REQUIRE(view.has_value());
            FUZZ_REQUIRE(view->code().is_response());
            FUZZ_REQUIRE(view->type() != MessageType::reset);
            if (!live.multicast) FUZZ_REQUIRE(*peer == live.peer);
            const bool traceable =
                n.endpoint.config().token_length >= 4 && !n.tainted[*peer] && !n.tainted[live.peer];
            if (const auto marker = marker_of(*view); marker && traceable) {
                // A piggybacked response answers the request that was latest when
                // it was queued (its message ID); a separate one may answer any
                // request sent under the token.
                if (view->type() == MessageType::acknowledgement)
                    FUZZ_REQUIRE(*marker == latest_sent_before(live, serial));
                else
                    FUZZ_REQUIRE(
                        std::any_of(live.sent.begin(), live.sent.end(),
                                    [&](const Live::Sent& s) { return s.marker == *marker; }));
            }
            if (!n.tainted[*peer]) FUZZ_REQUIRE(marker_of(*view) != poison_marker);
            if (live.cancelled) FUZZ_REQUIRE(serial < live.cancelled_at);
            if (live.multicast) return;
            if (!live.hold) {
                FUZZ_REQUIRE(!live.cancelled);
                finish(n, it);
                return;
            }
            // Held: queued after the last send_next, it leaves the exchange open.
            if (serial >= live.rearmed_at) {
                live.open = true;
                live.listening = false;
            }
            return;
        }
        case EventKind::pong: {
            const auto it = n.live.find(event.request.value);
            FUZZ_REQUIRE(it != n.live.end());
            FUZZ_REQUIRE(it->second.ping && !it->second.cancelled);
            FUZZ_REQUIRE(*peer == it->second.peer);
            return finish(n, it);
        }
        case EventKind::multicast_done: {
            const auto it = n.live.find(event.request.value);
            FUZZ_REQUIRE(it != n.live.end());
            FUZZ_REQUIRE(it->second.multicast && !it->second.cancelled);
            return finish(n, it);
        }
        case EventKind::exchange_failed: {
            const auto it = n.live.find(event.request.value);
            FUZZ_REQUIRE(it != n.live.end());
            FUZZ_REQUIRE(it->second.cancelled == (event.reason == FailureReason::cancelled));
            if (event.reason == FailureReason::peer_unreachable)
                FUZZ_REQUIRE(it->second.unreachable && !it->second.multicast);
            if (it->second.ping)
                FUZZ_REQUIRE(event.reason == FailureReason::timeout ||
                             event.reason == FailureReason::cancelled ||
                             event.reason == FailureReason::peer_unreachable);
            if (it->second.multicast)
                FUZZ_REQUIRE(event.reason == FailureReason::reset ||
                             event.reason == FailureReason::cancelled);
            if (probes_.count({n.self, event.request.value}) != 0) ++pongs_missing_;
            return finish(n, it);
        }
        case EventKind::response_failed:
            FUZZ_REQUIRE(n.answered.count(event.responder.value) == 1);
            FUZZ_REQUIRE(n.failed.insert(event.responder.value).second);
            FUZZ_REQUIRE(event.reason == FailureReason::timeout ||
                         event.reason == FailureReason::reset);
            return;
        case EventKind::notification_acknowledged:
        case EventKind::notification_failed:
            break;  // handled above
    }
    FUZZ_REQUIRE(false);  // an event kind the harness does not know
}

void Harness::on_request(Node& n, const Event& event, std::size_t peer,
                         const std::optional<MessageView>& view) {
    FUZZ_REQUIRE(event.responder.value != 0);
    FUZZ_REQUIRE(view.has_value());
    FUZZ_REQUIRE(view->code().is_request());
    FUZZ_REQUIRE(view->type() == MessageType::confirmable ||
                 view->type() == MessageType::non_confirmable);
    if (event.multicast) FUZZ_REQUIRE(view->type() == MessageType::non_confirmable);
    FUZZ_REQUIRE(n.responder_ids.insert(event.responder.value).second);
    FUZZ_REQUIRE(n.issued.count(event.responder.value) == 0);
    if (!n.tainted[peer]) {
        // §4.5: within its lifetime a duplicate never reaches the application again.
        // Both instants are bounds: received after quiet_since, polled now.
        const auto key = std::make_pair(peer, view->message_id());
        if (const auto it = n.handled.find(key); it != n.handled.end())
            FUZZ_REQUIRE(now_ >= it->second);
        const bool confirmable = view->type() == MessageType::confirmable;
        const auto lifetime = [&](const TransmissionParameters& p) {
            return confirmable ? p.exchange_lifetime() : p.non_lifetime();
        };
        Duration shortest = lifetime(n.endpoint.config().transmission);
        if (n.pinned[peer]) shortest = std::min(shortest, lifetime(*n.pinned[peer]));
        // A full cache may reclaim an entry this old (EndpointConfig::dedup_eviction_age).
        const Duration eviction = n.endpoint.config().dedup_eviction_age;
        if (eviction.ms > 0) shortest = std::min(shortest, eviction);
        n.handled[key] = n.quiet_since + shortest;
    }
    const Responder responder{event.responder.value, marker_of(*view)};
    remember(n.responders, responder, max_remembered);
    // The view dies with the next call into the endpoint: nothing below reads it.
    switch (n.auto_respond) {
        case AutoRespond::piggyback: {
            Body body;
            body.marker = responder.marker;
            body.payload.assign(3, std::byte{'o'});
            respond(n, ResponderId{responder.id}, coap::ResponseOptions{}, body);
            return;
        }
        case AutoRespond::acknowledge: {
            // Stale when its deadline passed while the event waited (a late drain).
            const auto result = n.endpoint.acknowledge(now_, ResponderId{responder.id});
            FUZZ_REQUIRE(local_error_is(
                result, {LocalError::transmit_queue_full, LocalError::stale_handle}));
            return;
        }
        case AutoRespond::manual:
            return;
    }
}

}  // namespace engine_fuzz
