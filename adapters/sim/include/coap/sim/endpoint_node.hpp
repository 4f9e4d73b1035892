// coap/sim/endpoint_node.hpp — EndpointNode: a coap::Endpoint as a sim Node.
// Owns the Endpoint and forwards every Node call to it unchanged; adds nothing
// of its own, so that the network drives the real engine exactly as an
// embedder's event loop would.
#pragma once

#include "coap/endpoint.hpp"
#include "coap/sim/node.hpp"

namespace coap::sim {

class EndpointNode final : public Node {
  public:
    explicit EndpointNode(const EndpointConfig& config);

    Endpoint& endpoint() noexcept { return endpoint_; }
    const Endpoint& endpoint() const noexcept { return endpoint_; }

    void handle_datagram(Instant now, const Address& peer, gsl::span<const std::byte> datagram,
                         const ArrivalInfo& arrival) override;
    void handle_timeout(Instant now) override;
    std::optional<Transmit> poll_transmit(gsl::span<std::byte> buffer) override;
    std::optional<Instant> next_timeout() const override;
    std::optional<Event> poll_event() override;
    bool wants_poll() const override;
    std::size_t max_datagram_size() const override;

  private:
    Endpoint endpoint_;
};

}  // namespace coap::sim
