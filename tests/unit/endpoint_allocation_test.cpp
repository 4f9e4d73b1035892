// endpoint_allocation_test.cpp — proves that an Endpoint allocates only when it is
// constructed: two Endpoints pumped in memory, at virtual times, run a thousand rounds
// of CON and NON exchanges, separate responses, retransmissions after a lost datagram,
// duplicates answered from the dedup cache and pings, and global operator new (counted
// in this binary) is never called in between. The test's own pump uses fixed buffers
// and checks nothing with gtest inside the measured window.
#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"

#include "allocation_counter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace coap {
namespace {

constexpr std::size_t max_size = 1152;
constexpr std::string_view answer_text = "ok";

const Address client_address = Address::ipv4({127, 0, 0, 1}, 40001);
const Address server_address = Address::ipv4({127, 0, 0, 1}, 5683);

EndpointConfig config_for(std::uint64_t seed) {
    EndpointConfig config;
    config.seed = seed;
    config.capacities.exchanges = 16;
    config.capacities.dedup_entries = 1024;
    config.capacities.peers = 4;
    config.capacities.queued_datagrams = 8;
    config.capacities.events = 8;
    config.capacities.max_message_size = max_size;
    return config;
}

/// What the pump saw; plain counters, so that counting allocates nothing.
struct Tally {
    long responses = 0;  ///< response_received 2.05 "ok"
    long pongs = 0;
    long requests = 0;    ///< request_received at the server
    long failures = 0;    ///< exchange_failed or response_failed
    long unexpected = 0;  ///< anything else: a refused call, a wrong response, a full queue
    long leftover_timers = 0;
};

/// A client and a server Endpoint joined by an in-memory queue of datagrams, with
/// one virtual clock. Every buffer is a member, sized once.
class Pair {
  public:
    enum class Answer : std::uint8_t { at_once, later };

    Pair() : client_(config_for(1)), server_(config_for(2)) {}

    const Tally& tally() const noexcept { return tally_; }
    Endpoint& client() noexcept { return client_; }
    Endpoint& server() noexcept { return server_; }
    Instant now() const noexcept { return now_; }

    /// One round of every kind of exchange; each ends before the next starts.
    void round() {
        // A CON request and its piggybacked response.
        answer_ = Answer::at_once;
        request(true);
        run();
        // A NON request and its NON response.
        request(false);
        run();
        // A separate response: the server acknowledges after empty_ack_delay, then
        // answers with a CON response that the client acknowledges.
        answer_ = Answer::later;
        request(true);
        run();
        advance(milliseconds(600));
        run();
        respond_pending();
        run();
        // The request is lost; the client retransmits it.
        answer_ = Answer::at_once;
        request(true);
        drop_next();
        fire_next_timeout();
        run();
        // The response is lost; the retransmitted request is a duplicate that the
        // server answers from its dedup cache without asking the application.
        request(true);
        settle();
        deliver_next();
        drop_next();
        fire_next_timeout();
        run();
        // A ping and its pong.
        if (!client_.ping(now_, server_address)) ++tally_.unexpected;
        run();
        if (client_.next_timeout() || server_.next_timeout()) ++tally_.leftover_timers;
    }

  private:
    struct Datagram {
        std::array<std::byte, max_size> bytes{};
        std::size_t length = 0;
        bool to_server = false;
    };

    void request(bool confirmable) {
        RequestOptions options;
        options.confirmable = confirmable;
        const auto build = [](MessageWriter& w) { w.option(OptionNumber::uri_path, "r"); };
        if (!client_.send_request(now_, server_address, options, build)) ++tally_.unexpected;
    }

    void respond_pending() {
        const auto build = [](MessageWriter& w) { w.payload(answer_text); };
        if (!pending_ || !server_.respond(now_, *pending_, ResponseOptions{}, build))
            ++tally_.unexpected;
        pending_.reset();
    }

    /// The documented call order for both endpoints: transmits, next_timeout,
    /// events; again while handling an event produced something.
    void settle() {
        for (;;) {
            collect(client_, true);
            collect(server_, false);
            (void)client_.next_timeout();
            (void)server_.next_timeout();
            events(client_);
            events(server_);
            if (!client_.wants_poll() && !server_.wants_poll()) return;
        }
    }

    void collect(Endpoint& from, bool to_server) {
        for (;;) {
            if (count_ == queue_.size()) {
                // No room: poll into the scratch buffer and count it as a failure.
                if (!from.poll_transmit(scratch_)) return;
                ++tally_.unexpected;
                continue;
            }
            Datagram& slot = queue_[(head_ + count_) % queue_.size()];
            const auto transmit = from.poll_transmit(slot.bytes);
            if (!transmit) return;
            slot.length = transmit->length;
            slot.to_server = to_server;
            ++count_;
        }
    }

    void events(Endpoint& endpoint) {
        while (const auto event = endpoint.poll_event())
            handle(*event);
    }

    void handle(const Event& event) {
        switch (event.kind) {
            case EventKind::request_received:
                ++tally_.requests;
                if (answer_ == Answer::later) {
                    pending_ = event.responder;
                    return;
                }
                {
                    const auto build = [](MessageWriter& w) { w.payload(answer_text); };
                    if (!server_.respond(now_, event.responder, ResponseOptions{}, build))
                        ++tally_.unexpected;
                }
                return;
            case EventKind::response_received: {
                const Bytes payload = event.message.payload();
                const bool ok =
                    event.message.code() == codes::content &&
                    payload.size() == answer_text.size() &&
                    std::memcmp(payload.data(), answer_text.data(), payload.size()) == 0;
                ++(ok ? tally_.responses : tally_.unexpected);
                return;
            }
            case EventKind::pong:
                ++tally_.pongs;
                return;
            case EventKind::exchange_failed:
            case EventKind::response_failed:
                ++tally_.failures;
                return;
            case EventKind::multicast_done:
            case EventKind::notification_acknowledged:
            case EventKind::notification_failed:
                ++tally_.unexpected;
                return;
        }
    }

