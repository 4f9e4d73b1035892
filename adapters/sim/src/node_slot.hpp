// node_slot.hpp — Network::Slot: what the network keeps per node (address,
// the node, its event handler, its transmit buffer, servicing state, and the
// Port when the node is one). Shared
// by the network_*.cpp files only.
#pragma once

#include "coap/sim/network.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace coap::sim {

struct Network::Slot {
    Address address;
    std::unique_ptr<Node> node;
    /// The node's Port (owned by the node) when it was added by add_port.
    Port* port = nullptr;
    EventHandler handler;
    std::vector<std::byte> buffer;
    std::uint64_t events = 0;
    /// service() is running for this node (re-entrant calls only ask for another pass).
    bool servicing = false;
    bool service_again = false;
};

}  // namespace coap::sim
