// coap/endpoint.hpp — Endpoint: one CoAP endpoint, client and server at once,
// as a sans-IO state machine (RFC 7252 §4 message layer, §5 request/response
// layer, §8 multicast). Owns the protocol; never touches a socket, a clock or
// entropy, never throws, and allocates only in its constructor: one block, of
// required_memory(config) bytes, that holds every table. In the embedded
// profile (COAP_EMBEDDED) it never allocates: the caller provides the block.
//
// Driving an Endpoint (the call order):
//   1. Feed input: handle_datagram(now, peer, bytes) for every received
//      datagram, handle_timeout(now) when the timer armed from next_timeout()
//      fires, or an API call (send_request, ping, respond, cancel, …).
//   2. Drain poll_transmit(buffer) until it returns nothing, sending each
//      datagram to the peer it names.
//   3. Read next_timeout() and (re)arm one timer for it (none: disarm).
//   4. Drain poll_event() until it returns nothing, handling each event. Event
//      views stay valid until the next non-const call on the Endpoint. Handling
//      an event may call the API (respond, send_request): go back to step 2.
// `now` must never decrease between calls. Nothing is ever called back, except
// the MessageBuilder passed to the call that takes it, synchronously. Of the API
// calls only cancel() queues an event itself (exchange_failed); send_request,
// ping, respond, acknowledge and notify never do, so a RequestId is always known
// before any event names it.
#pragma once

#include "coap/address.hpp"
#include "coap/code.hpp"
#include "coap/contract.hpp"
#include "coap/endpoint_config.hpp"
#include "coap/endpoint_event.hpp"
#include "coap/function_ref.hpp"
#include "coap/message_type.hpp"
#include "coap/message_writer.hpp"
#include "coap/result.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <cstddef>
#include <optional>

namespace coap {

/// Writes options and payload into a message whose header and token the
/// Endpoint has already written.
using MessageBuilder = FunctionRef<void(MessageWriter&)>;

/// The empty success value of operations that return nothing else.
struct Done {};

/// One datagram to send: `length` bytes at the start of the caller's buffer.
struct Transmit {
    Address peer;
    std::size_t length = 0;
};

/// What an adapter knows about how a datagram arrived.
struct ArrivalInfo {
    /// It was addressed to a multicast group this endpoint joined (§8.2).
    bool multicast = false;
    /// The transport has verified the source address already (a DTLS session
    /// after its handshake): responses to it are not limited by
    /// EndpointConfig::amplification_factor.
    bool source_verified = false;
};

struct RequestOptions {
    Code method = codes::get;
    /// Confirmable (retransmitted until acknowledged) or non-confirmable.
    bool confirmable = true;
    /// Send to a multicast group: NON only, responses collected from every member
    /// until the multicast response window closes.
    bool multicast = false;
    /// Overrides the peer's (or the endpoint's) transmission parameters for this
    /// request only.
    std::optional<TransmissionParameters> parameters{};
    /// Keep the exchange (its slot and token) after each response, until the
    /// application decides: send_next() asks again with the same token, listen()
    /// waits for more responses, close() ends it. Further responses that carry the
    /// token are reported meanwhile. A multicast exchange still ends with
    /// multicast_done when its window closes, unless it was closed earlier.
    bool hold = false;
    /// The token to use (1..8 bytes; the bytes are copied) instead of a random
    /// one: for a request that must carry the token of an earlier exchange, as an
    /// observation's re-registration and deregistration do (RFC 7641 §3.3.1,
    /// §3.6). Empty: a fresh random token. A token longer than 8 bytes, or one
    /// that a live client exchange of this endpoint already uses, is refused
    /// with invalid_request.
    gsl::span<const std::byte> token{};
    /// Send with a zero-length token (§5.3.1 allows it; responses then match by
    /// peer and the empty token). Refused with invalid_request together with
    /// `token`, or while another live request of this endpoint has the empty token.
    bool empty_token = false;
};

struct ResponseOptions {
    Code code = codes::content;
    /// For a separate response (after an empty ACK): send it as CON (retransmitted
    /// until acknowledged) or NON. Ignored for piggybacked and NON-request responses.
    bool separate_confirmable = true;
};

/// How a notification (RFC 7641 §4.2) is sent.
struct NotifyOptions {
    /// 2.xx for a state, 4.xx/5.xx to end the observation (then without Observe).
    Code code = codes::content;
    /// CON: retransmitted until acknowledged, with a notification_acknowledged or
    /// notification_failed event. NON: sent once, remembered a while for RST.
    bool confirmable = false;
    /// Overrides the peer's (or the endpoint's) transmission parameters.
    std::optional<TransmissionParameters> parameters{};
    /// §4.5.2: a CON notification to the same peer still retransmitting is replaced
    /// by this one: the old message is no longer retransmitted (an ACK for it is
    /// ignored), the new one goes now with a fresh message ID and keeps the old
    /// one's retransmission counter and timeout, and keeps its id. Ignored when the
    /// id no longer names a notification in flight to `peer`.
    std::optional<NotificationId> replaces{};
};

class Endpoint {
  public:
    /// The alignment the memory block given to the constructor must have.
    static constexpr std::size_t memory_alignment = alignof(std::max_align_t);
    /// Bytes of the one block that holds this Endpoint's state and every table
    /// sized by `config.capacities` (after clamping, as config() reports them).
    static std::size_t required_memory(const EndpointConfig& config) noexcept;
    /// Lives in `memory`, which must hold required_memory(config) bytes, be
    /// aligned to memory_alignment (a contract violation otherwise) and outlive
    /// the Endpoint. Never allocates: the constructor of the embedded profile.
    Endpoint(const EndpointConfig& config, gsl::span<std::byte> memory) noexcept;
#if !(defined(COAP_EMBEDDED) && COAP_EMBEDDED)
    /// Allocates one block of required_memory(config) bytes for every table.
    explicit Endpoint(const EndpointConfig& config = {});
#endif
    ~Endpoint();
    Endpoint(Endpoint&&) noexcept;
    Endpoint& operator=(Endpoint&&) noexcept;
    Endpoint(const Endpoint&) = delete;
    Endpoint& operator=(const Endpoint&) = delete;

