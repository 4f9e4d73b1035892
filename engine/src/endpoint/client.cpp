// client.cpp — the client side of RFC 7252 §5: random tokens (§5.3.1),
// NSTART and PROBING_RATE (§4.7), matching of piggybacked, separate and NON
// responses (§5.3.2), rejection of unexpected or unacceptable responses, ping
// (§4.3) and multicast requests (§8.1), answering Echo challenges (RFC 9175
// §2.3), and the end of every client exchange.
#include "endpoint_state.hpp"

#include <cstring>

namespace coap {
namespace {

using detail::ExchangeState;

using detail::no_slot;

}  // namespace

Result<RequestId, LocalError> Endpoint::State::send_request(Instant now, const Address& peer,
                                                            const RequestOptions& options,
                                                            const MessageBuilder* build,
                                                            bool ping) {
    if (!ping && !options.method.is_request()) return Err{LocalError::invalid_request};
    const bool multicast = options.multicast || peer.is_multicast();
    if (multicast && options.confirmable) return Err{LocalError::invalid_request};
    // §8.1: a multicast group only ever gets NON requests.
    if (peer.is_multicast() && (ping || options.confirmable))
        return Err{LocalError::invalid_request};
    if (options.parameters && !options.parameters->valid())
        return Err{LocalError::invalid_parameters};
    // An explicit token (an observation's re-registration, RFC 7641 §3.3.1) must
    // fit and must not be in use: responses are matched by it.
    if (!options.token.empty() &&
        (ping || options.token.size() > 8 || exchanges.token_in_use(options.token)))
        return Err{LocalError::invalid_request};
    if (options.empty_token &&
        (ping || !options.token.empty() || exchanges.token_in_use(gsl::span<const std::byte>{})))
        return Err{LocalError::invalid_request};
    if (transmits.full() || fault()) return Err{LocalError::transmit_queue_full};

    const auto slot = fault() ? std::nullopt : exchanges.allocate();
    if (!slot) return Err{LocalError::exchanges_full};
    const auto peer_slot =
        fault() ? std::nullopt : peers.find_or_create(peer, now, config.transmission, prng);
    if (!peer_slot) {
        exchanges.release(*slot);
        return Err{LocalError::peers_full};
    }
    detail::Peer& p = peers[*peer_slot];
    ++p.references;

    detail::Exchange& e = exchanges[*slot];
    e.peer = peer;
    e.client = true;
    e.ping = ping;
    e.confirmable = ping || options.confirmable;
    e.multicast = multicast;
    e.parameters =
        detail::PackedTransmission::pack(options.parameters.value_or(p.parameters.unpack()));
    e.peer_slot = *peer_slot;
    e.hold = options.hold;
    e.started = now;
    if (!ping && !options.token.empty()) {
        e.token_length = static_cast<std::uint8_t>(options.token.size());
        std::memcpy(e.token.data(), options.token.data(), options.token.size());
    } else if (options.empty_token) {
        e.token_length = 0;
    } else if (!ping) {
        // §5.3.1: tokens are random and unique among this endpoint's requests.
        // With short tokens and many exchanges every value can be in use: after
        // a bounded number of draws the table counts as full.
        e.token_length = config.token_length;
        int draws = 0;
        do {
            if (++draws > 64) {
                drop_peer_reference(*peer_slot);
                exchanges.release(*slot);
                return Err{LocalError::exchanges_full};
            }
            prng.fill({e.token.data(), e.token_length});
        } while (exchanges.token_in_use(e.token_bytes()));
    }

    MessageWriter writer(exchanges.buffer(*slot),
                         e.confirmable ? MessageType::confirmable : MessageType::non_confirmable,
                         ping ? codes::empty : options.method, 0, e.token_bytes());
    if (build && !ping) (*build)(writer);
    const auto length = writer.finish();
    if (!length) {
        drop_peer_reference(*peer_slot);
        exchanges.release(*slot);
        return Err{length.error() == WriteError::buffer_too_small ? LocalError::message_too_large
                                                                  : LocalError::invalid_message};
    }
    e.length = static_cast<std::uint32_t>(*length);
    if (!ping) exchanges.index_token(*slot);
    const RequestId id{exchanges.handle_of(*slot)};
    start_client(now, *slot);
    return id;
}

void Endpoint::State::start_client(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    detail::Peer& peer = peers[e.peer_slot];
    if (!e.multicast && !e.counts_outstanding) {
        // §4.7: at most NSTART outstanding interactions per peer: a CON not yet
        // acknowledged, or any request whose response is still expected. The
        // rest wait in FIFO order.
        if (peer.outstanding >= peer.parameters.nstart) {
            e.state = ExchangeState::queued;
            exchanges.set_deadline(e, detail::never);
            e.next_queued = no_slot;
            if (peer.queue_tail == no_slot)
                peer.queue_head = slot;
            else
                exchanges[peer.queue_tail].next_queued = slot;
            peer.queue_tail = slot;
            return;
        }
        ++peer.outstanding;
        e.counts_outstanding = true;
    }
    if (!e.confirmable && !e.multicast && !e.paced && peer.unanswered_bytes > 0 &&
        peer.parameters.probing_rate > 0) {
        // §4.7: to a peer that has not answered, NON traffic stays under
        // PROBING_RATE bytes per second on average since the first unanswered
        // byte; requests paced earlier keep their place.
        const auto pace = [&](std::uint32_t bytes) {
            return Duration{static_cast<std::int64_t>(bytes) * 1000 / peer.parameters.probing_rate};
        };
        Instant allowed = peer.unanswered_since + pace(peer.unanswered_bytes);
        if (peer.paced_until > allowed) allowed = peer.paced_until;
        if (allowed > now) {
            e.paced = true;
            e.state = ExchangeState::queued;
            exchanges.set_deadline(e, allowed);
            peer.paced_until = allowed + pace(e.length);
            return;
        }
    }
    // §4.4: no message ID is reused with this peer within EXCHANGE_LIFETIME; when
    // every free one was used more recently, the request waits for the oldest.
    const Instant ids_free = peer.message_ids.available_at(peer.parameters.exchange_lifetime());
    if (ids_free > now) {
        e.state = ExchangeState::queued;
        exchanges.set_deadline(e, ids_free);
        ++stats.message_id_waits;
        return;
    }
    if (!transmit_first(now, slot)) {
        e.state = ExchangeState::queued;
        exchanges.set_deadline(e, now);  // the transmit queue is full: retry on the next timeout
    }
}

bool Endpoint::State::transmit_first(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    detail::Peer& peer = peers[e.peer_slot];
    if (transmits.full()) return false;
    // §4.4: a fresh message ID per message, from the peer's counter.
    exchanges.set_message_id(slot, next_message_id(now, peer));
    send(e.peer, exchanges.message(slot));
    exchanges.index_message_id(slot);
    if (e.confirmable) {
        e.state = e.client              ? ExchangeState::awaiting_ack
                  : e.notification != 0 ? ExchangeState::notifying
                                        : ExchangeState::confirming;
        arm_retransmission(now, e);
        return true;
    }
    if (!e.client) return true;
    if (!e.multicast) {
        if (peer.unanswered_bytes == 0) peer.unanswered_since = now;
        peer.unanswered_bytes += e.length;
    }
    e.state = e.multicast ? ExchangeState::collecting : ExchangeState::awaiting_response;
    exchanges.set_deadline(e, now + (e.multicast ? config.effective_multicast_window()
                                                 : config.effective_non_response_timeout()));
    return true;
}

Result<Done, LocalError> Endpoint::State::cancel(Instant now, RequestId request) {
    const auto slot = exchanges.slot_of(request.value, true);
    if (!slot) return Err{LocalError::stale_handle};
    if (events.full() || fault()) return Err{LocalError::events_full};
    finish_client(now, *slot,
                  Event{.kind = EventKind::exchange_failed, .reason = FailureReason::cancelled});
    return Done{};
}

std::size_t Endpoint::State::on_unreachable(Instant now, const Address& peer) {
    // Collect first (failing one exchange may start queued ones); queued ones
    // go first, so that failing an outstanding one never sends a queued one.
    due.clear();
    for (const bool queued_pass : {true, false}) {
        for (const std::uint32_t slot : exchanges.active()) {
            const detail::Exchange& e = exchanges[slot];
            if (!e.client || e.multicast || !(e.peer == peer)) continue;
            const bool queued = e.state == ExchangeState::queued;
            const bool waiting = e.state == ExchangeState::awaiting_ack ||
                                 e.state == ExchangeState::awaiting_response;
            if (queued_pass ? queued : waiting) due.push_back(slot);
        }
    }
    std::size_t failed = 0;
    for (const std::uint32_t slot : due) {
        if (!finish_client(now, slot,
                           Event{.kind = EventKind::exchange_failed,
                                 .reason = FailureReason::peer_unreachable}))
            break;  // the event queue is full: the rest end by their own timers
        ++failed;
    }
    return failed;
}

void Endpoint::State::on_response(Instant now, const Address& peer, const MessageView& response) {
    const bool piggybacked = response.type() == MessageType::acknowledgement;
    const bool confirmable = response.type() == MessageType::confirmable;
    std::optional<std::uint32_t> slot;
    if (piggybacked) {
        // §5.3.2: an ACK matches by (peer, message ID) and must carry our token.
        slot = exchanges.find_by_message_id(peer, response.message_id());
        if (slot) {
            const detail::Exchange& e = exchanges[*slot];
            if (!e.client || e.ping || e.state != ExchangeState::awaiting_ack ||
                !exchanges.token_matches(*slot, response.token()))
                slot.reset();
        }
        if (!slot) return;  // §4.2: rejecting an ACK means ignoring it
    } else {
        // §4.5: a duplicate CON response is acknowledged again, a duplicate NON
        // one ignored; neither is reported twice.
        if (auto seen = dedup.find(peer, response.message_id(), now)) {
            ++stats.duplicates_received;
            on_duplicate(*seen, response);
            return;
        }
        slot = exchanges.find_by_token(peer, response.token());
        if (slot) {
            const auto state = exchanges[*slot].state;
            if (state != ExchangeState::awaiting_ack && state != ExchangeState::awaiting_response &&
                state != ExchangeState::collecting && state != ExchangeState::held)
                slot.reset();
        }
        if (!slot) {
            // §5.3.2: a CON response nobody asked for is rejected with RST; a NON
            // one is ignored, or rejected with RST too when configured (RFC 7252
            // §4.3 allows both; RFC 7641 §3.6: a forgotten observation is ended
            // by the RST its next notification gets).
            if (confirmable || config.reset_unexpected_non_responses)
                send_empty(peer, MessageType::reset, response.message_id());
            return;
        }
    }

    detail::Exchange& e = exchanges[*slot];
    const bool too_large = response.bytes().size() > config.capacities.max_message_size;
    if (too_large || unprocessable_critical_option(response)) {
        // §5.4.1: a response with an unrecognised critical option is rejected, and so
        // is one larger than this endpoint can hold (it would never fit an event).
        if (confirmable) send_empty(peer, MessageType::reset, response.message_id());
        if (e.multicast) return;
        finish_client(now, *slot,
                      Event{.kind = EventKind::exchange_failed,
                            .peer = peer,
                            .reason = FailureReason::rejected_response});
        return;
    }
    // RFC 9175 §2.3: a 4.01 with an Echo value asks for the request again with
    // that value (the server's amplification limit, or a freshness check); it is
    // answered here, and only the response to the repeated request is reported.
    // Never to a multicast group: the value belongs to the one member that sent it.
    const auto echo = response.echo();
    const bool repeat =
        response.code() == codes::unauthorized && echo && !e.multicast && !e.ping &&
        e.echo_retries < config.echo_retries &&
        (e.state == ExchangeState::awaiting_ack || e.state == ExchangeState::awaiting_response);
    // No room to report it: drop it unacknowledged; the peer sends it again.
    if (!repeat && (events.full() || fault())) return;

    // §5.2.2: acknowledge a separate CON response; remember every separate
    // response so that a duplicate is not reported again.
    if (confirmable) send_empty(peer, MessageType::acknowledgement, response.message_id());
    const Instant expires =
        now + (confirmable ? e.parameters.exchange_lifetime() : e.parameters.non_lifetime());
    // A piggybacked response carries our own message ID, so it is no key into the
    // peer's message IDs: only separate responses are remembered.
    if (!piggybacked) {
        if (auto entry =
                fault() ? std::nullopt : dedup.insert(peer, response.message_id(), now, expires))
            dedup[*entry].reply =
                confirmable ? detail::DedupReply::empty_ack : detail::DedupReply::none;
    }
    if (repeat && repeat_with_echo(now, *slot, *echo)) return;
    if (events.full()) return;  // neither repeated nor reportable now: the exchange waits on
    const Event received{.kind = EventKind::response_received, .peer = peer};
    if (e.multicast || e.hold) {
        Event event = received;
        event.request = RequestId{exchanges.handle_of(*slot)};
        events.push(event, response.bytes());
        if (e.multicast) return;
        // A held exchange waits for the application: send_next, listen or close.
        leave_outstanding(now, *slot);
        detail::Exchange& held = exchanges[*slot];
        held.state = ExchangeState::held;
        exchanges.set_deadline(held, detail::never);
        return;
    }
    finish_client(now, *slot, received, response.bytes());
}

bool Endpoint::State::repeat_with_echo(Instant now, std::uint32_t slot,
                                       gsl::span<const std::byte> echo) {
    // The exchange still holds the request it sent: the same request again, with
    // the Echo option (in place of any earlier one), a fresh message ID once it
    // goes, and the same token (the 4.01 ended the previous request, so no
    // response to it can be confused with the next one's).
    const auto request = MessageView::parse(exchanges.message(slot));
    if (!request) return false;
    MessageWriter writer(scratch, request->type(), request->code(), 0, request->token());
    for (const OptionView& option : request->options())
        if (option.number != OptionNumber::echo) writer.option(option.number, option.value);
    writer.option(OptionNumber::echo, echo);
    if (!request->payload().empty()) writer.payload(request->payload());
    const auto length = writer.finish();
    if (!length) return false;  // no room for the value: the 4.01 is reported
    std::memcpy(exchanges.buffer(slot).data(), scratch.data(), *length);
    leave_outstanding(now, slot);
    detail::Exchange& e = exchanges[slot];
    e.length = static_cast<std::uint32_t>(*length);
    e.started = now;
    e.paced = false;
    ++e.echo_retries;
    ++stats.echo_retries;
    // The old message ID names nothing any more (an RST for it must not end this).
    exchanges.unindex(slot);
    exchanges.index_token(slot);
    start_client(now, slot);
    return true;
}

Result<Done, LocalError> Endpoint::State::close(Instant now, RequestId request) {
    const auto slot = exchanges.slot_of(request.value, true);
    if (!slot) return Err{LocalError::stale_handle};
    release_client(now, *slot);
    return Done{};
}

Result<Done, LocalError> Endpoint::State::send_next(Instant now, RequestId request,
                                                    const RequestOptions& options,
                                                    const MessageBuilder& build) {
    const auto slot = exchanges.slot_of(request.value, true);
    if (!slot) return Err{LocalError::stale_handle};
    detail::Exchange& e = exchanges[*slot];
    const bool open =
        e.state == ExchangeState::held || (e.hold && e.state == ExchangeState::awaiting_response);
    if (!open || e.multicast || e.ping || options.multicast || !options.method.is_request())
        return Err{LocalError::invalid_request};
    if (options.parameters && !options.parameters->valid())
        return Err{LocalError::invalid_parameters};

    MessageWriter writer(
        exchanges.buffer(*slot),
        options.confirmable ? MessageType::confirmable : MessageType::non_confirmable,
        options.method, 0, e.token_bytes());
    build(writer);
    const auto length = writer.finish();
    if (!length)
        return Err{length.error() == WriteError::buffer_too_small ? LocalError::message_too_large
                                                                  : LocalError::invalid_message};
    leave_outstanding(now, *slot);
    detail::Exchange& next = exchanges[*slot];
    next.length = static_cast<std::uint32_t>(*length);
    next.confirmable = options.confirmable;
    next.parameters = detail::PackedTransmission::pack(
        options.parameters.value_or(peers[next.peer_slot].parameters.unpack()));
    next.started = now;
    next.paced = false;
    next.echo_retries = 0;  // a new request: its own Echo challenges (block by block)
    start_client(now, *slot);
    return Done{};
}

Result<Done, LocalError> Endpoint::State::listen(Instant now, RequestId request, Duration timeout) {
    const auto slot = exchanges.slot_of(request.value, true);
    if (!slot) return Err{LocalError::stale_handle};
    detail::Exchange& e = exchanges[*slot];
    if (e.multicast && e.state == ExchangeState::collecting) return Done{};
    if (e.state != ExchangeState::held && e.state != ExchangeState::awaiting_response)
        return Err{LocalError::invalid_request};
    // §4.7: a listener waits for the application, not for an answer to a request
    // in flight; it must not hold the peer's NSTART slot (an endless listen would
    // queue every later request to that peer forever).
    leave_outstanding(now, *slot);
    detail::Exchange& listener = exchanges[*slot];
    listener.state = ExchangeState::awaiting_response;
    // Saturates (Instant arithmetic does): a timeout beyond the end of time means never.
    const Duration wait{timeout.ms > 0 ? timeout.ms : 0};
    exchanges.set_deadline(listener, now + wait);
    return Done{};
}

bool Endpoint::State::finish_client(Instant now, std::uint32_t slot, Event event, Bytes message) {
    detail::Exchange& e = exchanges[slot];
    event.request = RequestId{exchanges.handle_of(slot)};
    if (event.peer.family() == AddressFamily::none) event.peer = e.peer;
    if (!events.push(event, message)) return false;
    release_client(now, slot);
    return true;
}

void Endpoint::State::release_client(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (e.state == ExchangeState::queued && !e.counts_outstanding && !e.multicast) {
        // Still waiting for NSTART: unlink it from the peer's FIFO.
        detail::Peer& peer = peers[e.peer_slot];
        std::uint32_t previous = no_slot;
        for (std::uint32_t s = peer.queue_head; s != no_slot; s = exchanges[s].next_queued) {
            if (s != slot) {
                previous = s;
                continue;
            }
            if (previous == no_slot)
                peer.queue_head = e.next_queued;
            else
                exchanges[previous].next_queued = e.next_queued;
            if (peer.queue_tail == slot) peer.queue_tail = previous;
            break;
        }
    }
    leave_outstanding(now, slot);
    drop_peer_reference(exchanges[slot].peer_slot);
    exchanges.release(slot);
}

void Endpoint::State::leave_outstanding(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (!e.counts_outstanding) return;
    e.counts_outstanding = false;
    detail::Peer& peer = peers[e.peer_slot];
    if (peer.outstanding > 0) --peer.outstanding;
    while (peer.queue_head != no_slot && peer.outstanding < peer.parameters.nstart) {
        const std::uint32_t next = peer.queue_head;
        peer.queue_head = exchanges[next].next_queued;
        if (peer.queue_head == no_slot) peer.queue_tail = no_slot;
        exchanges[next].next_queued = no_slot;
        start_client(now, next);
    }
}

void Endpoint::State::client_timeout(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    switch (e.state) {
        case ExchangeState::queued:
            start_client(now, slot);
            return;
        case ExchangeState::awaiting_ack:
            if (retransmit(now, slot)) return;
            [[fallthrough]];
        case ExchangeState::awaiting_response:
            if (fault() || !finish_client(now, slot,
                                          Event{.kind = EventKind::exchange_failed,
                                                .reason = FailureReason::timeout}))
                exchanges.set_deadline(e, now);  // retried once the application drains events
            return;
        case ExchangeState::collecting:
            if (fault() || !finish_client(now, slot, Event{.kind = EventKind::multicast_done}))
                exchanges.set_deadline(e, now);
            return;
        default:
            return;
    }
}

}  // namespace coap
