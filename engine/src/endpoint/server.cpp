// server.cpp — the server side of RFC 7252 §5: deduplication of requests
// (§4.5), the reactions the message layer gives on its own (4.02, 4.13, 5.03),
// piggybacked, separate and NON responses (§5.2), multicast requests (§8.2:
// leisure, no RST, no error responses), and the amplification limit (§11.3,
// RFC 9175 §2.4: 4.01 with Echo instead of a large response to an unverified
// source).
#include "endpoint_state.hpp"

#include <cstring>

namespace coap {
namespace {

using detail::ExchangeState;

using detail::no_slot;

bool owns_dedup_entry(const detail::DedupCache& dedup, const detail::Exchange& e,
                      std::uint32_t slot) {
    if (e.dedup_slot == no_slot) return false;
    const detail::DedupEntry& entry = dedup[e.dedup_slot];
    return entry.in_use && entry.exchange == slot && entry.message_id == e.request_message_id &&
           entry.peer == e.peer;
}

/// Writes "what N" into `out` without stdio.
std::string_view option_diagnostic(gsl::span<char> out, std::uint16_t number) {
    constexpr std::string_view prefix = "unrecognized critical option ";
    std::size_t n = 0;
    for (const char c : prefix)
        out[n++] = c;
    char digits[5];
    int count = 0;
    do {
        digits[count++] = static_cast<char>('0' + number % 10);
        number = static_cast<std::uint16_t>(number / 10);
    } while (number != 0);
    while (count > 0)
        out[n++] = digits[--count];
    return {out.data(), n};
}

}  // namespace

void Endpoint::State::on_request(Instant now, const Address& peer,
                                 const TransmissionParameters& parameters,
                                 const MessageView& request, const ArrivalInfo& arrival) {
    const bool confirmable = request.type() == MessageType::confirmable;
    // §8.1: multicast requests are NON; a CON to a group is not answered at all.
    if (arrival.multicast && confirmable) return;
    if (request.type() == MessageType::acknowledgement) return;  // rejected by the parser

    if (auto seen = dedup.find(peer, request.message_id(), now)) {
        ++stats.duplicates_received;
        on_duplicate(*seen, request);
        return;
    }
    // Before anything can refuse the request: a valid Echo verifies the source.
    const bool verified = source_verified(now, peer, request, arrival);

    const Instant expires =
        now + (confirmable ? parameters.exchange_lifetime() : parameters.non_lifetime());
    const auto entry =
        fault() ? std::nullopt
                : dedup.insert(peer, request.message_id(), now, expires,
                               config.dedup_eviction_age.ms > 0
                                   ? std::optional<Instant>(now - config.dedup_eviction_age)
                                   : std::nullopt);
    // A safe request whose entry would go once answered (remember_safe_requests
    // false) is served without one when every entry is live: running its handler
    // again for a duplicate is what that setting already accepts (§4.5), and a
    // flood of unsafe requests from spoofed peers then cannot deny GETs.
    const bool safe = request.code() == codes::get || request.code() == codes::fetch;
    if (!entry && !(safe && !config.remember_safe_requests)) {
        // Every dedup entry is live: answering now could run a handler twice, so
        // the peer is told to come back when the oldest entry expires.
        if (arrival.multicast) return;
        Instant earliest = dedup.earliest_expiry().value_or(now);
        // With early eviction, a place frees once the soonest entry is that old.
        if (config.dedup_eviction_age.ms > 0) {
            const Instant evictable =
                dedup.soonest_received().value_or(now) + config.dedup_eviction_age;
            if (evictable < earliest) earliest = evictable;
        }
        const auto wait = static_cast<std::uint32_t>((earliest - now).ms / 1000 + 1);
        reply_directly(now, peer, request, codes::service_unavailable, no_slot, {}, std::nullopt,
                       wait > config.busy_max_age ? wait : config.busy_max_age);
        return;
    }

    const std::uint32_t entry_slot = entry ? *entry : no_slot;
    if (const auto critical = unprocessable_critical_option(request)) {
        // §5.4.1: an unrecognised critical option in a CON request gets 4.02.
        if (arrival.multicast) return;
        char text[48];
        reply_directly(now, peer, request, codes::bad_option, entry_slot,
                       option_diagnostic(text, to_underlying(*critical)), std::nullopt,
                       std::nullopt);
        return;
    }
    if (request.payload().size() > config.max_request_payload ||
        request.bytes().size() > config.capacities.max_message_size) {
        // §5.9.2.9: 4.13 with Size1 saying what would be acceptable.
        if (arrival.multicast) return;
        reply_directly(now, peer, request, codes::request_entity_too_large, entry_slot, {},
                       static_cast<std::uint32_t>(config.max_request_payload), std::nullopt);
        return;
    }

    const auto slot = events.full() || fault() || fault() ? std::nullopt : exchanges.allocate();
    if (!slot) {
        if (arrival.multicast) {
            if (entry_slot != no_slot) dedup.erase(entry_slot);
            return;
        }
        reply_directly(now, peer, request, codes::service_unavailable, entry_slot, {}, std::nullopt,
                       config.busy_max_age);
        return;
    }
    detail::Exchange& e = exchanges[*slot];
    e.peer = peer;
    e.parameters = detail::PackedTransmission::pack(parameters);
    e.client = false;
    e.confirmable = confirmable;
    e.multicast = arrival.multicast;
    e.request_message_id = request.message_id();
    e.token_length = static_cast<std::uint8_t>(request.token().size());
    std::memcpy(e.token.data(), request.token().data(), e.token_length);
    e.dedup_slot = entry_slot;
    e.forget_when_answered = !config.remember_safe_requests && safe;
    e.started = now;
    e.request_length = static_cast<std::uint32_t>(request.bytes().size());
    e.source_verified = verified;
    e.state = ExchangeState::pending;
    const Duration deadline = config.effective_response_deadline();
    exchanges.set_deadline(
        e, now + (confirmable && config.empty_ack_delay < deadline ? config.empty_ack_delay
                                                                   : deadline));
    if (entry_slot != no_slot) dedup[entry_slot].exchange = *slot;

    events.push(Event{.kind = EventKind::request_received,
                      .responder = ResponderId{exchanges.handle_of(*slot)},
                      .peer = peer,
                      .multicast = arrival.multicast,
                      .source_verified = verified},
                request.bytes());
}

bool Endpoint::State::source_verified(Instant now, const Address& peer, const MessageView& request,
                                      const ArrivalInfo& arrival) {
    if (config.amplification_factor == 0 || arrival.source_verified) return true;
    if (const auto echo = request.find(OptionNumber::echo)) {
        if (amplification.check_echo(peer, echo->value, now, config.echo_lifetime)) {
            amplification.verify(peer, now + config.verified_address_lifetime);
            return true;
        }
        // Forged, stale, or made for another address: the source stays unverified
        // (a large response to it is challenged again, with a fresh value).
        ++stats.echo_values_rejected;
    }
    return amplification.verified(peer, now);
}

std::optional<std::size_t> Endpoint::State::limit_amplification(Instant now, std::uint32_t slot,
                                                                gsl::span<std::byte> message,
                                                                std::size_t length) {
    detail::Exchange& e = exchanges[slot];
    if (e.source_verified || config.amplification_factor == 0) return length;
    if (std::uint64_t{length} <= std::uint64_t{config.amplification_factor} * e.request_length)
        return length;
    // Another request may have verified the address while this one was handled.
    if (amplification.verified(e.peer, now)) return length;
    if (e.multicast) {
        // §8.2: no error response to a multicast request; the response is dropped.
        ++stats.amplification_suppressed;
        return std::nullopt;
    }
    // RFC 9175 §2.4: 4.01 Unauthorized with an Echo value in place of the
    // response, with the response's type, message ID and token; no payload. It
    // is a few bytes longer than the token at most (4 + token + 14).
    const auto type = static_cast<MessageType>((static_cast<std::uint8_t>(message[0]) >> 4) & 3u);
    const auto message_id = static_cast<std::uint16_t>(static_cast<std::uint8_t>(message[2]) << 8 |
                                                       static_cast<std::uint8_t>(message[3]));
    const auto echo = amplification.make_echo(e.peer, now);
    MessageWriter writer(message, type, codes::unauthorized, message_id, e.token_bytes());
    writer.option(OptionNumber::echo, echo);
    const auto challenge = writer.finish();
    if (!challenge) return std::nullopt;  // cannot happen: max_message_size is at least 64
    ++stats.echo_challenges_sent;
    return *challenge;
}

void Endpoint::State::on_duplicate(std::uint32_t dedup_slot, const MessageView& message) {
    // §4.5: a duplicate NON is ignored; a duplicate CON gets the same answer again,
    // and nothing is reported again.
    if (message.type() != MessageType::confirmable) return;
    const detail::DedupEntry& entry = dedup[dedup_slot];
    switch (entry.reply) {
        case detail::DedupReply::stored:
            if (!fault()) send(entry.peer, dedup.stored_reply(dedup_slot));
            return;
        case detail::DedupReply::empty_ack:
            send_empty(entry.peer, MessageType::acknowledgement, entry.message_id);
            return;
        case detail::DedupReply::lost:
            // The stored reply was dropped for room (stored_reply_bytes): the
            // handler must not run twice, so the duplicate goes unanswered.
            ++stats.duplicates_unanswerable;
            return;
        case detail::DedupReply::none:
            break;
    }
    // The application is still working on it: acknowledge now, so that the
    // client stops retransmitting; the response will be separate.
    if (entry.exchange != no_slot && entry.exchange < exchanges.capacity()) {
        const detail::Exchange& e = exchanges[entry.exchange];
        if (e.state == ExchangeState::pending && !e.client &&
            owns_dedup_entry(dedup, e, entry.exchange))
            send_empty_ack(entry.exchange);
    }
}

void Endpoint::State::reply_directly(Instant now, const Address& peer, const MessageView& request,
                                     Code code, std::uint32_t dedup_slot,
                                     std::string_view diagnostic,
                                     std::optional<std::uint32_t> size1,
                                     std::optional<std::uint32_t> max_age) {
    const bool confirmable = request.type() == MessageType::confirmable;
    std::uint16_t message_id = request.message_id();
    if (!confirmable) {
        // §5.2.3: a NON request gets a NON response with a message ID of our own.
        const auto peer_slot =
            fault() ? std::nullopt : peers.find_or_create(peer, now, config.transmission, prng);
        message_id = peer_slot ? next_message_id(now, peers[*peer_slot])
                               : static_cast<std::uint16_t>(prng.next());
    }
    MessageWriter writer(scratch,
                         confirmable ? MessageType::acknowledgement : MessageType::non_confirmable,
                         code, message_id, request.token());
    if (max_age) writer.option_uint(OptionNumber::max_age, *max_age);
    if (size1) writer.option_uint(OptionNumber::size1, *size1);
    if (!diagnostic.empty()) writer.payload(diagnostic);
    const auto length = writer.finish();
    if (!length) return;
    const Bytes reply{scratch.data(), *length};
    if (code == codes::service_unavailable) ++stats.busy_responses_sent;
    if (!fault()) send(peer, reply);
    if (dedup_slot == no_slot) return;
    if (!config.remember_safe_requests &&
        (request.code() == codes::get || request.code() == codes::fetch))
        dedup.erase(dedup_slot);  // a safe request answered: its entry goes back
    else if (confirmable)
        dedup.store_reply(dedup_slot, reply);
}

Result<Done, LocalError> Endpoint::State::respond(Instant now, ResponderId responder,
                                                  const ResponseOptions& options,
                                                  const MessageBuilder* build) {
    const auto found = exchanges.slot_of(responder.value, false);
    if (!found) return Err{LocalError::stale_handle};
    const std::uint32_t slot = *found;
    detail::Exchange& e = exchanges[slot];
    if (e.state != ExchangeState::pending && e.state != ExchangeState::acknowledged)
        return Err{LocalError::already_answered};
    if (!options.code.is_response()) return Err{LocalError::invalid_message};

    if (e.multicast && !options.code.is_success()) {
        // §8.2: no error responses to multicast requests; the request is done.
        release_server(slot);
        return Done{};
    }
    const bool piggybacked = e.confirmable && e.state == ExchangeState::pending;
    MessageType type = MessageType::non_confirmable;
    if (piggybacked)
        type = MessageType::acknowledgement;
    else if (e.confirmable && options.separate_confirmable)
        type = MessageType::confirmable;

    if (!piggybacked && e.peer_slot == no_slot) {
        const auto peer_slot =
            fault() ? std::nullopt : peers.find_or_create(e.peer, now, config.transmission, prng);
        if (!peer_slot) return Err{LocalError::peers_full};
        e.peer_slot = *peer_slot;
        ++peers[*peer_slot].references;
    }
    if ((transmits.full() || fault()) && !e.multicast) return Err{LocalError::transmit_queue_full};

    // A piggybacked response is sent once and never again from the exchange:
    // it is written straight into the transmit queue (duplicates get the copy
    // in the dedup cache).
    const gsl::span<std::byte> target = piggybacked ? transmits.reserve() : exchanges.buffer(slot);
    MessageWriter writer(target, type, options.code,
                         piggybacked ? e.request_message_id : std::uint16_t{0}, e.token_bytes());
    if (build) (*build)(writer);
    const auto length = writer.finish();
    if (!length) {
        return Err{length.error() == WriteError::buffer_too_small ? LocalError::message_too_large
                                                                  : LocalError::invalid_message};
    }
    // The response, or a 4.01 with Echo in its place (the amplification limit).
    const auto sent = limit_amplification(now, slot, target, *length);
    if (!sent) {
        release_server(slot);
        return Done{};
    }

    if (piggybacked) {
        (void)transmits.commit(e.peer, *sent);
        if (owns_dedup_entry(dedup, e, slot)) {
            if (e.forget_when_answered)
                dedup.erase(e.dedup_slot);
            else
                dedup.store_reply(e.dedup_slot, target.first(*sent));
        }
        release_server(slot);
        return Done{};
    }
    e.length = static_cast<std::uint32_t>(*sent);
    if (e.multicast) {
        // §8.2: wait a random leisure before answering a multicast request.
        e.state = ExchangeState::leisure;
        exchanges.set_deadline(e, now + Duration{prng.between(0, e.parameters.default_leisure_ms)});
        return Done{};
    }
    e.confirmable = type == MessageType::confirmable;
    if (!transmit_first(now, slot)) return Err{LocalError::transmit_queue_full};
    if (!e.confirmable) {
        // Answered by a NON response: nothing more will be sent for it.
        if (e.forget_when_answered && owns_dedup_entry(dedup, e, slot)) dedup.erase(e.dedup_slot);
        release_server(slot);
    }
    return Done{};
}

Result<Done, LocalError> Endpoint::State::acknowledge(ResponderId responder) {
    const auto slot = exchanges.slot_of(responder.value, false);
    if (!slot) return Err{LocalError::stale_handle};
    if (exchanges[*slot].state != ExchangeState::pending) return Done{};
    if (!send_empty_ack(*slot)) return Err{LocalError::transmit_queue_full};
    return Done{};
}

Result<Done, LocalError> Endpoint::State::release(ResponderId responder) {
    const auto slot = exchanges.slot_of(responder.value, false);
    if (!slot) return Err{LocalError::stale_handle};
    release_server(*slot);
    return Done{};
}

bool Endpoint::State::send_empty_ack(std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (!e.confirmable || e.state != ExchangeState::pending) {
        if (!e.confirmable && e.state == ExchangeState::pending)
            e.state = ExchangeState::acknowledged;
        return true;
    }
    if (!send_empty(e.peer, MessageType::acknowledgement, e.request_message_id)) return false;
    e.state = ExchangeState::acknowledged;
    exchanges.set_deadline(e, e.started + config.effective_response_deadline());
    if (owns_dedup_entry(dedup, e, slot)) dedup[e.dedup_slot].reply = detail::DedupReply::empty_ack;
    return true;
}

void Endpoint::State::server_timeout(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    switch (e.state) {
        case ExchangeState::pending:
            if (e.confirmable && now < e.started + config.effective_response_deadline()) {
                // §5.2.2: the application is slow; acknowledge and go separate.
                if (!send_empty_ack(slot)) exchanges.set_deadline(e, now);
                return;
            }
            // Nobody answered in time; an empty ACK now would promise a response
            // that will not come, so the request is dropped silently.
            release_server(slot);
            return;
        case ExchangeState::acknowledged:
            release_server(slot);  // the application never answered
            return;
        case ExchangeState::leisure: {
            if (transmits.full() || fault()) return;
            auto& peer = peers[e.peer_slot];
            exchanges.set_message_id(slot, next_message_id(now, peer));
            send(e.peer, exchanges.message(slot));
            if (e.forget_when_answered && owns_dedup_entry(dedup, e, slot))
                dedup.erase(e.dedup_slot);
            release_server(slot);
            return;
        }
        case ExchangeState::confirming:
            if (!retransmit(now, slot)) {
                if (fault() ||
                    !events.push(Event{.kind = EventKind::response_failed,
                                       .responder = ResponderId{exchanges.handle_of(slot)},
                                       .peer = e.peer,
                                       .reason = e.reset_pending ? FailureReason::reset
                                                                 : FailureReason::timeout})) {
                    exchanges.set_deadline(e, now);  // retried once the application drains events
                    return;
                }
                release_server(slot);
            }
            return;
        case ExchangeState::notifying:
            notification_timeout(now, slot);
            return;
        default:
            return;
    }
}

void Endpoint::State::release_server(std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (owns_dedup_entry(dedup, e, slot)) dedup[e.dedup_slot].exchange = no_slot;
    drop_peer_reference(e.peer_slot);
    exchanges.release(slot);
}

}  // namespace coap
