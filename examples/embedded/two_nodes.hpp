// two_nodes.hpp — the scenario both the host test (tests/embedded/) and the
// on-target program (embedded/target/) run: two Devices stepped over the fake
// radio in virtual milliseconds as a sleeping main loop would, and the check of
// the log one fetches block-wise from the other.
#pragma once

#include "device.hpp"

#include <gsl/span>

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace example {

/// Steps both devices from `from` to `until` (ms), jumping to the earliest tick
/// either asks for unless a radio holds a frame, as a main loop sleeping until
/// the next timer or radio interrupt would.
inline void run_two_nodes(Device& a, Device& b, const FakeRadio& ra, const FakeRadio& rb,
                          std::uint32_t from, std::uint32_t until) noexcept {
    std::uint32_t now = from;
    while (now < until) {
        const std::uint32_t wake = std::min(a.step(now), b.step(now));
        const bool pending = ra.receive() != nullptr || rb.receive() != nullptr;
        now = pending ? now + 1 : std::max(now + 1, wake);
    }
}

/// Whether `log` is the whole of what a Device serves at /log.
inline bool is_served_log(gsl::span<const std::byte> log) noexcept {
    if (log.size() != log_size) return false;
    for (std::size_t i = 0; i < log.size(); ++i)
        if (log[i] != std::byte{static_cast<std::uint8_t>('a' + i % 26)}) return false;
    return true;
}

}  // namespace example
