// fuzz/engine.cpp — fuzz target `engine`: the whole Endpoint state machine. Two or
// three Endpoints with tiny tables (so that every "full" outcome is reachable) share
// an in-memory network and one virtual clock; the input picks their configuration
// and then up to 200 operations: deliveries (in order, reordered, dropped,
// duplicated, mutated), datagrams from foreign peers (raw bytes, crafted messages,
// replies to what an endpoint sent them), time steps small and huge, timer firings
// (on time and early), and every API call with live, stale and made-up handles.
//
// After every step each endpoint is drained in the documented call order
// (poll_transmit until empty, next_timeout, poll_event until empty; a handler may
// respond, then round again) unless the input asked for a batch of undrained steps.
// Checked with FUZZ_REQUIRE:
//  - table occupancy never exceeds the configured capacities; the stats counters
//    match what the harness fed and polled; wants_poll() matches the queues;
//  - every emitted datagram fits max_message_size and parses, and goes to an address
//    the endpoint has heard of; only NON requests go to a multicast group;
//  - every event names a known peer; request and response views parse;
//  - RequestIds are never reused; each gets exactly one terminal event (response for
//    unicast, pong for a ping, multicast_done, exchange_failed) of a kind that fits
//    the request, cancelled iff cancel() succeeded; nothing arrives for finished ids;
//    a response carries the harness's marker of the very request it answers, and an
//    ACK under another token than the request's is never taken for its response;
//  - a request reaches the application once: a duplicate (same peer and message ID)
//    arriving within the lifetime of its dedup entry never makes a second
//    request_received (§4.5);
//  - response_failed only for a responder that was answered, at most once;
//  - API calls fail only with the errors they document, and the table/queue errors
//    only when that table or queue is full; stale, foreign and zero handles are refused;
//  - timers (see timers.cpp): an input other than handle_timeout, to an endpoint whose
//    next_timeout() was later than `now`, leaves next_timeout() at or after `now`; a
//    deadline may equal `now` only while a full queue blocks progress, so after
//    handle_timeout(now) and a drain, repeating handle_timeout(now) reaches a
//    next_timeout() later than `now` within a few rounds;
//  - liveness: at the end the network heals and time runs to every deadline; then no
//    timer is left, every request has ended and every table is empty; a ping between
//    two endpoints on the healed network then gets its pong.
//
// Draw order (cobalt_fuzz::DataProvider, integers from the back, bytes from the front)
// is mirrored by fuzz/make_seeds.py; each operation's draws depend only on the values
// drawn, never on the harness state. ENGINE_FUZZ_TRACE=1 prints every step.
#include "coap/coap.hpp"
#include "data_provider.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace {

using coap::Address;
using coap::Bytes;
using coap::Code;
using coap::Duration;
using coap::Endpoint;
using coap::EndpointConfig;
using coap::Event;
using coap::EventKind;
using coap::FailureReason;
using coap::Instant;
using coap::LocalError;
using coap::MessageType;
using coap::MessageView;
using coap::MessageWriter;
using coap::OptionNumber;
using coap::RequestId;
using coap::ResponderId;
using coap::TransmissionParameters;
using Provider = cobalt_fuzz::DataProvider;

/// Set once the engine bounds TransmissionParameters so that the derived values
/// cannot overflow; until then extreme parameters are folded into sane ranges.
constexpr bool extreme_parameters = true;
/// Set once send_request and ping refuse a confirmable message to a multicast
/// address (RFC 7252 §8.1: multicast requests MUST be NON) with invalid_request;
/// until then such a call marks the group as tainted, so the CON is tolerated.
constexpr bool con_to_group_refused = true;
/// Set once a response_deadline shorter than empty_ack_delay is honoured (the
/// responder goes stale at the deadline, with no empty ACK promising a separate
/// response); until then the configurations drawn keep the deadline longer.
constexpr bool short_response_deadline_honoured = true;

constexpr std::size_t address_count = 8;
constexpr std::size_t first_foreign = 3;  // 3: IPv4, 4: IPv6, 5: opaque
constexpr std::size_t first_group = 6;    // 6: 224.0.1.187, 7: ff02::fd
constexpr int max_operations = 200;
constexpr std::size_t max_in_flight = 24;
constexpr std::size_t max_records = 4;
constexpr std::size_t max_remembered = 16;
constexpr std::size_t buffer_size = 1600;
/// An elective, unregistered option: the harness's request serial number, echoed by
/// the harness's responders, so that a response can be traced to its request.
constexpr std::uint16_t marker_number = 65000;
/// The marker of a response that must never be accepted.
constexpr std::uint32_t poison_marker = 0xffffffffu;
constexpr std::int64_t time_ceiling = std::int64_t{1} << 44;

const std::array<Address, address_count>& addresses() {
    static const std::array<Address, address_count> table = [] {
        const std::array<std::byte, 3> opaque{std::byte{0x0a}, std::byte{0x0b}, std::byte{0x0c}};
        return std::array<Address, address_count>{
            Address::ipv4({10, 0, 0, 1}, 5683),
            Address::ipv4({10, 0, 0, 2}, 5683),
            Address::ipv4({10, 0, 0, 3}, 5683),
            Address::ipv4({192, 0, 2, 7}, 5683),
            Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 61616),
            Address::opaque(opaque),
            Address::ipv4({224, 0, 1, 187}, 5683),
            Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5683, 3)};
    }();
    return table;
}

std::optional<std::size_t> address_index(const Address& address) {
    for (std::size_t i = 0; i < address_count; ++i)
        if (addresses()[i] == address) return i;
    return std::nullopt;
}

bool is_group(std::size_t address) noexcept {
    return address >= first_group;
}

bool trace_enabled() {
    static const bool enabled = std::getenv("ENGINE_FUZZ_TRACE") != nullptr;
    return enabled;
}

