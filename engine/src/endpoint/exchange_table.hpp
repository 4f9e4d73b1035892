// exchange_table.hpp — ExchangeTable: every request in progress, sent
// (client) or received (server), with the message it retransmits. Owns slot
// allocation with generation-checked handles and the two lookup indexes of
// RFC 7252: by (peer, message ID) for ACK and RST (§4), and by token for
// responses (§5.3.2; multicast requests match any responding peer).
#pragma once

#include "coap/address.hpp"
#include "coap/time.hpp"
#include "hash_index.hpp"
#include "packed_transmission.hpp"
#include "slot_list.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

namespace coap::detail {

enum class ExchangeState : std::uint8_t {
    unused,
    // client
    queued,             ///< waiting for an NSTART slot or the PROBING_RATE budget
    awaiting_ack,       ///< CON request sent, retransmitting until ACK or RST
    awaiting_response,  ///< NON request sent, or CON request acknowledged empty
    collecting,         ///< multicast request: responses until the window closes
    held,               ///< RequestOptions::hold: answered, waiting for the application
    // server
    pending,       ///< request delivered to the application, nothing sent yet
    acknowledged,  ///< empty ACK sent (CON) or NON request: the response is separate
    leisure,       ///< response built, waiting for its multicast leisure to end
    confirming,    ///< separate CON response sent, retransmitting until ACK or RST
    notifying,     ///< CON notification (RFC 7641) sent, retransmitting until ACK or RST
};

inline constexpr Instant never{INT64_MAX};

/// One slot of the ExchangeTable. Laid out for size (128 bytes on both 32- and
/// 64-bit targets, its message buffer apart): a microcontroller has a handful.
struct Exchange {
    Address peer;
    /// When the timer of this exchange fires. Read freely; written only through
    /// ExchangeTable::set_deadline, which keeps the timer heap in order.
    Instant deadline = never;
    Instant started{};
    Duration timeout{};  ///< the current retransmission interval
    PackedTransmission parameters{};
    std::uint32_t generation = 0;
    std::uint32_t length = 0;  ///< bytes of the message in the buffer
    std::uint32_t peer_slot = no_slot;
    std::uint32_t next_queued = no_slot;
    std::uint32_t dedup_slot = no_slot;    ///< server: the request's dedup entry
    std::uint32_t notification = 0;        ///< notifying: the NotificationId value
    std::uint32_t request_length = 0;      ///< server: bytes of the request's datagram
    std::uint16_t message_id = 0;          ///< of the message this side sent last
    std::uint16_t request_message_id = 0;  ///< server: of the request received
    std::array<std::byte, 8> token{};
    std::uint8_t token_length = 0;
    std::uint8_t retransmissions = 0;
    std::uint8_t echo_retries = 0;  ///< client: requests repeated with an Echo value
    ExchangeState state = ExchangeState::unused;
    bool client : 1 = false;
    bool confirmable : 1 = false;
    bool multicast : 1 = false;
    bool ping : 1 = false;
    bool counts_outstanding : 1 = false;  ///< holds one of the peer's NSTART slots
    bool paced : 1 = false;               ///< a NON held back by PROBING_RATE
    bool hold : 1 = false;                ///< RequestOptions::hold
    bool reset_pending : 1 = false;       ///< server: RST seen, response_failed not yet queued
    bool ack_pending : 1 = false;         ///< notification: ACK seen, its event not yet queued
    /// Server: a safe request (GET, FETCH) whose dedup entry goes once it is
    /// answered (EndpointConfig::remember_safe_requests).
    bool forget_when_answered : 1 = false;
    bool source_verified : 1 = false;  ///< server: no amplification limit applies
    bool indexed_by_message_id : 1 = false;
    bool indexed_by_token : 1 = false;

    gsl::span<const std::byte> token_bytes() const noexcept { return {token.data(), token_length}; }
};

static_assert(sizeof(Exchange) <= 128, "an exchange slot grew: microcontrollers have a handful");

class ExchangeTable {
  public:
    /// `capacity` slots for requests (indexes below it) and `reserved` more after
    /// them for CON notifications, which never take a request's slot or the reverse.
    void init(Arena& arena, std::size_t capacity, std::size_t message_size,
              std::size_t reserved = 0);

    /// A request slot, or with `reserved` a notification slot.
    std::optional<std::uint32_t> allocate(bool reserved = false) noexcept;
    void release(std::uint32_t slot) noexcept;

    Exchange& operator[](std::uint32_t slot) noexcept { return exchanges_[slot]; }
    const Exchange& operator[](std::uint32_t slot) const noexcept { return exchanges_[slot]; }
    gsl::span<std::byte> buffer(std::uint32_t slot) noexcept {
        return {buffers_.data() + slot * message_size_, message_size_};
    }
    gsl::span<const std::byte> message(std::uint32_t slot) const noexcept {
        return {buffers_.data() + slot * message_size_, exchanges_[slot].length};
    }

