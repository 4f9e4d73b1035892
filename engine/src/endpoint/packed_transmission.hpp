// packed_transmission.hpp — PackedTransmission: RFC 7252 §4.8 transmission
// parameters as an exchange or a peer stores them, half the size of
// TransmissionParameters (a microcontroller keeps one per slot). Internal;
// out of line in packed_transmission.cpp, so that its callers stay small.
#pragma once

#include "coap/time.hpp"
#include "coap/transmission.hpp"

#include <cstdint>

namespace coap::detail {

/// Transmission parameters packed into 24 bytes instead of 48:
/// every duration that TransmissionParameters::valid() admits fits 32-bit
/// milliseconds (at most a day), and the factor 16 bits, so packing a valid
/// set and unpacking it gives it back exactly.
struct PackedTransmission {
    std::uint32_t ack_timeout_ms = 0;
    std::uint32_t default_leisure_ms = 0;
    std::uint32_t max_latency_ms = 0;
    std::uint32_t processing_delay_ms = 0;
    std::uint32_t probing_rate = 0;
    std::uint16_t ack_random_factor_permille = 0;
    std::uint8_t max_retransmit = 0;
    std::uint8_t nstart = 0;

    /// `p` must be valid() (the Endpoint checks every set it is given).
    static PackedTransmission pack(const TransmissionParameters& p) noexcept;
    TransmissionParameters unpack() const noexcept;
    Duration exchange_lifetime() const noexcept;
    Duration non_lifetime() const noexcept;
};

static_assert(sizeof(PackedTransmission) == 24);

}  // namespace coap::detail
