// network.cpp — Network: nodes, servicing (draining a node's datagrams and
// events), routing of datagrams to unicast nodes and multicast groups, and
// the trace records of sends and drops. Time and stepping: network_run.cpp;
// links, partitions, groups: network_links.cpp; Endpoints: network_endpoints.cpp.
#include "coap/sim/network.hpp"

#include "in_flight.hpp"
#include "ip_packet.hpp"
#include "link_model.hpp"
#include "node_slot.hpp"

#include <stdexcept>
#include <string>

namespace coap::sim {
namespace {

/// Passes of one service() call before a node that never stops producing output
/// is reported as a bug.
constexpr std::size_t max_service_passes = 100'000;

std::string name(NodeId id) {
    return "node " + std::to_string(id.value);
}

}  // namespace

Network::Network(std::uint64_t seed, Instant start)
    : prng_(seed), now_(start), in_flight_(std::make_unique<InFlightQueue>()) {}

Network::~Network() = default;

NodeId Network::add_node(const Address& address, std::unique_ptr<Node> node) {
    if (!node) throw std::invalid_argument("add_node: no node");
    if (address.is_multicast())
        throw std::invalid_argument("add_node: a node address must not be multicast");
    if (by_address_.contains(address))
        throw std::invalid_argument("add_node: address already in use: " +
                                    std::string(address.text().view()));
    const NodeId id{static_cast<std::uint32_t>(nodes_.size())};
    auto slot = std::make_unique<Slot>();
    slot->address = address;
    slot->buffer.assign(node->max_datagram_size(), std::byte{0});
    slot->node = std::move(node);
    nodes_.push_back(std::move(slot));
    by_address_.emplace(address, id);
    return id;
}

Network::Slot& Network::slot(NodeId id) {
    if (id.value >= nodes_.size()) throw std::out_of_range("no such " + name(id));
    return *nodes_[id.value];
}

const Network::Slot& Network::slot(NodeId id) const {
    if (id.value >= nodes_.size()) throw std::out_of_range("no such " + name(id));
    return *nodes_[id.value];
}

Node& Network::node(NodeId id) {
    return *slot(id).node;
}

const Address& Network::address(NodeId id) const {
    return slot(id).address;
}

std::optional<NodeId> Network::find(const Address& address) const {
    const auto it = by_address_.find(address);
    if (it == by_address_.end()) return std::nullopt;
    return it->second;
}

void Network::on_event(NodeId id, EventHandler handler) {
    slot(id).handler = std::move(handler);
}

std::uint64_t Network::events_drained(NodeId id) const {
    return slot(id).events;
}

void Network::service(NodeId id) {
    Slot& s = slot(id);
    if (s.servicing) {
        s.service_again = true;
        return;
    }
    s.servicing = true;
    struct Reset {
        Slot& s;
        ~Reset() { s.servicing = false; }
    } reset{s};

    const auto drain_transmits = [&] {
        bool any = false;
        while (const auto transmit = s.node->poll_transmit(s.buffer)) {
            if (transmit->length > s.buffer.size())
                throw std::logic_error(name(id) + ": poll_transmit overran the buffer");
            route(id, s.address, transmit->peer,
                  gsl::span<const std::byte>(s.buffer.data(), transmit->length));
            any = true;
        }
        return any;
    };
    for (std::size_t pass = 0;; ++pass) {
        if (pass == max_service_passes)
            throw std::logic_error(name(id) + ": still produces output after " +
                                   std::to_string(pass) + " service passes");
        s.service_again = false;
        // A Port's owner sends through Port::send, which routes at once.
        bool progress = s.port != nullptr && s.port->run_owner();
        progress = drain_transmits() || progress;
        while (const auto event = s.node->poll_event()) {
            ++s.events;
            ++stats_.events;
            progress = true;
            if (s.handler) s.handler(*event);
            // A handler's respond() or send_request() must not fill the transmit queue.
            drain_transmits();
        }
        if (!s.service_again && !s.node->wants_poll()) return;
        if (!progress && !s.service_again)
            throw std::logic_error(name(id) + ": wants_poll() but polls return nothing");
    }
}

void Network::inject(NodeId from, const Address& destination, gsl::span<const std::byte> datagram) {
    route(from, slot(from).address, destination, datagram);
}

void Network::inject_from(NodeId from, const Address& source, const Address& destination,
                          gsl::span<const std::byte> datagram) {
    if (find(source) != from)
        throw std::invalid_argument("inject_from: " + std::string(source.text().view()) +
                                    " is not an address of " + name(from));
    route(from, source, destination, datagram);
}

void Network::add_address(NodeId id, const Address& address) {
    slot(id);
    if (address.is_multicast())
        throw std::invalid_argument("add_address: a node address must not be multicast");
    if (!by_address_.emplace(address, id).second)
        throw std::invalid_argument("add_address: address already in use: " +
                                    std::string(address.text().view()));
}

void Network::record(TraceKind kind, DropReason reason, std::uint64_t packet, NodeId from,
                     const Address& source, NodeId to, const Address& destination, bool multicast,
                     gsl::span<const std::byte> bytes) {
    if (!tracing_) return;
    TraceRecord r;
    r.time = now_;
    r.kind = kind;
    r.reason = reason;
    r.packet = packet;
    r.from = from;
    r.to = to;
    r.source = source;
    r.destination = destination;
    r.multicast = multicast;
    r.bytes.assign(bytes.begin(), bytes.end());
    trace_.add(std::move(r));
}

void Network::drop(DropReason reason, std::uint64_t packet, NodeId from, const Address& source,
                   NodeId to, const Address& destination, bool multicast,
                   gsl::span<const std::byte> bytes) {
    switch (reason) {
        case DropReason::loss:
            ++stats_.dropped_loss;
            break;
        case DropReason::partition:
            ++stats_.dropped_partition;
            break;
        case DropReason::mtu:
            ++stats_.dropped_mtu;
            break;
        case DropReason::no_route:
            ++stats_.dropped_no_route;
            break;
        case DropReason::none:
            break;
    }
    record(TraceKind::dropped, reason, packet, from, source, to, destination, multicast, bytes);
}

std::size_t Network::route(NodeId from, const Address& source, const Address& destination,
                           gsl::span<const std::byte> datagram) {
    const std::uint64_t packet = next_packet_++;
    ++stats_.sent;
    const bool multicast = destination.is_multicast();
    const auto unicast_to = multicast ? std::nullopt : find(destination);
    record(TraceKind::sent, DropReason::none, packet, from, source, unicast_to.value_or(no_node),
           destination, multicast, datagram);

    std::vector<NodeId> receivers;
    if (multicast) {
        if (const auto group = groups_.find(destination); group != groups_.end())
            for (const NodeId member : group->second)
                if (member != from) receivers.push_back(member);
    } else if (unicast_to) {
        receivers.push_back(*unicast_to);
    }
    if (receivers.empty()) {
        drop(DropReason::no_route, packet, from, source, no_node, destination, multicast, datagram);
        return 0;
    }
    const auto bytes =
        std::make_shared<const std::vector<std::byte>>(datagram.begin(), datagram.end());
    std::size_t in_flight = 0;
    for (const NodeId to : receivers)
        if (send_copy(packet, from, source, to, destination, multicast, bytes)) ++in_flight;
    return in_flight;
}

bool Network::send_copy(std::uint64_t packet, NodeId from, const Address& source, NodeId to,
                        const Address& destination, bool multicast,
                        const std::shared_ptr<const std::vector<std::byte>>& bytes) {
    if (blocked(from, to)) {
        drop(DropReason::partition, packet, from, source, to, destination, multicast, *bytes);
        return false;
    }
    const std::size_t ip_size = bytes->size() + ip_udp_overhead(source, destination);
    const LinkFate fate = decide_fate(link(from, to), ip_size, prng_);
    if (fate.drop != DropReason::none) {
        drop(fate.drop, packet, from, source, to, destination, multicast, *bytes);
        return false;
    }
    for (std::size_t copy = 0; copy < fate.copies; ++copy) {
        if (copy > 0) {
            ++stats_.duplicated;
            record(TraceKind::duplicated, DropReason::none, packet, from, source, to, destination,
                   multicast, *bytes);
        }
        InFlight flight;
        flight.arrival = now_ + fate.delays[copy];
        flight.packet = packet;
        flight.from = from;
        flight.to = to;
        flight.source = source;
        flight.destination = destination;
        flight.multicast = multicast;
        flight.bytes = bytes;
        in_flight_->push(std::move(flight));
    }
    return true;
}

void Network::write_pcap(const std::string& path, PcapView view) const {
    sim::write_pcap(trace_, path, view);
}

}  // namespace coap::sim
