// port_node.hpp — PortNode: the sim Node behind a Port. Owns the Port and
// forwards the network's inputs to it: a delivery goes into the inbox, a timer
// is the owner's next_wakeup(). Emits nothing through poll_transmit (Port::send
// routes at once); wants_poll() while the owner is owed a service() call.
#pragma once

#include "coap/sim/node.hpp"
#include "coap/sim/port.hpp"

namespace coap::sim {

class PortNode final : public Node {
  public:
    PortNode(Network& network, const PortConfig& config) : port_(network, config) {}

    Port& port() noexcept { return port_; }

    void handle_datagram(Instant, const Address& peer, gsl::span<const std::byte> datagram,
                         const ArrivalInfo& arrival) override {
        port_.deliver(peer, datagram, arrival);
    }
    void handle_timeout(Instant) override { port_.wake(); }
    std::optional<Transmit> poll_transmit(gsl::span<std::byte>) override { return std::nullopt; }
    std::optional<Instant> next_timeout() const override { return port_.owner_wakeup(); }
    bool wants_poll() const override { return port_.owed(); }
    std::size_t max_datagram_size() const override { return 0; }

  private:
    Port port_;
};

}  // namespace coap::sim
