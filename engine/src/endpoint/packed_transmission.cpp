// packed_transmission.cpp — packing and unpacking transmission parameters,
// and the lifetimes an exchange reads from its packed set.
#include "packed_transmission.hpp"

#include "coap/contract.hpp"

namespace coap::detail {

PackedTransmission PackedTransmission::pack(const TransmissionParameters& p) noexcept {
    Expects(p.valid());
    return {static_cast<std::uint32_t>(p.ack_timeout.ms),
            static_cast<std::uint32_t>(p.default_leisure.ms),
            static_cast<std::uint32_t>(p.max_latency.ms),
            static_cast<std::uint32_t>(p.processing_delay.ms),
            p.probing_rate,
            static_cast<std::uint16_t>(p.ack_random_factor_permille),
            p.max_retransmit,
            p.nstart};
}

TransmissionParameters PackedTransmission::unpack() const noexcept {
    TransmissionParameters p;
    p.ack_timeout = Duration{ack_timeout_ms};
    p.ack_random_factor_permille = ack_random_factor_permille;
    p.max_retransmit = max_retransmit;
    p.nstart = nstart;
    p.default_leisure = Duration{default_leisure_ms};
    p.probing_rate = probing_rate;
    p.max_latency = Duration{max_latency_ms};
    p.processing_delay = Duration{processing_delay_ms};
    return p;
}

Duration PackedTransmission::exchange_lifetime() const noexcept {
    return unpack().exchange_lifetime();
}

Duration PackedTransmission::non_lifetime() const noexcept {
    return unpack().non_lifetime();
}

}  // namespace coap::detail