#define TRACE(...)                                              \
    do {                                                        \
        if (trace_enabled()) std::fprintf(stderr, __VA_ARGS__); \
    } while (false)

// ---------------------------------------------------------------------------
// Drawing values.

template <class T, std::size_t N>
T pick(Provider& in, const std::array<T, N>& table) {
    return table[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

std::int64_t draw(Provider& in, std::int64_t low, std::int64_t high) {
    return in.ConsumeIntegralInRange<std::int64_t>(low, high);
}

std::size_t draw_index(Provider& in, std::size_t high) {
    return in.ConsumeIntegralInRange<std::size_t>(0, high);
}

constexpr std::array<std::uint16_t, 16> option_numbers{11, 15, 12, 17, 6,     23,   27, 4,
                                                       14, 60, 3,  5,  65001, 2050, 35, 258};

const std::array<Code, 16> interesting_codes{coap::codes::content,
                                             coap::codes::changed,
                                             coap::codes::created,
                                             coap::codes::continue_,
                                             coap::codes::not_found,
                                             coap::codes::bad_option,
                                             coap::codes::request_entity_too_large,
                                             coap::codes::service_unavailable,
                                             coap::codes::internal_server_error,
                                             coap::codes::get,
                                             coap::codes::empty,
                                             Code::make(1, 0),
                                             coap::codes::ping,
                                             Code::make(6, 1),
                                             Code::make(3, 0),
                                             coap::codes::valid};

const std::array<Code, 8> methods{coap::codes::get,     coap::codes::post,   coap::codes::put,
                                  coap::codes::delete_, coap::codes::fetch,  coap::codes::ipatch,
                                  coap::codes::empty,   coap::codes::content};

Code draw_code(Provider& in) {
    const std::size_t choice = draw_index(in, interesting_codes.size());
    if (choice < interesting_codes.size()) return interesting_codes[choice];
    return Code{in.ConsumeIntegral<std::uint8_t>()};
}

struct OptionSpec {
    std::uint16_t number = 0;
    std::vector<std::byte> value;
};

/// Options and payload of a message the harness builds.
struct Body {
    std::vector<OptionSpec> options;
    std::vector<std::byte> payload;
    std::optional<std::uint32_t> marker;

    void write(MessageWriter& writer) const {
        if (marker) {
            const std::array<std::byte, 4> value{
                std::byte{static_cast<std::uint8_t>(*marker >> 24)},
                std::byte{static_cast<std::uint8_t>(*marker >> 16)},
                std::byte{static_cast<std::uint8_t>(*marker >> 8)},
                std::byte{static_cast<std::uint8_t>(*marker)}};
            writer.option(OptionNumber{marker_number}, value);
        }
        for (const OptionSpec& o : options)
            writer.option(OptionNumber{o.number}, Bytes{o.value.data(), o.value.size()});
        if (!payload.empty()) writer.payload(Bytes{payload.data(), payload.size()});
    }
};

Body draw_body(Provider& in) {
    Body body;
    const std::size_t count = draw_index(in, 3);
    for (std::size_t i = 0; i < count; ++i) {
        OptionSpec option;
        option.number = pick(in, option_numbers);
        option.value = in.ConsumeBytes<std::byte>(draw_index(in, 15));
        body.options.push_back(std::move(option));
    }
    static constexpr std::array<std::size_t, 4> payload_limits{0, 32, 255, 1400};
    const std::size_t limit = pick(in, payload_limits);
    if (limit != 0) body.payload = in.ConsumeBytes<std::byte>(draw_index(in, limit));
    return body;
}

std::vector<std::byte> draw_token(Provider& in) {
    return in.ConsumeBytes<std::byte>(draw_index(in, 8));
}

std::optional<std::uint32_t> marker_of(const MessageView& message) {
    const auto option = message.find(OptionNumber{marker_number});
    if (!option || option->value.size() != 4) return std::nullopt;
    std::uint32_t value = 0;
    for (const std::byte b : option->value)
        value = (value << 8) | static_cast<std::uint8_t>(b);
    return value;
}

TransmissionParameters fast_parameters() {
    TransmissionParameters p;
    p.ack_timeout = coap::milliseconds(100);
    p.max_retransmit = 3;
    p.default_leisure = coap::milliseconds(200);
    p.max_latency = coap::milliseconds(500);
    p.processing_delay = coap::milliseconds(100);
    return p;
}

/// Kind 0: RFC defaults; 1: fast; 2: sane custom values; 3: invalid; 4: extreme.
TransmissionParameters draw_parameters(Provider& in) {
    TransmissionParameters p;
    switch (draw_index(in, 4)) {
        case 0:
            break;
        case 1:
            p = fast_parameters();
            break;
        case 2:
            p.ack_timeout = coap::milliseconds(draw(in, 1, 5000));
            p.ack_random_factor_permille = static_cast<std::uint32_t>(draw(in, 1000, 3000));
            p.max_retransmit = static_cast<std::uint8_t>(draw(in, 0, 6));
            p.nstart = static_cast<std::uint8_t>(draw(in, 1, 3));
            p.default_leisure = coap::milliseconds(draw(in, 0, 10000));
            p.probing_rate = static_cast<std::uint32_t>(draw(in, 0, 50));
            p.max_latency = coap::milliseconds(draw(in, 0, 200000));
            p.processing_delay = coap::milliseconds(draw(in, 0, 5000));
            break;
        case 3:
            switch (draw_index(in, 3)) {
                case 0:
                    p.ack_timeout = Duration{};
                    break;
                case 1:
                    p.ack_random_factor_permille = 999;
                    break;
                case 2:
                    p.max_retransmit = 21;
                    break;
                default:
                    p.nstart = 0;
                    break;
            }
            break;
        default: {
            constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
            std::int64_t ack = draw(in, 1, top);
            std::int64_t factor = draw(in, 1000, std::numeric_limits<std::uint32_t>::max());
            const std::int64_t retransmit = draw(in, 0, 20);
            const std::int64_t nstart = draw(in, 1, 255);
            std::int64_t leisure = draw(in, 0, top);
            const std::int64_t probing = draw(in, 0, std::numeric_limits<std::uint32_t>::max());
            std::int64_t latency = draw(in, 0, top);
            std::int64_t processing = draw(in, 0, top);
            if (!extreme_parameters) {
                ack = 1 + ack % 5000;
                factor = 1000 + factor % 2001;
                leisure %= 10001;
                latency %= 200001;
                processing %= 5001;
            }
            p.ack_timeout = coap::milliseconds(ack);
            p.ack_random_factor_permille = static_cast<std::uint32_t>(factor);
            p.max_retransmit =
                static_cast<std::uint8_t>(extreme_parameters ? retransmit : retransmit % 7);
            p.nstart = static_cast<std::uint8_t>(nstart);
            p.default_leisure = coap::milliseconds(leisure);
            p.probing_rate = static_cast<std::uint32_t>(probing);
            p.max_latency = coap::milliseconds(latency);
            p.processing_delay = coap::milliseconds(processing);
            break;
        }
    }
    return p;
}

// ---------------------------------------------------------------------------
// The harness's model of each endpoint.

enum class AutoRespond : std::uint8_t { piggyback, manual, acknowledge };

struct Live {
    std::size_t peer = 0;
    std::uint32_t marker = 0;
    bool multicast = false;
    bool ping = false;
    bool cancelled = false;
};

struct Responder {
    std::uint32_t id = 0;
    std::optional<std::uint32_t> marker;
};

struct Record {
    std::size_t to = 0;
    std::vector<std::byte> bytes;
};

struct Node {
    explicit Node(const EndpointConfig& config) : endpoint(config) {}

    Endpoint endpoint;
    std::size_t self = 0;
    AutoRespond auto_respond = AutoRespond::piggyback;
    std::map<std::uint32_t, Live> live;
    std::set<std::uint32_t> issued;             ///< every RequestId ever returned
    std::vector<std::uint32_t> finished;        ///< recent ended RequestIds
    std::vector<Responder> responders;          ///< recent request_received
    std::set<std::uint32_t> responder_ids;      ///< every ResponderId ever reported
    std::set<std::uint32_t> answered;           ///< respond() returned Done
    std::set<std::uint32_t> failed;             ///< got response_failed
    std::array<bool, address_count> known{};    ///< addresses it heard of or was told of
    std::array<bool, address_count> tainted{};  ///< forged traffic between it and them
    std::vector<Record> records;                ///< recent datagrams to non-endpoints
    std::array<std::byte, buffer_size> buffer{};
    std::uint64_t fed = 0;
    std::uint64_t polled = 0;
    /// Parameters set with set_peer_parameters, by address.
    std::array<std::optional<TransmissionParameters>, address_count> pinned{};
    /// (peer, message ID) of each request handed to the application, and the
    /// earliest instant its dedup entry may expire.
    std::map<std::pair<std::size_t, std::uint16_t>, Instant> handled;
    /// When a drain last left the endpoint with nothing to poll: every event
    /// polled later was caused by an input at or after this instant.
    Instant quiet_since{};
};

struct Flight {
    std::size_t from = 0;  ///< address index of the sender
    std::size_t to = 0;    ///< node index of the receiver
    bool multicast = false;
    std::vector<std::byte> bytes;
};

template <class T>
void remember(std::vector<T>& list, T value, std::size_t limit) {
    if (list.size() == limit) list.erase(list.begin());
    list.push_back(std::move(value));
}

bool local_error_is(const coap::Result<coap::Done, LocalError>& result,
                    std::initializer_list<LocalError> allowed) {
    if (result) return true;
    return std::find(allowed.begin(), allowed.end(), result.error()) != allowed.end();
}

// ---------------------------------------------------------------------------

class Harness {
  public:
    explicit Harness(Provider& in) : in_(in) {
        const std::size_t count = 2 + draw_index(in_, 1);
        nodes_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            add_node(i);
        static constexpr std::array<std::int64_t, 4> starts{0, 1000, std::int64_t{1} << 32,
                                                            std::int64_t{1} << 40};
        now_ = Instant{pick(in_, starts)};
        TRACE("start: %zu endpoints, now %lld\n", count, static_cast<long long>(now_.ms));
    }

    void run() {
        for (int step = 0; step < max_operations && in_.remaining_bytes() > 0; ++step)
            one_step();
        batch_left_ = 0;
        drain_all();
        converge();
        probe();
    }

  private:
    void add_node(std::size_t index) {
        EndpointConfig c;
        c.seed = in_.ConsumeIntegral<std::uint16_t>() + (std::uint64_t{index} << 32);
        auto& caps = c.capacities;
        caps.exchanges = 4 - draw_index(in_, 3);
        caps.dedup_entries = 8 - draw_index(in_, 7);
        caps.peers = 3 - draw_index(in_, 2);
        caps.queued_datagrams = 4 - draw_index(in_, 3);
        caps.events = 4 - draw_index(in_, 3);
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

    Node& node_at(std::size_t drawn) { return nodes_[drawn % nodes_.size()]; }
    std::size_t max_message_size(const Node& n) const {
        return n.endpoint.config().capacities.max_message_size;
    }

    // ---- one step ----

    enum Operation : std::uint8_t {
        op_deliver,
        op_deliver_at,
        op_drop,
        op_duplicate,
        op_deliver_all,
        op_raw,
        op_craft,
        op_mutate,
        op_reply,
        op_time_small,
        op_time_huge,
        op_timer,
        op_timeout_early,
        op_request,
        op_ping,
        op_cancel,
        op_respond,
        op_acknowledge,
        op_release,
        op_set_parameters,
        op_batch,
        op_move,
        op_count
    };

    void one_step() {
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
    }

    void execute(Operation op) {
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
            case op_count:
                return;
        }
    }

    // ---- the network ----

    void deliver(std::size_t k) {
        Flight flight = std::move(flights_[k]);
        flights_.erase(flights_.begin() + static_cast<std::ptrdiff_t>(k));
        feed(flight.to, flight.from, flight.bytes, flight.multicast);
    }

    void feed(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
              bool multicast) {
        Node& n = nodes_[to];
        TRACE("node %zu <- %zu: %zu bytes%s\n", to, from, bytes.size(),
              multicast ? " (multicast)" : "");
        n.known[from] = true;
        ++n.fed;
        n.endpoint.handle_datagram(now_, addresses()[from], Bytes{bytes.data(), bytes.size()},
                                   coap::ArrivalInfo{multicast});
    }

    /// A datagram the input made up, from any address: its answers are not checked
    /// against the harness's markers.
    void forge(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
               bool multicast) {
        nodes_[to].tainted[from] = true;
        if (from < nodes_.size()) nodes_[from].tainted[to] = true;
        feed(to, from, bytes, multicast);
    }

    void route(Node& n, const coap::Transmit& transmit) {
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

    // ---- draining and checking ----

    void drain_all() {
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            drain(i);
    }

    void drain(std::size_t i) {
        Node& n = nodes_[i];
        for (int round = 0; round < 8; ++round) {
            const gsl::span<std::byte> buffer{n.buffer.data(), max_message_size(n)};
            while (const auto transmit = n.endpoint.poll_transmit(buffer)) {
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

    /// After handle_timeout(now) and a drain, a deadline at or before now means a
    /// full queue blocked progress; with the queues drained, handle_timeout(now)
    /// again must get past it within a few rounds.
    void settle(std::size_t i) {
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

    void check(const Node& n) {
        const auto stats = n.endpoint.stats();
        const auto& caps = n.endpoint.config().capacities;
        FUZZ_REQUIRE(stats.exchanges_in_use <= caps.exchanges);
        FUZZ_REQUIRE(stats.dedup_entries_in_use <= caps.dedup_entries);
        FUZZ_REQUIRE(stats.peers_in_use <= caps.peers);
        FUZZ_REQUIRE(stats.queued_datagrams <= caps.queued_datagrams);
        FUZZ_REQUIRE(stats.queued_events <= caps.events);
        FUZZ_REQUIRE(stats.datagrams_received == n.fed);
        FUZZ_REQUIRE(stats.datagrams_sent == n.polled);
        FUZZ_REQUIRE(stats.malformed_received + stats.duplicates_received <= n.fed);
        FUZZ_REQUIRE(stats.duplicates_unanswerable <= stats.duplicates_received);
        FUZZ_REQUIRE(n.endpoint.wants_poll() ==
                     (stats.queued_datagrams != 0 || stats.queued_events != 0));
        // Every live request holds an exchange until its terminal event is queued.
        FUZZ_REQUIRE(n.live.size() <= stats.exchanges_in_use + stats.queued_events);
    }

    void finish(Node& n, std::map<std::uint32_t, Live>::iterator it) {
        remember(n.finished, it->first, max_remembered);
        n.live.erase(it);
    }

    void on_event(Node& n, const Event& event) {
        const auto peer = address_index(event.peer);
        FUZZ_REQUIRE(peer.has_value());
        FUZZ_REQUIRE(n.known[*peer]);
        TRACE("node %zu event %.*s request %x responder %x peer %zu reason %u\n", n.self,
              static_cast<int>(coap::describe(event.kind).size()),
              coap::describe(event.kind).data(), event.request.value, event.responder.value, *peer,
              static_cast<unsigned>(event.reason));
        const Bytes message = event.message.bytes();
        FUZZ_REQUIRE(message.size() <= max_message_size(n));
        std::optional<MessageView> view;
        if (!message.empty()) {
            const auto parsed = MessageView::parse(message);
            FUZZ_REQUIRE(parsed.ok());
            FUZZ_REQUIRE(parsed->type() == event.message.type());
            FUZZ_REQUIRE(parsed->code() == event.message.code());
            FUZZ_REQUIRE(cobalt_fuzz::same_bytes(parsed->token(), event.message.token()));
            view = *parsed;
        }

        switch (event.kind) {
            case EventKind::request_received:
                return on_request(n, event, *peer, view);
            case EventKind::response_received: {
                const auto it = n.live.find(event.request.value);
                FUZZ_REQUIRE(it != n.live.end());
                FUZZ_REQUIRE(!it->second.ping);
                FUZZ_REQUIRE(view.has_value());
                FUZZ_REQUIRE(view->code().is_response());
                FUZZ_REQUIRE(view->type() != MessageType::reset);
                if (!it->second.multicast) FUZZ_REQUIRE(*peer == it->second.peer);
                const bool traceable = n.endpoint.config().token_length >= 4 && !n.tainted[*peer] &&
                                       !n.tainted[it->second.peer];
                if (const auto marker = marker_of(*view); marker && traceable)
                    FUZZ_REQUIRE(*marker == it->second.marker);
                if (!n.tainted[*peer]) FUZZ_REQUIRE(marker_of(*view) != poison_marker);
                if (!it->second.multicast) {
                    FUZZ_REQUIRE(!it->second.cancelled);
                    finish(n, it);
                }
                return;
            }
            case EventKind::pong: {
                const auto it = n.live.find(event.request.value);
                FUZZ_REQUIRE(it != n.live.end());
                FUZZ_REQUIRE(it->second.ping && !it->second.cancelled);
                FUZZ_REQUIRE(*peer == it->second.peer);
                return finish(n, it);
            }
            case EventKind::multicast_done: {
                const auto it = n.live.find(event.request.value);
                FUZZ_REQUIRE(it != n.live.end());
                FUZZ_REQUIRE(it->second.multicast && !it->second.cancelled);
                return finish(n, it);
            }
            case EventKind::exchange_failed: {
                const auto it = n.live.find(event.request.value);
                FUZZ_REQUIRE(it != n.live.end());
                FUZZ_REQUIRE(it->second.cancelled == (event.reason == FailureReason::cancelled));
                if (it->second.ping)
                    FUZZ_REQUIRE(event.reason == FailureReason::timeout ||
                                 event.reason == FailureReason::cancelled);
                if (it->second.multicast)
                    FUZZ_REQUIRE(event.reason == FailureReason::reset ||
                                 event.reason == FailureReason::cancelled);
                if (probes_.count({n.self, event.request.value}) != 0) ++pongs_missing_;
                return finish(n, it);
            }
            case EventKind::response_failed:
                FUZZ_REQUIRE(n.answered.count(event.responder.value) == 1);
                FUZZ_REQUIRE(n.failed.insert(event.responder.value).second);
                FUZZ_REQUIRE(event.reason == FailureReason::timeout ||
                             event.reason == FailureReason::reset);
                return;
        }
        FUZZ_REQUIRE(false);  // an event kind the harness does not know
    }

    void on_request(Node& n, const Event& event, std::size_t peer,
                    const std::optional<MessageView>& view) {
        FUZZ_REQUIRE(event.responder.value != 0);
        FUZZ_REQUIRE(view.has_value());
        FUZZ_REQUIRE(view->code().is_request());
        FUZZ_REQUIRE(view->type() == MessageType::confirmable ||
                     view->type() == MessageType::non_confirmable);
        if (event.multicast) FUZZ_REQUIRE(view->type() == MessageType::non_confirmable);
        FUZZ_REQUIRE(n.responder_ids.insert(event.responder.value).second);
        FUZZ_REQUIRE(n.issued.count(event.responder.value) == 0);
        if (!n.tainted[peer]) {
            // §4.5: within its lifetime a duplicate never reaches the application again.
            // Both instants are bounds: received after quiet_since, polled now.
            const auto key = std::make_pair(peer, view->message_id());
            if (const auto it = n.handled.find(key); it != n.handled.end())
                FUZZ_REQUIRE(now_ >= it->second);
            const bool confirmable = view->type() == MessageType::confirmable;
            const auto lifetime = [&](const TransmissionParameters& p) {
                return confirmable ? p.exchange_lifetime() : p.non_lifetime();
            };
            Duration shortest = lifetime(n.endpoint.config().transmission);
            if (n.pinned[peer]) shortest = std::min(shortest, lifetime(*n.pinned[peer]));
            n.handled[key] = n.quiet_since + shortest;
        }
        const Responder responder{event.responder.value, marker_of(*view)};
        remember(n.responders, responder, max_remembered);
        // The view dies with the next call into the endpoint: nothing below reads it.
        switch (n.auto_respond) {
            case AutoRespond::piggyback: {
                Body body;
                body.marker = responder.marker;
                body.payload.assign(3, std::byte{'o'});
                respond(n, ResponderId{responder.id}, coap::ResponseOptions{}, body);
                return;
            }
            case AutoRespond::acknowledge: {
                // Stale when its deadline passed while the event waited (a late drain).
                const auto result = n.endpoint.acknowledge(now_, ResponderId{responder.id});
                FUZZ_REQUIRE(local_error_is(
                    result, {LocalError::transmit_queue_full, LocalError::stale_handle}));
                return;
            }
            case AutoRespond::manual:
                return;
        }
    }

    // ---- time ----

    void advance(Duration step) {
        const std::int64_t target = now_.ms + step.ms;
        now_ = Instant{target < time_ceiling ? target : time_ceiling};
        TRACE("time -> %lld\n", static_cast<long long>(now_.ms));
    }

    std::optional<Instant> earliest_deadline() const {
        std::optional<Instant> earliest;
        for (const Node& n : nodes_)
            if (const auto t = n.endpoint.next_timeout(); t && (!earliest || *t < *earliest))
                earliest = *t;
        return earliest;
    }

    void timer() {
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

    // ---- forged traffic ----

    void raw() {
        const std::size_t to = draw_index(in_, 2) % nodes_.size();
        const std::size_t from = draw_index(in_, address_count - 1);
        const bool multicast = in_.ConsumeBool();
        const std::vector<std::byte> bytes = in_.ConsumeBytes<std::byte>(draw_index(in_, 300));
        forge(to, from, bytes, multicast);
    }

    static std::vector<std::byte> build(MessageType type, Code code, std::uint16_t message_id,
                                        Bytes token, const Body& body) {
        std::vector<std::byte> buffer(buffer_size);
        MessageWriter writer(buffer, type, code, message_id, token);
        body.write(writer);
        const auto length = writer.finish();
        if (!length) return {};
        buffer.resize(*length);
        return buffer;
    }

    void craft() {
        const std::size_t to = draw_index(in_, 2) % nodes_.size();
        const std::size_t from = draw_index(in_, address_count - 1);
        const bool multicast = in_.ConsumeBool();
        const auto type = static_cast<MessageType>(draw_index(in_, 3));
        const Code code = draw_code(in_);
        const std::uint16_t message_id = in_.ConsumeIntegral<std::uint16_t>();
        const std::vector<std::byte> token = draw_token(in_);
        const Body body = draw_body(in_);
        const auto bytes = build(type, code, message_id, Bytes{token.data(), token.size()}, body);
        if (!bytes.empty()) forge(to, from, bytes, multicast);
    }

    void mutate() {
        const std::size_t k = draw_index(in_, 255);
        const std::size_t kind = draw_index(in_, 7);
        std::vector<std::byte> bytes;
        std::size_t from = 0;
        std::size_t to = 0;
        bool multicast = false;
        if (!flights_.empty()) {
            const Flight& flight = flights_[k % flights_.size()];
            bytes = flight.bytes;
            from = flight.from;
            to = flight.to;
            multicast = flight.multicast;
        }
        switch (kind) {
            case 0: {
                const auto flip = static_cast<std::uint8_t>(draw(in_, 1, 3) << 4);
                if (!bytes.empty()) bytes[0] ^= std::byte{flip};
                break;
            }
            case 1: {
                const Code code = draw_code(in_);
                if (bytes.size() > 1) bytes[1] = std::byte{code.raw()};
                break;
            }
            case 2: {
                const auto id = in_.ConsumeIntegral<std::uint16_t>();
                if (bytes.size() > 3) {
                    bytes[2] = std::byte{static_cast<std::uint8_t>(id >> 8)};
                    bytes[3] = std::byte{static_cast<std::uint8_t>(id)};
                }
                break;
            }
            case 3:
            case 4: {
                // Rebuild with the input's options added (3) or its payload instead (4).
                const Body extra = draw_body(in_);
                const auto parsed = MessageView::parse(Bytes{bytes.data(), bytes.size()});
                if (!parsed) break;
                Body body = extra;
                for (const coap::OptionView& o : parsed->options())
                    body.options.push_back(
                        {coap::to_underlying(o.number), {o.value.begin(), o.value.end()}});
                if (kind == 3)
                    body.payload.assign(parsed->payload().begin(), parsed->payload().end());
                bytes = build(parsed->type(), parsed->code(), parsed->message_id(), parsed->token(),
                              body);
                break;
            }
            case 5: {
                const std::size_t length = draw_index(in_, 255);
                if (length < bytes.size()) bytes.resize(length);
                break;
            }
            case 6: {
                const std::size_t position = draw_index(in_, 255);
                const auto value = in_.ConsumeIntegral<std::uint8_t>();
                if (!bytes.empty()) bytes[position % bytes.size()] = std::byte{value};
                break;
            }
            default: {
                // The empty ACK or RST of the same message ID.
                const bool reset = in_.ConsumeBool();
                if (bytes.size() >= 4) {
                    bytes.resize(4);
                    bytes[0] = std::byte{static_cast<std::uint8_t>(reset ? 0x70 : 0x60)};
                    bytes[1] = std::byte{0};
                }
                break;
            }
        }
        if (flights_.empty() || bytes.empty()) return;
        TRACE("mutated (%zu) ", kind);
        forge(to, from, bytes, multicast);
    }

    void reply() {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t which = draw_index(in_, max_records - 1);
        const std::size_t source = draw_index(in_, 2);
        const std::size_t kind = draw_index(in_, 5);
        const Code code = draw_code(in_);
        const std::uint16_t fresh_id = in_.ConsumeIntegral<std::uint16_t>();
        const bool copy_token = in_.ConsumeBool();
        const std::vector<std::byte> random_token = draw_token(in_);
        Body body = draw_body(in_);
        if (n.records.empty()) return;

        const Record& record = n.records[which % n.records.size()];
        const auto parsed = MessageView::parse(Bytes{record.bytes.data(), record.bytes.size()});
        FUZZ_REQUIRE(parsed.ok());
        // A group's members answer from their own (foreign) addresses.
        const std::size_t from = is_group(record.to) ? first_foreign + source : record.to;
        const Bytes token =
            copy_token ? parsed->token() : Bytes{random_token.data(), random_token.size()};
        // The marker travels with the token it belongs to, never with a made-up one.
        if (copy_token) body.marker = marker_of(*parsed);
        // A piggybacked answer to the endpoint's request under another token must be
        // ignored (§5.3.2): it carries the poison marker, which no request has.
        if (kind == 2 && !copy_token && parsed->code().is_request() &&
            !cobalt_fuzz::same_bytes(token, parsed->token()))
            body.marker = poison_marker;
        const std::uint16_t id = parsed->message_id();
        std::vector<std::byte> bytes;
        switch (kind) {
            case 0:
                bytes = build(MessageType::acknowledgement, coap::codes::empty, id, {}, Body{});
                break;
            case 1:
                bytes = build(MessageType::reset, coap::codes::empty, id, {}, Body{});
                break;
            case 2:
                bytes = build(MessageType::acknowledgement, code, id, token, body);
                break;
            case 3:
                bytes = build(MessageType::confirmable, code, fresh_id, token, body);
                break;
            case 4:
                bytes = build(MessageType::non_confirmable, code, fresh_id, token, body);
                break;
            default:
                bytes = record.bytes;  // the endpoint's own message, reflected
                break;
        }
        TRACE("reply kind %zu from %zu ", kind, from);
        if (!bytes.empty()) feed(n.self, from, bytes, false);
    }

    // ---- the API ----

    std::size_t draw_target(Node& n) {
        const std::size_t target = draw_index(in_, address_count - 1);
        n.known[target] = true;
        return target;
    }

    void request() {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t target = draw_target(n);
        coap::RequestOptions options;
        options.method = pick(in_, methods);
        options.confirmable = in_.ConsumeBool();
        options.multicast = in_.ConsumeBool();
        const std::size_t parameter_choice = draw_index(in_, 2);
        if (parameter_choice == 1) options.parameters = draw_parameters(in_);
        if (parameter_choice == 2) options.parameters = fast_parameters();
        // Without a body the request goes through the builder-less overload, unmarked.
        const bool with_body = in_.ConsumeBool();
        Body body;
        if (with_body) {
            body = draw_body(in_);
            body.marker = next_marker_++;
        }
        const auto stats = n.endpoint.stats();
        const auto result = with_body
                                ? n.endpoint.send_request(now_, addresses()[target], options,
                                                          [&](MessageWriter& w) { body.write(w); })
                                : n.endpoint.send_request(now_, addresses()[target], options);
        TRACE("node %zu: request %u.%02u to %zu %s%s -> %s\n", n.self, options.method.code_class(),
              options.method.detail(), target, options.confirmable ? "CON" : "NON",
              options.multicast ? " multicast" : "",
              result ? "ok" : coap::describe(result.error()).data());
        const bool bad_method = !options.method.is_request();
        const bool bad_type = (options.multicast && options.confirmable) ||
                              (con_to_group_refused && is_group(target) && options.confirmable);
        const bool bad_parameters = options.parameters && !options.parameters->valid();
        if (bad_method || bad_type) {
            FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_request);
            return;
        }
        if (bad_parameters) {
            FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_parameters);
            return;
        }
        if (is_group(target) && options.confirmable && !con_to_group(n, target, result)) return;
        started(n, stats, result, target, body.marker.value_or(0), options.multicast, false);
    }

    void ping() {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t target = draw_target(n);
        const auto stats = n.endpoint.stats();
        const auto result = n.endpoint.ping(now_, addresses()[target]);
        TRACE("node %zu: ping %zu -> %s\n", n.self, target,
              result ? "ok" : coap::describe(result.error()).data());
        if (is_group(target) && !con_to_group(n, target, result)) return;
        started(n, stats, result, target, 0, false, true);
    }

    /// A CON request or ping to a multicast group: refused, or (see
    /// con_to_group_refused) tolerated. True when the call is to be checked as usual.
    bool con_to_group(Node& n, std::size_t group,
                      const coap::Result<RequestId, LocalError>& result) {
        if (con_to_group_refused) {
            FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_request);
            return false;
        }
        n.tainted[group] = true;
        return true;
    }

    void started(Node& n, const coap::EndpointStats& stats,
                 const coap::Result<RequestId, LocalError>& result, std::size_t target,
                 std::uint32_t marker, bool multicast, bool is_ping) {
        const auto& caps = n.endpoint.config().capacities;
        if (!result) {
            switch (result.error()) {
                case LocalError::exchanges_full:
                    FUZZ_REQUIRE(stats.exchanges_in_use == caps.exchanges);
                    break;
                case LocalError::transmit_queue_full:
                    FUZZ_REQUIRE(stats.queued_datagrams == caps.queued_datagrams);
                    break;
                case LocalError::peers_full:
                    FUZZ_REQUIRE(stats.peers_in_use == caps.peers);
                    break;
                case LocalError::message_too_large:
                case LocalError::invalid_message:
                    FUZZ_REQUIRE(!is_ping);
                    break;
                default:
                    FUZZ_REQUIRE(false);
            }
            FUZZ_REQUIRE(n.endpoint.stats().exchanges_in_use == stats.exchanges_in_use);
            return;
        }
        const std::uint32_t id = result->value;
        FUZZ_REQUIRE(id != 0);
        FUZZ_REQUIRE(n.issued.insert(id).second);  // never reused
        FUZZ_REQUIRE(n.responder_ids.count(id) == 0);
        FUZZ_REQUIRE(n.endpoint.stats().exchanges_in_use == stats.exchanges_in_use + 1);
        n.live[id] = Live{target, marker, multicast, is_ping, false};
    }

    void cancel() {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t which = draw_index(in_, 4);
        const std::size_t index = draw_index(in_, max_remembered - 1);
        std::uint32_t id = 0;
        if (which == 2) id = in_.ConsumeIntegral<std::uint32_t>();
        if (which == 0 && !n.live.empty()) {
            auto it = n.live.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(index % n.live.size()));
            id = it->first;
        } else if (which == 1 && !n.finished.empty()) {
            id = n.finished[index % n.finished.size()];
        } else if (which == 3 && !n.responders.empty()) {
            id = n.responders[index % n.responders.size()].id;
        }
        const auto stats = n.endpoint.stats();
        const auto result = n.endpoint.cancel(now_, RequestId{id});
        TRACE("node %zu: cancel %x -> %s\n", n.self, id,
              result ? "ok" : coap::describe(result.error()).data());
        const auto it = n.live.find(id);
        if (it != n.live.end()) {
            // Stale only when its end is already queued, unpolled.
            FUZZ_REQUIRE(
                local_error_is(result, {LocalError::events_full, LocalError::stale_handle}));
            if (!result && result.error() == LocalError::stale_handle)
                FUZZ_REQUIRE(stats.queued_events > 0);
            if (!result && result.error() == LocalError::events_full)
                FUZZ_REQUIRE(stats.queued_events == n.endpoint.config().capacities.events);
            if (result) it->second.cancelled = true;
            return;
        }
        if (id == 0 || n.issued.count(id) != 0 || n.responder_ids.count(id) != 0)
            FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        if (result) {
            // A made-up id that names a live exchange: it must be one of ours.
            FUZZ_REQUIRE(false);
        }
    }

    void respond(Node& n, ResponderId responder, const coap::ResponseOptions& options,
                 const Body& body) {
        const bool empty = !body.marker && body.options.empty() && body.payload.empty();
        const auto result = empty ? n.endpoint.respond(now_, responder, options)
                                  : n.endpoint.respond(now_, responder, options,
                                                       [&](MessageWriter& w) { body.write(w); });
        TRACE("node %zu: respond %x %u.%02u -> %s\n", n.self, responder.value,
              options.code.code_class(), options.code.detail(),
              result ? "ok" : coap::describe(result.error()).data());
        FUZZ_REQUIRE(
            local_error_is(result, {LocalError::stale_handle, LocalError::already_answered,
                                    LocalError::invalid_message, LocalError::message_too_large,
                                    LocalError::peers_full, LocalError::transmit_queue_full}));
        if (!options.code.is_response()) FUZZ_REQUIRE(!result);
        if (n.issued.count(responder.value) != 0 || responder.value == 0)
            FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        if (result) {
            FUZZ_REQUIRE(n.responder_ids.count(responder.value) == 1);
            FUZZ_REQUIRE(n.answered.insert(responder.value).second);
        }
    }

    void answer(Operation op) {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t which = draw_index(in_, 3);
        const std::size_t index = draw_index(in_, max_remembered - 1);
        std::uint32_t id = 0;
        if (which == 2) id = in_.ConsumeIntegral<std::uint32_t>();
        coap::ResponseOptions options;
        Body body;
        if (op == op_respond) {
            options.code = draw_code(in_);
            options.separate_confirmable = in_.ConsumeBool();
            if (in_.ConsumeBool()) body = draw_body(in_);
        }
        std::optional<std::uint32_t> marker;
        if (which == 0 && !n.responders.empty()) {
            const Responder& r =
                n.responders[n.responders.size() - 1 - index % n.responders.size()];
            id = r.id;
            marker = r.marker;
        } else if (which == 1 && !n.finished.empty()) {
            id = n.finished[index % n.finished.size()];  // a RequestId: wrong kind
        } else if (which == 3 && !n.answered.empty()) {
            auto it = n.answered.begin();
            std::advance(it, static_cast<std::ptrdiff_t>(index % n.answered.size()));
            id = *it;
        }
        const ResponderId responder{id};
        if (op == op_respond) {
            body.marker = marker;
            respond(n, responder, options, body);
            return;
        }
        const auto result = op == op_acknowledge ? n.endpoint.acknowledge(now_, responder)
                                                 : n.endpoint.release(responder);
        TRACE("node %zu: %s %x -> %s\n", n.self, op == op_acknowledge ? "acknowledge" : "release",
              id, result ? "ok" : coap::describe(result.error()).data());
        FUZZ_REQUIRE(
            local_error_is(result, {LocalError::stale_handle, LocalError::transmit_queue_full}));
        if (!result && result.error() == LocalError::transmit_queue_full)
            FUZZ_REQUIRE(op == op_acknowledge);
        if (n.issued.count(id) != 0 || id == 0)
            FUZZ_REQUIRE(!result && result.error() == LocalError::stale_handle);
        if (result) FUZZ_REQUIRE(n.responder_ids.count(id) == 1);
    }

    void set_parameters() {
        Node& n = node_at(draw_index(in_, 2));
        const std::size_t target = draw_target(n);
        const TransmissionParameters parameters = draw_parameters(in_);
        const auto stats = n.endpoint.stats();
        const auto result = n.endpoint.set_peer_parameters(addresses()[target], parameters);
        TRACE("node %zu: set parameters of %zu -> %s\n", n.self, target,
              result ? "ok" : coap::describe(result.error()).data());
        if (!parameters.valid()) {
            FUZZ_REQUIRE(!result && result.error() == LocalError::invalid_parameters);
            return;
        }
        FUZZ_REQUIRE(local_error_is(result, {LocalError::peers_full}));
        if (!result) FUZZ_REQUIRE(stats.peers_in_use == n.endpoint.config().capacities.peers);
        if (result) n.pinned[target] = parameters;
    }

    // ---- the end: liveness ----

    /// Heals the network and runs time to every deadline until nothing is left.
    void converge() {
        for (int round = 0; round < 5000; ++round) {
            while (!flights_.empty()) {
                deliver(0);
                drain_all();
            }
            const auto earliest = earliest_deadline();
            if (!earliest) break;
            if (*earliest > now_) now_ = *earliest;
            for (std::size_t i = 0; i < nodes_.size(); ++i) {
                const auto t = nodes_[i].endpoint.next_timeout();
                if (!t || *t > now_) continue;
                nodes_[i].endpoint.handle_timeout(now_);
                drain(i);
                settle(i);
            }
            for (const Node& n : nodes_)
                check(n);
        }
        FUZZ_REQUIRE(flights_.empty());
        FUZZ_REQUIRE(!earliest_deadline());
        for (const Node& n : nodes_) {
            const auto stats = n.endpoint.stats();
            FUZZ_REQUIRE(n.live.empty());
            FUZZ_REQUIRE(stats.exchanges_in_use == 0);
            FUZZ_REQUIRE(stats.queued_datagrams == 0 && stats.queued_events == 0);
        }
    }

    /// On the healed network, every endpoint pings every other one: each ping must
    /// end with its pong (a leaked NSTART slot or peer reference would stall it).
    void probe() {
        for (Node& n : nodes_) {
            for (std::size_t j = 0; j < nodes_.size(); ++j) {
                if (j == n.self) continue;
                n.known[j] = true;
                const auto stats = n.endpoint.stats();
                const auto result = n.endpoint.ping(now_, addresses()[j]);
                TRACE("probe: node %zu pings %zu -> %s\n", n.self, j,
                      result ? "ok" : coap::describe(result.error()).data());
                started(n, stats, result, j, 0, false, true);
                if (result) probes_.emplace(n.self, result->value);
                drain(n.self);
            }
        }
        converge();
        FUZZ_REQUIRE(pongs_missing_ == 0);
    }

    Provider& in_;
    std::vector<Node> nodes_;
    std::deque<Flight> flights_;
    std::vector<bool> fired_;
    Instant now_{};
    std::uint32_t next_marker_ = 1;
    int batch_left_ = 0;
    std::set<std::pair<std::size_t, std::uint32_t>> probes_;  ///< (node, ping id)
    int pongs_missing_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Provider in(data, size);
    Harness harness(in);
    harness.run();
    return 0;
}
