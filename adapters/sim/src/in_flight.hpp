// in_flight.hpp — InFlightQueue: datagram copies travelling on the simulated
// links, ordered by arrival time and, at equal times, by the order they were
// sent (first sent, first delivered). Owns the ordering only.
#pragma once

#include "coap/address.hpp"
#include "coap/sim/node.hpp"
#include "coap/time.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

namespace coap::sim {

struct InFlight {
    Instant arrival{};
    std::uint64_t order = 0;   ///< tie-breaker, assigned by push
    std::uint64_t packet = 0;  ///< the trace's packet number
    NodeId from{};
    NodeId to{};
    Address source{};
    Address destination{};
    bool multicast = false;
    /// Shared by every copy of one send.
    std::shared_ptr<const std::vector<std::byte>> bytes;
};

class InFlightQueue {
  public:
    void push(InFlight copy) {
        copy.order = next_order_++;
        queue_.push(std::move(copy));
    }
    bool empty() const noexcept { return queue_.empty(); }
    std::size_t size() const noexcept { return queue_.size(); }
    /// The earliest copy; the queue must not be empty.
    const InFlight& front() const { return queue_.top(); }
    InFlight pop() {
        InFlight copy = queue_.top();
        queue_.pop();
        return copy;
    }

  private:
    struct Later {
        bool operator()(const InFlight& a, const InFlight& b) const noexcept {
            return a.arrival != b.arrival ? a.arrival > b.arrival : a.order > b.order;
        }
    };
    std::priority_queue<InFlight, std::vector<InFlight>, Later> queue_;
    std::uint64_t next_order_ = 0;
};

}  // namespace coap::sim