    // ---- inputs ----
    /// One datagram from `peer`. Malformed input gets its RFC reaction (RST for a
    /// CON, silence otherwise) and changes nothing else.
    void handle_datagram(Instant now, const Address& peer, gsl::span<const std::byte> datagram,
                         const ArrivalInfo& arrival = {}) noexcept;
    /// The timer armed from next_timeout() fired (calling it early is harmless).
    void handle_timeout(Instant now) noexcept;
    /// The network reported `peer` unreachable (an ICMP port or host unreachable
    /// for a datagram sent to it). Every unicast client exchange still waiting on
    /// that peer (queued, awaiting an ACK or a response; not held ones, which wait
    /// for the application, nor multicast ones) ends with
    /// exchange_failed(peer_unreachable), queued ones first so that none of them is
    /// sent meanwhile. When the event queue fills up, the rest carry on as if
    /// nothing was reported (their retransmission or timeout still ends them).
    /// Returns how many exchanges failed. Server exchanges are left alone.
    std::size_t handle_unreachable(Instant now, const Address& peer) noexcept;

    // ---- outputs ----
    /// Copies the next datagram into `buffer`, which must hold
    /// config().capacities.max_message_size bytes (the value after clamping).
    std::optional<Transmit> poll_transmit(gsl::span<std::byte> buffer) noexcept;
    /// Bytes of the datagram poll_transmit would give next; 0 when none waits. A
    /// transport that lends room in its send batch asks for exactly this much.
    std::size_t next_transmit_size() const noexcept;
    /// When handle_timeout must be called next; nullopt when nothing is pending.
    std::optional<Instant> next_timeout() const noexcept;
    std::optional<Event> poll_event() noexcept;
    /// True when datagrams or events are waiting to be polled.
    bool wants_poll() const noexcept;

