// client_deregistration_test.cpp — RFC 7641 §3.6 on the client: cancelling an
// observation (destroying its stream, cancelling its callback send, an awaited
// observation finishing with its first value) sends a GET with Observe 1 under
// the observation's token and options, whose answer nobody sees and which
// leaves no exchange behind; or, reactive, forgets the token so that the next
// notification (CON, or NON when configured) gets RST. A cobalt server and
// client on the simulated network, virtual time.
#include "observe_fixture.hpp"

#include <gtest/gtest.h>

#include <memory>

#include <optional>

namespace coap {
namespace {

using test::collect;
using test::collect_stream;
using test::observe_of;
using test::Observed;
using test::token_of;

TEST(Rfc7641_3_6, CancelSendsGetWithObserve1) {
    Observed o;
    std::vector<std::string> seen;
    // A unique_ptr, not an optional: g++ 12 -O2 sees the optional's handle as
    // maybe uninitialised here (a false -Wmaybe-uninitialized).
    auto task = std::make_unique<Task<void>>(
        collect_stream(o.pair.remote("coap://10.0.0.2/time?unit=s"),
                       Request::observe().accept(content_formats::text_plain), &seen));
    task->start();
    o.change_at(seconds(1), 1);
    o.pair.net.run_for(seconds(2));
    ASSERT_EQ(seen, (std::vector<std::string>{"0", "1"}));
    ASSERT_EQ(o.tree.observer_count(), 1u);

    task.reset();  // destroys the stream: the observation is cancelled
    o.pair.net.run_for(seconds(2));
    const auto gets = o.client_gets();
    ASSERT_EQ(gets.size(), 2u);
    const auto& registration = gets[0].message;
    const auto& deregistration = gets[1].message;
    EXPECT_EQ(observe_of(registration), 0);
    EXPECT_EQ(observe_of(deregistration), 1);
    EXPECT_EQ(token_of(deregistration), token_of(registration));
    // §3.6: every option but ETag as in the registration.
    EXPECT_EQ(test::path_of(deregistration.view()), "/time");
    ASSERT_TRUE(deregistration->accept().has_value());
    EXPECT_EQ(*deregistration->accept(), content_formats::text_plain);
    std::vector<std::string> queries;
    for (const auto& query : deregistration->uri_query())
        queries.emplace_back(query.as_string());
    EXPECT_EQ(queries, (std::vector<std::string>{"unit=s"}));
    EXPECT_EQ(o.tree.observer_count(), 0u);

    o.change_at(seconds(1), 2);  // nobody left to notify
    o.pair.net.run_for(seconds(2));
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "1"}));
}

