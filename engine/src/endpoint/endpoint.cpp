// endpoint.cpp — the public Endpoint API: construction, the poll_* outputs,
// and forwarding of inputs to Endpoint::State. Owns the shared send helpers and
// the Endpoint's one memory block: State first, then every table (arena.hpp).
#include "coap/endpoint.hpp"

#include "endpoint_state.hpp"

#include <algorithm>
#include <new>
#include <utility>

namespace coap {
namespace {

EndpointConfig sanitized(EndpointConfig config) {
    auto& c = config.capacities;
    // Handles carry slot + 1 in their low bits and the slot's generation in the
    // rest (ExchangeTable::handle_of): at most 2^22 slots leaves the generation
    // 9 bits or more. Every table needs at least one slot.
    constexpr std::size_t max_slots = (std::size_t{1} << 22) - 1;
    c.exchanges = std::clamp<std::size_t>(c.exchanges, 1, max_slots);
    c.notifications = std::min<std::size_t>(c.notifications, max_slots - c.exchanges);
    c.recent_notifications = std::min<std::size_t>(c.recent_notifications, std::size_t{1} << 22);
    // Slots are 32-bit, and a hash index has twice as many buckets as entries.
    constexpr std::size_t max_indexed = std::size_t{1} << 30;
    c.dedup_entries = std::clamp<std::size_t>(c.dedup_entries, 1, max_indexed);
    c.peers = std::clamp<std::size_t>(c.peers, 1, max_indexed);
    c.queued_datagrams = std::max<std::size_t>(c.queued_datagrams, 1);
    c.events = std::max<std::size_t>(c.events, 1);
    c.max_message_size = std::clamp<std::size_t>(c.max_message_size, 64, 65507);
    config.token_length = std::clamp<std::uint8_t>(config.token_length, 1, 8);
    if (!config.transmission.valid()) config.transmission = TransmissionParameters{};
    return config;
}

/// The bytes at the start of the block that hold State, rounded up so that the
/// tables carved after it start aligned.
constexpr std::size_t state_room = (sizeof(Endpoint::State) + alignof(std::max_align_t) - 1) /
                                   alignof(std::max_align_t) * alignof(std::max_align_t);

/// Constructs State at the start of `block` and its tables after it.
Endpoint::State* construct_state(const EndpointConfig& config, gsl::span<std::byte> block) {
    detail::Arena arena(block);
    (void)arena.take<std::byte>(state_room);
    return ::new (static_cast<void*>(block.data())) Endpoint::State(config, arena);
}

}  // namespace

Endpoint::State::State(const EndpointConfig& cfg, detail::Arena& arena)
    : config(sanitized(cfg)), prng(config.seed) {
    const auto& c = config.capacities;
    peers.init(arena, c.peers);
    dedup.init(arena, c.dedup_entries, c.stored_reply_bytes);
    exchanges.init(arena, c.exchanges, c.max_message_size, c.notifications);
    recent = arena.take<RecentNotification>(c.recent_notifications);
    recent_index.init(arena, c.recent_notifications);
    transmits.init(arena, c.queued_datagrams, c.max_message_size);
    events.init(arena, c.events, c.max_message_size);
    scratch = arena.take<std::byte>(c.max_message_size);
    amplification.init(arena, c.verified_addresses, config.seed);
    due.reset(arena.take<std::uint32_t>(c.exchanges + c.notifications));
}

bool Endpoint::State::send(const Address& peer, Bytes datagram) {
    if (!transmits.push(peer, datagram)) {
        ++stats.dropped_datagrams;
        return false;
    }
    return true;
}

bool Endpoint::State::send_empty(const Address& peer, MessageType type, std::uint16_t message_id) {
    const std::byte header[4] = {
        std::byte{static_cast<std::uint8_t>(0x40u | (static_cast<unsigned>(type) << 4))},
        std::byte{0}, std::byte{static_cast<std::uint8_t>(message_id >> 8)},
        std::byte{static_cast<std::uint8_t>(message_id)}};
    if (type == MessageType::reset) ++stats.resets_sent;
    if (fault()) {  // as if the transmit queue were full: the peer retransmits
        ++stats.dropped_datagrams;
        return false;
    }
    return send(peer, header);
}

void Endpoint::State::drop_peer_reference(std::uint32_t peer_slot) noexcept {
    if (peer_slot == detail::no_slot) return;
    auto& peer = peers[peer_slot];
    if (peer.references > 0) --peer.references;
}

std::size_t Endpoint::required_memory(const EndpointConfig& config) noexcept {
    detail::Arena counting;
    (void)counting.take<std::byte>(state_room);
    const State measured(config, counting);  // carves nothing, counts every table
    return counting.used();
}

Endpoint::Endpoint(const EndpointConfig& config, gsl::span<std::byte> memory) noexcept {
    Expects(memory.size() >= required_memory(config));
    state_ = construct_state(config, memory);
}

#if !(defined(COAP_EMBEDDED) && COAP_EMBEDDED)
Endpoint::Endpoint(const EndpointConfig& config) {
    const std::size_t size = required_memory(config);
    // Plain operator new: its alignment suffices, and it is the one that
    // allocation counters and custom heaps replace.
    static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= memory_alignment);
    owned_ = static_cast<std::byte*>(::operator new(size));
    state_ = construct_state(config, {owned_, size});
}
#endif

