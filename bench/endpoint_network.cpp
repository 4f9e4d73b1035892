// bench/endpoint_network.cpp — delivery between the in-memory Endpoints.
#include "endpoint_network.hpp"

namespace bench {

EndpointNetwork::EndpointNetwork(std::size_t max_message_size) : datagram_(max_message_size) {
    nodes_.reserve(16);
}

std::size_t EndpointNetwork::add(const coap::EndpointConfig& config, const coap::Address& address) {
    nodes_.push_back(EndpointNode{coap::Endpoint(config), address});
    return nodes_.size() - 1;
}

EndpointNode* EndpointNetwork::find(const coap::Address& address) noexcept {
    for (EndpointNode& node : nodes_)
        if (node.address == address) return &node;
    return nullptr;
}

bool EndpointNetwork::flush(coap::Instant now, std::size_t from) {
    bool delivered_all = true;
    EndpointNode& sender = nodes_[from];
    while (const auto transmit = sender.endpoint.poll_transmit(datagram_)) {
        EndpointNode* receiver = find(transmit->peer);
        if (receiver == nullptr) {
            delivered_all = false;
            continue;
        }
        // handle_datagram keeps no view of its input, so datagram_ is free again
        // once it returns, and the receiver's answers can reuse it.
        receiver->endpoint.handle_datagram(now, sender.address,
                                           {datagram_.data(), transmit->length});
        delivered_all =
            flush(now, static_cast<std::size_t>(receiver - nodes_.data())) && delivered_all;
    }
    return delivered_all;
}

}  // namespace bench
