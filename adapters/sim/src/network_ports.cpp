// network_ports.cpp — Network: adding and reaching Ports (the Transport a
// Driver runs on), and the names Port::resolve knows.
#include "coap/sim/network.hpp"

#include "coap/detail/ascii.hpp"

#include "node_slot.hpp"
#include "port_node.hpp"

#include <stdexcept>
#include <string>

namespace coap::sim {
namespace {

std::string lower(std::string_view name) {
    std::string out(name);
    for (char& c : out)
        c = detail::to_lower(c);
    return out;
}

}  // namespace

NodeId Network::add_port(const Address& address, const PortConfig& config) {
    auto node = std::make_unique<PortNode>(*this, config);
    Port& port = node->port();
    const NodeId id = add_node(address, std::move(node));
    port.id_ = id;
    slot(id).port = &port;
    return id;
}

Port& Network::port(NodeId id) {
    Port* port = slot(id).port;
    if (port == nullptr)
        throw std::invalid_argument("node " + std::to_string(id.value) + " is not a Port");
    return *port;
}

void Network::add_name(std::string_view name, const Address& address) {
    if (name.empty()) throw std::invalid_argument("add_name: empty name");
    names_.insert_or_assign(lower(name), address);
}

std::optional<Address> Network::lookup(std::string_view name) const {
    const auto it = names_.find(lower(name));
    if (it == names_.end()) return std::nullopt;
    return it->second;
}

}  // namespace coap::sim
