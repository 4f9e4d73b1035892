// endpoint_node.cpp — EndpointNode: forwards the Node interface to a coap::Endpoint.
// Owns nothing but the forwarding; the only file of cobalt_sim (with
// network_endpoints.cpp) that needs the engine's Endpoint at link time.
#include "coap/sim/endpoint_node.hpp"

namespace coap::sim {

EndpointNode::EndpointNode(const EndpointConfig& config) : endpoint_(config) {}

void EndpointNode::handle_datagram(Instant now, const Address& peer,
                                   gsl::span<const std::byte> datagram,
                                   const ArrivalInfo& arrival) {
    endpoint_.handle_datagram(now, peer, datagram, arrival);
}

void EndpointNode::handle_timeout(Instant now) {
    endpoint_.handle_timeout(now);
}

std::optional<Transmit> EndpointNode::poll_transmit(gsl::span<std::byte> buffer) {
    return endpoint_.poll_transmit(buffer);
}

std::optional<Instant> EndpointNode::next_timeout() const {
    return endpoint_.next_timeout();
}

std::optional<Event> EndpointNode::poll_event() {
    return endpoint_.poll_event();
}

bool EndpointNode::wants_poll() const {
    return endpoint_.wants_poll();
}

std::size_t EndpointNode::max_datagram_size() const {
    return endpoint_.config().capacities.max_message_size;
}

}  // namespace coap::sim
