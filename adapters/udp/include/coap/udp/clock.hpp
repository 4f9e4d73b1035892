// coap/udp/clock.hpp — the real monotonic clock in the Endpoint's unit
// (milliseconds, CLOCK_MONOTONIC). The engine never reads it; adapters do.
#pragma once

#include "coap/time.hpp"

namespace coap::udp {

/// CLOCK_MONOTONIC in milliseconds.
Instant monotonic_now() noexcept;

}  // namespace coap::udp
