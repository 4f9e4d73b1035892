// bench/endpoint_network.hpp — a few Endpoints wired together in memory for
// endpoint_bench: every datagram one of them queues is handed straight to the
// Endpoint it is addressed to, in the same thread, with no syscall and no
// simulated loss or delay. Owns the pump (the documented call order); knows
// nothing about what the Endpoints are asked to do.
#pragma once

#include <coap/endpoint.hpp>

#include <cstddef>
#include <vector>

namespace bench {

/// One Endpoint and the address the others know it by.
struct EndpointNode {
    coap::Endpoint endpoint;
    coap::Address address;
};

class EndpointNetwork {
  public:
    /// `max_message_size`: the largest datagram any node sends.
    explicit EndpointNetwork(std::size_t max_message_size);

    /// Adds a node; its index is the number of nodes added before it.
    std::size_t add(const coap::EndpointConfig& config, const coap::Address& address);
    EndpointNode& node(std::size_t index) noexcept { return nodes_[index]; }
    std::size_t size() const noexcept { return nodes_.size(); }

    /// Runs the network at `now` until it is quiet: every queued datagram is
    /// delivered (and the receiver's own datagrams right after it, as the call
    /// order asks), then each node's next_timeout() is read (handle_timeout is
    /// called when it is due) and its events are handed to
    /// `on_event(node_index, event)`, which may call the node's API; repeat
    /// until no datagram, timeout or event is left. False when a datagram was
    /// addressed to no node (it is dropped).
    template <class OnEvent>
    bool settle(coap::Instant now, OnEvent&& on_event) {
        bool delivered_all = true;
        for (;;) {
            for (std::size_t i = 0; i < nodes_.size(); ++i)
                delivered_all = flush(now, i) && delivered_all;
            bool busy = false;
            for (std::size_t i = 0; i < nodes_.size(); ++i) {
                coap::Endpoint& endpoint = nodes_[i].endpoint;
                const auto deadline = endpoint.next_timeout();
                if (deadline && *deadline <= now) {
                    endpoint.handle_timeout(now);
                    ++timeouts_fired_;
                    busy = true;
                }
                while (const auto event = endpoint.poll_event()) {
                    on_event(i, *event);
                    busy = true;
                }
            }
            if (!busy) return delivered_all;
        }
    }

    /// handle_timeout calls made by settle() so far (0 in a run without loss).
    std::size_t timeouts_fired() const noexcept { return timeouts_fired_; }

  private:
    /// Drains node `from`'s datagrams into their receivers, depth first.
    bool flush(coap::Instant now, std::size_t from);
    EndpointNode* find(const coap::Address& address) noexcept;

    std::vector<EndpointNode> nodes_;
    std::vector<std::byte> datagram_;  ///< one datagram between poll_transmit and handle_datagram
    std::size_t timeouts_fired_ = 0;
};

}  // namespace bench
