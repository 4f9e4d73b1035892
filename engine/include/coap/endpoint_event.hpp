// coap/endpoint_event.hpp — what an Endpoint reports to its application:
// handles for requests and responders, events, local errors, and statistics.
// Owns these value types only; the Endpoint produces them.
#pragma once

#include "coap/address.hpp"
#include "coap/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coap {

/// Names one request this endpoint sent (a client exchange). Stale ids are
/// recognised and refused, never confused with a newer exchange.
struct RequestId {
    std::uint32_t value = 0;
    friend constexpr bool operator==(RequestId, RequestId) noexcept = default;
};

/// Names one request this endpoint received and may still answer.
struct ResponderId {
    std::uint32_t value = 0;
    friend constexpr bool operator==(ResponderId, ResponderId) noexcept = default;
};

/// Names one notification (RFC 7641) this endpoint sent: a response outside a
/// request's exchange. Values are issued in increasing order from 1 and never
/// reused (they wrap after 2^32 notifications).
struct NotificationId {
    std::uint32_t value = 0;
    friend constexpr bool operator==(NotificationId, NotificationId) noexcept = default;
};

/// Misuse or exhaustion on the local side; never caused by a peer.
enum class LocalError : std::uint8_t {
    exchanges_full,       ///< every exchange slot is in use
    peers_full,           ///< no peer slot is free and none is idle
    transmit_queue_full,  ///< drain poll_transmit first
    message_too_large,    ///< the message does not fit max_message_size
    invalid_message,      ///< the builder produced a message the writer refused
    stale_handle,         ///< the RequestId or ResponderId is no longer live
    already_answered,     ///< respond() was called twice for one request
    invalid_request,      ///< a request code that is not a method, or a bad type
    invalid_parameters,   ///< TransmissionParameters::valid() is false
    events_full,          ///< drain poll_event first
    notifications_full,   ///< every CON notification slot is in flight
};

std::string_view describe(LocalError error) noexcept;

/// Why a client exchange ended without a (final) response.
enum class FailureReason : std::uint8_t {
    timeout,            ///< no ACK after MAX_RETRANSMIT, or no response in time
    reset,              ///< the peer answered with RST
    cancelled,          ///< the application called cancel()
    rejected_response,  ///< the response carried an unrecognised critical option (§5.4.1)
    peer_unreachable,   ///< the network reported the peer unreachable (ICMP; handle_unreachable)
};

std::string_view describe(FailureReason reason) noexcept;

enum class EventKind : std::uint8_t {
    /// A request arrived: answer it with respond(responder, …) now or later.
    request_received,
    /// A response arrived for `request`. For a multicast request, one per responder.
    response_received,
    /// A ping was answered (RST or empty ACK).
    pong,
    /// A multicast request's response window closed: no more responses follow.
    multicast_done,
    /// `request` ended without a response; see `reason`.
    exchange_failed,
    /// A separate CON response (or an empty ACK-able one) for `responder` was never
    /// acknowledged or was reset.
    response_failed,
    /// A CON notification (`notification`) was acknowledged by its peer.
    notification_acknowledged,
    /// A notification ended badly, see `reason`: reset (an RST matched a CON
    /// notification, or a NON one still remembered; RFC 7641 §3.6) or timeout (a CON
    /// notification was never acknowledged). The observer is gone (§4.5).
    notification_failed,
};

std::string_view describe(EventKind kind) noexcept;

/// One event. `message` views bytes owned by the Endpoint that stay valid until
/// the next call of any non-const member of that Endpoint.
struct Event {
    EventKind kind = EventKind::request_received;
    RequestId request{};
    ResponderId responder{};
    /// notification_acknowledged, notification_failed.
    NotificationId notification{};
    Address peer{};
    MessageView message{};
    FailureReason reason = FailureReason::timeout;
    /// request_received: the request arrived on a multicast address.
    bool multicast = false;
    /// request_received: the source address is verified (an Echo value, the
    /// transport, or the amplification limit is off), so a large response goes
    /// out as it is; otherwise a response over the limit is replaced by a 4.01
    /// challenge and the request is handled again when repeated.
    bool source_verified = false;
};

/// What an Endpoint counts as it runs (each only grows). The Endpoint keeps
/// these and nothing else of EndpointStats: occupancy is read from the tables
/// when stats() is called.
struct EndpointCounters {
    std::uint64_t datagrams_received = 0;
    std::uint64_t datagrams_sent = 0;
    std::uint64_t retransmissions = 0;
    std::uint64_t duplicates_received = 0;
    std::uint64_t malformed_received = 0;
    std::uint64_t resets_sent = 0;
    std::uint64_t busy_responses_sent = 0;  ///< 5.03 because a table was full
    std::uint64_t dropped_datagrams = 0;    ///< ACK/RST not queued, transmit queue full
    /// Duplicate CON requests left unanswered because their stored reply was gone.
    std::uint64_t duplicates_unanswerable = 0;
    std::uint64_t notifications_sent = 0;
    /// NON notifications forgotten before NON_LIFETIME because the ring of recent
    /// ones was full (EndpointCapacities::recent_notifications).
    std::uint64_t recent_notifications_overwritten = 0;
    /// Requests held back because every message ID free for their peer had been
    /// used within EXCHANGE_LIFETIME (§4.4; about 248 messages a second per peer
    /// with the default parameters). They go once a block of IDs is old enough.
    std::uint64_t message_id_waits = 0;
    /// Responses and notifications, which cannot be held back, sent with a message
    /// ID used less than EXCHANGE_LIFETIME before (§4.4 broken, and counted).
    std::uint64_t message_ids_reused_early = 0;
    // ---- the RFC 9175 amplification limit (EndpointConfig::amplification_factor) ----
    /// 4.01 responses with an Echo option sent instead of a response over the limit.
    std::uint64_t echo_challenges_sent = 0;
    /// Requests that echoed a value this endpoint did not issue for that address,
    /// or issued longer than echo_lifetime ago.
    std::uint64_t echo_values_rejected = 0;
    /// Large responses to multicast requests from unverified sources not sent.
    std::uint64_t amplification_suppressed = 0;
    /// Client: requests repeated with the Echo value of a 4.01 response.
    std::uint64_t echo_retries = 0;
};

/// Counters and table occupancy, for tests, benchmarks and operators.
struct EndpointStats : EndpointCounters {
    std::size_t exchanges_in_use = 0;
    std::size_t dedup_entries_in_use = 0;
    std::size_t peers_in_use = 0;
    std::size_t queued_datagrams = 0;
    std::size_t queued_events = 0;
    /// CON notifications retransmitting (EndpointCapacities::notifications).
    std::size_t notifications_in_flight = 0;
    /// Source addresses remembered as verified (EndpointCapacities::verified_addresses).
    std::size_t verified_addresses = 0;
    /// Stored replies dropped from the full reply ring (or too large for it) while
    /// their dedup entry was live (EndpointCapacities::stored_reply_bytes).
    std::uint64_t replies_evicted = 0;
    /// Live dedup entries reclaimed early (EndpointConfig::dedup_eviction_age).
    std::uint64_t dedup_evicted_early = 0;
};

}  // namespace coap
