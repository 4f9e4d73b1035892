// coap/endpoint_config.hpp — EndpointConfig: every capacity and timing knob of
// an Endpoint. Owns the defaults and their rationale; the Endpoint sizes all of
// its tables from here once, at construction, and never grows them.
#pragma once

#include "coap/time.hpp"
#include "coap/transmission.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace coap {

/// Table sizes. Each full table has a defined outcome, listed per field.
struct EndpointCapacities {
    /// Client requests and server requests in progress, together (with
    /// `notifications`, at most 2^22 − 1). Full: send_request fails with
    /// LocalError::exchanges_full; a new request from a peer gets 5.03. Timers
    /// are a heap and lookups hash indexes, so the cost of a request does not
    /// grow with the number in progress (bench/endpoint_scale_bench).
    std::size_t exchanges = 64;
    /// Remembered (peer, message ID) pairs (§4.5), about 108 bytes each with their
    /// index (replies are kept apart, see stored_reply_bytes). Entries live
    /// EXCHANGE_LIFETIME (CON) or NON_LIFETIME (NON) and are never evicted early: when
    /// every entry is live, a new request gets 5.03 with Max-Age (the time until the
    /// earliest entry expires) instead of risking a second run of a handler.
    /// Consequence of this strictness: the sustained rate of new requests from all
    /// peers together is at most dedup_entries / EXCHANGE_LIFETIME, with the default
    /// parameters 4096 / 247 s ≈ 16.6 CON requests per second (4096 / 145 s ≈ 28 for
    /// NON); beyond that the server answers 5.03 with Max-Age. A client spends an
    /// entry on every separate response it receives.
    std::size_t dedup_entries = 4096;
    /// Bytes of the ring that keeps the replies a duplicate CON request gets again:
    /// piggybacked responses, and the 4.02, 4.13 and 5.03 the endpoint sends on its
    /// own. Each reply takes its length plus 10 bytes; the default keeps about 1000
    /// replies of 50 bytes, over a minute of replies at the 16.6 requests per second
    /// above, longer than the MAX_TRANSMIT_SPAN (45 s) in which a client retransmits.
    /// Full: the oldest stored replies are dropped (EndpointStats::replies_evicted);
    /// a reply larger than the whole ring is not stored (counted the same way). A
    /// duplicate CON whose reply is gone gets no answer and its handler does not run
    /// again (EndpointStats::duplicates_unanswerable): the client retransmits until it
    /// gives up. Zero stores no reply at all.
    std::size_t stored_reply_bytes = 65536;
    /// Peers with state (message ID counter, congestion state, parameters). An idle
    /// peer (no exchange) is evicted, the least recently used of a sample of 16 (so
    /// that a new peer costs O(1), not a scan of the table); when none is idle,
    /// sending to a new peer fails with LocalError::peers_full.
    std::size_t peers = 64;
    /// Datagrams waiting for poll_transmit. Full: a local send fails with
    /// LocalError::transmit_queue_full; an ACK or RST is dropped (the peer retransmits);
    /// a retransmission waits for the next handle_timeout.
    std::size_t queued_datagrams = 32;
    /// Events waiting for poll_event. Full: a new request gets 5.03; a response is
    /// dropped unacknowledged, so that the peer retransmits it (a CON response; a
    /// piggybacked one comes again when the request is retransmitted; a NON one
    /// is lost, and its request ends with exchange_failed(timeout)).
    std::size_t events = 32;
    /// CON notifications (RFC 7641) retransmitting at once, in slots of their own
    /// (as large as an exchange, with a message buffer each) that requests never
    /// take. Full: notify() fails with LocalError::notifications_full (send it NON,
    /// or replace the one in flight for that observer, §4.5.2).
    std::size_t notifications = 16;
    /// NON notifications remembered for NON_LIFETIME, so that an RST naming one is
    /// reported (RFC 7641 §3.6) as notification_failed(reset); 48 bytes each plus
    /// 32-64 bytes of their (peer, message ID) index, which finds one in O(1).
    /// Full: the oldest is forgotten (EndpointStats::recent_notifications_overwritten)
    /// and an RST for it goes unreported; the observer is then found gone at its next
    /// CON notification. Size it to the NON notifications sent in NON_LIFETIME (a
    /// server notifying 100,000 observers wants at least that). Zero remembers
    /// none; at most 2^22.
    std::size_t recent_notifications = 64;
    /// Source addresses remembered as verified (EndpointConfig::amplification_factor),
    /// about 80 bytes each with their index. Full: the address verified longest ago
    /// is forgotten, and is challenged again before its next large response. Zero
    /// remembers none: every large response to an unverified source then needs an
    /// Echo of its own (a client that keeps echoing still gets through).
    std::size_t verified_addresses = 256;
    /// The largest datagram sent or stored, in bytes (§4.6 recommends 1152).
    std::size_t max_message_size = 1152;
};

