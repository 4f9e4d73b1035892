// fake_node.hpp — FakeNode: a scriptable sim::Node for the network's own tests.
// Records what it receives and when its timer fired; sends what a test queues;
// may answer datagrams (on_datagram) and produce queued events.
#pragma once

#include "coap/sim/network.hpp"
#include "coap/sim/node.hpp"

#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

namespace coap::sim::simtest {

struct Received {
    Instant time{};
    Address peer{};
    std::vector<std::byte> bytes;
    bool multicast = false;
};

/// `size` bytes whose first four carry `number` (big endian), to tell datagrams apart.
inline std::vector<std::byte> numbered(std::uint32_t number, std::size_t size = 8) {
    std::vector<std::byte> out(size < 4 ? 4 : size, std::byte{0x5a});
    for (std::size_t i = 0; i < 4; ++i)
        out[i] = static_cast<std::byte>(number >> (24 - 8 * i));
    return out;
}

inline std::uint32_t number_of(const std::vector<std::byte>& bytes) {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < 4 && i < bytes.size(); ++i)
        n = n << 8 | std::to_integer<std::uint32_t>(bytes[i]);
    return n;
}

class FakeNode : public Node {
  public:
    std::vector<Received> received;
    std::vector<Instant> timeouts;
    std::deque<std::pair<Address, std::vector<std::byte>>> outbox;
    std::deque<Event> events;
    std::optional<Instant> timer;
    /// Called after a datagram is recorded; may queue answers.
    std::function<void(FakeNode&, const Received&)> on_datagram;
    /// Claims wants_poll() without having anything (a broken node).
    bool lies_about_wanting_poll = false;

    void send(const Address& to, std::vector<std::byte> bytes) {
        outbox.emplace_back(to, std::move(bytes));
    }

    void handle_datagram(Instant now, const Address& peer, gsl::span<const std::byte> datagram,
                         const ArrivalInfo& arrival) override {
        received.push_back({now, peer, {datagram.begin(), datagram.end()}, arrival.multicast});
        if (on_datagram) on_datagram(*this, received.back());
    }
    void handle_timeout(Instant now) override {
        if (timer && *timer <= now) {
            timeouts.push_back(now);
            timer.reset();
        }
    }
    std::optional<Transmit> poll_transmit(gsl::span<std::byte> buffer) override {
        if (outbox.empty()) return std::nullopt;
        auto [to, bytes] = std::move(outbox.front());
        outbox.pop_front();
        std::memcpy(buffer.data(), bytes.data(), bytes.size());
        return Transmit{to, bytes.size()};
    }
    std::optional<Instant> next_timeout() const override { return timer; }
    std::optional<Event> poll_event() override {
        if (events.empty()) return std::nullopt;
        Event e = events.front();
        events.pop_front();
        return e;
    }
    bool wants_poll() const override {
        return lies_about_wanting_poll || !outbox.empty() || !events.empty();
    }
};

/// A FakeNode added to `network`; the network owns it, the pointer stays valid.
inline std::pair<NodeId, FakeNode*> add_fake(Network& network, const Address& address) {
    auto node = std::make_unique<FakeNode>();
    FakeNode* raw = node.get();
    return {network.add_node(address, std::move(node)), raw};
}

inline Address ip4(std::uint8_t last, std::uint16_t port = 5683) {
    return Address::ipv4({10, 0, 0, last}, port);
}

}  // namespace coap::sim::simtest
