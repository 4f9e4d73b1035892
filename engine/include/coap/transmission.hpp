// coap/transmission.hpp — TransmissionParameters: RFC 7252 §4.8 and the values
// derived from them in §4.8.2. Owns the arithmetic, in integer milliseconds,
// so that changing ACK_TIMEOUT or MAX_RETRANSMIT changes every derived value.
#pragma once

#include "coap/time.hpp"

#include <cstdint>

namespace coap {

struct TransmissionParameters {
    Duration ack_timeout = seconds(2);
    /// ACK_RANDOM_FACTOR in thousandths (1500 = 1.5); must be at least 1000.
    std::uint32_t ack_random_factor_permille = 1500;
    std::uint8_t max_retransmit = 4;
    /// Outstanding confirmable interactions per peer (§4.7).
    std::uint8_t nstart = 1;
    Duration default_leisure = seconds(5);
    /// Bytes per second to a peer that does not answer (§4.7).
    std::uint32_t probing_rate = 1;
    Duration max_latency = seconds(100);
    Duration processing_delay = seconds(2);

    /// The longest first timeout: ACK_TIMEOUT × ACK_RANDOM_FACTOR.
    constexpr Duration max_initial_timeout() const noexcept {
        return {ack_timeout.ms * ack_random_factor_permille / 1000};
    }
    /// ACK_TIMEOUT × (2^MAX_RETRANSMIT − 1) × ACK_RANDOM_FACTOR (45 s by default).
    constexpr Duration max_transmit_span() const noexcept {
        return {ack_timeout.ms * ((std::int64_t{1} << max_retransmit) - 1) *
                ack_random_factor_permille / 1000};
    }
    /// ACK_TIMEOUT × (2^(MAX_RETRANSMIT + 1) − 1) × ACK_RANDOM_FACTOR (93 s by default).
    constexpr Duration max_transmit_wait() const noexcept {
        return {ack_timeout.ms * ((std::int64_t{1} << (max_retransmit + 1)) - 1) *
                ack_random_factor_permille / 1000};
    }
    /// 2 × MAX_LATENCY + PROCESSING_DELAY (202 s by default).
    constexpr Duration max_rtt() const noexcept { return max_latency * 2 + processing_delay; }
    /// MAX_TRANSMIT_SPAN + 2 × MAX_LATENCY + PROCESSING_DELAY (247 s by default).
    constexpr Duration exchange_lifetime() const noexcept {
        return max_transmit_span() + max_latency * 2 + processing_delay;
    }
    /// MAX_TRANSMIT_SPAN + MAX_LATENCY (145 s by default).
    constexpr Duration non_lifetime() const noexcept { return max_transmit_span() + max_latency; }

    /// True when the parameters can drive the message layer: ACK_TIMEOUT in
    /// (0, 1 h], ACK_RANDOM_FACTOR in [1, 10], MAX_RETRANSMIT at most 20, NSTART at
    /// least 1, the other durations in [0, 1 day]. The bounds keep every derived
    /// value far from integer overflow.
    constexpr bool valid() const noexcept {
        constexpr std::int64_t hour = 3'600'000;
        constexpr std::int64_t day = 24 * hour;
        const auto within = [](Duration d, std::int64_t max) { return d.ms >= 0 && d.ms <= max; };
        return ack_timeout.ms > 0 && ack_timeout.ms <= hour && ack_random_factor_permille >= 1000 &&
               ack_random_factor_permille <= 10'000 && max_retransmit <= 20 && nstart >= 1 &&
               within(default_leisure, day) && within(max_latency, day) &&
               within(processing_delay, day);
    }
};

static_assert(TransmissionParameters{}.max_transmit_span().ms == 45'000);
static_assert(TransmissionParameters{}.max_transmit_wait().ms == 93'000);
static_assert(TransmissionParameters{}.exchange_lifetime().ms == 247'000);
static_assert(TransmissionParameters{}.non_lifetime().ms == 145'000);
static_assert(TransmissionParameters{}.max_rtt().ms == 202'000);

}  // namespace coap