    void deliver_next() {
        settle();
        if (count_ == 0) {
            ++tally_.unexpected;
            return;
        }
        const Datagram& d = queue_[head_];
        head_ = (head_ + 1) % queue_.size();
        --count_;
        Endpoint& to = d.to_server ? server_ : client_;
        to.handle_datagram(now_, d.to_server ? client_address : server_address,
                           Bytes{d.bytes.data(), d.length});
    }

    void drop_next() {
        settle();
        if (count_ == 0) {
            ++tally_.unexpected;
            return;
        }
        head_ = (head_ + 1) % queue_.size();
        --count_;
    }

    /// Delivers everything, including what the deliveries cause, until quiet.
    void run() {
        for (;;) {
            settle();
            if (count_ == 0) return;
            deliver_next();
        }
    }

    void advance(Duration step) {
        now_ = now_ + step;
        for (Endpoint* endpoint : {&client_, &server_})
            if (const auto t = endpoint->next_timeout(); t && *t <= now_)
                endpoint->handle_timeout(now_);
    }

    /// Jumps the clock to the earliest deadline and fires it.
    void fire_next_timeout() {
        settle();
        std::optional<Instant> earliest = client_.next_timeout();
        if (const auto t = server_.next_timeout(); t && (!earliest || *t < *earliest)) earliest = t;
        if (!earliest) {
            ++tally_.unexpected;
            return;
        }
        advance(*earliest > now_ ? *earliest - now_ : Duration{});
    }

    Endpoint client_;
    Endpoint server_;
    Instant now_{1'000'000};
    Answer answer_ = Answer::at_once;
    std::optional<ResponderId> pending_;
    std::array<Datagram, 16> queue_{};
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::array<std::byte, max_size> scratch_{};
    Tally tally_;
};

TEST(EndpointAllocation, CounterSeesAllocations) {
    volatile std::size_t size = 64;
    const long before = test::allocations_so_far();
    std::vector<std::byte> bytes(size);
    EXPECT_GE(test::allocations_so_far() - before, 1);
    EXPECT_EQ(bytes.size(), 64u);
}

TEST(EndpointAllocation, ConstructionAllocatesTheTables) {
    const long before = test::allocations_so_far();
    const Endpoint endpoint(config_for(3));
    // One block for State and every table (Endpoint::required_memory bytes).
    EXPECT_EQ(test::allocations_so_far() - before, 1);
    EXPECT_EQ(endpoint.stats().exchanges_in_use, 0u);
}

TEST(EndpointAllocation, SteadyStateExchangesAllocateNothing) {
    constexpr long warm_up_rounds = 64;
    constexpr long rounds = 1000;
    // Heap-allocated here, outside the window: about 40 KiB of queue and buffers.
    auto pair = std::make_unique<Pair>();
    for (long i = 0; i < warm_up_rounds; ++i)
        pair->round();
    ASSERT_EQ(pair->tally().unexpected, 0);
    ASSERT_EQ(pair->tally().failures, 0);

    const Tally start = pair->tally();
    const EndpointStats client_start = pair->client().stats();
    const EndpointStats server_start = pair->server().stats();
    const Instant time_start = pair->now();

    const long before = test::allocations_so_far();
    for (long i = 0; i < rounds; ++i)
        pair->round();
    const long allocations = test::allocations_so_far() - before;

    const Tally& end = pair->tally();
    const EndpointStats client_end = pair->client().stats();
    const EndpointStats server_end = pair->server().stats();
    EXPECT_EQ(allocations, 0);
    // The work really happened: five answered requests and one ping per round.
    EXPECT_EQ(end.responses - start.responses, 5 * rounds);
    EXPECT_EQ(end.requests - start.requests, 5 * rounds);  // the duplicate is not reported
    EXPECT_EQ(end.pongs - start.pongs, rounds);
    EXPECT_EQ(end.failures, 0);
    EXPECT_EQ(end.unexpected, 0);
    EXPECT_EQ(end.leftover_timers, 0);
    EXPECT_EQ(client_end.retransmissions - client_start.retransmissions,
              static_cast<std::uint64_t>(2 * rounds));
    EXPECT_EQ(server_end.duplicates_received - server_start.duplicates_received,
              static_cast<std::uint64_t>(rounds));
    // Per round: 5 requests, 1 ping, 2 retransmissions and the ACK of the separate
    // response from the client; 5 responses (one of them sent again from the dedup
    // cache), 1 empty ACK and 1 RST from the server.
    EXPECT_EQ(client_end.datagrams_sent - client_start.datagrams_sent,
              static_cast<std::uint64_t>(9 * rounds));
    EXPECT_EQ(server_end.datagrams_sent - server_start.datagrams_sent,
              static_cast<std::uint64_t>(8 * rounds));
    EXPECT_EQ(client_end.exchanges_in_use, 0u);
    EXPECT_EQ(server_end.exchanges_in_use, 0u);
    // Dedup entries expired and were reused: far more requests than entries in use.
    EXPECT_LT(server_end.dedup_entries_in_use, static_cast<std::size_t>(4 * rounds));
    EXPECT_GT(pair->now() - time_start, seconds(247));  // longer than EXCHANGE_LIFETIME
}

}  // namespace
}  // namespace coap
