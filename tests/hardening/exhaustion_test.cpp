// tests/hardening/exhaustion_test.cpp — issue 12, pool exhaustion tested
// exhaustively (nghttp2's habit): the Endpoint is built with
// COBALT_FAULT_INJECTION, which counts every pool acquisition (exchange,
// notification, dedup and peer slots, places in the event and transmit queues).
// Each scenario runs once to count the N acquisitions of one side, then N times
// more with acquisition i failing, for every i. After every step the tables of
// both sides must be consistent (Endpoint::check_consistency); at the end every
// request has ended exactly once, at most one of them (the one whose
// acquisition failed) did not succeed and then with a defined outcome (a local
// error to its caller, 5.03 to the peer), every table has emptied, and a fresh
// request still works. Two bare Endpoints on a tiny in-test wire with virtual
// time: no simulator, so that only the engine counts acquisitions.
#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coap {
namespace {

const Address client_address = Address::ipv4({10, 0, 0, 1}, 40000);
const Address server_address = Address::ipv4({10, 0, 0, 2}, 5683);
const Address raw_address = Address::ipv4({10, 0, 0, 3}, 40001);

EndpointConfig small_config(std::uint64_t seed) {
    EndpointConfig config{.seed = seed};
    config.capacities.exchanges = 8;
    config.capacities.notifications = 2;
    config.capacities.dedup_entries = 16;
    config.capacities.peers = 4;
    config.capacities.queued_datagrams = 8;
    config.capacities.events = 8;
    config.capacities.stored_reply_bytes = 1024;
    config.capacities.max_message_size = 256;
    return config;
}

/// What happened to the units of work (requests, notifications) of a run.
struct Tally {
    int units = 0;         ///< requests and notifications started
    int success = 0;       ///< ended well
    int busy = 0;          ///< answered 5.03 (a full table at the server)
    int local_errors = 0;  ///< an API call returned a LocalError
    int failed = 0;        ///< a request ended with exchange_failed
    int terminal = 0;      ///< terminal events of client requests
    int sent = 0;          ///< client requests that send_request accepted
    int twice = 0;         ///< requests whose handler ran twice
    int non_dropped = 0;   ///< NON notifications that never reached the client
};

/// Prints the wire of a run (set for the acquisition COBALT_EXHAUSTION_TRACE names).
bool tracing = false;

/// Two Endpoints and raw datagrams on a wire that delays by 1 ms, in virtual
/// time; application timers for answers that come later.
class Pair {
  public:
    Endpoint client{small_config(1)};
    Endpoint server{small_config(2)};
    Instant now{};
    std::function<void(const Event&)> on_client;
    std::function<void(const Event&)> on_server;
    std::vector<std::vector<std::byte>> raw_inbox;  ///< what reached raw_address
    std::string inconsistency;
    bool trace = tracing;

    void schedule(Duration after, std::function<void()> f) {
        timers_.push_back({now + after, std::move(f)});
    }
    void inject_raw(gsl::span<const std::byte> datagram) {
        wire_.push_back({now + milliseconds(1), raw_address, server_address,
                         std::vector<std::byte>(datagram.begin(), datagram.end())});
    }

    void service() {
        for (bool progress = true; progress;) {
            progress = false;
            progress |= drain(client, client_address);
            progress |= drain(server, server_address);
            while (auto e = client.poll_event()) {
                progress = true;
                if (on_client) on_client(*e);
            }
            while (auto e = server.poll_event()) {
                progress = true;
                if (on_server) on_server(*e);
            }
        }
        check();
    }

