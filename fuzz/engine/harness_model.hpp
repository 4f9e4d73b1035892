// fuzz/engine/harness_model.hpp — what the engine harness remembers about each
// endpoint (its live requests, handed-out ids and their slots, closed requests,
// responders, addresses it knows, forged traffic, counters) and about each datagram
// in flight, plus the two small helpers the bookkeeping uses.
//
// Events are numbered in the order they are polled (Node::events_polled); the event
// queue is FIFO, so "queued before call X" is "numbered below the count polled plus
// the count queued when X returned". That bound is how the model accepts the events
// a closed, cancelled or re-armed request still had queued.
#pragma once

#include "harness_config.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace engine_fuzz {

enum class AutoRespond : std::uint8_t { piggyback, manual, acknowledge };

struct Live {
    std::size_t peer = 0;
    std::uint32_t marker = 0;  ///< of the latest request sent under this exchange
    bool multicast = false;
    bool ping = false;
    bool cancelled = false;
    /// handle_unreachable named its peer while it was live: it may end with
    /// peer_unreachable.
    bool unreachable = false;
    /// RequestOptions::hold: a unicast response does not end the exchange.
    bool hold = false;
    /// A held unicast exchange whose response was polled after it was last (re)armed:
    /// the engine holds it (or listens), so send_next and listen must be accepted.
    bool open = false;
    /// listen() succeeded on it since its last polled response.
    bool listening = false;
    std::size_t index = 0;  ///< index_of() when it was issued
    /// Events numbered below this were queued before the last send_next.
    std::uint64_t rearmed_at = 0;
    /// Events numbered below this were queued before cancel() succeeded.
    std::uint64_t cancelled_at = 0;
    /// Every request sent under its token: its marker (0: unmarked) and the number
    /// of the first event polled after it was sent. A piggybacked response answers
    /// the request that was latest when the response was queued, which is older
    /// than `marker` when send_next came between queueing and polling.
    struct Sent {
        std::uint64_t from_event = 0;
        std::uint32_t marker = 0;
    };
    std::vector<Sent> sent;
};

struct Responder {
    std::uint32_t id = 0;
    std::optional<std::uint32_t> marker;
};

struct Record {
    std::size_t to = 0;
    std::vector<std::byte> bytes;
};

struct Node {
    explicit Node(const EndpointConfig& config) : endpoint(config) {}

    Endpoint endpoint;
    std::size_t self = 0;
    AutoRespond auto_respond = AutoRespond::piggyback;
    std::map<std::uint32_t, Live> live;
    std::set<std::uint32_t> issued;              ///< every RequestId ever returned
    std::map<std::uint32_t, std::size_t> slots;  ///< index_of() of each issued RequestId
    /// Closed RequestIds: events numbered below the value were queued before close().
    std::map<std::uint32_t, std::uint64_t> closed;
    std::uint64_t events_polled = 0;             ///< the number of the next event polled
    std::size_t sent_next = 0;                   ///< successful send_next calls
    std::vector<std::uint32_t> finished;         ///< recent ended RequestIds
    std::vector<Responder> responders;           ///< recent request_received
    std::set<std::uint32_t> responder_ids;       ///< every ResponderId ever reported
    std::set<std::uint32_t> answered;            ///< respond() returned Done
    std::set<std::uint32_t> failed;              ///< got response_failed
    std::set<std::uint32_t> notified;            ///< every NotificationId notify() returned
    std::set<std::uint32_t> notifying;           ///< CON notifications without their end event
    std::set<std::uint32_t> notification_ended;  ///< got their end (ack, reset, timeout)
    std::array<bool, address_count> known{};     ///< addresses it heard of or was told of
    std::array<bool, address_count> tainted{};   ///< forged traffic between it and them
    std::vector<Record> records;                 ///< recent datagrams to non-endpoints
    std::array<std::byte, buffer_size> buffer{};
    std::uint64_t fed = 0;
    std::uint64_t polled = 0;
    /// Parameters set with set_peer_parameters, by address.
    std::array<std::optional<TransmissionParameters>, address_count> pinned{};
    /// (peer, message ID) of each request handed to the application, and the
    /// earliest instant its dedup entry may expire.
    std::map<std::pair<std::size_t, std::uint16_t>, Instant> handled;
    /// When a drain last left the endpoint with nothing to poll: every event
    /// polled later was caused by an input at or after this instant.
    Instant quiet_since{};
    /// The acquisition number fault() made fail (engine_faults), or none.
    std::optional<std::uint64_t> fault_at;
};

struct Flight {
    std::size_t from = 0;  ///< address index of the sender
    std::size_t to = 0;    ///< node index of the receiver
    bool multicast = false;
    std::vector<std::byte> bytes;
};

/// Appends `value`, dropping the oldest entry once `limit` are kept.
template <class T>
void remember(std::vector<T>& list, T value, std::size_t limit) {
    if (list.size() == limit) list.erase(list.begin());
    list.push_back(std::move(value));
}

/// True when `result` succeeded or failed with one of `allowed`.
template <class T>
bool local_error_is(const coap::Result<T, LocalError>& result,
                    std::initializer_list<LocalError> allowed) {
    if (result) return true;
    return std::find(allowed.begin(), allowed.end(), result.error()) != allowed.end();
}

}  // namespace engine_fuzz
