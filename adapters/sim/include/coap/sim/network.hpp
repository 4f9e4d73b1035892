// coap/sim/network.hpp — Network: a deterministic simulated network of nodes
// (real Endpoints, Ports for Drivers, or test nodes) with virtual time,
// per-link faults drawn from one seeded Prng, partitions, multicast groups and
// a packet trace. Owns the nodes, the links, the datagrams in flight and the
// clock. Never reads a real clock or entropy and never sleeps: a one-hour delay
// is one step.
//
// Driving it:
//   - Inputs to a node (a delivery, a timer, or a test's own call wrapped in
//     with()) are followed by service(node): drain poll_transmit into the links,
//     then poll_event into the node's event handler (draining transmits again
//     after each event), repeated while the node wants_poll().
//   - step() does the earliest pending thing: deliver a datagram copy or fire a
//     node timer, jumping virtual time to it. At equal times deliveries go first
//     (in the order they were sent), then timers by NodeId.
//   - Before each step every node that wants_poll() is serviced, so an Endpoint
//     call a test made directly through endpoint() is never lost; prefer with(),
//     which services at once (the trace then shows the send immediately).
//   - A Port is a node whose owner (a Driver) is serviced in place of the
//     draining: when a datagram reaches the port, when the owner's
//     next_wakeup() comes, and by service(port). So step(), run_until() and
//     Port::wait() run every Driver on the network alike.
//   - Same seed, same node setup, same calls: the same trace, exactly.
#pragma once

#include "coap/address.hpp"
#include "coap/endpoint.hpp"
#include "coap/endpoint_config.hpp"
#include "coap/prng.hpp"
#include "coap/sim/link_conditions.hpp"
#include "coap/sim/node.hpp"
#include "coap/sim/pcap.hpp"
#include "coap/sim/port.hpp"
#include "coap/sim/trace.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace coap::sim {

class InFlightQueue;

/// Receives a node's events. It may call that node's API (or any node's) with
/// network.now(); the network drains the resulting datagrams.
using EventHandler = std::function<void(const Event&)>;

struct NetworkStats {
    std::uint64_t sent = 0;        ///< datagrams emitted by nodes
    std::uint64_t duplicated = 0;  ///< extra copies made by links
    std::uint64_t delivered = 0;   ///< copies handed to a node
    std::uint64_t dropped_loss = 0;
    std::uint64_t dropped_partition = 0;
    std::uint64_t dropped_mtu = 0;
    std::uint64_t dropped_no_route = 0;
    std::uint64_t timeouts = 0;  ///< handle_timeout calls
    std::uint64_t events = 0;    ///< events drained from nodes (handled or not)
};

class Network {
  public:
    /// `seed` drives every fault decision; `start` is the initial virtual time.
    explicit Network(std::uint64_t seed = 0, Instant start = {});
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // ---- nodes ----
    /// Creates and owns a coap::Endpoint reachable at `address` (unique, not
    /// multicast). The config is used as given, seed included.
    NodeId add_endpoint(const Address& address, const EndpointConfig& config = {});
    /// Adds any node; the network owns it.
    NodeId add_node(const Address& address, std::unique_ptr<Node> node);
    /// The Endpoint of a node added with add_endpoint (std::invalid_argument otherwise).
    Endpoint& endpoint(NodeId id);
    /// Adds a Port (a coap::Transport for a Driver) reachable at `address`.
    NodeId add_port(const Address& address, const PortConfig& config = {});
    /// The Port of a node added with add_port (std::invalid_argument otherwise);
    /// it lives as long as the network.
    Port& port(NodeId id);
    Node& node(NodeId id);
    const Address& address(NodeId id) const;
    std::optional<NodeId> find(const Address& address) const;
    /// Makes the node reachable at `address` too (unique, not multicast): one
    /// node that stands for a crowd of clients, each with an address of its own
    /// (say, 100,000 observers). Datagrams to it arrive at the node; it sends as
    /// one of them with inject_from().
    void add_address(NodeId id, const Address& address);
    std::size_t node_count() const noexcept { return nodes_.size(); }

    // ---- names (what Port::resolve knows besides IP literals) ----
    /// `name` (ASCII, case-insensitive) resolves to `address`'s IP with the port
    /// asked for (an opaque address as it is). A second add_name replaces it.
    void add_name(std::string_view name, const Address& address);
    std::optional<Address> lookup(std::string_view name) const;

    // ---- events ----
    /// Replaces the node's event handler (empty: events are drained and dropped).
    void on_event(NodeId id, EventHandler handler);
    /// Events drained from the node so far, handled or not.
    std::uint64_t events_drained(NodeId id) const;

    // ---- calling into a node ----
    /// Calls f(Endpoint&, now) on the node's Endpoint, then services the node;
    /// returns what f returns. The way for a test to send a request.
    template <class F>
    std::invoke_result_t<F&, Endpoint&, Instant> with(NodeId id, F&& f);
    /// Drains the node's datagrams into the links and its events into its
    /// handler (see the file comment). Safe to call from an event handler.
    void service(NodeId id);
    /// Makes `from` emit `datagram` to `destination` now, as if it had polled it.
    void inject(NodeId from, const Address& destination, gsl::span<const std::byte> datagram);
    /// The same, sent from `source`: the node's address or one given to it by
    /// add_address (std::invalid_argument otherwise).
    void inject_from(NodeId from, const Address& source, const Address& destination,
                     gsl::span<const std::byte> datagram);