TEST(Rfc7641_3_6, DeregistrationAnswerIsSwallowedAndLeavesNoExchange) {
    Observed o;
    std::vector<std::string> delivered;
    auto remote = o.pair.remote("coap://10.0.0.2/time");
    auto handle = remote.send_with(Request::observe(), [&](Result<OwnedMessage, Error> item) {
        delivered.push_back(item ? std::string(item->payload_text())
                                 : "error: " + to_string(item.error()));
    });
    o.pair.net.run_for(seconds(1));
    ASSERT_EQ(delivered, (std::vector<std::string>{"0"}));
    const auto registration_token = token_of(o.client_gets().at(0).message);

    ASSERT_TRUE(handle.cancel());
    EXPECT_EQ(o.pair.client.pending_deregistrations(), 1u);
    o.pair.net.run_for(seconds(5));
    // The callback heard of the cancellation, never of the deregistration's answer.
    EXPECT_EQ(delivered, (std::vector<std::string>{"0", "error: cancelled"}));
    // The answer came (a 2.05 without Observe, token of the observation) ...
    const auto answers = o.pair.wire(o.pair.server_node, o.pair.client_node);
    ASSERT_FALSE(answers.empty());
    EXPECT_EQ(observe_of(answers.back().message), -1);
    EXPECT_EQ(token_of(answers.back().message), registration_token);
    // ... and ended the Driver's own send: nothing is left running.
    EXPECT_EQ(o.pair.client.pending_deregistrations(), 0u);
    EXPECT_EQ(o.pair.client.pending_sends(), 0u);
    EXPECT_EQ(o.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_6, AwaitedObservationDeregistersAfterItsFirstValue) {
    Observed o;
    auto first = test::send(o.pair.remote("coap://10.0.0.2/time"), Request::observe());
    ASSERT_TRUE(o.pair.run(first));
    auto value = first.result();
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(value->payload_text(), "0");
    o.pair.net.run_for(seconds(2));
    const auto gets = o.client_gets();
    ASSERT_EQ(gets.size(), 2u);
    EXPECT_EQ(observe_of(gets[1].message), 1);
    EXPECT_EQ(o.tree.observer_count(), 0u);
    EXPECT_EQ(o.pair.client.pending_sends(), 0u);
}

TEST(Rfc7641_3_6, ServerEndedObservationIsNotDeregistered) {
    Observed o;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.at(seconds(1), [&o] { o.time().end_observation(codes::service_unavailable); });
    o.pair.net.run_for(seconds(3));
    ASSERT_TRUE(task.done());
    // The server already forgot us: a GET with Observe 1 would be noise.
    EXPECT_EQ(o.client_gets().size(), 1u);
}

/// A reactive cancellation against a server that notifies CON (or NON).
struct Reactive {
    explicit Reactive(bool confirmable, bool reset_non = false)
        : o(1, [&] {
              EndpointConfig config;
              config.reset_unexpected_non_responses = reset_non;
              return config;
          }()) {
        ObserveConfig server;
        server.always_confirmable = confirmable;
        o.tree.set_observe_config(server);
        task.emplace(collect(o.pair.remote("coap://10.0.0.2/time"), &seen,
                             ObserveClientConfig{.cancellation = ObserveCancellation::reactive}));
        task->start();
        o.pair.net.run_for(seconds(1));
        task.reset();  // cancelled: no GET, the token is forgotten
        o.pair.net.run_for(seconds(1));
    }
    /// RST messages the client sent.
    std::size_t resets() const {
        std::size_t count = 0;
        for (const auto& d : o.pair.wire(o.pair.client_node, o.pair.server_node))
            if (d.message.view().type() == MessageType::reset) ++count;
        return count;
    }

    Observed o;
    std::vector<std::string> seen;
    std::optional<Task<void>> task;
};

TEST(Rfc7641_3_6, ReactiveCancelResetsTheNextConNotification) {
    Reactive r(true);
    EXPECT_EQ(r.o.client_gets().size(), 1u) << "reactive: no deregistration GET";
    EXPECT_EQ(r.o.tree.observer_count(), 1u) << "the server does not know yet";
    EXPECT_EQ(r.resets(), 0u);
    r.o.change_at(seconds(1), 1);
    r.o.pair.net.run_for(seconds(2));
    EXPECT_EQ(r.resets(), 1u);
    EXPECT_EQ(r.o.tree.observer_count(), 0u);
    EXPECT_EQ(r.seen, (std::vector<std::string>{"0"}));
}

TEST(Rfc7641_3_6, ReactiveCancelResetsANonNotificationWhenConfigured) {
    Reactive r(false, true);
    r.o.change_at(seconds(1), 1);
    r.o.pair.net.run_for(seconds(2));
    EXPECT_EQ(r.resets(), 1u);
    EXPECT_EQ(r.o.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_6, ReactiveCancelIgnoresANonNotificationByDefault) {
    Reactive r(false);
    r.o.change_at(seconds(1), 1);
    r.o.pair.net.run_for(seconds(2));
    EXPECT_EQ(r.resets(), 0u);  // RFC 7252 §4.3: a NON may be silently ignored
    EXPECT_EQ(r.o.tree.observer_count(), 1u);
}

}  // namespace
}  // namespace coap
