// client_reregistration_test.cpp — RFC 7641 §3.3.1 and §3.2/§4.1 on the
// client: re-registration under the same token and options when Max-Age of the
// latest notification (plus slack) passes, notifications postponing it, a
// server restart healed by it (and its answer starting a new sequence, §3.4),
// exponential back-off of re-registrations during an outage, the stream ending
// with observation_lost when they run out, and a response without Observe
// (the server does not keep us) re-registering when its Max-Age passes, a
// bounded number of times, or ending the stream when so configured. A cobalt
// server and client on the simulated network, virtual time.
#include "observe_fixture.hpp"

#include <gtest/gtest.h>

#include <set>

namespace coap {
namespace {

using test::collect;
using test::collect_stream;
using test::observe_of;
using test::Observed;
using test::token_of;

/// The client's GET requests with Observe 0, one per message ID (first
/// transmissions only), with the time each was first sent.
struct Registration {
    OwnedMessage message;
    Instant sent{};
};
std::vector<Registration> registrations(const Observed& o) {
    std::vector<Registration> out;
    std::set<std::uint16_t> ids;
    for (const auto& record : o.pair.net.trace().records()) {
        if (record.kind != sim::TraceKind::sent || record.from != o.pair.client_node) continue;
        auto view = MessageView::parse(record.bytes);
        if (!view || view->code() != codes::get || view->observe() != 0u) continue;
        if (!ids.insert(view->message_id()).second) continue;  // a retransmission
        out.push_back({OwnedMessage(*view), record.time});
    }
    return out;
}

TEST(Rfc7641_3_3_1, ReregistersWhenMaxAgeExpires) {
    Observed o;
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect_stream(o.pair.remote("coap://10.0.0.2/time"),
                               Request::observe(ObserveClientConfig{.max_age_slack = seconds(3)})
                                   .accept(content_formats::text_plain),
                               &seen);
    task.start();
    o.at(seconds(5), [&o] { o.state = 7; });  // changed without a notification
    o.pair.net.run_for(seconds(12));
    ASSERT_EQ(registrations(o).size(), 1u) << "Max-Age 10 s + 3 s slack has not passed";
    o.pair.net.run_for(seconds(2));
    const auto sent = registrations(o);
    ASSERT_EQ(sent.size(), 2u);
    const auto& first = sent[0].message;
    const auto& again = sent[1].message;
    EXPECT_EQ(token_of(again), token_of(first));
    EXPECT_EQ(test::path_of(again.view()), "/time");
    EXPECT_EQ(again->accept(), std::optional<std::uint16_t>(content_formats::text_plain));
    EXPECT_GE(sent[1].sent - sent[0].sent, seconds(13));
    // The answer to the re-registration carries the state missed meanwhile.
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "7"}));
    EXPECT_EQ(o.tree.observer_count(), 1u);
    o.change_at(seconds(1), 8);
    o.pair.net.run_for(seconds(2));
    EXPECT_EQ(seen.back(), "8");
}

TEST(Rfc7641_3_3_1, NotificationsPostponeReregistration) {
    Observed o;
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    for (int i = 1; i <= 12; ++i)
        o.change_at(seconds(5 * i), i);
    o.pair.net.run_for(seconds(62));
    EXPECT_EQ(registrations(o).size(), 1u);
    EXPECT_EQ(seen.size(), 13u);
    // Silence after the last one: Max-Age 10 s + 5 s slack later, it re-registers.
    o.pair.net.run_for(seconds(14));
    EXPECT_EQ(registrations(o).size(), 2u);
}

TEST(Rfc7641_3_3_1, ReregistrationOffWaitsWithoutAsking) {
    Observed o;
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen,
                        ObserveClientConfig{.reregister = false});
    task.start();
    o.pair.net.run_for(seconds(600));
    EXPECT_EQ(registrations(o).size(), 1u);
    EXPECT_FALSE(task.done());
}