    // ---- links ----
    /// Conditions of every directed link without its own.
    void set_default_link(const LinkConditions& conditions);
    /// Conditions of the directed link from → to (std::invalid_argument when not valid()).
    void set_link(NodeId from, NodeId to, const LinkConditions& conditions);
    /// Both directions between a and b.
    void set_links(NodeId a, NodeId b, const LinkConditions& conditions);
    /// from → to uses the default again.
    void clear_link(NodeId from, NodeId to);
    const LinkConditions& link(NodeId from, NodeId to) const;

    // ---- partitions (independent of link conditions) ----
    /// Drops everything from → to, including copies already in flight.
    void block(NodeId from, NodeId to);
    void unblock(NodeId from, NodeId to);
    /// Blocks (heals) both directions.
    void partition(NodeId a, NodeId b);
    void heal(NodeId a, NodeId b);
    void heal_all();
    bool blocked(NodeId from, NodeId to) const;

    // ---- multicast ----
    /// The node receives datagrams sent to `group` (a multicast address, port
    /// included), with ArrivalInfo::multicast set; a sender never receives its own.
    void join(NodeId id, const Address& group);
    void leave(NodeId id, const Address& group);

    // ---- time and running ----
    Instant now() const noexcept { return now_; }
    /// When the next step would happen; nullopt when nothing is pending.
    std::optional<Instant> next_event_time() const;
    /// No datagram in flight, no timer armed, no node wanting a poll.
    bool idle() const { return !next_event_time(); }
    std::size_t in_flight() const noexcept;
    /// Does the earliest pending thing; false when nothing was pending.
    bool step();
    /// Steps until `done()` holds (true) or nothing is pending or the next step
    /// lies after `limit` (false; virtual time then stands at `limit`).
    bool run_until(const std::function<bool()>& done, Instant limit);
    /// Runs everything due within `duration`; virtual time advances by exactly it.
    void run_for(Duration duration);
    /// Runs until idle (true) or until the next step lies after `limit` (false).
    bool run_until_idle(Instant limit);

    // ---- trace and statistics ----
    const PacketTrace& trace() const noexcept { return trace_; }
    PacketTrace& trace() noexcept { return trace_; }
    /// Recording is on by default; statistics are kept either way.
    void set_tracing(bool enabled) noexcept { tracing_ = enabled; }
    void write_pcap(const std::string& path, PcapView view = PcapView::sent) const;
    const NetworkStats& stats() const noexcept { return stats_; }

  private:
    friend class Port;
    struct Slot;
    Slot& slot(NodeId id);
    const Slot& slot(NodeId id) const;
    /// Returns the copies put in flight (none: every one was dropped at once).
    std::size_t route(NodeId from, const Address& source, const Address& destination,
                      gsl::span<const std::byte> datagram);
    bool send_copy(std::uint64_t packet, NodeId from, const Address& source, NodeId to,
                   const Address& destination, bool multicast,
                   const std::shared_ptr<const std::vector<std::byte>>& bytes);
    void record(TraceKind kind, DropReason reason, std::uint64_t packet, NodeId from,
                const Address& source, NodeId to, const Address& destination, bool multicast,
                gsl::span<const std::byte> bytes);
    void drop(DropReason reason, std::uint64_t packet, NodeId from, const Address& source,
              NodeId to, const Address& destination, bool multicast,
              gsl::span<const std::byte> bytes);
    void service_pending();
    void deliver_next();
    void fire_timer(NodeId id);
    std::optional<std::pair<Instant, NodeId>> next_timer() const;
    void advance(Instant to);

    Prng prng_;
    Instant now_;
    std::vector<std::unique_ptr<Slot>> nodes_;
    std::unordered_map<Address, NodeId> by_address_;
    std::unordered_map<Address, std::set<NodeId>> groups_;
    LinkConditions default_link_{};
    std::map<std::pair<std::uint32_t, std::uint32_t>, LinkConditions> links_;
    std::set<std::pair<std::uint32_t, std::uint32_t>> blocked_;
    std::map<std::string, Address, std::less<>> names_;
    std::unique_ptr<InFlightQueue> in_flight_;
    PacketTrace trace_;
    bool tracing_ = true;
    NetworkStats stats_{};
    std::uint64_t next_packet_ = 0;
    std::uint64_t steps_at_now_ = 0;
    bool stepping_ = false;
};

template <class F>
std::invoke_result_t<F&, Endpoint&, Instant> Network::with(NodeId id, F&& f) {
    using R = std::invoke_result_t<F&, Endpoint&, Instant>;
    Endpoint& target = endpoint(id);
    if constexpr (std::is_void_v<R>) {
        f(target, now_);
        service(id);
    } else {
        R result = f(target, now_);
        service(id);
        return result;
    }
}

}  // namespace coap::sim
