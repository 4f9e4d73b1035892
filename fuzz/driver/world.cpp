// fuzz/driver/world.cpp — the driver harness's world: addresses, the rings, the
// Tap, and the Drivers' configurations drawn from the input (small tables so that
// every "full" outcome is reachable, short timers so that runs stay short).
#include "world.hpp"

#include "fuzz_support.hpp"

#include <cstdlib>

namespace driver_fuzz {

coap::Address driver_address(std::size_t index) {
    return coap::Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(index + 1)}, 5683);
}
coap::Address rogue_address() {
    return coap::Address::ipv4({10, 0, 0, 66}, 5683);
}
coap::Address group_address() {
    return coap::Address::ipv4({224, 0, 1, 187}, 5683);
}
coap::Address nowhere_address() {
    return coap::Address::ipv4({10, 0, 0, 99}, 5683);
}

std::array<std::byte, 4> tag_bytes(std::uint32_t tag) noexcept {
    return {std::byte{static_cast<std::uint8_t>(tag >> 24)},
            std::byte{static_cast<std::uint8_t>(tag >> 16)},
            std::byte{static_cast<std::uint8_t>(tag >> 8)},
            std::byte{static_cast<std::uint8_t>(tag)}};
}

std::optional<std::uint32_t> read_tag(const coap::MessageView& message, std::uint16_t number) {
    const auto value = message.opaque_option(coap::OptionNumber{number});
    if (!value || value->size() != 4) return std::nullopt;
    std::uint32_t tag = 0;
    for (const std::byte b : *value)
        tag = (tag << 8) | std::to_integer<std::uint32_t>(b);
    return tag;
}

bool trace_enabled() {
    static const bool enabled = std::getenv("DRIVER_FUZZ_TRACE") != nullptr;
    return enabled;
}

void Ring::add(const coap::Address& from, const coap::Address& to,
               gsl::span<const std::byte> bytes) {
    if (items_.size() == ring_size) items_.pop_front();
    items_.push_back({from, to, {bytes.begin(), bytes.end()}});
}

bool Tap::send(const coap::Address& peer, gsl::span<const std::byte> datagram) {
    sent_.add(port_.local_address(), peer, datagram);
    if (hook_) hook_(peer, datagram);
    return port_.send(peer, datagram);
}

namespace {

/// Takes `n` choices off `bits` (the low digits of a mixed-radix number).
std::size_t field(std::uint32_t& bits, std::size_t n) {
    const auto value = static_cast<std::size_t>(bits % n);
    bits /= static_cast<std::uint32_t>(n);
    return value;
}

/// A Driver's configuration from 32 input bits; zero gives the defaults (with
/// short timers). The server's transmission parameters stay at the defaults, so
/// that its dedup lifetime covers every retransmission a client makes.
coap::EndpointConfig draw_config(std::uint32_t bits, std::size_t index) {
    coap::EndpointConfig c;
    c.seed = 1000 + index * 7919 + (bits & 0xff);
    bits >>= 8;
    auto& caps = c.capacities;
    static constexpr std::array<std::size_t, 4> exchanges{16, 4, 2, 64};
    caps.exchanges = exchanges[field(bits, 4)];
    static constexpr std::array<std::size_t, 3> dedup{4096, 6, 2};
    caps.dedup_entries = dedup[field(bits, 3)];
    static constexpr std::array<std::size_t, 2> peers{64, 2};
    caps.peers = peers[field(bits, 2)];
    static constexpr std::array<std::size_t, 2> queued{32, 3};
    caps.queued_datagrams = queued[field(bits, 2)];
    static constexpr std::array<std::size_t, 2> events{32, 2};
    caps.events = events[field(bits, 2)];
    static constexpr std::array<std::size_t, 3> sizes{1152, 256, 128};
    caps.max_message_size = sizes[field(bits, 3)];
    static constexpr std::array<std::uint8_t, 2> tokens{8, 4};
    c.token_length = tokens[field(bits, 2)];
    static constexpr std::array<std::int64_t, 3> ack_delays{500, 0, 50};
    c.empty_ack_delay = coap::milliseconds(ack_delays[field(bits, 3)]);
    static constexpr std::array<std::int64_t, 3> deadlines{0, 2000, 100000};
    c.response_deadline = coap::milliseconds(deadlines[field(bits, 3)]);
    static constexpr std::array<std::int64_t, 2> non{0, 1000};
    c.non_response_timeout = coap::milliseconds(non[field(bits, 2)]);
    static constexpr std::array<std::int64_t, 2> windows{0, 300};
    c.multicast_response_window = coap::milliseconds(windows[field(bits, 2)]);
    static constexpr std::array<std::size_t, 2> payloads{1024, 64};
    c.max_request_payload = payloads[field(bits, 2)];
    static constexpr std::array<std::int64_t, 3> ack_timeouts{2000, 500, 100};
    c.transmission.ack_timeout = coap::milliseconds(ack_timeouts[field(bits, 3)]);
    static constexpr std::array<std::uint8_t, 3> retransmits{4, 1, 0};
    c.transmission.max_retransmit = retransmits[field(bits, 3)];
    static constexpr std::array<std::int64_t, 3> leisures{5000, 100, 0};
    c.transmission.default_leisure = coap::milliseconds(leisures[field(bits, 3)]);
    return c;
}

}  // namespace

World::World(Provider& in) : net_(in.ConsumeIntegral<std::uint16_t>()) {
    net_.set_tracing(false);
    const std::size_t count = 2 + draw_index(in, 1);
    for (std::size_t i = 0; i < count; ++i) {
        configs_.push_back(draw_config(in.ConsumeIntegral<std::uint32_t>(), i));
        members_.push_back(draw_index(in, 1) == 0);
    }
    net_.add_name("srv.example", driver_address(1));
    for (std::size_t i = 0; i < count; ++i) {
        nodes_.push_back(net_.add_port(driver_address(i)));
        taps_.push_back(std::make_unique<Tap>(net_.port(nodes_.back())));
    }
    auto rogue = std::make_unique<RogueNode>();
    rogue_ = rogue.get();
    rogue_node_ = net_.add_node(rogue_address(), std::move(rogue));
    for (std::size_t i = 0; i < count; ++i) {
        drivers_.push_back(std::make_unique<coap::Driver>(*taps_[i], configs_[i]));
        FUZZ_REQUIRE(drivers_.back()->pending_sends() == 0);
        if (members_[i]) net_.join(nodes_[i], group_address());
    }
    DRIVER_TRACE("world: %zu drivers\n", count);
}

World::~World() {
    drivers_.clear();
}

coap::sim::NodeId World::node(std::size_t choice) const {
    if (choice >= rogue_choice) return rogue_node_;
    return nodes_[choice % nodes_.size()];
}

coap::Address World::address_of(std::size_t choice) const {
    if (choice >= rogue_choice) return rogue_address();
    return driver_address(choice % nodes_.size());
}

std::optional<std::size_t> World::driver_at(const coap::Address& address) const {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (driver_address(i) == address) return i;
    return std::nullopt;
}

void World::join(std::size_t i, bool member) {
    i %= members_.size();
    if (members_[i] == member) return;
    members_[i] = member;
    if (member)
        net_.join(nodes_[i], group_address());
    else
        net_.leave(nodes_[i], group_address());
}

}  // namespace driver_fuzz
