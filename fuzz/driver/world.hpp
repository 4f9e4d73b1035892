// fuzz/driver/world.hpp — the simulated world of the driver fuzz harness: one sim
// Network with two or three Drivers (each on a Port seen through a Tap that
// remembers what it sent), a rogue node that remembers what it received, and
// the group the Drivers may join. Owns the nodes, the Drivers and their configs;
// knows nothing about sends, resources or invariants (the Tap reports every
// datagram a Driver sends to a hook the harness installs).
#pragma once

#include "config.hpp"

#include "coap/driver.hpp"
#include "coap/sim/network.hpp"
#include "coap/sim/port.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace driver_fuzz {

/// A datagram remembered for replays: who sent it to where, and its bytes.
struct Remembered {
    coap::Address from;
    coap::Address to;
    std::vector<std::byte> bytes;
};

/// A bounded ring of the latest datagrams.
class Ring {
  public:
    void add(const coap::Address& from, const coap::Address& to, gsl::span<const std::byte> bytes);
    bool empty() const noexcept { return items_.empty(); }
    /// The k-th latest (folded onto those remembered); must not be empty.
    const Remembered& at(std::size_t k) const {
        return items_[items_.size() - 1 - k % items_.size()];
    }

  private:
    std::deque<Remembered> items_;
};

/// The Transport a Driver runs on: a sim Port, with every datagram sent reported
/// and remembered. Forwards everything else unchanged.
class Tap final : public coap::Transport {
  public:
    using Hook = std::function<void(const coap::Address& to, gsl::span<const std::byte> bytes)>;
    explicit Tap(coap::sim::Port& port) : port_(port) {}

    void set_hook(Hook hook) { hook_ = std::move(hook); }
    const Ring& sent() const noexcept { return sent_; }
    coap::sim::Port& port() noexcept { return port_; }

    coap::Instant now() const override { return port_.now(); }
    std::optional<coap::Received> receive(gsl::span<std::byte> buffer) override {
        return port_.receive(buffer);
    }
    bool send(const coap::Address& peer, gsl::span<const std::byte> datagram) override;
    bool wait(std::optional<coap::Instant> deadline) override { return port_.wait(deadline); }
    std::optional<coap::Address> resolve(std::string_view host, std::uint16_t port) override {
        return port_.resolve(host, port);
    }
    coap::Address local_address() const override { return port_.local_address(); }
    void attach(coap::Serviceable* owner) override { port_.attach(owner); }

  private:
    coap::sim::Port& port_;
    Ring sent_;
    Hook hook_;
};

/// A node that answers nothing and remembers what reached it.
class RogueNode final : public coap::sim::Node {
  public:
    const Ring& received() const noexcept { return received_; }

    void handle_datagram(coap::Instant, const coap::Address& peer,
                         gsl::span<const std::byte> datagram, const coap::ArrivalInfo&) override {
        received_.add(peer, rogue_address(), datagram);
    }
    void handle_timeout(coap::Instant) override {}
    std::optional<coap::Transmit> poll_transmit(gsl::span<std::byte>) override {
        return std::nullopt;
    }
    std::optional<coap::Instant> next_timeout() const override { return std::nullopt; }
    bool wants_poll() const override { return false; }
    std::size_t max_datagram_size() const override { return 0; }

  private:
    Ring received_;
};

class World {
  public:
    /// Draws the number of Drivers, their configurations and group memberships.
    explicit World(Provider& in);
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    std::size_t size() const noexcept { return drivers_.size(); }
    coap::Driver& driver(std::size_t i) { return *drivers_[i % drivers_.size()]; }
    Tap& tap(std::size_t i) { return *taps_[i % taps_.size()]; }
    coap::sim::Network& net() noexcept { return net_; }
    RogueNode& rogue() noexcept { return *rogue_; }
    const coap::EndpointConfig& config(std::size_t i) const {
        return configs_[i % configs_.size()];
    }

    /// The node of an input's node choice (a Driver, folded; or the rogue).
    coap::sim::NodeId node(std::size_t choice) const;
    coap::Address address_of(std::size_t choice) const;
    /// Every node: the Drivers, then the rogue.
    std::size_t node_count() const noexcept { return drivers_.size() + 1; }
    /// The index of the Driver at `address`, if one is there.
    std::optional<std::size_t> driver_at(const coap::Address& address) const;

    void join(std::size_t i, bool member);
    bool member(std::size_t i) const { return members_[i % members_.size()]; }

  private:
    coap::sim::Network net_;
    std::vector<coap::sim::NodeId> nodes_;
    coap::sim::NodeId rogue_node_{};
    RogueNode* rogue_ = nullptr;
    std::vector<coap::EndpointConfig> configs_;
    std::vector<bool> members_;
    std::vector<std::unique_ptr<Tap>> taps_;
    // Declared last: destroyed first, while their Ports and Taps still exist.
    std::vector<std::unique_ptr<coap::Driver>> drivers_;
};

}  // namespace driver_fuzz