    /// Does the earliest pending thing at or before `limit`; false when none.
    bool step(Instant limit) {
        service();
        std::optional<Instant> next;
        const auto consider = [&](std::optional<Instant> at) {
            if (at && (!next || *at < *next)) next = at;
        };
        if (!wire_.empty()) consider(wire_.front().at);
        consider(client.next_timeout());
        consider(server.next_timeout());
        for (const auto& t : timers_)
            consider(t.at);
        if (!next || *next > limit) return false;
        if (*next > now) now = *next;
        if (!wire_.empty() && wire_.front().at <= now) {
            const Datagram d = std::move(wire_.front());
            wire_.pop_front();
            if (trace) {
                const auto m = MessageView::parse(d.bytes);
                std::printf("%6lld ms %s -> %s: %s\n", static_cast<long long>(now.ms),
                            d.from == client_address   ? "client"
                            : d.from == server_address ? "server"
                                                       : "raw",
                            d.to == client_address   ? "client"
                            : d.to == server_address ? "server"
                                                     : "raw",
                            m ? (std::to_string(static_cast<int>(m->type())) + " " +
                                 std::to_string(m->code().code_class()) + "." +
                                 std::to_string(m->code().detail()) + " mid " +
                                 std::to_string(m->message_id()))
                                    .c_str()
                              : "?");
            }
            if (d.to == server_address)
                server.handle_datagram(now, d.from, d.bytes);
            else if (d.to == client_address)
                client.handle_datagram(now, d.from, d.bytes);
            else
                raw_inbox.push_back(d.bytes);
        } else if (const auto due = client.next_timeout(); due && *due <= now) {
            client.handle_timeout(now);
        } else if (const auto due2 = server.next_timeout(); due2 && *due2 <= now) {
            server.handle_timeout(now);
        } else {
            for (std::size_t i = 0; i < timers_.size(); ++i) {
                if (timers_[i].at > now) continue;
                auto f = std::move(timers_[i].f);
                timers_.erase(timers_.begin() + static_cast<std::ptrdiff_t>(i));
                f();
                break;
            }
        }
        service();
        return true;
    }
    void run_for(Duration d) {
        const Instant end = now + d;
        int steps = 0;
        while (step(end))
            if (++steps > 200'000) {
                inconsistency = "the run makes no progress";
                return;
            }
        now = end;
    }

  private:
    struct Datagram {
        Instant at;
        Address from;
        Address to;
        std::vector<std::byte> bytes;
    };
    struct Timer {
        Instant at;
        std::function<void()> f;
    };
    bool drain(Endpoint& ep, const Address& self) {
        bool any = false;
        while (const auto t = ep.poll_transmit(buffer_)) {
            any = true;
            wire_.push_back(
                {now + milliseconds(1), self, t->peer,
                 std::vector<std::byte>(buffer_.begin(),
                                        buffer_.begin() + static_cast<std::ptrdiff_t>(t->length))});
        }
        return any;
    }
    void check() {
        if (!inconsistency.empty()) return;
        if (const char* p = client.check_consistency()) inconsistency = std::string("client: ") + p;
        if (const char* p = server.check_consistency()) inconsistency = std::string("server: ") + p;
    }

