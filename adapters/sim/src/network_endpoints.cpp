// network_endpoints.cpp — Network: adding and reaching real coap::Endpoints.
// Kept apart so that programs using only test nodes do not link the engine's
// Endpoint.
#include "coap/sim/endpoint_node.hpp"
#include "coap/sim/network.hpp"

#include "node_slot.hpp"

#include <stdexcept>
#include <string>

namespace coap::sim {

NodeId Network::add_endpoint(const Address& address, const EndpointConfig& config) {
    return add_node(address, std::make_unique<EndpointNode>(config));
}

Endpoint& Network::endpoint(NodeId id) {
    auto* node = dynamic_cast<EndpointNode*>(slot(id).node.get());
    if (node == nullptr)
        throw std::invalid_argument("node " + std::to_string(id.value) + " is not an Endpoint");
    return node->endpoint();
}

}  // namespace coap::sim