/// Replaces the server's resource tree by a new one, as a restarted server
/// would come back: no observers, and its own sequence numbers.
struct Restarted {
    explicit Restarted(Observed& o) {
        tree.add("/time").observable().get([this](RequestContext& ctx) {
            (void)ctx.respond(codes::content, std::to_string(state), content_formats::text_plain);
        });
        tree.serve(o.pair.server);
    }
    ResourceTree tree;
    int state = 100;
};

TEST(Rfc7641_3_3_1, ReregistrationRestoresAnObservationAServerLost) {
    Observed o;
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.pair.net.run_for(seconds(1));
    Restarted fresh(o);
    fresh.state = 100;
    fresh.tree.find("/time")->notify();  // nobody is observing the new server yet
    o.pair.net.run_for(seconds(20));
    EXPECT_EQ(fresh.tree.observer_count(), 1u) << "re-registered with the restarted server";
    EXPECT_EQ(seen.back(), "100");
}

TEST(Rfc7641_3_4, ReregistrationAnswerStartsANewSequence) {
    Observed o;
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    for (int i = 1; i <= 20; ++i)
        o.change_at(milliseconds(100 * i), i);  // old sequence: 20+
    o.pair.net.run_for(seconds(3));
    ASSERT_EQ(seen.back(), "20");
    Restarted fresh(o);  // counts again from the start
    o.pair.net.run_for(seconds(15));
    ASSERT_EQ(seen.back(), "100") << "the answer to the re-registration is delivered";
    fresh.state = 101;
    fresh.tree.find("/time")->notify();
    o.pair.net.run_for(seconds(1));
    // Its sequence number is far below the old ones, yet newer: the order
    // started afresh with the re-registration's answer.
    EXPECT_EQ(seen.back(), "101");
}

TEST(Rfc7641_3_2, ResponseWithoutObserveIsTheLastValueWhenReregistrationIsOff) {
    Observed o;
    ObserveConfig full;
    full.max_observers = 0;  // the server answers without Observe (§4.1)
    o.tree.set_observe_config(full);
    std::vector<std::string> seen;
    ObserveClientConfig config;
    config.reregister_when_unobserved = false;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen, config);
    task.start();
    o.pair.net.run_for(seconds(300));
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "end"}));
    EXPECT_TRUE(task.done());
    // Neither re-registered nor deregistered: the server does not have us.
    EXPECT_EQ(o.client_gets().size(), 1u);
    EXPECT_EQ(o.pair.client.pending_sends(), 0u);
}

TEST(Rfc7641_3_3_1, ResponseWithoutObserveReregistersWhenItsMaxAgePasses) {
    Observed o;
    o.max_age = 10;
    ObserveConfig full;
    full.max_observers = 0;  // cannot take an observer now: answers without Observe
    o.tree.set_observe_config(full);
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.pair.net.run_for(seconds(3));
    ASSERT_EQ(seen, (std::vector<std::string>{"0"})) << "delivered, and the stream goes on";
    EXPECT_EQ(o.tree.observer_count(), 0u);
    o.tree.set_observe_config(ObserveConfig{});  // room again
    o.state = 1;
    o.pair.net.run_for(seconds(14));  // Max-Age 10 s + 5 s slack after the answer
    const auto regs = registrations(o);
    ASSERT_EQ(regs.size(), 2u);
    EXPECT_GE(regs[1].sent - regs[0].sent, seconds(15));
    EXPECT_EQ(token_of(regs[0].message), token_of(regs[1].message)) << "the same token (§3.3.1)";
    EXPECT_EQ(o.tree.observer_count(), 1u) << "observing now";
    o.state = 2;
    o.tree.find("/time")->notify();
    o.pair.net.run_for(seconds(1));
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "1", "2"}));
    EXPECT_FALSE(task.done());
}

TEST(Rfc7641_3_2, ServerThatNeverTakesUsEndsTheStreamAfterMaxUnobservedAnswers) {
    Observed o;
    o.max_age = 10;
    ObserveConfig full;
    full.max_observers = 0;
    o.tree.set_observe_config(full);
    std::vector<std::string> seen;
    ObserveClientConfig config;
    config.max_unobserved_answers = 2;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen, config);
    task.start();
    o.pair.net.run_for(seconds(600));
    // The first answer, then two re-registrations, each answered without Observe:
    // the third answer is the last value.
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "0", "0", "end"}));
    EXPECT_EQ(registrations(o).size(), 3u);
    EXPECT_TRUE(task.done());
}

