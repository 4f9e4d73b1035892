// tests/hardening/flood_test.cpp — issue 12, floods: a server as `cobalt serve`
// configures one (a ResourceTree on a Driver; dedup entries reclaimed after
// 60 s, answered GETs forgetting theirs), on the simulated network, takes a
// million datagrams (garbage and valid) from 10,000 spoofed addresses while
// eight legitimate clients with their own addresses send CON requests over a
// lossy link. Checked: every table stays within its capacity and the heap
// within a fixed bound above its size after warm-up; the legitimate clients'
// requests are answered (the share is printed and has a floor); no handler of
// an unsafe request runs twice for one (peer, MID); nothing crashes. A second
// test feeds the same flood straight into a Driver and counts allocations:
// none after warm-up. Virtual time only.
#include "coap/driver.hpp"
#include "coap/message.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/sim/network.hpp"

#include "flood_source.hpp"
#include "heap_peak.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

namespace coap {
namespace {

using test::FloodSource;

/// A million in the normal build; fewer under AddressSanitizer (CI time), or
/// COBALT_FLOOD_DATAGRAMS.
std::size_t flood_datagrams() {
    if (const char* text = std::getenv("COBALT_FLOOD_DATAGRAMS"))
        return static_cast<std::size_t>(std::strtoull(text, nullptr, 10));
#if defined(__SANITIZE_ADDRESS__)
    return 400'000;
#else
    return 1'000'000;
#endif
}

/// Datagrams of the flood per virtual millisecond: 10,000 a second.
constexpr std::size_t flood_per_ms = 10;
constexpr std::size_t legit_clients = 8;

Address server_address() {
    return Address::ipv4({10, 0, 0, 2}, 5683);
}
Address legit_address(std::size_t i) {
    return Address::ipv4({10, 9, 0, static_cast<std::uint8_t>(1 + i)}, 5683);
}

/// `cobalt serve`'s configuration (tools/serve_command.cpp), with the dedup
/// cache and the reply ring scaled down for a test.
EndpointConfig server_config() {
    EndpointConfig config{.seed = 12};
    config.capacities.dedup_entries = std::size_t{1} << 16;
    config.dedup_eviction_age = seconds(60);
    config.remember_safe_requests = false;
    config.capacities.stored_reply_bytes = std::size_t{4} << 20;
    config.capacities.exchanges = 1024;
    config.capacities.peers = 4096;
    config.capacities.queued_datagrams = 1024;
    config.capacities.events = 1024;
    return config;
}

constexpr BlockLimits block_limits{.max_body = std::size_t{64} << 10,
                                   .max_transfers = 64,
                                   .max_total_bytes = std::size_t{1} << 20};
constexpr ObserveConfig observe_config{.max_observers = 256, .max_observers_per_resource = 256};

/// One run of an unsafe request's handler.
struct HandlerRun {
    Address peer;
    std::uint16_t message_id = 0;
};

/// The server's resources: /data (GET, PUT, POST), /upload (PUT, Block1) and the
/// observable /obs. Handlers of unsafe requests record each run; nothing here
/// allocates per request (runs has room reserved).
struct Resources {
    explicit Resources(ResourceTree& tree) {
        runs.reserve(600'000);
        tree.set_block_limits(block_limits);
        tree.set_observe_config(observe_config);
        const auto unsafe = [this](RequestContext& ctx) {
            runs.push_back({ctx.peer(), ctx.message().message_id()});
            (void)ctx.respond(codes::changed);
        };
        tree.add("/data")
            .get([this](RequestContext& ctx) {
                ++gets;
                (void)ctx.respond(codes::content, "value");
            })
            .put(unsafe)
            .post(unsafe);
        tree.add("/upload").put(unsafe);
        obs = &tree.add("/obs").observable().get([this](RequestContext& ctx) {
            ++gets;
            (void)ctx.respond(codes::content, "state");
        });
    }
    std::vector<HandlerRun> runs;
    std::uint64_t gets = 0;
    Resource* obs = nullptr;
};

/// The 10,000 spoofed addresses: one node that sends as any of them and counts
/// what comes back (nobody is there to answer).
class Crowd final : public sim::Node {
  public:
    std::uint64_t received = 0;
    std::uint64_t resets = 0;
    std::uint64_t busy = 0;  ///< 5.03
    void handle_datagram(Instant, const Address&, gsl::span<const std::byte> datagram,
                         const ArrivalInfo&) override {
        ++received;
        if (datagram.size() >= 2) {
            if ((std::to_integer<unsigned>(datagram[0]) >> 4 & 3) == 3) ++resets;
            if (datagram[1] == std::byte{0xa3}) ++busy;
        }
    }
    void handle_timeout(Instant) override {}
    std::optional<Transmit> poll_transmit(gsl::span<std::byte>) override { return std::nullopt; }
    std::optional<Instant> next_timeout() const override { return std::nullopt; }
    bool wants_poll() const override { return false; }
};

/// A legitimate client: one CON request at a time (GET, PUT, POST in turn), the
/// next 20 ms after the last one ended.
struct Legit {
    sim::NodeId node{};
    std::optional<RequestId> pending;
    Instant next_send{};
    std::uint32_t sequence = 0;
    std::uint64_t sent = 0;
    std::uint64_t success = 0;  ///< a 2.xx response
    std::uint64_t busy = 0;     ///< 5.03
    std::uint64_t other = 0;    ///< another response code
    std::uint64_t failed = 0;   ///< exchange_failed (timeout)
    std::uint64_t refused = 0;  ///< send_request refused locally
    bool pending_safe = false;
    std::uint64_t safe_sent = 0;
    std::uint64_t safe_success = 0;
};

void check_within_capacities(const Driver& driver, const ResourceTree& tree) {
    const EndpointStats s = driver.endpoint().stats();
    const EndpointCapacities& c = driver.endpoint().config().capacities;
    ASSERT_LE(s.exchanges_in_use, c.exchanges);
    ASSERT_LE(s.dedup_entries_in_use, c.dedup_entries);
    ASSERT_LE(s.peers_in_use, c.peers);
    ASSERT_LE(s.queued_datagrams, c.queued_datagrams);
    ASSERT_LE(s.queued_events, c.events);
    ASSERT_LE(s.notifications_in_flight, c.notifications);
    ASSERT_LE(tree.block1_transfers(), block_limits.max_transfers);
    ASSERT_LE(tree.block1_bytes(), block_limits.max_total_bytes);
    ASSERT_LE(tree.observer_count(), observe_config.max_observers);
    const char* problem = driver.endpoint().check_consistency();
    ASSERT_EQ(problem, nullptr) << problem;
}

TEST(Hardening_Flood, AMillionDatagramsFromTenThousandSpoofedAddresses) {
    const std::size_t total = flood_datagrams();
    sim::Network net(41);
    net.set_tracing(false);
    net.set_default_link(sim::LinkConditions{.delay = milliseconds(1)});
    const sim::NodeId port = net.add_port(server_address());
    auto owned = std::make_unique<Crowd>();
    Crowd& crowd = *owned;
    const sim::NodeId crowd_node = net.add_node(FloodSource::address(0), std::move(owned));
    for (std::uint32_t i = 1; i < FloodSource::addresses; ++i)
        net.add_address(crowd_node, FloodSource::address(i));

    Driver driver(net.port(port), server_config());
    ResourceTree tree;
    Resources resources(tree);
    tree.serve(driver);

    // The legitimate clients: plain Endpoints, over links that lose 5 % each way,
    // so that their retransmissions meet the flood in the dedup cache.
    std::array<Legit, legit_clients> legit{};
    for (std::size_t i = 0; i < legit_clients; ++i) {
        EndpointConfig client{.seed = 100 + i};
        legit[i].node = net.add_endpoint(legit_address(i), client);
        net.set_links(legit[i].node, port,
                      sim::LinkConditions{.delay = milliseconds(1), .loss = 0.05});
        Legit& l = legit[i];
        net.on_event(l.node, [&l, &net](const Event& e) {
            if (!l.pending || !(e.request == *l.pending)) return;
            if (e.kind == EventKind::response_received) {
                const Code code = e.message.code();
                if (code.is_success()) {
                    ++l.success;
                    if (l.pending_safe) ++l.safe_success;
                } else if (code == codes::service_unavailable)
                    ++l.busy;
                else
                    ++l.other;
            } else if (e.kind == EventKind::exchange_failed) {
                ++l.failed;
            } else {
                return;
            }
            l.pending.reset();
            l.next_send = net.now() + milliseconds(20);
        });
    }
    const auto legit_send = [&](Legit& l) {
        if (l.pending || net.now() < l.next_send) return;
        static constexpr std::array<Code, 3> methods{codes::get, codes::put, codes::post};
        const Code method = methods[l.sequence++ % 3];
        const auto id = net.with(l.node, [&](Endpoint& ep, Instant now) {
            return ep.send_request(now, server_address(), {.method = method},
                                   [&](MessageWriter& w) {
                                       w.option(OptionNumber::uri_path, "data");
                                       if (method != codes::get) w.payload("legit");
                                   });
        });
        ++l.sent;
        l.pending_safe = method == codes::get;
        if (l.pending_safe) ++l.safe_sent;
        if (id)
            l.pending = *id;
        else
            ++l.refused;
    };

    FloodSource flood(7);
    std::array<std::byte, 1500> buffer{};
    std::array<std::uint64_t, static_cast<std::size_t>(FloodSource::Kind::count)> kinds{};
    const std::size_t warm_up = total / 10;
    std::size_t baseline = 0;
    long allocations_at_warm_up = 0;
    for (std::size_t sent = 0; sent < total;) {
        for (std::size_t k = 0; k < flood_per_ms && sent < total; ++k, ++sent) {
            const auto d = flood.next(buffer);
            ++kinds[static_cast<std::size_t>(d.kind)];
            net.inject_from(crowd_node, FloodSource::address(d.from), server_address(),
                            {buffer.data(), d.length});
        }
        for (Legit& l : legit)
            legit_send(l);
        net.run_for(milliseconds(1));
        if (sent % 5000 == 0) {
            // The state changes now and then: observers get notifications
            // (CON every tenth, never acknowledged by the spoofed addresses).
            if (sent % 50'000 == 0) {
                resources.obs->notify();
                check_within_capacities(driver, tree);
                if (HasFatalFailure()) return;
            }
        }
        if (sent == warm_up) {
            baseline = test::heap_live_bytes();
            test::reset_heap_peak();
            allocations_at_warm_up = test::heap_allocations();
        }
    }
    const std::size_t peak_above_baseline = test::heap_peak_bytes() - baseline;
    const long flood_allocations = test::heap_allocations() - allocations_at_warm_up;
    // Let the legitimate clients finish their last requests (MAX_TRANSMIT_WAIT).
    net.run_for(seconds(100));
    check_within_capacities(driver, tree);

    Legit all;
    for (const Legit& l : legit) {
        EXPECT_FALSE(l.pending) << "a legitimate request never ended";
        all.sent += l.sent;
        all.success += l.success;
        all.busy += l.busy;
        all.other += l.other;
        all.failed += l.failed;
        all.refused += l.refused;
        all.safe_sent += l.safe_sent;
        all.safe_success += l.safe_success;
    }
    const double share = static_cast<double>(all.success) / static_cast<double>(all.sent);
    const double safe_share =
        static_cast<double>(all.safe_success) / static_cast<double>(all.safe_sent);
    const double unsafe_share = static_cast<double>(all.success - all.safe_success) /
                                static_cast<double>(all.sent - all.safe_sent);
    const EndpointStats s = driver.endpoint().stats();
    std::printf("flood: %zu datagrams from %u addresses in %.1f s of virtual time\n", total,
                FloodSource::addresses, static_cast<double>(total / flood_per_ms) / 1000.0);
    std::printf(
        "kinds: garbage %llu, CON GET %llu, NON GET %llu, CON PUT/POST %llu, NON POST %llu, "
        "replays %llu, stray ACK/RST %llu, oversized %llu, Block1 starts %llu, "
        "observe %llu, responses %llu, odd requests %llu\n",
        static_cast<unsigned long long>(kinds[0]), static_cast<unsigned long long>(kinds[1]),
        static_cast<unsigned long long>(kinds[2]), static_cast<unsigned long long>(kinds[3]),
        static_cast<unsigned long long>(kinds[4]), static_cast<unsigned long long>(kinds[5]),
        static_cast<unsigned long long>(kinds[6]), static_cast<unsigned long long>(kinds[7]),
        static_cast<unsigned long long>(kinds[8]), static_cast<unsigned long long>(kinds[9]),
        static_cast<unsigned long long>(kinds[10]), static_cast<unsigned long long>(kinds[11]));
    std::printf(
        "server: malformed %llu, duplicates %llu, 5.03 %llu, RST %llu, dedup evicted "
        "early %llu, replies evicted %llu, duplicates unanswerable %llu, dropped %llu\n",
        static_cast<unsigned long long>(s.malformed_received),
        static_cast<unsigned long long>(s.duplicates_received),
        static_cast<unsigned long long>(s.busy_responses_sent),
        static_cast<unsigned long long>(s.resets_sent),
        static_cast<unsigned long long>(s.dedup_evicted_early),
        static_cast<unsigned long long>(s.replies_evicted),
        static_cast<unsigned long long>(s.duplicates_unanswerable),
        static_cast<unsigned long long>(s.dropped_datagrams));
    std::printf(
        "crowd got %llu datagrams (%llu RST, %llu 5.03); unsafe handler runs %zu, GETs %llu\n",
        static_cast<unsigned long long>(crowd.received),
        static_cast<unsigned long long>(crowd.resets), static_cast<unsigned long long>(crowd.busy),
        resources.runs.size(), static_cast<unsigned long long>(resources.gets));
    std::printf(
        "legitimate: %llu requests, %llu answered 2.xx (%.2f %%; GET %.2f %%, PUT/POST "
        "%.2f %%), %llu 5.03, %llu other, %llu failed, %llu refused locally\n",
        static_cast<unsigned long long>(all.sent), static_cast<unsigned long long>(all.success),
        100.0 * share, 100.0 * safe_share, 100.0 * unsafe_share,
        static_cast<unsigned long long>(all.busy), static_cast<unsigned long long>(all.other),
        static_cast<unsigned long long>(all.failed), static_cast<unsigned long long>(all.refused));
    std::printf(
        "heap after warm-up %zu bytes, peak above it %zu bytes; %ld allocations during "
        "the flood (the simulated network's own included)\n",
        baseline, peak_above_baseline, flood_allocations);

    // No unsafe handler ran twice for one (peer, message ID): no address's
    // message IDs wrap within the run, and replays come well within the 60 s
    // after which an entry may be reclaimed.
    std::sort(resources.runs.begin(), resources.runs.end(),
              [](const HandlerRun& a, const HandlerRun& b) {
                  return a.peer.hash() != b.peer.hash() ? a.peer.hash() < b.peer.hash()
                                                        : a.message_id < b.message_id;
              });
    std::size_t twice = 0;
    for (std::size_t i = 0; i < resources.runs.size(); ++i) {
        for (std::size_t j = i + 1;
             j < resources.runs.size() &&
             resources.runs[j].peer.hash() == resources.runs[i].peer.hash() &&
             resources.runs[j].message_id == resources.runs[i].message_id;
             ++j)
            if (resources.runs[j].peer == resources.runs[i].peer) ++twice;
    }
    EXPECT_EQ(twice, 0u) << "handlers that ran twice for one (peer, MID)";

    EXPECT_EQ(all.refused, 0u);
    EXPECT_EQ(all.success + all.busy + all.other + all.failed, all.sent);
    // Every legitimate request got an answer: 2.xx, or 5.03 with Max-Age for an
    // unsafe one while the dedup cache is full of the flood's unsafe requests
    // (strict at-most-once: dedup_entries / dedup_eviction_age of them a second).
    EXPECT_EQ(all.failed, 0u);
    EXPECT_EQ(all.other, 0u);
    // GETs never need a dedup entry here (remember_safe_requests = false): they
    // are served whatever the flood holds.
    EXPECT_GE(safe_share, 0.99);
    EXPECT_GT(s.malformed_received, total / 10);
    // Memory: the tables were allocated at construction; above that, the flood
    // may only fill the Block1 budget (1 MiB) plus what is in flight.
    EXPECT_LT(peak_above_baseline, std::size_t{4} << 20);
}

/// Hands a Driver the flood straight from a FloodSource, ten datagrams per
/// virtual millisecond, and counts what the server sends; allocates nothing
/// after construction.
class FloodTransport final : public Transport {
  public:
    explicit FloodTransport(std::uint64_t seed) : flood_(seed) {}
    std::size_t batch = 0;  ///< datagrams receive() still hands out this millisecond
    std::uint64_t sent = 0;
    std::uint64_t registrations = 0;  ///< observe registrations handed out
    std::uint64_t block1_starts = 0;  ///< first blocks of Block1 uploads handed out
    Instant clock{};