    std::deque<Datagram> wire_;
    std::vector<Timer> timers_;
    std::array<std::byte, 256> buffer_{};
};

// ---- scenarios: each starts its units and answers on both sides ----

using Scenario = void (*)(Pair&, Tally&);

/// Counts a client terminal event (response or failure) and its kind.
void client_ends(Tally& t, const Event& e) {
    if (e.kind == EventKind::response_received) {
        ++t.terminal;
        if (e.message.code().is_success())
            ++t.success;
        else if (e.message.code() == codes::service_unavailable)
            ++t.busy;
    } else if (e.kind == EventKind::exchange_failed) {
        ++t.terminal;
        ++t.failed;
    }
}

void send_get(Pair& p, Tally& t, std::string_view path, bool confirmable = true) {
    ++t.units;
    const auto id =
        p.client.send_request(p.now, server_address, {.confirmable = confirmable},
                              [&](MessageWriter& w) { w.option(OptionNumber::uri_path, path); });
    if (id)
        ++t.sent;
    else
        ++t.local_errors;
}

/// Answers now; a LocalError is counted (the application knows).
void answer(Pair& p, Tally& t, ResponderId r, Code code, const MessageBuilder& build) {
    if (!p.server.respond(p.now, r, {.code = code}, build)) ++t.local_errors;
}

void piggybacked_gets(Pair& p, Tally& t) {
    p.on_client = [&](const Event& e) { client_ends(t, e); };
    p.on_server = [&](const Event& e) {
        if (e.kind != EventKind::request_received) return;
        answer(p, t, e.responder, codes::content, [](MessageWriter& w) { w.payload("22.5"); });
    };
    send_get(p, t, "a");
    send_get(p, t, "b");
    send_get(p, t, "c", false);  // NON request, NON response
}

void separate_responses(Pair& p, Tally& t) {
    p.on_client = [&](const Event& e) { client_ends(t, e); };
    p.on_server = [&](const Event& e) {
        if (e.kind == EventKind::response_failed) ++t.local_errors;
        if (e.kind != EventKind::request_received) return;
        const ResponderId r = e.responder;
        if (!p.server.acknowledge(p.now, r)) ++t.local_errors;
        p.schedule(seconds(1), [&p, &t, r] {
            answer(p, t, r, codes::content, [](MessageWriter& w) { w.payload("later"); });
        });
    };
    send_get(p, t, "slow");
    send_get(p, t, "slower");
}

/// Block2 (RFC 7959): four 64-byte blocks, each asked for with send_next in one
/// held exchange. One unit.
void block2_transfer(Pair& p, Tally& t) {
    static constexpr std::uint32_t blocks = 4;
    auto id = std::make_shared<std::optional<RequestId>>();
    p.on_client = [&t, &p, id](const Event& e) {
        if (!*id || !(e.request == **id)) return;
        if (e.kind == EventKind::exchange_failed) {
            ++t.terminal;
            ++t.failed;
            return;
        }
        if (e.kind != EventKind::response_received) return;
        const auto block = e.message.uint_option(OptionNumber::block2);
        if (!e.message.code().is_success() || !block) {
            ++t.terminal;
            if (e.message.code() == codes::service_unavailable) ++t.busy;
            (void)p.client.close(p.now, **id);
            return;
        }
        const auto value = BlockValue::from_uint(*block).value();
        if (!value.more()) {
            ++t.terminal;
            ++t.success;
            (void)p.client.close(p.now, **id);
            return;
        }
        const auto next = value.num() + 1;
        if (!p.client.send_next(p.now, **id, {}, [&](MessageWriter& w) {
                w.option(OptionNumber::uri_path, "big");
                w.option_uint(OptionNumber::block2, next << 4 | 2);
            })) {
            ++t.terminal;
            ++t.local_errors;
            (void)p.client.close(p.now, **id);
        }
    };
    p.on_server = [&](const Event& e) {
        if (e.kind != EventKind::request_received) return;
        const std::uint32_t num = e.message.uint_option(OptionNumber::block2).value_or(0) >> 4;
        answer(p, t, e.responder, codes::content, [&](MessageWriter& w) {
            w.option_uint(OptionNumber::block2, num << 4 | (num + 1 < blocks ? 8u : 0u) | 2u);
            std::array<std::byte, 64> body{};
            body.fill(std::byte{static_cast<std::uint8_t>('0' + num)});
            w.payload(body);
        });
    };
    ++t.units;
    const auto first =
        p.client.send_request(p.now, server_address, {.hold = true}, [](MessageWriter& w) {
            w.option(OptionNumber::uri_path, "big");
            w.option_uint(OptionNumber::block2, 2);
        });
    if (first) {
        *id = *first;
        ++t.sent;
    } else {
        ++t.local_errors;
    }
}

/// Block1 (RFC 7959): a PUT of four 64-byte blocks in one held exchange, 2.31
/// Continue for each but the last, 2.04 for it. One unit.
void block1_upload(Pair& p, Tally& t) {
    static constexpr std::uint32_t blocks = 4;
    auto id = std::make_shared<std::optional<RequestId>>();
    const auto write_block = [](std::uint32_t num) {
        return [num](MessageWriter& w) {
            w.option(OptionNumber::uri_path, "up");
            w.option_uint(OptionNumber::block1, num << 4 | (num + 1 < blocks ? 8u : 0u) | 2u);
            std::array<std::byte, 64> body{};
            w.payload(body);
        };
    };
    p.on_client = [&t, &p, id, write_block](const Event& e) {
        if (!*id || !(e.request == **id)) return;
        if (e.kind == EventKind::exchange_failed) {
            ++t.terminal;
            ++t.failed;
            return;
        }
        if (e.kind != EventKind::response_received) return;
        const auto block = e.message.uint_option(OptionNumber::block1);
        if (e.message.code() == codes::continue_ && block) {
            const std::uint32_t next = (*block >> 4) + 1;
            auto build = write_block(next);
            if (!p.client.send_next(p.now, **id, {.method = codes::put}, build)) {
                ++t.terminal;
                ++t.local_errors;
                (void)p.client.close(p.now, **id);
            }
            return;
        }
        ++t.terminal;
        if (e.message.code() == codes::changed)
            ++t.success;
        else if (e.message.code() == codes::service_unavailable)
            ++t.busy;
        (void)p.client.close(p.now, **id);
    };
    p.on_server = [&p, &t](const Event& e) {
        if (e.kind != EventKind::request_received) return;
        const std::uint32_t value = e.message.uint_option(OptionNumber::block1).value_or(0);
        const bool more = (value & 8u) != 0;
        answer(p, t, e.responder, more ? codes::continue_ : codes::changed,
               [&](MessageWriter& w) { w.option_uint(OptionNumber::block1, value); });
    };
    ++t.units;
    auto build = write_block(0);
    const auto first =
        p.client.send_request(p.now, server_address, {.method = codes::put, .hold = true}, build);
    if (first) {
        *id = *first;
        ++t.sent;
    } else {
        ++t.local_errors;
    }
}

/// RFC 7641: a registration (held GET with Observe 0, answered piggybacked with
/// Observe) and three notifications, NON, CON, NON. Four units: the
/// registration and each notification (a notification is a success when the
/// client received it).
void observe_notifications(Pair& p, Tally& t) {
    struct State {
        std::optional<RequestId> id;
        std::optional<Address> observer;
        std::array<std::byte, 8> token{};
        std::size_t token_length = 0;
        bool registered = false;
        std::array<bool, 5> sent{};      ///< notification n went out
        std::array<bool, 5> received{};  ///< Observe n reached the client
    };
    auto s = std::make_shared<State>();
    p.on_client = [&t, &p, s](const Event& e) {
        if (!s->id || !(e.request == *s->id)) return;
        if (e.kind == EventKind::exchange_failed) {
            ++t.terminal;
            ++t.failed;
            return;
        }
        if (e.kind != EventKind::response_received) return;
        const auto observe = e.message.observe();
        if (observe && *observe < s->received.size()) s->received[*observe] = true;
        if (!s->registered) {
            s->registered = true;
            ++t.terminal;
            // A lost answer to the registration is replaced by the next
            // notification, which answers it as well (RFC 7641 §3.2).
            if (e.message.code().is_success() && observe) {
                ++t.success;
                (void)p.client.listen(p.now, *s->id, seconds(60));
                return;
            }
            if (e.message.code() == codes::service_unavailable) ++t.busy;
            (void)p.client.close(p.now, *s->id);
            return;
        }
        (void)p.client.listen(p.now, *s->id, seconds(60));
    };
    p.on_server = [&p, &t, s](const Event& e) {
        if (e.kind == EventKind::notification_failed) ++t.local_errors;
        if (e.kind != EventKind::request_received) return;
        s->observer = e.peer;
        s->token_length = e.message.token().size();
        std::copy(e.message.token().begin(), e.message.token().end(), s->token.begin());
        answer(p, t, e.responder, codes::content, [](MessageWriter& w) {
            w.option_uint(OptionNumber::observe, 1);
            w.payload("1");
        });
    };
    for (std::uint32_t n = 2; n <= 4; ++n) {
        p.schedule(seconds(n), [&p, &t, s, n] {
            if (!s->observer) return;  // not registered: no notification to send
            ++t.units;
            const auto sent =
                p.server.notify(p.now, *s->observer, {s->token.data(), s->token_length},
                                {.confirmable = n == 3}, [n](MessageWriter& w) {
                                    w.option_uint(OptionNumber::observe, n);
                                    w.payload("n");
                                });
            if (!sent)
                ++t.local_errors;
            else
                s->sent[n] = true;
        });
    }
    p.schedule(seconds(40), [&p, &t, s] {
        for (std::size_t n = 2; n <= 4; ++n) {
            if (s->sent[n] && s->received[n]) ++t.success;
            // A NON notification is best effort (RFC 7641 §4.5): dropped when the
            // client's event queue is full, as if lost on the way.
            if (s->sent[n] && !s->received[n] && n != 3) ++t.non_dropped;
        }
        if (s->id) (void)p.client.close(p.now, *s->id);
    });
    ++t.units;
    const auto first =
        p.client.send_request(p.now, server_address, {.hold = true}, [](MessageWriter& w) {
            w.option_uint(OptionNumber::observe, 0);
            w.option(OptionNumber::uri_path, "obs");
        });
    if (first) {
        s->id = *first;
        ++t.sent;
    } else {
        ++t.local_errors;
    }
}

/// A server receiving CON PUTs (each sent three times: at once, after 10 ms
/// and after 3 s) and a NON POST, from a raw peer. A unit per request: a
/// success when some copy got a 2.xx; the handler must never run twice.
void server_duplicates(Pair& p, Tally& t) {
    auto runs = std::make_shared<std::array<int, 8>>();
    p.on_server = [&p, &t, runs](const Event& e) {
        if (e.kind != EventKind::request_received) return;
        ++(*runs)[e.message.message_id() % 8];
        if (!p.server.respond(p.now, e.responder, {.code = codes::changed})) ++t.local_errors;
    };
    for (std::uint16_t mid = 1; mid <= 4; ++mid) {
        ++t.units;
        std::array<std::byte, 32> buffer{};
        const std::byte token[1] = {std::byte{static_cast<std::uint8_t>(mid)}};
        const auto type = mid == 4 ? MessageType::non_confirmable : MessageType::confirmable;
        MessageWriter w(buffer, type, mid == 4 ? codes::post : codes::put, mid, token);
        w.option(OptionNumber::uri_path, "x");
        const std::vector<std::byte> request(
            buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(w.finish().value()));
        p.inject_raw(request);
        if (type == MessageType::confirmable) {
            p.schedule(milliseconds(10), [&p, request] { p.inject_raw(request); });
            p.schedule(seconds(3), [&p, request] { p.inject_raw(request); });
        }
    }
    p.schedule(seconds(10), [&p, &t, runs] {
        std::array<bool, 5> ok{};
        for (const auto& bytes : p.raw_inbox) {
            const auto m = MessageView::parse(bytes);
            if (!m || m->token().size() != 1) continue;
            const auto mid = std::to_integer<std::size_t>(m->token()[0]);
            if (mid > 4) continue;
            if (m->code().is_success()) ok[mid] = true;
            if (m->code() == codes::service_unavailable) ++t.busy;
        }
        for (std::size_t mid = 1; mid <= 4; ++mid) {
            t.success += ok[mid] ? 1 : 0;
            if ((*runs)[mid] > 1) ++t.twice;
            ++t.terminal;
        }
        t.sent += 4;  // the raw peer's four requests, each ended here
    });
}

struct Case {
    const char* name;
    Scenario scenario;
    bool fail_client;  ///< the side whose acquisitions fail
};

/// Runs `c` with acquisition `fail` of its side failing (none: counts them).
/// Returns the acquisitions counted on that side during the scenario.
std::uint64_t run_case(const Case& c, std::optional<std::uint64_t> fail, Tally& t,
                       std::string& problem) {
    Pair p;
    Endpoint& faulty = c.fail_client ? p.client : p.server;
    if (fail) faulty.fail_acquisition(*fail);
    c.scenario(p, t);
    p.service();
    p.run_for(seconds(300));  // past EXCHANGE_LIFETIME: everything has ended
    const std::uint64_t counted = faulty.acquisitions();
    if (!p.inconsistency.empty()) {
        problem = p.inconsistency;
        return counted;
    }
    for (const Endpoint* ep : {&p.client, &p.server}) {
        const EndpointStats s = ep->stats();
        if (s.exchanges_in_use != 0 || s.notifications_in_flight != 0 || s.queued_datagrams != 0 ||
            s.queued_events != 0)
            problem =
                std::string(ep == &p.client ? "client" : "server") + ": a table did not empty";
    }
    // Traffic after the failure: a plain GET is answered.
    Tally after;
    p.on_client = [&](const Event& e) { client_ends(after, e); };
    p.on_server = [&](const Event& e) {
        if (e.kind == EventKind::request_received)
            (void)p.server.respond(p.now, e.responder, {},
                                   [](MessageWriter& w) { w.payload("ok"); });
    };
    send_get(p, after, "after");
    p.run_for(seconds(100));
    if (after.success != 1 && problem.empty()) problem = "a request after the failure failed";
    if (!p.inconsistency.empty() && problem.empty()) problem = p.inconsistency;
    return counted;
}

const Case cases[] = {
    {"piggybacked GETs, client", piggybacked_gets, true},
    {"piggybacked GETs, server", piggybacked_gets, false},
    {"separate responses, client", separate_responses, true},
    {"separate responses, server", separate_responses, false},
    {"Block2 transfer, client", block2_transfer, true},
    {"Block2 transfer, server", block2_transfer, false},
    {"Block1 upload, client", block1_upload, true},
    {"Block1 upload, server", block1_upload, false},
    {"observe registration and notifications, client", observe_notifications, true},
    {"observe registration and notifications, server", observe_notifications, false},
    {"CON requests and duplicates, server", server_duplicates, false},
};

class Exhaustion : public ::testing::TestWithParam<Case> {};

TEST_P(Exhaustion, EveryFailedAcquisitionLeavesTheEngineConsistentAndThePeerAnswered) {
    const Case& c = GetParam();
    Tally clean;
    std::string problem;
    const std::uint64_t n = run_case(c, std::nullopt, clean, problem);
    ASSERT_TRUE(problem.empty()) << problem;
    ASSERT_EQ(clean.success, clean.units) << "without faults every unit succeeds";
    ASSERT_EQ(clean.terminal, clean.sent);
    ASSERT_GT(n, 0u);
    int degraded = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        Tally t;
        problem.clear();
        const char* traced = std::getenv("COBALT_EXHAUSTION_TRACE");
        tracing = traced != nullptr && std::strtoull(traced, nullptr, 10) == i;
        run_case(c, i, t, problem);
        tracing = false;
        ASSERT_TRUE(problem.empty())
            << c.name << ", acquisition " << i << " of " << n << ": " << problem;
        // Every request accepted ended exactly once.
        ASSERT_EQ(t.terminal, t.sent) << c.name << ", acquisition " << i;
        // At most the unit whose acquisition failed is lost, and never silently.
        ASSERT_GE(t.success, t.units - 1) << c.name << ", acquisition " << i;
        if (t.success < t.units) {
            ++degraded;
            // Never silently: the peer was answered 5.03, or the local caller
            // got an error value (a LocalError, or exchange_failed), or it was a
            // NON notification, which may be lost (RFC 7641 §4.5).
            ASSERT_GE(t.busy + t.local_errors + t.failed + t.non_dropped, 1)
                << c.name << ", acquisition " << i
                << ": a unit was lost without a 5.03 or an error";
        }
        ASSERT_EQ(t.twice, 0) << c.name << ", acquisition " << i << ": a handler ran twice";
    }
    std::printf(
        "%s: %llu acquisitions, each failed once: %d runs lost one unit (with a 5.03, a "
        "local error or exchange_failed), the rest lost nothing\n",
        c.name, static_cast<unsigned long long>(n), degraded);
}

INSTANTIATE_TEST_SUITE_P(Hardening, Exhaustion, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                             std::string name;
                             for (const char* s = param.param.name; *s; ++s)
                                 if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                                     (*s >= '0' && *s <= '9'))
                                     name += *s;
                             return name;
                         });

}  // namespace
}  // namespace coap