Endpoint::~Endpoint() {
    if (state_ != nullptr) state_->~State();
#if !(defined(COAP_EMBEDDED) && COAP_EMBEDDED)
    if (owned_ != nullptr) ::operator delete(owned_);
#endif
}

Endpoint::Endpoint(Endpoint&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)), owned_(std::exchange(other.owned_, nullptr)) {}

Endpoint& Endpoint::operator=(Endpoint&& other) noexcept {
    if (this != &other) {
        this->~Endpoint();
        state_ = std::exchange(other.state_, nullptr);
        owned_ = std::exchange(other.owned_, nullptr);
    }
    return *this;
}

void Endpoint::handle_datagram(Instant now, const Address& peer,
                               gsl::span<const std::byte> datagram,
                               const ArrivalInfo& arrival) noexcept {
    state_->on_datagram(now, peer, datagram, arrival);
}

void Endpoint::handle_timeout(Instant now) noexcept {
    state_->on_timeout(now);
}

std::optional<Transmit> Endpoint::poll_transmit(gsl::span<std::byte> buffer) noexcept {
    auto& queue = state_->transmits;
    if (queue.empty()) return std::nullopt;
    const auto front = queue.front();
    Expects(buffer.size() >= front.bytes.size());
    std::memcpy(buffer.data(), front.bytes.data(), front.bytes.size());
    Transmit transmit{front.peer, front.bytes.size()};
    queue.pop();
    ++state_->stats.datagrams_sent;
    return transmit;
}

std::size_t Endpoint::next_transmit_size() const noexcept {
    const auto& queue = state_->transmits;
    return queue.empty() ? 0 : queue.front().bytes.size();
}

std::optional<Instant> Endpoint::next_timeout() const noexcept {
    return state_->next_deadline();
}

std::optional<Event> Endpoint::poll_event() noexcept {
    return state_->events.pop();
}

bool Endpoint::wants_poll() const noexcept {
    return !state_->transmits.empty() || state_->events.size() != 0;
}

Result<RequestId, LocalError> Endpoint::send_request(Instant now, const Address& peer,
                                                     const RequestOptions& options,
                                                     MessageBuilder build) noexcept {
    return state_->send_request(now, peer, options, &build, false);
}

Result<RequestId, LocalError> Endpoint::send_request(Instant now, const Address& peer,
                                                     const RequestOptions& options) noexcept {
    return state_->send_request(now, peer, options, nullptr, false);
}

Result<RequestId, LocalError> Endpoint::ping(Instant now, const Address& peer) noexcept {
    RequestOptions options;
    options.method = codes::empty;
    return state_->send_request(now, peer, options, nullptr, true);
}

