// endpoint_state.hpp — Endpoint::State: the tables of one Endpoint and the
// operations that connect them. Internal. The message layer (§4) lives in
// receive.cpp and timers.cpp, the client side of §5 in client.cpp, the server
// side in server.cpp; this header lists what each provides.
//
// Rules every function here keeps:
//  - a table never grows: each allocation can fail and every failure has the
//    outcome stated in EndpointCapacities;
//  - an exchange is released exactly once, and a client exchange ends with
//    exactly one terminal event (response, pong, multicast_done or failure);
//  - nothing here reads a clock: `now` is passed down from the public call.
#pragma once

#include "amplification.hpp"
#include "arena.hpp"
#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/prng.hpp"
#include "datagram_queue.hpp"
#include "dedup_cache.hpp"
#include "event_queue.hpp"
#include "exchange_table.hpp"
#include "hash_index.hpp"
#include "peer_table.hpp"

namespace coap {

/// A NON notification remembered for RST matching (RFC 7641 §3.6).
struct RecentNotification {
    Address peer;
    Instant expires{};
    std::uint32_t notification = 0;  ///< 0: unused
    std::uint16_t message_id = 0;
};

struct Endpoint::State {
    /// Carves every table from `arena` (when counting, only measures them).
    State(const EndpointConfig& cfg, detail::Arena& arena);

    EndpointConfig config;
    Prng prng;
    detail::PeerTable peers;
    detail::DedupCache dedup;
    detail::ExchangeTable exchanges;
    detail::DatagramQueue transmits;
    detail::EventQueue events;
    EndpointCounters stats{};
    detail::FixedArray<std::byte> scratch;   ///< one message being built
    detail::FixedVector<std::uint32_t> due;  ///< exchanges whose deadline passed (timers.cpp)
    detail::FixedArray<RecentNotification> recent;  ///< ring of NON notifications (notify.cpp)
    detail::HashIndex recent_index;                 ///< (peer, message ID) → ring entry
    detail::AmplificationGuard amplification;       ///< Echo values, verified addresses
    std::size_t recent_next = 0;
    std::uint32_t next_notification = 1;

    /// Whether the next pool acquisition fails as if its table were full. Test
    /// builds (COBALT_FAULT_INJECTION) count acquisitions and fail a chosen one;
    /// otherwise a constant false that the compiler removes.
#if defined(COBALT_FAULT_INJECTION)
    std::uint64_t acquisitions = 0;
    std::uint64_t fail_at = ~std::uint64_t{0};
    bool fault() noexcept {
        return acquisitions++ == fail_at;
    }
#else
    static constexpr bool fault() noexcept {
        return false;
    }
#endif

    // ---- receive.cpp: the message layer's input side ----
    void on_datagram(Instant now, const Address& peer, Bytes datagram, const ArrivalInfo& arrival);
    void on_malformed(const Address& peer, const ParseError& error, const ArrivalInfo& arrival);
    void on_empty(Instant now, const Address& peer, const MessageView& message,
                  const ArrivalInfo& arrival);

    // ---- server.cpp ----
    /// `parameters`: the peer's transmission parameters (or the endpoint's).
    void on_request(Instant now, const Address& peer, const TransmissionParameters& parameters,
                    const MessageView& request, const ArrivalInfo& arrival);
    /// A message whose (peer, message ID) is in the dedup cache: request or response.
    void on_duplicate(std::uint32_t dedup_slot, const MessageView& message);
    /// Answers a request at the message layer without involving the application
    /// (4.02, 4.13, 5.03), and remembers the answer in `dedup_slot` if given.
    void reply_directly(Instant now, const Address& peer, const MessageView& request, Code code,
                        std::uint32_t dedup_slot, std::string_view diagnostic,
                        std::optional<std::uint32_t> size1, std::optional<std::uint32_t> max_age);
    Result<Done, LocalError> respond(Instant now, ResponderId responder,
                                     const ResponseOptions& options, const MessageBuilder* build);
    /// RFC 9175 §2.4: the source of a request is verified (by the transport, a
    /// valid Echo value, or an earlier one still remembered), or the limit is off.
    bool source_verified(Instant now, const Address& peer, const MessageView& request,
                         const ArrivalInfo& arrival);
    /// Replaces a server exchange's response (`length` bytes in `message`), when
    /// it is over the amplification limit, by a 4.01 with an Echo value (same
    /// type, message ID and token) written over it. Returns the length to send,
    /// or nullopt when the response must not be sent at all (a multicast request's).
    std::optional<std::size_t> limit_amplification(Instant now, std::uint32_t slot,
                                                   gsl::span<std::byte> message,
                                                   std::size_t length);
    Result<Done, LocalError> acknowledge(ResponderId responder);
    Result<Done, LocalError> release(ResponderId responder);
    /// Sends the empty ACK of a server exchange and marks its dedup entry.
    bool send_empty_ack(std::uint32_t slot);
    void server_timeout(Instant now, std::uint32_t slot);
    void release_server(std::uint32_t slot);