    /// Handles: slot + 1 in the low index_bits_ bits, the slot's generation in
    /// the others. With slots reused first-in first-out, a stale handle could
    /// only name a newer exchange after 2^(32 − index_bits_) reuses of every slot
    /// (2^25 × 64 allocations at the default capacity).
    std::uint32_t handle_of(std::uint32_t slot) const noexcept {
        return (exchanges_[slot].generation << index_bits_) | (slot + 1);
    }
    /// The live request slot a handle names (never a notification's).
    std::optional<std::uint32_t> slot_of(std::uint32_t handle, bool client) const noexcept;
    /// The slot a handle names, live or not; nullopt when out of range.
    std::optional<std::uint32_t> index_of(std::uint32_t handle) const noexcept {
        const std::uint32_t index = handle & ((std::uint32_t{1} << index_bits_) - 1);
        if (index == 0 || index > requests_) return std::nullopt;
        return index - 1;
    }

    // ---- timers: a binary min-heap of the slots with a deadline ----
    /// Sets the exchange's deadline and its place in the heap (never: out of it).
    /// O(log n).
    void set_deadline(std::uint32_t slot, Instant at) noexcept;
    void set_deadline(const Exchange& e, Instant at) noexcept {
        set_deadline(static_cast<std::uint32_t>(&e - exchanges_.data()), at);
    }
    /// The earliest deadline of any exchange. O(1).
    std::optional<Instant> earliest_deadline() const noexcept {
        if (heap_.empty()) return std::nullopt;
        return exchanges_[heap_[0]].deadline;
    }
    /// Appends every slot whose deadline is at or before `now` (O(k log n)
    /// for k of them: only the heap's nodes at or before `now` are visited).
    void collect_due(Instant now, FixedVector<std::uint32_t>& out) const;

    void index_message_id(std::uint32_t slot) noexcept;
    void index_token(std::uint32_t slot) noexcept;
    void unindex(std::uint32_t slot) noexcept;
    std::optional<std::uint32_t> find_by_message_id(const Address& peer,
                                                    std::uint16_t message_id) const noexcept;
    /// A client exchange whose token equals `token` and whose peer is `peer` (or
    /// that was sent to a multicast group).
    std::optional<std::uint32_t> find_by_token(const Address& peer,
                                               gsl::span<const std::byte> token) const noexcept;
    bool token_in_use(gsl::span<const std::byte> token) const noexcept;
    /// The exchange's token equals `token`.
    bool token_matches(std::uint32_t slot, gsl::span<const std::byte> token) const noexcept;
    /// Gives the exchange's message a new message ID, in the exchange and in the
    /// stored bytes (§4.4: every transmission of a new message gets a fresh one).
    /// An exchange indexed under its previous message ID leaves that index entry
    /// (index_message_id() adds the new one).
    void set_message_id(std::uint32_t slot, std::uint16_t message_id) noexcept {
        Exchange& e = exchanges_[slot];
        if (e.indexed_by_message_id) {
            by_message_id_.erase(message_id_key(e.peer, e.message_id), slot);
            e.indexed_by_message_id = false;
        }
        e.message_id = message_id;
        buffers_[slot * message_size_ + 2] = std::byte{static_cast<std::uint8_t>(message_id >> 8)};
        buffers_[slot * message_size_ + 3] = std::byte{static_cast<std::uint8_t>(message_id)};
    }

    /// Every slot, request and notification.
    std::size_t capacity() const noexcept { return exchanges_.size(); }
    /// Request slots in use.
    std::size_t in_use() const noexcept { return free_.in_use(); }
    /// The first notification slot (the number of request slots).
    std::uint32_t reserved_begin() const noexcept { return static_cast<std::uint32_t>(requests_); }
    /// Notification slots in use.
    std::size_t reserved_in_use() const noexcept { return reserved_free_.in_use(); }
    /// Entries in the two lookup indexes (check_consistency).
    std::size_t indexed_by_message_id() const noexcept { return by_message_id_.size(); }
    std::size_t indexed_by_token() const noexcept { return by_token_.size(); }
    /// Slots in use, in no particular order (for timers).
    const FixedVector<std::uint32_t>& active() const noexcept { return active_; }

  private:
    void heap_place(std::uint32_t position, std::uint32_t slot) noexcept {
        heap_[position] = slot;
        heap_position_[slot] = position;
    }
    void heap_sift_up(std::uint32_t position) noexcept;
    void heap_sift_down(std::uint32_t position) noexcept;
    void heap_remove(std::uint32_t slot) noexcept;
    static std::uint64_t message_id_key(const Address& peer, std::uint16_t id) noexcept {
        return mix_hash(peer.hash(), id);
    }
    static std::uint64_t token_key(gsl::span<const std::byte> token) noexcept;

    FixedArray<Exchange> exchanges_;
    FixedArray<std::byte> buffers_;
    FixedVector<std::uint32_t> active_;
    FixedArray<std::uint32_t> active_position_;
    FixedVector<std::uint32_t> heap_;          ///< slots, earliest deadline first
    FixedArray<std::uint32_t> heap_position_;  ///< a slot's index in heap_, or no_slot
    std::size_t message_size_ = 0;
    FreeQueue free_;
    FreeQueue reserved_free_;  ///< slots from requests_ on, for notifications
    std::size_t requests_ = 0;
    std::uint32_t index_bits_ = 16;  ///< bits of a handle that name the slot
    HashIndex by_message_id_;
    HashIndex by_token_;
};

}  // namespace coap::detail