struct EndpointConfig {
    /// Seeds the PRNG behind tokens, message IDs, timeouts and leisure.
    std::uint64_t seed = 0;
    TransmissionParameters transmission{};
    EndpointCapacities capacities{};
    /// Length of the tokens this endpoint generates (1..8).
    std::uint8_t token_length = 8;
    /// How long a server waits for the application before it sends an empty ACK
    /// and switches a CON request to a separate response. Below ACK_TIMEOUT, so that
    /// the client does not retransmit needlessly.
    Duration empty_ack_delay = milliseconds(500);
    /// A request payload larger than this gets 4.13 with Size1 (§5.9.2.9).
    std::size_t max_request_payload = 1024;
    /// How long a server keeps a request the application has not answered; after it,
    /// the responder is stale. Zero means EXCHANGE_LIFETIME.
    Duration response_deadline{};
    /// How long a client waits for a separate response after an empty ACK. Zero
    /// means EXCHANGE_LIFETIME.
    Duration separate_response_timeout{};
    /// How long a client waits for the response to a NON request. Zero means
    /// MAX_TRANSMIT_WAIT.
    Duration non_response_timeout{};
    /// How long a multicast request collects responses. Zero means DEFAULT_LEISURE
    /// plus ACK_TIMEOUT.
    Duration multicast_response_window{};
    /// Zero (the default): a dedup entry is never reclaimed before it expires, so
    /// a full dedup cache answers 5.03 (EndpointCapacities::dedup_entries). Above
    /// zero: when the cache is full, the entry that expires soonest is reclaimed
    /// for a new request if it was received at least this long ago and is not
    /// still being answered. A duplicate of it arriving later would run its
    /// handler again, so choose an age beyond MAX_TRANSMIT_SPAN (45 s, the last
    /// retransmission) plus the network's worst delay; `cobalt serve` uses 60 s.
    /// The sustained request rate then grows to dedup_entries / this age.
    Duration dedup_eviction_age{};
    /// True (the default): a GET or FETCH keeps its dedup entry, with its stored
    /// piggybacked response, for EXCHANGE_LIFETIME like any request, so a
    /// duplicate gets that response again and the handler runs once. False: the
    /// entry goes as soon as the request is answered — piggybacked, by a NON
    /// response, after a multicast request's leisure, or by the endpoint itself
    /// (4.02, 4.13, 5.03) — as §4.5 allows for requests that are idempotent; a
    /// duplicate arriving later runs the handler again. (A GET answered by a
    /// separate CON response keeps its entry.) Safe methods only (GET, FETCH:
    /// §5.1, RFC 8132 §2): a repeated PUT or DELETE could answer differently
    /// the second time. A busy server then spends dedup entries only on
    /// requests still in progress and on unsafe methods, and when unsafe ones
    /// fill every entry (a flood) a GET or FETCH is served without one, so GETs
    /// are never refused with 5.03 for want of entries (`cobalt serve` sets it
    /// false).
    bool remember_safe_requests = true;
    /// A NON response whose token matches no request is rejected with RST
    /// instead of being ignored (RFC 7252 §4.3 allows either). With it, a server
    /// that sends NON notifications for an observation this client forgot (RFC
    /// 7641 §3.6) learns at the next one, not only at its next CON notification.
    bool reset_unexpected_non_responses = false;
    /// Amplification limit (RFC 7252 §11.3, RFC 9175 §2.4 item 3). A response to a
    /// source address that has not shown it receives what is sent to it may be at
    /// most this many times the request's datagram; a larger one is replaced by a
    /// small 4.01 Unauthorized carrying an Echo option (piggybacked for a CON
    /// request, NON for a NON one, separate if the request was acknowledged
    /// already), and the response built by the application is discarded. A client
    /// that repeats the request with that Echo value verifies its address for
    /// `verified_address_lifetime`, and gets the response. The check runs when
    /// the response is sent, after the handler: a request whose response is
    /// challenged is handled again when it is repeated (harmless for GET and
    /// FETCH; handlers of other methods whose answers are large can read
    /// Event::source_verified first). An address is verified from the start when
    /// the adapter says so (ArrivalInfo::source_verified: a DTLS session). A large
    /// response to a multicast request from an unverified source is not sent at
    /// all (§8.2 allows no error response there; counted in
    /// EndpointStats::amplification_suppressed). Notifications (notify()) are not
    /// checked. Zero disables the limit.
    std::uint32_t amplification_factor = 3;
    /// How long an address stays verified after a request that echoed a valid value.
    Duration verified_address_lifetime = seconds(120);
    /// How long an Echo value this endpoint issued is accepted back. The value
    /// carries its issue time and a keyed hash (SipHash-2-4, with a key drawn from
    /// the seed) of the address it was sent to, so the server keeps no state
    /// per challenge and an off-path attacker cannot make one for a spoofed address.
    Duration echo_lifetime = seconds(60);
    /// Client side: a 4.01 response with an Echo option (RFC 9175 §2.3) is not
    /// reported; the request goes again (a new message ID, the same token) with the
    /// Echo value, at most this many times per request (each send_next() counts
    /// afresh), and the application sees only the response to the last. Zero
    /// reports the 4.01 like any response.
    std::uint8_t echo_retries = 2;
    /// Max-Age, in seconds, of the 5.03 sent when a table is full.
    std::uint32_t busy_max_age = 2;
    /// Critical options that the registry knows but this endpoint does not
    /// implement, so they count as unrecognised (§5.4.1): a request carrying one
    /// gets 4.02, a response carrying one is rejected. By default OSCORE (9),
    /// Q-Block1 (19), EDHOC (21) and Q-Block2 (31); a 0 entry is unused.
    std::array<std::uint16_t, 8> unsupported_critical_options{9, 19, 21, 31};

    Duration effective_response_deadline() const noexcept {
        return response_deadline.ms > 0 ? response_deadline : transmission.exchange_lifetime();
    }
    Duration effective_separate_response_timeout() const noexcept {
        return separate_response_timeout.ms > 0 ? separate_response_timeout
                                                : transmission.exchange_lifetime();
    }
    Duration effective_non_response_timeout() const noexcept {
        return non_response_timeout.ms > 0 ? non_response_timeout
                                           : transmission.max_transmit_wait();
    }
    Duration effective_multicast_window() const noexcept {
        return multicast_response_window.ms > 0
                   ? multicast_response_window
                   : transmission.default_leisure + transmission.ack_timeout;
    }
};

}  // namespace coap
