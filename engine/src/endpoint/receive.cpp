// receive.cpp — the message layer's input side (RFC 7252 §4.2, §4.3): parses
// each datagram, gives malformed ones their reaction, answers pings, routes
// ACK and RST to the exchange they name, and hands requests to server.cpp and
// responses to client.cpp.
#include "endpoint_state.hpp"

namespace coap {

void Endpoint::State::on_datagram(Instant now, const Address& peer, Bytes datagram,
                                  const ArrivalInfo& arrival) {
    ++stats.datagrams_received;
    const auto parsed = MessageView::parse(datagram);
    if (!parsed) {
        on_malformed(peer, parsed.error(), arrival);
        return;
    }
    const MessageView& message = *parsed;

    // Anything well-formed from a peer shows it is alive (§4.7 PROBING_RATE).
    const auto peer_slot = peers.find(peer);
    if (peer_slot) {
        peers[*peer_slot].unanswered_bytes = 0;
        peers[*peer_slot].last_used = now;
    }
    const TransmissionParameters& parameters =
        peer_slot ? peers[*peer_slot].parameters.unpack() : config.transmission;

    // §8: only requests travel to a group; anything else arriving there is
    // ignored (never acknowledged or reset, which would reflect it to the sender).
    if (arrival.multicast && !message.code().is_request()) return;
    if (message.is_empty_message()) {
        on_empty(now, peer, message, arrival);
    } else if (message.code().is_request()) {
        on_request(now, peer, parameters, message, arrival);
    } else if (message.code().is_response()) {
        on_response(now, peer, message);
    } else if (message.type() == MessageType::confirmable && !arrival.multicast) {
        // A code this endpoint cannot use: reject the CON (§4.2). A NON is ignored.
        send_empty(peer, MessageType::reset, message.message_id());
    }
}

void Endpoint::State::on_malformed(const Address& peer, const ParseError& error,
                                   const ArrivalInfo& arrival) {
    ++stats.malformed_received;
    // §4.2: a CON with a message format error is rejected with RST; §4.3: others
    // are ignored. Never RST a multicast datagram (§8.1).
    if (error.header_valid && error.type == MessageType::confirmable && !arrival.multicast)
        send_empty(peer, MessageType::reset, error.message_id);
}

void Endpoint::State::on_empty(Instant now, const Address& peer, const MessageView& message,
                               const ArrivalInfo& arrival) {
    switch (message.type()) {
        case MessageType::confirmable:
            // §4.3: an empty CON is a ping; the answer is RST.
            if (!arrival.multicast) send_empty(peer, MessageType::reset, message.message_id());
            return;
        case MessageType::non_confirmable:
            return;  // rejected by the parser already
        case MessageType::acknowledgement:
        case MessageType::reset:
            break;
    }
    const bool reset = message.type() == MessageType::reset;
    const auto slot = exchanges.find_by_message_id(peer, message.message_id());
    if (!slot) {
        // §4.2: an unmatched ACK or RST is silently ignored, except an RST for a
        // NON notification (RFC 7641 §3.6), which ends its observation.
        if (reset) on_unmatched_reset(now, peer, message.message_id());
        return;
    }
    detail::Exchange& exchange = exchanges[*slot];
    if (exchange.state == detail::ExchangeState::notifying) {
        on_notification_reply(now, *slot, reset);
        return;
    }
    if (exchange.client) {
        if (exchange.ping) {
            if (exchange.state == detail::ExchangeState::awaiting_ack)
                finish_client(now, *slot, Event{.kind = EventKind::pong});
            return;
        }
        if (reset) {
            // §4.2/§4.3: RST cancels the exchange that sent the message it names.
            Event failed{.kind = EventKind::exchange_failed, .reason = FailureReason::reset};
            finish_client(now, *slot, failed);
            return;
        }
        if (exchange.state == detail::ExchangeState::awaiting_ack) {
            // §5.2.2: an empty ACK; the response will come separately. §4.7: a
            // request that has been acknowledged is no longer outstanding, so the
            // next queued request to this peer may go.
            exchange.state = detail::ExchangeState::awaiting_response;
            exchanges.set_deadline(exchange, now + config.effective_separate_response_timeout());
            leave_outstanding(now, *slot);
        }
        return;
    }
    if (exchange.state == detail::ExchangeState::confirming) {
        if (reset &&
            (fault() || !events.push(Event{.kind = EventKind::response_failed,
                                           .responder = ResponderId{exchanges.handle_of(*slot)},
                                           .peer = peer,
                                           .reason = FailureReason::reset}))) {
            // No room to report it: stop retransmitting and report on the next
            // timeout, once the application has drained its events.
            exchange.reset_pending = true;
            exchange.retransmissions = exchange.parameters.max_retransmit;
            exchanges.set_deadline(exchange, now);
            exchanges.unindex(*slot);
            return;
        }
        release_server(*slot);
    }
}

std::optional<OptionNumber> Endpoint::State::unprocessable_critical_option(
    const MessageView& message) const {
    if (const auto issue = check_options(message); issue && issue->critical) return issue->number;
    for (const std::uint16_t number : config.unsupported_critical_options) {
        if (number != 0 && is_critical(OptionNumber{number}) &&
            message.has_option(OptionNumber{number}))
            return OptionNumber{number};
    }
    return std::nullopt;
}

}  // namespace coap