    // ---- client ----
    /// Sends a request; `build` adds options and payload. The response, or the
    /// failure, arrives as an event naming the returned id.
    Result<RequestId, LocalError> send_request(Instant now, const Address& peer,
                                               const RequestOptions& options,
                                               MessageBuilder build) noexcept;
    Result<RequestId, LocalError> send_request(Instant now, const Address& peer,
                                               const RequestOptions& options) noexcept;
    /// CoAP ping (§4.3): an empty CON; a pong event when the peer answers.
    Result<RequestId, LocalError> ping(Instant now, const Address& peer) noexcept;
    /// Stops a request; it ends with exchange_failed(cancelled).
    Result<Done, LocalError> cancel(Instant now, RequestId request) noexcept;
    /// Ends a request without an event: its id is stale afterwards. Events already
    /// queued for it are still delivered.
    Result<Done, LocalError> close(Instant now, RequestId request) noexcept;
    /// A held exchange after a response: sends a new request (fresh message ID,
    /// same token), e.g. for the next block. Not for multicast exchanges
    /// (invalid_request). The exchange is held again after the next response.
    Result<Done, LocalError> send_next(Instant now, RequestId request,
                                       const RequestOptions& options,
                                       MessageBuilder build) noexcept;
    /// A held exchange after a response: keeps matching responses with its token
    /// until `timeout` passes without one (then exchange_failed(timeout)). For a
    /// multicast exchange the window keeps running and `timeout` is ignored.
    Result<Done, LocalError> listen(Instant now, RequestId request, Duration timeout) noexcept;
    /// The index (below config().capacities.exchanges) of the exchange slot the id
    /// names, whether the exchange is still live or not: a key for side tables kept
    /// by the application, which store the id to tell a slot's reuse apart. nullopt
    /// for a value this Endpoint cannot have issued.
    std::optional<std::size_t> index_of(RequestId request) const noexcept;
    /// The request is still in progress (its id is not stale).
    bool is_live(RequestId request) const noexcept;
    /// The token of a live client request (empty for a ping or a stale id). A
    /// view into the Endpoint, valid until its next non-const call.
    gsl::span<const std::byte> token_of(RequestId request) const noexcept;

    // ---- server ----
    /// Answers a received request. Piggybacked in the ACK while the request is
    /// not yet acknowledged; a separate response once an empty ACK went out; a NON
    /// response to a NON request. Error responses to multicast requests are
    /// suppressed (§8.2), and every multicast response waits a random leisure.
    Result<Done, LocalError> respond(Instant now, ResponderId responder,
                                     const ResponseOptions& options, MessageBuilder build) noexcept;
    Result<Done, LocalError> respond(Instant now, ResponderId responder,
                                     const ResponseOptions& options) noexcept;
    /// Sends the empty ACK now (a separate response will follow).
    Result<Done, LocalError> acknowledge(Instant now, ResponderId responder) noexcept;
    /// Forgets a request without answering it.
    Result<Done, LocalError> release(ResponderId responder) noexcept;

    /// Sends a notification (RFC 7641 §4.2): a response with `token` and a fresh
    /// message ID outside any exchange; `build` writes its options (Observe
    /// included, the caller's business) and payload. Errors: invalid_message (not a
    /// response code, or the builder failed), message_too_large, invalid_request (a
    /// token longer than 8 bytes, or a multicast peer), invalid_parameters, notifications_full
    /// (CON), peers_full, transmit_queue_full. Never queues an event itself.
    Result<NotificationId, LocalError> notify(Instant now, const Address& peer,
                                              gsl::span<const std::byte> token,
                                              const NotifyOptions& options,
                                              MessageBuilder build) noexcept;
    /// A CON notification is still retransmitting (its id names it).
    bool notification_in_flight(NotificationId notification) const noexcept;

    // ---- peers ----
    /// Transmission parameters for one peer (pins the peer's state).
    Result<Done, LocalError> set_peer_parameters(const Address& peer,
                                                 const TransmissionParameters& parameters) noexcept;

    // ---- introspection ----
    const EndpointConfig& config() const noexcept;
    EndpointStats stats() const noexcept;
    /// Checks the tables against each other (slots, indexes, timers, peer
    /// references, NSTART counts, dedup links); O(capacity), for tests and
    /// debugging. nullptr when consistent, otherwise what is wrong.
    const char* check_consistency() const noexcept;

#if defined(COBALT_FAULT_INJECTION)
    // ---- test builds only (tests/hardening/exhaustion_test.cpp) ----
    /// Pool acquisitions attempted so far: an exchange, notification, dedup or
    /// peer slot, a place in the event or transmit queue.
    std::uint64_t acquisitions() const noexcept;
    /// Acquisition number `index` (as counted by acquisitions()) fails as if its
    /// table were full.
    void fail_acquisition(std::uint64_t index) noexcept;
#endif

    struct State;

  private:
    State* state_ = nullptr;      ///< at the start of the block
    std::byte* owned_ = nullptr;  ///< the block, when the Endpoint allocated it
};

}  // namespace coap
