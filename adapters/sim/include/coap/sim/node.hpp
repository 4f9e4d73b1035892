// coap/sim/node.hpp — NodeId and Node: what the simulated network drives.
// Owns the abstract node interface (the Endpoint's sans-IO shape: handle_*,
// poll_*, next_timeout, wants_poll), so that the network can run fake nodes in
// tests and real Endpoints (EndpointNode) alike. Never reads a clock.
#pragma once

#include "coap/address.hpp"
#include "coap/endpoint.hpp"
#include "coap/endpoint_event.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap::sim {

/// Names one node of a Network: its index, in the order the nodes were added.
struct NodeId {
    std::uint32_t value = 0;
    friend constexpr auto operator<=>(NodeId, NodeId) noexcept = default;
};

/// "No node": the receiver of a multicast send or of an unroutable datagram.
inline constexpr NodeId no_node{0xffffffffu};

/// A participant of the simulated network. The network calls the inputs with its
/// virtual time and then drains the outputs (see Network::service).
class Node {
  public:
    virtual ~Node() = default;

    // ---- inputs ----
    virtual void handle_datagram(Instant now, const Address& peer,
                                 gsl::span<const std::byte> datagram,
                                 const ArrivalInfo& arrival) = 0;
    /// The time returned by next_timeout() has come (calling it early is harmless).
    virtual void handle_timeout(Instant now) = 0;

    // ---- outputs ----
    /// Copies the next datagram into `buffer` (max_datagram_size() bytes).
    virtual std::optional<Transmit> poll_transmit(gsl::span<std::byte> buffer) = 0;
    /// When handle_timeout must be called next; nullopt when no timer is armed.
    virtual std::optional<Instant> next_timeout() const = 0;
    /// The next event; views in it stay valid until the next non-const call.
    virtual std::optional<Event> poll_event() { return std::nullopt; }
    /// True when datagrams or events are waiting to be polled.
    virtual bool wants_poll() const = 0;
    /// The size of the buffer the network passes to poll_transmit.
    virtual std::size_t max_datagram_size() const { return 65507; }
};

}  // namespace coap::sim
