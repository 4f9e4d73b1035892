// observe_scale_test.cpp — RFC 7641 at scale (issue: 100,000 observers of one
// resource). On the simulated network one crowd node stands for 100,000
// clients, each with an address of its own, that register with a CON GET
// Observe 0; every notify() reaches every observer once, in order, with its own
// token and the current state; the observers that answer a notification with
// RST (§3.6) are removed, and only they. Over a transport that only counts,
// notify() to 100,000 observers allocates nothing once warmed up.
#include "coap/content_format.hpp"
#include "coap/driver.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"
#include "coap/observation.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/sim/network.hpp"

#include "allocation_counter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

namespace coap {
namespace {

constexpr std::uint32_t crowd_size = 100'000;
constexpr std::uint32_t no_value = 0xffffffff;

Address server_address() {
    return Address::ipv4({10, 0, 0, 2}, 5683);
}

/// The address of observer `i`: a client endpoint of its own.
Address observer_address(std::uint32_t i) {
    return Address::ipv4({10, static_cast<std::uint8_t>(1 + (i >> 16)),
                          static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                         5683);
}

std::array<std::byte, 4> token_of(std::uint32_t i) {
    return {std::byte(i >> 24), std::byte(i >> 16), std::byte(i >> 8), std::byte(i)};
}

std::optional<std::uint32_t> observer_of(gsl::span<const std::byte> token) {
    if (token.size() != 4) return std::nullopt;
    std::uint32_t i = 0;
    for (const std::byte b : token)
        i = i << 8 | std::to_integer<std::uint32_t>(b);
    return i < crowd_size ? std::optional<std::uint32_t>(i) : std::nullopt;
}

/// GET /temp with Observe 0 (register) or 1, CON, token = the observer's number.
std::size_t write_registration(gsl::span<std::byte> buffer, std::uint32_t i,
                               std::uint32_t observe = 0) {
    const auto token = token_of(i);
    MessageWriter w(buffer, MessageType::confirmable, codes::get,
                    static_cast<std::uint16_t>(i * 7 + observe), token);
    w.option_uint(OptionNumber::observe, observe);
    w.option(OptionNumber::uri_path, "temp");
    return w.finish().value();
}

/// The server: /temp is observable and renders `state` as text, allocating nothing.
struct TempResource {
    explicit TempResource(ResourceTree& tree, std::size_t limit) {
        tree.set_observe_config(
            ObserveConfig{.max_observers = limit, .max_observers_per_resource = limit});
        resource = &tree.add("/temp").observable().get([this](RequestContext& ctx) {
            (void)ctx.respond(codes::content, [&](MessageWriter& w) {
                std::array<char, 16> text{};
                const auto end = std::to_chars(text.data(), text.data() + text.size(), state).ptr;
                w.option_uint(OptionNumber::content_format, content_formats::text_plain);
                w.payload(
                    std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
            });
        });
    }
    Resource* resource = nullptr;
    int state = 0;
};

EndpointConfig server_config() {
    EndpointConfig config{.seed = 5};
    config.capacities.dedup_entries = 1 << 17;
    config.capacities.peers = 1 << 17;
    config.capacities.recent_notifications = 1 << 17;
    config.capacities.max_message_size = 256;
    return config;
}

/// 100,000 clients behind one node: what each received, checked as it arrives.
class Crowd final : public sim::Node {
  public:
    Crowd(sim::Network& net) : net_(net) {}
    void attach(sim::NodeId self) { self_ = self; }

    std::vector<std::uint32_t> received = std::vector<std::uint32_t>(crowd_size, 0);
    std::vector<std::uint32_t> last_observe = std::vector<std::uint32_t>(crowd_size, no_value);
    std::vector<int> last_state = std::vector<int>(crowd_size, -1);
    std::vector<std::uint16_t> last_message_id = std::vector<std::uint16_t>(crowd_size, 0);
    std::uint64_t stale = 0;  ///< an Observe value not newer than the last (§3.4)
    std::uint64_t without_observe = 0;
    std::uint64_t strays = 0;  ///< unparsable, or a token of no observer
    std::uint64_t confirmable = 0;

    void send_from(std::uint32_t i, gsl::span<const std::byte> datagram) {
        net_.inject_from(self_, observer_address(i), server_address(), datagram);
    }

    void handle_datagram(Instant now, const Address&, gsl::span<const std::byte> datagram,
                         const ArrivalInfo&) override {
        const auto view = MessageView::parse(datagram);
        const auto i = view ? observer_of(view->token()) : std::nullopt;
        if (!i) {
            ++strays;
            return;
        }
        ++received[*i];
        last_message_id[*i] = view->message_id();
        const auto observe = view->observe();
        if (!observe) {
            ++without_observe;
        } else {
            if (last_observe[*i] != no_value &&
                !observe_is_newer(last_observe[*i], now, *observe, now))
                ++stale;
            last_observe[*i] = *observe;
        }
        const auto payload = view->payload();
        int value = -1;
        std::from_chars(reinterpret_cast<const char*>(payload.data()),
                        reinterpret_cast<const char*>(payload.data() + payload.size()), value);
        last_state[*i] = value;
        if (view->type() == MessageType::confirmable) {  // a CON notification: ACK it
            ++confirmable;
            std::array<std::byte, 4> ack{};
            const auto n = MessageWriter(ack, MessageType::acknowledgement, codes::empty,
                                         view->message_id(), {})
                               .finish();
            send_from(*i, gsl::span<const std::byte>(ack.data(), n.value()));
        }
    }
    void handle_timeout(Instant) override {}
    std::optional<Transmit> poll_transmit(gsl::span<std::byte>) override { return std::nullopt; }
    std::optional<Instant> next_timeout() const override { return std::nullopt; }
    bool wants_poll() const override { return false; }

  private:
    sim::Network& net_;
    sim::NodeId self_{};
};

struct ScaleFixture {
    ScaleFixture() : net(11), port(net.add_port(server_address())) {
        net.set_tracing(false);  // 100,000s of datagrams: keep only the counters
        net.set_default_link(sim::LinkConditions{.delay = milliseconds(2)});
        auto owned = std::make_unique<Crowd>(net);
        crowd = owned.get();
        const sim::NodeId node = net.add_node(observer_address(0), std::move(owned));
        crowd->attach(node);
        for (std::uint32_t i = 1; i < crowd_size; ++i)
            net.add_address(node, observer_address(i));
        driver.emplace(net.port(port), server_config());
        tree.serve(*driver);
    }

    /// Every observer registers; 1000 at a time, 10 ms apart.
    void register_all() {
        std::array<std::byte, 64> buffer{};
        for (std::uint32_t i = 0; i < crowd_size; ++i) {
            crowd->send_from(
                i, gsl::span<const std::byte>(buffer.data(), write_registration(buffer, i)));
            if (i % 1000 == 999) net.run_for(milliseconds(10));
        }
        net.run_for(seconds(1));
    }

    std::size_t change(int value) {
        temp.state = value;
        const std::size_t sent = temp.resource->notify();
        net.run_for(seconds(1));
        return sent;
    }

    sim::Network net;
    sim::NodeId port;
    Crowd* crowd = nullptr;
    std::optional<Driver> driver;
    ResourceTree tree;
    TempResource temp{tree, crowd_size};
};

TEST(Rfc7641_4_Scale, HundredThousandObserversEachGetEveryStateInOrder) {
    ScaleFixture f;
    f.register_all();
    ASSERT_EQ(f.tree.observer_count(), crowd_size);
    ASSERT_EQ(f.temp.resource->observer_count(), crowd_size);
    for (std::uint32_t i = 0; i < crowd_size; ++i) {
        ASSERT_EQ(f.crowd->received[i], 1u) << "registration answer of observer " << i;
        ASSERT_NE(f.crowd->last_observe[i], no_value) << i;  // §3.1: answered with Observe
    }

    for (int state = 1; state <= 3; ++state) {
        ASSERT_EQ(f.change(state), crowd_size);
        for (std::uint32_t i = 0; i < crowd_size; ++i) {
            ASSERT_EQ(f.crowd->received[i], 1u + static_cast<std::uint32_t>(state)) << i;
            ASSERT_EQ(f.crowd->last_state[i], state) << i;
        }
    }
    EXPECT_EQ(f.crowd->stale, 0u);
    EXPECT_EQ(f.crowd->without_observe, 0u);
    EXPECT_EQ(f.crowd->strays, 0u);
    EXPECT_EQ(f.crowd->confirmable, 0u);  // NON by default (§4.5)
    EXPECT_EQ(f.net.stats().dropped_no_route, 0u);
}

TEST(Rfc7641_3_6_Scale, ObserversThatResetANotificationAreRemovedAndOnlyThey) {
    ScaleFixture f;
    f.register_all();
    ASSERT_EQ(f.change(1), crowd_size);
    // Every hundredth observer rejects its NON notification with RST.
    for (std::uint32_t i = 0; i < crowd_size; i += 100) {
        std::array<std::byte, 4> rst{};
        const auto n =
            MessageWriter(rst, MessageType::reset, codes::empty, f.crowd->last_message_id[i], {})
                .finish();
        f.crowd->send_from(i, gsl::span<const std::byte>(rst.data(), n.value()));
    }
    f.net.run_for(seconds(1));
    const std::uint32_t remaining = crowd_size - crowd_size / 100;
    ASSERT_EQ(f.tree.observer_count(), remaining);
    ASSERT_EQ(f.change(2), remaining);
    for (std::uint32_t i = 0; i < crowd_size; ++i)
        ASSERT_EQ(f.crowd->last_state[i], i % 100 == 0 ? 1 : 2) << i;

    // A deregistration (GET Observe 1) removes one more, by peer and token (§3.6).
    std::array<std::byte, 64> buffer{};
    f.crowd->send_from(1,
                       gsl::span<const std::byte>(buffer.data(), write_registration(buffer, 1, 1)));
    f.net.run_for(seconds(1));
    EXPECT_EQ(f.tree.observer_count(), remaining - 1);
}

/// A transport that hands the Driver prepared datagrams and counts what it
/// sends; allocates nothing after construction.
class CountingTransport final : public Transport {
  public:
    std::vector<std::pair<Address, std::vector<std::byte>>> inbox;
    std::size_t next = 0;
    std::size_t sent = 0;
    Instant clock{};

    Instant now() const override { return clock; }
    std::optional<Received> receive(gsl::span<std::byte> buffer) override {
        if (next == inbox.size()) return std::nullopt;
        const auto& [peer, bytes] = inbox[next++];
        std::copy(bytes.begin(), bytes.end(), buffer.begin());
        return Received{peer, bytes.size(), {}};
    }
    bool send(const Address&, gsl::span<const std::byte>) override {
        ++sent;
        return true;
    }
    bool wait(std::optional<Instant> deadline) override {
        if (deadline && *deadline > clock) clock = *deadline;
        return next != inbox.size();
    }
    std::optional<Address> resolve(std::string_view, std::uint16_t) override {
        return std::nullopt;
    }
    Address local_address() const override { return server_address(); }
};

TEST(Rfc7641_4_Scale, NotifyingHundredThousandObserversAllocatesNothing) {
    CountingTransport transport;
    transport.inbox.reserve(crowd_size);
    std::array<std::byte, 64> buffer{};
    for (std::uint32_t i = 0; i < crowd_size; ++i) {
        const std::size_t n = write_registration(buffer, i);
        transport.inbox.emplace_back(observer_address(i),
                                     std::vector<std::byte>(buffer.begin(), buffer.begin() + n));
    }
    Driver driver(transport, server_config());
    ResourceTree tree;
    TempResource temp(tree, crowd_size);
    tree.serve(driver);
    driver.service();
    ASSERT_EQ(tree.observer_count(), crowd_size);
    ASSERT_EQ(transport.sent, crowd_size);  // the registrations' answers

    temp.state = 1;
    ASSERT_EQ(temp.resource->notify(), crowd_size);  // warms up the rendering buffers
    temp.state = 2;
    const long before = test::allocations_so_far();
    const std::size_t sent = temp.resource->notify();
    const long allocations = test::allocations_so_far() - before;
    EXPECT_EQ(sent, crowd_size);
    EXPECT_EQ(transport.sent, 3 * std::size_t{crowd_size});
    EXPECT_EQ(allocations, 0);
    std::printf(
        "per observer: %zu bytes in the hub (Observer %zu + list entry 4), "
        "plus its peer's index entry\n",
        ObserveHub::bytes_per_observer, sizeof(Observer));
}

}  // namespace
}  // namespace coap
