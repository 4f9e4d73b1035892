// fuzz/driver/config.hpp — the fixed world of the driver fuzz harness: its limits,
// the addresses (Drivers, the rogue node, a group, an address nobody has), the
// harness's option numbers (a request tag and its echo in responses), the value
// tables the input indexes, and the draw helpers and trace switch. Owns no state.
#pragma once

#include "coap/coap.hpp"
#include "data_provider.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace driver_fuzz {

using Provider = cobalt_fuzz::DataProvider;

inline constexpr int max_operations = 96;
/// Sends launched in one run (ops, resends from hooks), and actions run from hooks.
inline constexpr std::size_t max_records = 48;
inline constexpr int max_hook_actions = 64;
/// Virtual time the operations may spend; later time steps do nothing.
inline constexpr std::int64_t time_budget_ms = std::int64_t{10} * 24 * 3600 * 1000;
/// The end: healed, everything settled, the network must idle within this.
inline constexpr std::int64_t converge_limit_ms = std::int64_t{4} * 24 * 3600 * 1000;
/// Datagrams each Tap and the rogue remember for replays and forgeries.
inline constexpr std::size_t ring_size = 8;

/// Elective, unregistered options: every request the harness's descriptors write
/// carries a fresh tag; responses its resources write echo the request's tag.
inline constexpr std::uint16_t tag_option = 65000;
inline constexpr std::uint16_t echo_option = 65002;

/// Set once a send whose exchange ended keeps its place in the Driver until its
/// terminal event is dispatched. Today the Endpoint frees the exchange slot when
/// it queues exchange_failed / multicast_done; a send started while that event
/// waits (from an earlier event's callback or resumed coroutine, or a restart in
/// Driver::act) takes the slot, Driver::start overwrites the Driver's entry, and
/// the queued event is then ignored as "abandoned": that send never finishes.
/// Until then the harness starts no send while a Driver drains events: hooks
/// launch through a Driver timer, a Task sleeps between its awaits, and Script
/// never restarts a send (no send_next after a failure, none for multicast).
inline constexpr bool ended_send_waits_for_its_event = true;

inline constexpr std::size_t max_drivers = 3;
/// Node choices the input makes: 0..2 a Driver (folded onto those present), 3 the rogue.
inline constexpr std::size_t rogue_choice = 3;

coap::Address driver_address(std::size_t index);
coap::Address rogue_address();
coap::Address group_address();
/// An address no node has: datagrams to it are dropped (no route).
coap::Address nowhere_address();

/// Time steps of op_time, in milliseconds.
inline constexpr std::array<std::int64_t, 16> time_steps{
    1, 10, 100, 500, 2000, 10000, 60000, 300000, 3600000, 86400000, 0, 5, 50, 250, 1000, 30000};
/// Sleeps of a coroutine before its send and between its reads, in milliseconds.
inline constexpr std::array<std::int64_t, 8> sleeps{0, 0, 0, 1, 20, 400, 3000, 60000};

template <class T, std::size_t N>
T pick(Provider& in, const std::array<T, N>& table) {
    return table[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

inline std::size_t draw_index(Provider& in, std::size_t high) {
    return in.ConsumeIntegralInRange<std::size_t>(0, high);
}

/// Big-endian 32-bit option value (the tag and echo options).
std::array<std::byte, 4> tag_bytes(std::uint32_t tag) noexcept;
/// The tag or echo option of `message`, when it has one of four bytes.
std::optional<std::uint32_t> read_tag(const coap::MessageView& message, std::uint16_t number);

bool trace_enabled();

#define DRIVER_TRACE(...)                                       \
    do {                                                        \
        if (trace_enabled()) std::fprintf(stderr, __VA_ARGS__); \
    } while (false)

}  // namespace driver_fuzz
