// fuzz/engine/harness_config.hpp — the fixed world of the engine fuzz harness:
// the switches for known engine gaps, the harness's limits, the eight addresses
// (three endpoints, three foreign peers, two groups) and the trace switch.
// Owns no state; everything here is constant for the whole run.
#pragma once

#include "coap/coap.hpp"
#include "data_provider.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>

namespace engine_fuzz {

using coap::Address;
using coap::Bytes;
using coap::Code;
using coap::Duration;
using coap::Endpoint;
using coap::EndpointConfig;
using coap::Event;
using coap::EventKind;
using coap::FailureReason;
using coap::Instant;
using coap::LocalError;
using coap::MessageType;
using coap::MessageView;
using coap::MessageWriter;
using coap::OptionNumber;
using coap::RequestId;
using coap::ResponderId;
using coap::TransmissionParameters;
using Provider = cobalt_fuzz::DataProvider;

/// Set once the engine bounds TransmissionParameters so that the derived values
/// cannot overflow; until then extreme parameters are folded into sane ranges.
inline constexpr bool extreme_parameters = true;
/// Set once send_request and ping refuse a confirmable message to a multicast
/// address (RFC 7252 §8.1: multicast requests MUST be NON) with invalid_request;
/// until then such a call marks the group as tainted, so the CON is tolerated.
inline constexpr bool con_to_group_refused = true;
/// Set once a response_deadline shorter than empty_ack_delay is honoured (the
/// responder goes stale at the deadline, with no empty ACK promising a separate
/// response); until then the configurations drawn keep the deadline longer.
inline constexpr bool short_response_deadline_honoured = true;
/// Set once listen(now, id, timeout) saturates now + timeout (a huge timeout meaning
/// "until closed"); until then the timeouts drawn stay below 2^41 ms.
inline constexpr bool listen_timeout_saturates = true;
/// Set once a request sent again (send_next) leaves no stale entry in the exchange
/// table's message-ID index (transmit_first re-indexes after set_message_id has
/// overwritten the old ID, so each send_next leaks one entry until the index is full
/// and every lookup spins forever); until then each endpoint gets at most
/// 7 - capacities.exchanges successful send_next calls, which keeps a bucket free.
inline constexpr bool send_next_reindexes_message_id = true;

inline constexpr std::size_t address_count = 8;
inline constexpr std::size_t first_foreign = 3;  // 3: IPv4, 4: IPv6, 5: opaque
inline constexpr std::size_t first_group = 6;    // 6: 224.0.1.187, 7: ff02::fd
inline constexpr int max_operations = 200;
inline constexpr std::size_t max_in_flight = 24;
inline constexpr std::size_t max_records = 4;
inline constexpr std::size_t max_remembered = 16;
inline constexpr std::size_t buffer_size = 1600;
/// An elective, unregistered option: the harness's request serial number, echoed by
/// the harness's responders, so that a response can be traced to its request.
inline constexpr std::uint16_t marker_number = 65000;
/// The marker of a response that must never be accepted.
inline constexpr std::uint32_t poison_marker = 0xffffffffu;
inline constexpr std::int64_t time_ceiling = std::int64_t{1} << 44;

/// The address table, indexed by the harness's address numbers.
const std::array<Address, address_count>& addresses();
/// The index of `address` in addresses(), if it is one of them.
std::optional<std::size_t> address_index(const Address& address);
/// True for the two multicast groups.
bool is_group(std::size_t address) noexcept;
/// True when ENGINE_FUZZ_TRACE is set.
bool trace_enabled();

#define TRACE(...)                                              \
    do {                                                        \
        if (trace_enabled()) std::fprintf(stderr, __VA_ARGS__); \
    } while (false)

}  // namespace engine_fuzz