/// Client transmission parameters that make a CON fail after exactly 3 s
/// (1 s, then 2 s after one retransmission): re-registration times are exact.
EndpointConfig quick_failing() {
    EndpointConfig config;
    config.transmission.ack_timeout = seconds(1);
    config.transmission.ack_random_factor_permille = 1000;
    config.transmission.max_retransmit = 1;
    return config;
}

TEST(Rfc7641_3_3_1, ReregistrationBacksOffDuringAnOutageAndRecovers) {
    Observed o(1, quick_failing());
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen,
                        ObserveClientConfig{.max_registration_retries = 10,
                                            .retry_delay = seconds(4),
                                            .max_retry_delay = seconds(256)});
    task.start();
    o.pair.net.run_for(seconds(1));
    o.pair.net.partition(o.pair.client_node, o.pair.server_node);
    o.at(seconds(2), [&o] { o.state = 42; });
    o.pair.net.run_for(seconds(100));
    const auto during = registrations(o);
    // Registration, re-registration at ~15 s, then retries each 3 s (the CON
    // failing) plus 4, 8, 16, 32 s after the previous one started.
    ASSERT_GE(during.size(), 5u);
    for (std::size_t i = 2; i < during.size(); ++i)
        EXPECT_EQ((during[i].sent - during[i - 1].sent).ms,
                  seconds(3).ms + (seconds(4).ms << (i - 2)))
            << "retry " << i - 1;
    EXPECT_EQ(seen, (std::vector<std::string>{"0"}));
    EXPECT_FALSE(task.done());

    o.pair.net.heal_all();
    o.pair.net.run_for(seconds(70));
    EXPECT_EQ(seen.back(), "42") << "the first retry after the outage re-registers";
    EXPECT_FALSE(task.done());
    EXPECT_EQ(o.tree.observer_count(), 1u);
}

TEST(Rfc7641_3_3_1, UnansweredFirstRegistrationIsRetriedUnderTheSameToken) {
    Observed o(1, quick_failing());
    o.pair.net.partition(o.pair.client_node, o.pair.server_node);
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.pair.net.run_for(seconds(10));  // fails at 3 s, again at 3 + 4 + 3 s
    o.pair.net.heal_all();
    o.pair.net.run_for(seconds(20));  // the next try, 8 s later, is answered
    const auto sent = registrations(o);
    ASSERT_EQ(sent.size(), 3u);
    EXPECT_EQ(token_of(sent[1].message), token_of(sent[0].message));
    EXPECT_EQ(token_of(sent[2].message), token_of(sent[0].message));
    EXPECT_EQ(seen, (std::vector<std::string>{"0"}));
    EXPECT_EQ(o.tree.observer_count(), 1u);
}

TEST(Rfc7641_3_3_1, ReregistrationsRunningOutEndTheStreamWithObservationLost) {
    Observed o(1, quick_failing());
    o.max_age = 10;
    std::vector<std::string> seen;
    auto task =
        collect(o.pair.remote("coap://10.0.0.2/time"), &seen,
                ObserveClientConfig{.max_registration_retries = 2, .retry_delay = seconds(1)});
    task.start();
    o.pair.net.run_for(seconds(1));
    o.pair.net.partition(o.pair.client_node, o.pair.server_node);
    o.pair.net.run_for(seconds(120));
    ASSERT_TRUE(task.done());
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], "0");
    EXPECT_EQ(seen[1], "error: " + to_string(Error::of(ErrorKind::observation_lost)));
    EXPECT_EQ(seen[2], "end");
    EXPECT_EQ(registrations(o).size(), 4u);  // registration, re-registration, 2 retries
    EXPECT_EQ(o.pair.client.pending_sends(), 0u);
}

}  // namespace
}  // namespace coap
