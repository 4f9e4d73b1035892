// bench/observe_bench.cpp — observe_bench: notification fan-out (RFC 7641) of
// a ResourceTree through a Driver, cobalt alone (libcoap has no in-memory
// server to drive side by side). One iteration is one notify() of /temp to N
// observers (1k, 10k, 100k, each a client endpoint of its own) over a
// transport that counts datagrams and acknowledges every CON notification, as
// live clients would; the Driver then takes those ACKs in. Counters:
// notifications per second, heap allocations per notify(), and the observer
// state in bytes (the hub's fixed part and its per-peer index entry).
#include "alloc_counter.hpp"

#include <benchmark/benchmark.h>

#include <coap/content_format.hpp>
#include <coap/driver.hpp>
#include <coap/message.hpp>
#include <coap/message_writer.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

coap::Address server_address() {
    return coap::Address::ipv4({10, 0, 0, 2}, 5683);
}

coap::Address observer_address(std::uint32_t i) {
    return coap::Address::ipv4({10, static_cast<std::uint8_t>(1 + (i >> 16)),
                                static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
                               5683);
}

/// Hands the Driver queued datagrams (registrations, then ACKs) from a fixed
/// ring, and counts what it sends. No allocation after construction.
class FanoutTransport final : public coap::Transport {
  public:
    explicit FanoutTransport(std::size_t capacity) : ring_(capacity) {
        for (auto& slot : ring_)
            slot.bytes.resize(64);
    }
    std::uint64_t sent = 0;
    std::uint64_t confirmable = 0;

    void push(const coap::Address& from, gsl::span<const std::byte> datagram) {
        if (tail_ - head_ == ring_.size()) return;  // full: as if lost
        Slot& slot = ring_[tail_++ % ring_.size()];
        std::copy(datagram.begin(), datagram.end(), slot.bytes.begin());
        slot.length = datagram.size();
        slot.from = from;
    }

    coap::Instant now() const override { return {}; }
    std::optional<coap::Received> receive(gsl::span<std::byte> buffer) override {
        if (head_ == tail_) return std::nullopt;
        const Slot& slot = ring_[head_++ % ring_.size()];
        std::copy_n(slot.bytes.begin(), slot.length, buffer.begin());
        return coap::Received{slot.from, slot.length, {}};
    }
    bool send(const coap::Address& peer, gsl::span<const std::byte> datagram) override {
        ++sent;
        // A CON notification is acknowledged by its observer (an empty ACK).
        if (datagram.size() >= 4 && (std::to_integer<unsigned>(datagram[0]) & 0x30) == 0) {
            ++confirmable;
            const std::array<std::byte, 4> ack{std::byte{0x60}, std::byte{0}, datagram[2],
                                               datagram[3]};
            push(peer, ack);
        }
        return true;
    }
    bool wait(std::optional<coap::Instant>) override { return head_ != tail_; }
    std::optional<coap::Address> resolve(std::string_view, std::uint16_t) override {
        return std::nullopt;
    }
    coap::Address local_address() const override { return server_address(); }

  private:
    struct Slot {
        std::vector<std::byte> bytes;
        std::size_t length = 0;
        coap::Address from;
    };
    std::vector<Slot> ring_;
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

void BM_NotifyFanout(benchmark::State& state) {
    const auto observers = static_cast<std::uint32_t>(state.range(0));
    coap::EndpointConfig config{.seed = 3};
    config.capacities.dedup_entries = observers + 16;
    config.capacities.peers = observers + 16;
    config.capacities.recent_notifications = observers;
    config.capacities.max_message_size = 256;
    FanoutTransport transport(std::size_t{observers} + 64);
    coap::Driver driver(transport, config);
    coap::ResourceTree tree;
    tree.set_observe_config(
        coap::ObserveConfig{.max_observers = observers, .max_observers_per_resource = observers});
    int value = 0;
    coap::Resource& temp = tree.add("/temp").observable().get([&](coap::RequestContext& ctx) {
        (void)ctx.respond(coap::codes::content, [&](coap::MessageWriter& w) {
            std::array<char, 16> text{};
            const auto end = std::to_chars(text.data(), text.data() + text.size(), value).ptr;
            w.option_uint(coap::OptionNumber::content_format, coap::content_formats::text_plain);
            w.payload(std::string_view(text.data(), static_cast<std::size_t>(end - text.data())));
        });
    });
    tree.serve(driver);
    std::array<std::byte, 64> buffer{};
    for (std::uint32_t i = 0; i < observers; ++i) {
        const std::array<std::byte, 4> token{std::byte(i >> 24), std::byte(i >> 16),
                                             std::byte(i >> 8), std::byte(i)};
        coap::MessageWriter w(buffer, coap::MessageType::confirmable, coap::codes::get,
                              static_cast<std::uint16_t>(i), token);
        w.option_uint(coap::OptionNumber::observe, 0);
        w.option(coap::OptionNumber::uri_path, "temp");
        transport.push(observer_address(i), {buffer.data(), w.finish().value()});
        if (i % 1024 == 1023) driver.service();
    }
    driver.service();
    if (tree.observer_count() != observers) {
        state.SkipWithError("not every observer registered");
        return;
    }
    ++value;
    (void)temp.notify();  // warm-up: the rendering buffers grow once
    driver.service();
    const std::uint64_t sent_before = transport.sent;
    const std::uint64_t con_before = transport.confirmable;
    const std::uint64_t allocations_before = bench::alloc_counter::allocations();
    std::uint64_t notifications = 0;
    for (auto _ : state) {
        ++value;
        notifications += temp.notify();
        driver.service();  // the ACKs of the CON notifications
    }
    const std::uint64_t allocations = bench::alloc_counter::allocations() - allocations_before;
    if (notifications !=
            std::uint64_t{observers} * static_cast<std::uint64_t>(state.iterations()) ||
        transport.sent - sent_before != notifications) {
        state.SkipWithError("a notification was not sent");
        return;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(notifications));
    const auto iterations = static_cast<double>(state.iterations());
    state.counters["allocs_per_notify"] = static_cast<double>(allocations) / iterations;
    state.counters["con_share"] = static_cast<double>(transport.confirmable - con_before) /
                                  static_cast<double>(notifications);
    state.counters["hub_bytes_per_observer"] =
        static_cast<double>(coap::ObserveHub::bytes_per_observer);
    // One node of the hub's peer index (libstdc++: next pointer, key, value,
    // cached hash) and one bucket pointer, per observer with a peer of its own.
    state.counters["peer_index_bytes"] =
        static_cast<double>(sizeof(void*) + sizeof(std::pair<const coap::Address, std::uint32_t>) +
                            sizeof(std::size_t) + sizeof(void*));
}

BENCHMARK(BM_NotifyFanout)->Arg(1000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
