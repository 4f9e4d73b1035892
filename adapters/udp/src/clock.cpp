// clock.cpp — monotonic_now() (see clock.hpp).
#include "coap/udp/clock.hpp"

#include <ctime>

namespace coap::udp {

Instant monotonic_now() noexcept {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return Instant{static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1000000};
}

}  // namespace coap::udp
