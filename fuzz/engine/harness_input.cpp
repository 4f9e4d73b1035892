// fuzz/engine/harness_input.cpp — how the engine harness reads its input: each
// endpoint's configuration, the start time, and the step loop that decodes one
// operation per step and dispatches it.
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <array>
#include <utility>

namespace engine_fuzz {

Harness::Harness(Provider& in) : in_(in) {
    const std::size_t count = 2 + draw_index(in_, 1);
    nodes_.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        add_node(i);
    static constexpr std::array<std::int64_t, 4> starts{0, 1000, std::int64_t{1} << 32,
                                                        std::int64_t{1} << 40};
    now_ = Instant{pick(in_, starts)};
    TRACE("start: %zu endpoints, now %lld\n", count, static_cast<long long>(now_.ms));
}

void Harness::run() {
    for (int step = 0; step < max_operations && in_.remaining_bytes() > 0; ++step)
        one_step();
    batch_left_ = 0;
    drain_all();
    converge();
    disarm_faults();
    probe();
}

void Harness::add_node(std::size_t index) {
    EndpointConfig c;
    c.seed = in_.ConsumeIntegral<std::uint16_t>() + (std::uint64_t{index} << 32);
    auto& caps = c.capacities;
    caps.exchanges = 4 - draw_index(in_, 3);
    caps.dedup_entries = 8 - draw_index(in_, 7);
    caps.peers = 3 - draw_index(in_, 2);
    caps.queued_datagrams = 4 - draw_index(in_, 3);
    caps.events = 4 - draw_index(in_, 3);
    // Derived, so that the corpus decodes as before: small tables to fill.
    caps.notifications = caps.exchanges - 1;
    caps.recent_notifications = caps.dedup_entries / 2;
    static constexpr std::array<std::size_t, 4> sizes{1152, 256, 128, 64};
    caps.max_message_size = pick(in_, sizes);
    static constexpr std::array<std::size_t, 4> reply_bytes{65536, 0, 40, 200};
    caps.stored_reply_bytes = pick(in_, reply_bytes);
    c.token_length = static_cast<std::uint8_t>(8 - draw_index(in_, 7));
    c.transmission = draw_parameters(in_);
    c.transmission.nstart = static_cast<std::uint8_t>(1 + draw_index(in_, 2));
    static constexpr std::array<std::int64_t, 4> ack_delays{500, 0, 50, 1500};
    c.empty_ack_delay = coap::milliseconds(pick(in_, ack_delays));
    static constexpr std::array<std::int64_t, 4> deadlines{
        0, 5000, 100000, short_response_deadline_honoured ? 200 : 2000};
    c.response_deadline = coap::milliseconds(pick(in_, deadlines));
    static constexpr std::array<std::int64_t, 3> separate{0, 1000, 30000};
    c.separate_response_timeout = coap::milliseconds(pick(in_, separate));
    static constexpr std::array<std::int64_t, 3> non{0, 300, 10000};
    c.non_response_timeout = coap::milliseconds(pick(in_, non));
    static constexpr std::array<std::int64_t, 2> windows{0, 700};
    c.multicast_response_window = coap::milliseconds(pick(in_, windows));
    static constexpr std::array<std::size_t, 2> payloads{1024, 16};
    c.max_request_payload = pick(in_, payloads);
    static constexpr std::array<std::uint32_t, 4> ages{2, 0, 1, 60};
    c.busy_max_age = pick(in_, ages);
    // Early dedup eviction for one seed in four, taken from bits already drawn so
    // that the inputs of the corpus keep their meaning.
    if ((c.seed & 0x300) == 0x300) c.dedup_eviction_age = coap::seconds((c.seed & 0x400) ? 5 : 60);
    // RST for NON responses nobody waits for, for one seed in two (same reason).
    c.reset_unexpected_non_responses = (c.seed & 0x800) != 0;
    // The amplification limit (RFC 9175 §2.4), from more bits already drawn: the
    // default factor, off, or 1 (every response longer than its request is
    // challenged); a verified table of one or two; short lifetimes for Echo values
    // and verified addresses one seed in two; clients answering no challenge one
    // seed in four.
    static constexpr std::array<std::uint32_t, 4> factors{3, 0, 1, 1};
    c.amplification_factor = factors[(c.seed >> 12) & 3];
    c.capacities.verified_addresses = (c.seed & 0x4000) != 0 ? 1 : 2;
    if ((c.seed & 0x8000) != 0) {
        c.echo_lifetime = coap::seconds(2);
        c.verified_address_lifetime = coap::seconds(3);
    }
    if ((c.seed & 0x3) == 0x3) c.echo_retries = 0;
    const auto mode = static_cast<AutoRespond>(draw_index(in_, 2));
    TRACE(
        "endpoint %zu: seed %llu, capacities %zu/%zu/%zu/%zu/%zu, size %zu, token %u, "
        "ack_timeout %lld, nstart %u, empty ACK %lld, response deadline %lld, mode %u\n",
        index, static_cast<unsigned long long>(c.seed), caps.exchanges, caps.dedup_entries,
        caps.peers, caps.queued_datagrams, caps.events, caps.max_message_size,
        unsigned{c.token_length}, static_cast<long long>(c.transmission.ack_timeout.ms),
        unsigned{c.transmission.nstart}, static_cast<long long>(c.empty_ack_delay.ms),
        static_cast<long long>(c.response_deadline.ms), static_cast<unsigned>(mode));

    Node& node = nodes_.emplace_back(c);
    node.self = index;
    node.auto_respond = mode;
    node.known[index] = true;
    const EndpointConfig& sanitized = node.endpoint.config();
    FUZZ_REQUIRE(sanitized.capacities.exchanges == caps.exchanges);
    FUZZ_REQUIRE(sanitized.capacities.max_message_size == caps.max_message_size);
    FUZZ_REQUIRE(sanitized.transmission.valid());
    FUZZ_REQUIRE(node.endpoint.stats().exchanges_in_use == 0);
    FUZZ_REQUIRE(!node.endpoint.next_timeout());
    FUZZ_REQUIRE(!node.endpoint.wants_poll());
}

void Harness::one_step() {
    std::vector<std::optional<Instant>> before;
    for (const Node& n : nodes_)
        before.push_back(n.endpoint.next_timeout());
    fired_.assign(nodes_.size(), false);

    const auto op = static_cast<Operation>(draw_index(in_, op_count - 1));
    execute(op);

    const bool drained = batch_left_ == 0;
    if (batch_left_ > 0) --batch_left_;
    if (drained) {
        drain_all();
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (fired_[i]) settle(i);
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        check(nodes_[i]);
        if (fired_[i]) continue;
        // An input other than handle_timeout, to an endpoint that owes no timer
        // work (no deadline at or before now), never sets a deadline before now.
        // One that is overdue may: its next handle_timeout(now) covers both.
        if (before[i] && *before[i] <= now_) continue;
        const auto after = nodes_[i].endpoint.next_timeout();
        FUZZ_REQUIRE(!after || *after >= now_);
    }
    forget_fired_faults();
}

void Harness::execute(Operation op) {
    switch (op) {
        case op_deliver:
            if (!flights_.empty()) deliver(0);
            return;
        case op_deliver_at: {
            const std::size_t k = draw_index(in_, 255);
            if (!flights_.empty()) deliver(k % flights_.size());
            return;
        }
        case op_drop: {
            const std::size_t k = draw_index(in_, 255);
            if (flights_.empty()) return;
            TRACE("drop flight %zu\n", k % flights_.size());
            flights_.erase(flights_.begin() + static_cast<std::ptrdiff_t>(k % flights_.size()));
            return;
        }
        case op_duplicate: {
            const std::size_t k = draw_index(in_, 255);
            if (flights_.empty() || flights_.size() >= max_in_flight) return;
            TRACE("duplicate flight %zu\n", k % flights_.size());
            flights_.push_back(flights_[k % flights_.size()]);
            return;
        }
        case op_deliver_all: {
            const std::size_t count = flights_.size();
            for (std::size_t i = 0; i < count && !flights_.empty(); ++i) {
                deliver(0);
                if (batch_left_ == 0) drain_all();
            }
            return;
        }
        case op_raw:
            return raw();
        case op_craft:
            return craft();
        case op_mutate:
            return mutate();
        case op_reply:
            return reply();
        case op_time_small:
            return advance(Duration{draw(in_, 0, 4000)});
        case op_time_huge: {
            const std::int64_t shift = draw(in_, 10, 36);
            const std::int64_t extra = draw(in_, 0, 1023);
            return advance(Duration{(std::int64_t{1} << shift) + extra});
        }
        case op_timer:
            return timer();
        case op_timeout_early: {
            Node& n = node_at(draw_index(in_, 2));
            TRACE("node %zu: early handle_timeout\n", n.self);
            n.endpoint.handle_timeout(now_);
            fired_[n.self] = true;
            return;
        }
        case op_request:
            return request();
        case op_ping:
            return ping();
        case op_cancel:
            return cancel();
        case op_respond:
        case op_acknowledge:
        case op_release:
            return answer(op);
        case op_set_parameters:
            return set_parameters();
        case op_batch:
            batch_left_ = static_cast<int>(draw_index(in_, 8));
            TRACE("batch of %d undrained steps\n", batch_left_);
            return;
        case op_move: {
            Node& n = node_at(draw_index(in_, 2));
            TRACE("node %zu: move\n", n.self);
            Endpoint moved(std::move(n.endpoint));
            n.endpoint = std::move(moved);
            return;
        }
        case op_send_next:
            return send_next();
        case op_listen:
            return listen();
        case op_close:
            return close();
        case op_query:
            return query();
        case op_unreachable:
            return unreachable();
        case op_notify:
            return notify();
#if defined(COBALT_FAULT_INJECTION)
        case op_fault:
            return fault();
#endif
        case op_count:
            return;
    }
}

}  // namespace engine_fuzz
