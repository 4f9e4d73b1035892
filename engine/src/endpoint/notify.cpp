// notify.cpp — notifications (RFC 7641 §4.2, §4.5): responses sent outside a
// request's exchange with a fresh message ID. A CON one lives in a notification
// slot of the exchange table and is retransmitted by the message layer (§4.2 of
// RFC 7252) until acknowledged, reset or timed out; a NON one is sent once and
// remembered in a small ring for NON_LIFETIME, so that an RST naming it is
// reported (§3.6). Knows nothing about observers: that is the application's.
#include "endpoint_state.hpp"

#include <cstring>

namespace coap {
namespace {

using detail::ExchangeState;

/// The key of a remembered NON notification: the peer and the message ID it went with.
std::uint64_t recent_hash(const Address& peer, std::uint16_t message_id) {
    return detail::mix_hash(peer.hash(), message_id);
}

LocalError write_error(WriteError error) {
    return error == WriteError::buffer_too_small ? LocalError::message_too_large
                                                 : LocalError::invalid_message;
}

}  // namespace

Result<NotificationId, LocalError> Endpoint::State::notify(Instant now, const Address& peer,
                                                           gsl::span<const std::byte> token,
                                                           const NotifyOptions& options,
                                                           const MessageBuilder& build) {
    if (!options.code.is_response()) return Err{LocalError::invalid_message};
    // A notification answers one observer: never to a group (RFC 7252 §8.2).
    if (token.size() > 8 || peer.is_multicast()) return Err{LocalError::invalid_request};
    if (options.parameters && !options.parameters->valid())
        return Err{LocalError::invalid_parameters};
    if (transmits.full() || fault()) return Err{LocalError::transmit_queue_full};

    std::uint32_t replaced = detail::no_slot;
    if (options.replaces) {
        const auto found = find_notification(*options.replaces);
        if (found && exchanges[*found].peer == peer) replaced = *found;
    }
    const bool confirmable = options.confirmable || replaced != detail::no_slot;

    // Built aside first: a failing builder leaves a replaced message intact.
    MessageWriter writer(scratch,
                         confirmable ? MessageType::confirmable : MessageType::non_confirmable,
                         options.code, 0, token);
    build(writer);
    const auto length = writer.finish();
    if (!length) return Err{write_error(length.error())};

    if (replaced != detail::no_slot) {
        // §4.5.2: the newer state goes now, in place of the older one, which
        // keeps its retransmission counter, timeout and deadline: a client that
        // never answers is given up on after MAX_TRANSMIT_SPAN however often the
        // state changes (restarting the deadline here never let it fail).
        const std::uint32_t slot = replaced;
        detail::Exchange& e = exchanges[slot];
        std::memcpy(exchanges.buffer(slot).data(), scratch.data(), *length);
        e.length = static_cast<std::uint32_t>(*length);
        e.token_length = static_cast<std::uint8_t>(token.size());
        std::memcpy(e.token.data(), token.data(), token.size());
        exchanges.set_message_id(slot, next_message_id(now, peers[e.peer_slot]));
        send(e.peer, exchanges.message(slot));
        exchanges.index_message_id(slot);
        ++stats.notifications_sent;
        return NotificationId{e.notification};
    }

    const auto peer_slot =
        fault() ? std::nullopt : peers.find_or_create(peer, now, config.transmission, prng);
    if (!peer_slot) return Err{LocalError::peers_full};
    const NotificationId id{next_notification};

    if (!confirmable) {
        const std::uint16_t message_id = next_message_id(now, peers[*peer_slot]);
        scratch[2] = std::byte{static_cast<std::uint8_t>(message_id >> 8)};
        scratch[3] = std::byte{static_cast<std::uint8_t>(message_id)};
        send(peer, Bytes{scratch.data(), *length});
        if (!recent.empty()) {
            const auto slot = static_cast<std::uint32_t>(recent_next);
            RecentNotification& entry = recent[slot];
            if (entry.notification != 0) {
                if (now < entry.expires) ++stats.recent_notifications_overwritten;
                recent_index.erase(recent_hash(entry.peer, entry.message_id), slot);
            }
            const TransmissionParameters p = peers[*peer_slot].parameters.unpack();
            entry = RecentNotification{peer, now + p.non_lifetime(), id.value, message_id};
            recent_index.insert(recent_hash(peer, message_id), slot);
            recent_next = (recent_next + 1) % recent.size();
        }
    } else {
        const auto slot = fault() ? std::nullopt : exchanges.allocate(true);
        if (!slot) return Err{LocalError::notifications_full};
        detail::Exchange& e = exchanges[*slot];
        e.peer = peer;
        e.parameters = detail::PackedTransmission::pack(
            options.parameters.value_or(peers[*peer_slot].parameters.unpack()));
        e.client = false;
        e.confirmable = true;
        e.notification = id.value;
        e.token_length = static_cast<std::uint8_t>(token.size());
        std::memcpy(e.token.data(), token.data(), token.size());
        e.started = now;
        e.peer_slot = *peer_slot;
        ++peers[*peer_slot].references;
        std::memcpy(exchanges.buffer(*slot).data(), scratch.data(), *length);
        e.length = static_cast<std::uint32_t>(*length);
        transmit_first(now, *slot);  // the transmit queue has room (checked above)
    }
    ++next_notification;
    if (next_notification == 0) next_notification = 1;
    ++stats.notifications_sent;
    return id;
}

std::optional<std::uint32_t> Endpoint::State::find_notification(NotificationId id) const noexcept {
    if (id.value == 0) return std::nullopt;
    for (std::uint32_t slot = exchanges.reserved_begin(); slot < exchanges.capacity(); ++slot) {
        const detail::Exchange& e = exchanges[slot];
        if (e.state == ExchangeState::notifying && e.notification == id.value && !e.ack_pending &&
            !e.reset_pending)
            return slot;
    }
    return std::nullopt;
}

void Endpoint::State::on_notification_reply(Instant now, std::uint32_t slot, bool reset) {
    detail::Exchange& e = exchanges[slot];
    if (e.ack_pending || e.reset_pending) return;
    Event event{
        .kind = reset ? EventKind::notification_failed : EventKind::notification_acknowledged,
        .notification = NotificationId{e.notification},
        .peer = e.peer,
        .reason = FailureReason::reset};
    if (fault() || !events.push(event)) {
        // No room to report it: stop retransmitting and report on the next
        // timeout, once the application has drained its events.
        if (reset)
            e.reset_pending = true;
        else
            e.ack_pending = true;
        e.retransmissions = e.parameters.max_retransmit;
        exchanges.set_deadline(e, now);
        exchanges.unindex(slot);
        return;
    }
    release_server(slot);
}

void Endpoint::State::on_unmatched_reset(Instant now, const Address& peer,
                                         std::uint16_t message_id) {
    const std::uint64_t hash = recent_hash(peer, message_id);
    const auto slot = recent_index.find(hash, [&](std::uint32_t candidate) {
        const RecentNotification& e = recent[candidate];
        return e.notification != 0 && e.message_id == message_id && e.peer == peer &&
               now < e.expires;
    });
    if (!slot) return;
    RecentNotification& entry = recent[*slot];
    // With the event queue full the RST is not reported; the observer is
    // found gone at its next CON notification.
    if (!fault() && events.push(Event{.kind = EventKind::notification_failed,
                                      .notification = NotificationId{entry.notification},
                                      .peer = peer,
                                      .reason = FailureReason::reset})) {
        entry.notification = 0;
        recent_index.erase(hash, *slot);
    }
}

void Endpoint::State::notification_timeout(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (!e.ack_pending && !e.reset_pending && retransmit(now, slot)) return;
    const Event event{.kind = e.ack_pending ? EventKind::notification_acknowledged
                                            : EventKind::notification_failed,
                      .notification = NotificationId{e.notification},
                      .peer = e.peer,
                      .reason = e.reset_pending ? FailureReason::reset : FailureReason::timeout};
    if (fault() || !events.push(event)) {
        exchanges.set_deadline(e, now);  // retried once the application drains events
        return;
    }
    release_server(slot);
}

}  // namespace coap
