// network_run.cpp — Network: virtual time and stepping. Chooses the earliest
// pending thing (a delivery before a timer at equal times, timers by NodeId),
// jumps the clock to it and does it. Owns the guard against runs that make no
// progress in virtual time.
#include "coap/sim/network.hpp"

#include "in_flight.hpp"
#include "node_slot.hpp"

#include <stdexcept>
#include <string>

namespace coap::sim {
namespace {

/// Steps at one virtual instant before the run is reported as stuck (a node
/// whose timer never moves past now, or datagrams bouncing with zero delay).
constexpr std::uint64_t max_steps_per_instant = 1'000'000;

}  // namespace

std::size_t Network::in_flight() const noexcept {
    return in_flight_->size();
}

std::optional<std::pair<Instant, NodeId>> Network::next_timer() const {
    std::optional<std::pair<Instant, NodeId>> best;
    for (std::uint32_t i = 0; i < nodes_.size(); ++i) {
        const auto due = nodes_[i]->node->next_timeout();
        if (!due) continue;
        const Instant at = *due < now_ ? now_ : *due;
        if (!best || at < best->first) best = {{at, NodeId{i}}};
    }
    return best;
}

std::optional<Instant> Network::next_event_time() const {
    for (const auto& s : nodes_)
        if (s->node->wants_poll()) return now_;
    std::optional<Instant> best;
    if (!in_flight_->empty()) best = in_flight_->front().arrival;
    if (const auto timer = next_timer(); timer && (!best || timer->first < *best))
        best = timer->first;
    return best;
}

void Network::advance(Instant to) {
    if (to > now_) {
        now_ = to;
        steps_at_now_ = 0;
    } else if (++steps_at_now_ > max_steps_per_instant) {
        throw std::runtime_error(
            "simulation makes no progress: " + std::to_string(max_steps_per_instant) +
            " steps at t=" + std::to_string(now_.ms) + " ms");
    }
}

void Network::service_pending() {
    for (std::uint32_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i]->node->wants_poll()) service(NodeId{i});
}

void Network::deliver_next() {
    const InFlight copy = in_flight_->pop();
    advance(copy.arrival);
    if (blocked(copy.from, copy.to)) {
        drop(DropReason::partition, copy.packet, copy.from, copy.source, copy.to, copy.destination,
             copy.multicast, *copy.bytes);
        return;
    }
    ++stats_.delivered;
    record(TraceKind::delivered, DropReason::none, copy.packet, copy.from, copy.source, copy.to,
           copy.destination, copy.multicast, *copy.bytes);
    slot(copy.to).node->handle_datagram(now_, copy.source, *copy.bytes,
                                        ArrivalInfo{.multicast = copy.multicast});
    service(copy.to);
}

void Network::fire_timer(NodeId id) {
    ++stats_.timeouts;
    slot(id).node->handle_timeout(now_);
    service(id);
}

bool Network::step() {
    if (stepping_) throw std::logic_error("step() called from inside a step (an event handler?)");
    stepping_ = true;
    struct Reset {
        bool& flag;
        ~Reset() { flag = false; }
    } reset{stepping_};

    service_pending();
    const auto timer = next_timer();
    if (!in_flight_->empty() && (!timer || in_flight_->front().arrival <= timer->first)) {
        deliver_next();
        return true;
    }
    if (!timer) return false;
    advance(timer->first);
    fire_timer(timer->second);
    return true;
}

bool Network::run_until(const std::function<bool()>& done, Instant limit) {
    for (;;) {
        if (done()) return true;
        const auto next = next_event_time();
        if (!next) return false;
        if (*next > limit) {
            if (now_ < limit) advance(limit);
            return false;
        }
        step();
    }
}

void Network::run_for(Duration duration) {
    const Instant end = now_ + duration;
    run_until([] { return false; }, end);
    if (now_ < end) advance(end);
}

bool Network::run_until_idle(Instant limit) {
    run_until([] { return false; }, limit);
    return idle();
}

}  // namespace coap::sim