    Instant now() const override { return clock; }
    std::optional<Received> receive(gsl::span<std::byte> buffer) override {
        if (batch == 0) return std::nullopt;
        --batch;
        const auto d = flood_.next(scratch_);
        if (d.kind == FloodSource::Kind::observe) ++registrations;
        if (d.kind == FloodSource::Kind::block1_start) ++block1_starts;
        if (d.length > buffer.size()) return std::nullopt;
        std::copy_n(scratch_.begin(), d.length, buffer.begin());
        return Received{FloodSource::address(d.from), d.length, {}};
    }
    bool send(const Address&, gsl::span<const std::byte>) override {
        ++sent;
        return true;
    }
    bool wait(std::optional<Instant>) override { return false; }
    std::optional<Address> resolve(std::string_view, std::uint16_t) override {
        return std::nullopt;
    }
    Address local_address() const override { return server_address(); }

  private:
    FloodSource flood_;
    std::array<std::byte, 1500> scratch_{};
};

TEST(Hardening_Flood, TheServerAllocatesNothingPerDatagramOnceWarmedUp) {
    FloodTransport transport(8);
    Driver driver(transport, server_config());
    ResourceTree tree;
    Resources resources(tree);
    tree.serve(driver);
    // 65 s of flood at 10,000 datagrams a second: every table reaches its
    // steady state (the dedup cache full and recycling after 60 s, Block1 and
    // observer limits reached), then 10 s more are counted. Under ASan 20 s + 5 s.
#if defined(__SANITIZE_ADDRESS__)
    const std::size_t warm_up = 20'000, counted = 5'000;
#else
    const std::size_t warm_up = 65'000, counted = 10'000;
#endif
    const auto run = [&](std::size_t milliseconds_of_flood) {
        for (std::size_t ms = 0; ms < milliseconds_of_flood; ++ms) {
            transport.clock = transport.clock + milliseconds(1);
            transport.batch = flood_per_ms;
            driver.service();
            if (ms % 5000 == 0) resources.obs->notify();
        }
    };
    run(warm_up);
    const long before = test::heap_allocations();
    const std::uint64_t registrations_before = transport.registrations;
    const std::uint64_t block1_before = transport.block1_starts;
    run(counted);
    const long allocations = test::heap_allocations() - before;
    const auto registrations = static_cast<long>(transport.registrations - registrations_before);
    const auto block1_starts = static_cast<long>(transport.block1_starts - block1_before);
    check_within_capacities(driver, tree);
    std::printf(
        "%zu flood datagrams after warm-up: %ld allocations (%ld observe registrations, "
        "%ld Block1 starts), %llu datagrams sent\n",
        counted * flood_per_ms, allocations, registrations, block1_starts,
        static_cast<unsigned long long>(transport.sent));
    // The Endpoint, the Driver, the tree and the observe hub allocate nothing
    // per datagram once warmed up. The one exception is the body of a Block1
    // upload the tree accepts (when an assembly slot is free: a restart from
    // the same address), within BlockLimits::max_total_bytes.
    EXPECT_GT(registrations, 0);
    EXPECT_LE(allocations, block1_starts);
}

}  // namespace
}  // namespace coap
