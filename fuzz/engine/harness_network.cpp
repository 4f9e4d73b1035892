// fuzz/engine/harness_network.cpp — the engine harness's simulated network and
// clock: datagrams in flight, delivery, routing of what endpoints emit, draining in
// the documented call order, time steps and timer firings.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace engine_fuzz {

void Harness::deliver(std::size_t k) {
    Flight flight = std::move(flights_[k]);
    flights_.erase(flights_.begin() + static_cast<std::ptrdiff_t>(k));
    feed(flight.to, flight.from, flight.bytes, flight.multicast);
}

void Harness::feed(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
                   bool multicast) {
    Node& n = nodes_[to];
    TRACE("node %zu <- %zu: %zu bytes%s\n", to, from, bytes.size(),
          multicast ? " (multicast)" : "");
    n.known[from] = true;
    ++n.fed;
    n.endpoint.handle_datagram(now_, addresses()[from], Bytes{bytes.data(), bytes.size()},
                               coap::ArrivalInfo{multicast});
}

void Harness::forge(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
                    bool multicast) {
    nodes_[to].tainted[from] = true;
    if (from < nodes_.size()) nodes_[from].tainted[to] = true;
    feed(to, from, bytes, multicast);
}

void Harness::route(Node& n, const coap::Transmit& transmit) {
    const std::size_t size = max_message_size(n);
    FUZZ_REQUIRE(transmit.length > 0 && transmit.length <= size);
    const Bytes bytes{n.buffer.data(), transmit.length};
    const auto parsed = MessageView::parse(bytes);
    FUZZ_REQUIRE(parsed.ok());
    const auto to = address_index(transmit.peer);
    FUZZ_REQUIRE(to.has_value());
    FUZZ_REQUIRE(n.known[*to]);
    if (is_group(*to) && !n.tainted[*to]) {
        FUZZ_REQUIRE(parsed->type() == MessageType::non_confirmable);
        FUZZ_REQUIRE(parsed->code().is_request());
    }
    TRACE("node %zu -> %zu: type %u code %u.%02u mid %u, %zu bytes\n", n.self, *to,
          static_cast<unsigned>(parsed->type()), parsed->code().code_class(),
          parsed->code().detail(), parsed->message_id(), transmit.length);
    std::vector<std::byte> copy(bytes.begin(), bytes.end());
    if (*to < nodes_.size()) {
        if (flights_.size() < max_in_flight) flights_.push_back({n.self, *to, false, copy});
        return;
    }
    if (is_group(*to)) {
        for (std::size_t j = 0; j < nodes_.size(); ++j)
            if (j != n.self && flights_.size() < max_in_flight)
                flights_.push_back({n.self, j, true, copy});
    }
    remember(n.records, Record{*to, std::move(copy)}, max_records);
}

void Harness::drain_all() {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        drain(i);
}

void Harness::drain(std::size_t i) {
    Node& n = nodes_[i];
    for (int round = 0; round < 8; ++round) {
        const gsl::span<std::byte> buffer{n.buffer.data(), max_message_size(n)};
        for (;;) {
            // next_transmit_size() announces exactly what poll_transmit gives.
            const std::size_t announced = n.endpoint.next_transmit_size();
            const auto transmit = n.endpoint.poll_transmit(buffer);
            FUZZ_REQUIRE(announced == (transmit ? transmit->length : 0));
            if (!transmit) break;
            ++n.polled;
            route(n, *transmit);
        }
        (void)n.endpoint.next_timeout();
        while (const auto event = n.endpoint.poll_event())
            on_event(n, *event);
        if (!n.endpoint.wants_poll()) break;
    }
    FUZZ_REQUIRE(!n.endpoint.wants_poll());
    n.quiet_since = now_;
}

void Harness::settle(std::size_t i) {
    Node& n = nodes_[i];
    for (int round = 0; round < 16; ++round) {
        const auto next = n.endpoint.next_timeout();
        if (!next || *next > now_) return;
        n.endpoint.handle_timeout(now_);
        drain(i);
    }
    const auto next = n.endpoint.next_timeout();
    FUZZ_REQUIRE(!next || *next > now_);
}

void Harness::advance(Duration step) {
    const std::int64_t target = now_.ms + step.ms;
    now_ = Instant{target < time_ceiling ? target : time_ceiling};
    TRACE("time -> %lld\n", static_cast<long long>(now_.ms));
}

std::optional<Instant> Harness::earliest_deadline() const {
    std::optional<Instant> earliest;
    for (const Node& n : nodes_)
        if (const auto t = n.endpoint.next_timeout(); t && (!earliest || *t < *earliest))
            earliest = *t;
    return earliest;
}

void Harness::timer() {
    const auto earliest = earliest_deadline();
    if (!earliest) return;
    if (*earliest > now_)
        now_ = *earliest < Instant{time_ceiling} ? *earliest : Instant{time_ceiling};
    TRACE("timer at %lld\n", static_cast<long long>(now_.ms));
    for (Node& n : nodes_) {
        const auto t = n.endpoint.next_timeout();
        if (!t || *t > now_) continue;
        n.endpoint.handle_timeout(now_);
        fired_[n.self] = true;
    }
}

}  // namespace engine_fuzz
