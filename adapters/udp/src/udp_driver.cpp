// udp_driver.cpp — UdpDriver: service() batches the sends of one Driver pass.
#include "coap/udp/udp_driver.hpp"

#include <algorithm>

namespace coap::udp {

UdpDriver::UdpDriver(const SocketConfig& socket, const EndpointConfig& endpoint)
    : transport_(socket), driver_(transport_, endpoint) {}

void UdpDriver::service() {
    transport_.begin_batch();
    struct End {
        UdpTransport& transport;
        ~End() { transport.end_batch(); }
    } end{transport_};
    driver_.service();
}

std::optional<std::chrono::milliseconds> UdpDriver::timeout_from_now() const {
    const auto at = next_timeout();
    if (!at) return std::nullopt;
    return std::chrono::milliseconds(std::max<std::int64_t>(0, at->ms - transport_.now().ms));
}

}  // namespace coap::udp
