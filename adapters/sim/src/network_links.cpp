// network_links.cpp — Network: per-link conditions, partitions and multicast
// group membership. Owns the lookups the routing in network.cpp asks.
#include "coap/sim/network.hpp"

#include "node_slot.hpp"

#include <stdexcept>

namespace coap::sim {
namespace {

std::pair<std::uint32_t, std::uint32_t> key(NodeId from, NodeId to) {
    return {from.value, to.value};
}

void check(const LinkConditions& conditions) {
    if (!conditions.valid())
        throw std::invalid_argument(
            "link conditions: probabilities must lie in [0, 1], durations must not be negative");
}

}  // namespace

void Network::set_default_link(const LinkConditions& conditions) {
    check(conditions);
    default_link_ = conditions;
}

void Network::set_link(NodeId from, NodeId to, const LinkConditions& conditions) {
    check(conditions);
    slot(from);
    slot(to);
    links_[key(from, to)] = conditions;
}

void Network::set_links(NodeId a, NodeId b, const LinkConditions& conditions) {
    set_link(a, b, conditions);
    set_link(b, a, conditions);
}

void Network::clear_link(NodeId from, NodeId to) {
    links_.erase(key(from, to));
}

const LinkConditions& Network::link(NodeId from, NodeId to) const {
    const auto it = links_.find(key(from, to));
    return it == links_.end() ? default_link_ : it->second;
}

void Network::block(NodeId from, NodeId to) {
    slot(from);
    slot(to);
    blocked_.insert(key(from, to));
}

void Network::unblock(NodeId from, NodeId to) {
    blocked_.erase(key(from, to));
}

void Network::partition(NodeId a, NodeId b) {
    block(a, b);
    block(b, a);
}

void Network::heal(NodeId a, NodeId b) {
    unblock(a, b);
    unblock(b, a);
}

void Network::heal_all() {
    blocked_.clear();
}

bool Network::blocked(NodeId from, NodeId to) const {
    return blocked_.contains(key(from, to));
}

void Network::join(NodeId id, const Address& group) {
    slot(id);
    if (!group.is_multicast())
        throw std::invalid_argument("join: not a multicast address: " +
                                    std::string(group.text().view()));
    groups_[group].insert(id);
}

void Network::leave(NodeId id, const Address& group) {
    const auto it = groups_.find(group);
    if (it == groups_.end()) return;
    it->second.erase(id);
    if (it->second.empty()) groups_.erase(it);
}

}  // namespace coap::sim
