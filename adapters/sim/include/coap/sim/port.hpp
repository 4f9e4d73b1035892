// coap/sim/port.hpp — Port: a node of the simulated Network that is a
// coap::Transport, so that a Driver owning its own Endpoint can run on the
// network. Owns a bounded inbox of delivered datagrams and the link to its one
// owner (a Serviceable): the network services the owner when a datagram
// arrives for it or its next_wakeup() comes. Created and owned by the Network
// (Network::add_port); never reads a clock, never sleeps.
#pragma once

#include "coap/address.hpp"
#include "coap/sim/node.hpp"
#include "coap/time.hpp"
#include "coap/transport.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <vector>

namespace coap::sim {

class Network;
class PortNode;

struct PortConfig {
    /// Datagrams the inbox holds; a delivery to a full inbox is dropped and
    /// counted (PortStats::dropped_overflow), as a full socket buffer drops.
    std::size_t inbox_capacity = 1024;
};

struct PortStats {
    std::uint64_t received = 0;          ///< datagrams put into the inbox
    std::uint64_t dropped_overflow = 0;  ///< delivered while the inbox was full
    std::uint64_t dropped_oversize = 0;  ///< longer than the buffer given to receive()
    std::uint64_t sent = 0;              ///< datagrams handed to the network by send()
};

class Port final : public Transport {
  public:
    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;

    NodeId id() const noexcept { return id_; }
    Network& network() noexcept { return network_; }

    // ---- Transport ----
    /// The network's virtual time.
    Instant now() const override;
    /// The oldest datagram of the inbox; one longer than `buffer` is dropped
    /// (counted) and the next one is tried.
    std::optional<Received> receive(gsl::span<std::byte> buffer) override;
    /// Routes through the network's links now, as a node's poll_transmit output
    /// (trace, faults, partitions, multicast). False when no copy is on its way:
    /// every copy was dropped at once (no route, partition, MTU, loss), or the
    /// datagram exceeds a UDP payload (65507 bytes; 65527 over IPv6).
    bool send(const Address& peer, gsl::span<const std::byte> datagram) override;
    /// Runs the whole network (servicing every owner due, this one's too) until
    /// a datagram waits in the inbox, this port was delivered to or its owner's
    /// wakeup fired, or `deadline` is reached (virtual time then stands at it,
    /// also when nothing was pending). False only without a deadline on a
    /// network with nothing pending. Throws std::logic_error when called from
    /// inside a step (an owner's service() run by the network).
    bool wait(std::optional<Instant> deadline) override;
    /// IPv4 and IPv6 literals (brackets and a numeric zone allowed), then the
    /// names given to Network::add_name.
    std::optional<Address> resolve(std::string_view host, std::uint16_t port) override;
    Address local_address() const override;
    /// The owner must detach (attach(nullptr)) before it dies if the network
    /// outlives it. Attaching with datagrams in the inbox services it soon.
    void attach(Serviceable* owner) override;

    // ---- multicast (Network::join/leave for this port) ----
    void join(const Address& group);
    void leave(const Address& group);

    // ---- inspection ----
    Serviceable* owner() const noexcept { return owner_; }
    std::size_t inbox_size() const noexcept { return inbox_.size(); }
    const PortConfig& config() const noexcept { return config_; }
    const PortStats& stats() const noexcept { return stats_; }

  private:
    friend class Network;
    friend class PortNode;

    struct Datagram {
        Address peer;
        std::vector<std::byte> bytes;
        bool multicast = false;
    };

    Port(Network& network, const PortConfig& config) : network_(network), config_(config) {}

    // Called through PortNode by the network.
    void deliver(const Address& peer, gsl::span<const std::byte> datagram,
                 const ArrivalInfo& arrival);
    void wake();
    std::optional<Instant> owner_wakeup() const;
    /// True when the owner must be serviced (something happened since the last time).
    bool owed() const noexcept { return owed_; }
    /// Called by Network::service (which guards against re-entry): services the
    /// owner if there is one; true when it did.
    bool run_owner();

    Network& network_;
    NodeId id_{};
    PortConfig config_;
    PortStats stats_{};
    std::deque<Datagram> inbox_;
    Serviceable* owner_ = nullptr;
    bool owed_ = false;
    /// Deliveries and fired wakeups so far; wait() returns when it moves.
    std::uint64_t activity_ = 0;
};

}  // namespace coap::sim