    // ---- client.cpp ----
    Result<RequestId, LocalError> send_request(Instant now, const Address& peer,
                                               const RequestOptions& options,
                                               const MessageBuilder* build, bool ping);
    Result<Done, LocalError> cancel(Instant now, RequestId request);
    /// Fails the client exchanges waiting on `peer` (Endpoint::handle_unreachable).
    std::size_t on_unreachable(Instant now, const Address& peer);
    Result<Done, LocalError> close(Instant now, RequestId request);
    Result<Done, LocalError> send_next(Instant now, RequestId request,
                                       const RequestOptions& options, const MessageBuilder& build);
    Result<Done, LocalError> listen(Instant now, RequestId request, Duration timeout);
    /// Releases a client exchange: its NSTART slot, its peer reference, its slot.
    void release_client(Instant now, std::uint32_t slot);
    void on_response(Instant now, const Address& peer, const MessageView& response);
    /// RFC 9175 §2.3: sends the request of a client exchange again with the Echo
    /// value of the 4.01 it got; false when it cannot (the response is reported).
    bool repeat_with_echo(Instant now, std::uint32_t slot, gsl::span<const std::byte> echo);
    /// Puts a client exchange on the wire, or in its peer's NSTART queue.
    void start_client(Instant now, std::uint32_t slot);
    /// The first transmission of a message held by an exchange (client request or
    /// server separate response): assigns a message ID and arms retransmission.
    bool transmit_first(Instant now, std::uint32_t slot);
    void client_timeout(Instant now, std::uint32_t slot);
    /// Ends a client exchange with `event` (whose request id is filled in here).
    bool finish_client(Instant now, std::uint32_t slot, Event event, Bytes message = {});
    /// Frees an NSTART slot of the exchange's peer and starts the next queued request.
    void leave_outstanding(Instant now, std::uint32_t slot);

    // ---- notify.cpp (RFC 7641 §4.2, §4.5) ----
    Result<NotificationId, LocalError> notify(Instant now, const Address& peer,
                                              gsl::span<const std::byte> token,
                                              const NotifyOptions& options,
                                              const MessageBuilder& build);
    /// The slot of the CON notification `id` while it retransmits and nothing
    /// about it is waiting to be reported.
    std::optional<std::uint32_t> find_notification(NotificationId id) const noexcept;
    /// An empty ACK or RST for a CON notification in `slot`.
    void on_notification_reply(Instant now, std::uint32_t slot, bool reset);
    /// An RST that names no exchange: perhaps a recent NON notification.
    void on_unmatched_reset(Instant now, const Address& peer, std::uint16_t message_id);
    void notification_timeout(Instant now, std::uint32_t slot);

    // ---- timers.cpp ----
    void on_timeout(Instant now);
    std::optional<Instant> next_deadline() const noexcept;
    /// Arms the first retransmission timeout: random in [ACK_TIMEOUT, ACK_TIMEOUT ×
    /// ACK_RANDOM_FACTOR] (§4.2).
    void arm_retransmission(Instant now, detail::Exchange& exchange);
    /// Retransmits, or reports that MAX_RETRANSMIT is exhausted (false).
    bool retransmit(Instant now, std::uint32_t slot);

    /// The first critical option this endpoint cannot process: unrecognised by
    /// the registry (check_options) or listed in unsupported_critical_options.
    std::optional<OptionNumber> unprocessable_critical_option(const MessageView& message) const;

    // ---- helpers (endpoint.cpp) ----
    bool send(const Address& peer, Bytes datagram);
    bool send_empty(const Address& peer, MessageType type, std::uint16_t message_id);
    /// A message ID for a response or notification to `peer` (these cannot wait:
    /// a reuse within EXCHANGE_LIFETIME is counted). Requests wait instead: see
    /// start_client().
    std::uint16_t next_message_id(Instant now, detail::Peer& peer) noexcept {
        if (peer.message_ids.available_at(peer.parameters.exchange_lifetime()) > now)
            ++stats.message_ids_reused_early;
        return peer.message_ids.issue(now);
    }
    void drop_peer_reference(std::uint32_t peer_slot) noexcept;
};

}  // namespace coap