std::size_t Endpoint::handle_unreachable(Instant now, const Address& peer) noexcept {
    return state_->on_unreachable(now, peer);
}

Result<Done, LocalError> Endpoint::cancel(Instant now, RequestId request) noexcept {
    return state_->cancel(now, request);
}

Result<Done, LocalError> Endpoint::close(Instant now, RequestId request) noexcept {
    return state_->close(now, request);
}

Result<Done, LocalError> Endpoint::send_next(Instant now, RequestId request,
                                             const RequestOptions& options,
                                             MessageBuilder build) noexcept {
    return state_->send_next(now, request, options, build);
}

Result<Done, LocalError> Endpoint::listen(Instant now, RequestId request,
                                          Duration timeout) noexcept {
    return state_->listen(now, request, timeout);
}

std::optional<std::size_t> Endpoint::index_of(RequestId request) const noexcept {
    return state_->exchanges.index_of(request.value);
}

bool Endpoint::is_live(RequestId request) const noexcept {
    return state_->exchanges.slot_of(request.value, true).has_value();
}

gsl::span<const std::byte> Endpoint::token_of(RequestId request) const noexcept {
    const auto slot = state_->exchanges.slot_of(request.value, true);
    if (!slot) return {};
    return state_->exchanges[*slot].token_bytes();
}

Result<Done, LocalError> Endpoint::respond(Instant now, ResponderId responder,
                                           const ResponseOptions& options,
                                           MessageBuilder build) noexcept {
    return state_->respond(now, responder, options, &build);
}

Result<Done, LocalError> Endpoint::respond(Instant now, ResponderId responder,
                                           const ResponseOptions& options) noexcept {
    return state_->respond(now, responder, options, nullptr);
}

Result<NotificationId, LocalError> Endpoint::notify(Instant now, const Address& peer,
                                                    gsl::span<const std::byte> token,
                                                    const NotifyOptions& options,
                                                    MessageBuilder build) noexcept {
    return state_->notify(now, peer, token, options, build);
}

bool Endpoint::notification_in_flight(NotificationId notification) const noexcept {
    return state_->find_notification(notification).has_value();
}

Result<Done, LocalError> Endpoint::acknowledge(Instant now, ResponderId responder) noexcept {
    (void)now;  // the empty ACK goes out now; kept for symmetry with respond()
    return state_->acknowledge(responder);
}

Result<Done, LocalError> Endpoint::release(ResponderId responder) noexcept {
    return state_->release(responder);
}

Result<Done, LocalError> Endpoint::set_peer_parameters(
    const Address& peer, const TransmissionParameters& parameters) noexcept {
    if (!parameters.valid()) return Err{LocalError::invalid_parameters};
    auto& s = *state_;
    auto slot = s.fault() ? std::nullopt
                          : s.peers.find_or_create(peer, Instant{}, s.config.transmission, s.prng);
    if (!slot) return Err{LocalError::peers_full};
    s.peers[*slot].parameters = detail::PackedTransmission::pack(parameters);
    s.peers[*slot].pinned = true;
    return Done{};
}

const EndpointConfig& Endpoint::config() const noexcept {
    return state_->config;
}

EndpointStats Endpoint::stats() const noexcept {
    EndpointStats stats;
    static_cast<EndpointCounters&>(stats) = state_->stats;
    stats.exchanges_in_use = state_->exchanges.in_use();
    stats.notifications_in_flight = state_->exchanges.reserved_in_use();
    stats.dedup_entries_in_use = state_->dedup.in_use();
    stats.replies_evicted = state_->dedup.replies_evicted();
    stats.dedup_evicted_early = state_->dedup.evicted_early();
    stats.peers_in_use = state_->peers.in_use();
    stats.queued_datagrams = state_->transmits.size();
    stats.queued_events = state_->events.size();
    stats.verified_addresses = state_->amplification.in_use();
    return stats;
}

}  // namespace coap
