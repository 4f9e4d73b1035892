// send_basics_test.cpp — the async API's send side over the simulated network:
// the request constructors and their success semantics, error mapping, the
// three ways to get results (co_await, stream, callback), run_until, ping, and
// RemoteEndpoint URIs.
#include "async_fixture.hpp"
#include "coap/request.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::AsyncPair;
using test::body_of;
using test::send;

TEST(SendBasics, CoAwaitedGetSucceedsWithDone) {
    AsyncPair pair;
    auto task = send(pair.remote("coap://10.0.0.2/hello"), Request::get());
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    EXPECT_TRUE(result.ok());
    ASSERT_EQ(pair.seen.size(), 1u);
    EXPECT_EQ(test::path_of(pair.seen[0].message.view()), "/hello");
    EXPECT_EQ(pair.seen[0].message.code(), codes::get);
    EXPECT_EQ(pair.seen[0].message->type(), MessageType::confirmable);
}

TEST(SendBasics, EachConstructorSendsItsMethod) {
    AsyncPair pair;
    pair.on_request = [](RequestContext& ctx) {
        const Code m = ctx.method();
        const Code answer = m == codes::post                          ? codes::created
                            : m == codes::put                         ? codes::changed
                            : m == codes::delete_                     ? codes::deleted
                            : m == codes::patch || m == codes::ipatch ? codes::changed
                                                                      : codes::content;
        (void)ctx.respond(answer);
    };
    auto remote = pair.remote();
    const std::vector<std::pair<Request, Code>> requests = {
        {Request::get(), codes::get},       {Request::post(), codes::post},
        {Request::put(), codes::put},       {Request::delete_(), codes::delete_},
        {Request::fetch(), codes::fetch},   {Request::patch(), codes::patch},
        {Request::ipatch(), codes::ipatch}, {Request::method(Code::make(0, 9)), Code::make(0, 9)}};
    for (const auto& [request, method] : requests) {
        auto task = send(remote, request);
        ASSERT_TRUE(pair.run(task));
        EXPECT_TRUE(task.result().ok()) << dotted(method).data()[0];
        EXPECT_EQ(pair.seen.back().message.code(), method);
    }
}

TEST(SendBasics, SuccessCodesDependOnTheMethod) {
    EXPECT_TRUE(is_success_for(codes::get, codes::content));
    EXPECT_TRUE(is_success_for(codes::get, codes::valid));
    EXPECT_FALSE(is_success_for(codes::get, codes::created));
    EXPECT_TRUE(is_success_for(codes::post, codes::created));
    EXPECT_TRUE(is_success_for(codes::post, codes::changed));
    EXPECT_TRUE(is_success_for(codes::put, codes::changed));
    EXPECT_FALSE(is_success_for(codes::put, codes::content));
    EXPECT_TRUE(is_success_for(codes::delete_, codes::deleted));
    EXPECT_FALSE(is_success_for(codes::delete_, codes::content));
    EXPECT_TRUE(is_success_for(codes::ipatch, codes::changed));
    EXPECT_FALSE(is_success_for(codes::get, codes::continue_));  // RFC 7959 §2.9.1
    EXPECT_FALSE(is_success_for(codes::get, codes::not_found));
}

struct Mapping {
    Code answer;
    ErrorKind kind;
};

TEST(SendBasics, ErrorResponsesMapToErrors) {
    const Mapping cases[] = {
        {codes::not_found, ErrorKind::resource_not_found},
        {codes::forbidden, ErrorKind::forbidden},
        {codes::unauthorized, ErrorKind::unauthorized},
        {codes::bad_request, ErrorKind::client_request_error},
        {codes::method_not_allowed, ErrorKind::client_request_error},
        {codes::internal_server_error, ErrorKind::server_error},
        {codes::service_unavailable, ErrorKind::server_error},
        {codes::created, ErrorKind::unexpected_response},  // not a GET success
    };
    for (const auto& c : cases) {
        AsyncPair pair;
        pair.on_request = [&](RequestContext& ctx) { (void)ctx.respond(c.answer); };
        auto task = send(pair.remote(), Request::get());
        ASSERT_TRUE(pair.run(task));
        const auto result = task.result();
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error().kind, c.kind);
        EXPECT_EQ(result.error().code, c.answer);
    }
}

TEST(SendBasics, ErrorsArePrintable) {
    EXPECT_EQ(to_string(Error::of(ErrorKind::response_timeout)), "response timeout");
    EXPECT_EQ(to_string(Error::from_code(codes::not_found)), "resource not found (4.04)");
    EXPECT_EQ(to_string(Error::from_code(codes::service_unavailable)), "server error (5.03)");
    EXPECT_EQ(to_string(Error::from_failure(FailureReason::reset)), "reset by peer");
    EXPECT_EQ(to_string(Error::from_local(LocalError::exchanges_full)), "out of space");
    EXPECT_EQ(to_string(Error::from_failure(FailureReason::rejected_response)),
              "unhandled critical option");
    EXPECT_EQ(to_string(Error::from_failure(FailureReason::cancelled)), "cancelled");
    EXPECT_EQ(describe(ErrorKind::parse_error), "parse error");
}

TEST(SendBasics, NoAnswerEndsInResponseTimeoutAfterTheRetransmissions) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    const Instant start = pair.net.now();
    auto task = send(pair.remote(), Request::get());
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::response_timeout);
    // RFC 7252 §4.8.2: MAX_TRANSMIT_WAIT is 93 s; the last timeout ends within it.
    EXPECT_GE(pair.net.now() - start, seconds(45));
    EXPECT_LE(pair.net.now() - start, seconds(93));
    EXPECT_EQ(pair.client.pending_sends(), 0u);
}

TEST(SendBasics, AResetFromThePeerEndsInReset) {
    AsyncPair pair;
    pair.net.block(pair.client_node, pair.server_node);
    auto task = send(pair.remote(), Request::get());
    task.start();
    const auto request = pair.wire(pair.client_node, pair.server_node).at(0);
    // RFC 7252 §4.2: the server rejects the CON with an RST naming its message ID.
    const std::uint16_t mid = request.message->message_id();
    const std::byte rst[4] = {std::byte{0x70}, std::byte{0},
                              std::byte{static_cast<std::uint8_t>(mid >> 8)},
                              std::byte{static_cast<std::uint8_t>(mid)}};
    pair.net.inject(pair.server_node, AsyncPair::client_address(), rst);
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::reset);
}

TEST(SendBasics, RunUntilBlocksUntilTheTaskFinishes) {
    AsyncPair pair;
    auto result = run_until(pair.client, send(pair.remote("coap://10.0.0.2/x"), Request::get()));
    EXPECT_TRUE(result.ok());
    EXPECT_EQ(pair.seen.size(), 1u);
}

TEST(SendBasics, RunUntilReportsADeadlock) {
    AsyncPair pair;
    auto never = []() -> Task<int> {
        struct Forever {
            bool await_ready() const noexcept { return false; }
            void await_suspend(std::coroutine_handle<>) const noexcept {}
            void await_resume() const noexcept {}
        };
        co_await Forever{};
        co_return 1;
    }();
    EXPECT_THROW(run_until(pair.client, never), std::runtime_error);
}

TEST(SendBasics, PingIsAnsweredByTheServerEndpoint) {
    AsyncPair pair;
    auto ping = [](RemoteEndpoint remote) -> Task<Result<Done, Error>> {
        co_return co_await remote.ping();
    }(pair.remote());
    ASSERT_TRUE(pair.run(ping));
    EXPECT_TRUE(ping.result().ok());
    const auto wire = pair.wire(pair.client_node, pair.server_node);
    ASSERT_EQ(wire.size(), 1u);
    EXPECT_TRUE(wire[0].message->is_empty_message());
    EXPECT_EQ(wire[0].message->type(), MessageType::confirmable);
    EXPECT_TRUE(pair.seen.empty());
}

TEST(SendBasics, CallbackFormDeliversTheOutcomeOnce) {
    AsyncPair pair;
    std::vector<Result<OwnedMessage, Error>> outcomes;
    pair.remote("coap://10.0.0.2/cb")
        .send_with(
            Request::get().emit_successful_response(),
            [&](Result<OwnedMessage, Error> outcome) { outcomes.push_back(std::move(outcome)); });
    pair.net.run_until_idle(pair.net.now() + seconds(600));
    ASSERT_EQ(outcomes.size(), 1u);
    ASSERT_TRUE(outcomes[0].ok());
    EXPECT_EQ(outcomes[0]->payload_text(), "/cb");
}

TEST(SendBasics, CallbackFormCanBeCancelled) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    std::vector<Result<Done, Error>> outcomes;
    const SendHandle handle = pair.remote().send_with(
        Request::get(), [&](Result<Done, Error> outcome) { outcomes.push_back(outcome); });
    pair.net.run_for(seconds(3));
    EXPECT_TRUE(handle.cancel());
    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].error().kind, ErrorKind::cancelled);
    EXPECT_FALSE(handle.cancel());
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 0u);
}

TEST(DriverTimers, ScheduledCallbacksRunInTimeOrderAndCancelledOnesNever) {
    AsyncPair pair;
    std::vector<std::pair<int, Instant>> fired;
    const Instant start = pair.net.now();
    pair.client.schedule(start + seconds(3), [&] { fired.emplace_back(3, pair.net.now()); });
    pair.client.schedule(start + seconds(1), [&] { fired.emplace_back(1, pair.net.now()); });
    const auto cancelled =
        pair.client.schedule(start + seconds(2), [&] { fired.emplace_back(2, pair.net.now()); });
    EXPECT_TRUE(pair.client.cancel_timer(cancelled));
    EXPECT_FALSE(pair.client.cancel_timer(cancelled));
    EXPECT_EQ(pair.client.next_wakeup(), start + seconds(1));
    pair.net.run_until_idle(start + seconds(10));
    ASSERT_EQ(fired.size(), 2u);
    EXPECT_EQ(fired[0], std::make_pair(1, start + seconds(1)));
    EXPECT_EQ(fired[1], std::make_pair(3, start + seconds(3)));
}

TEST(DriverTimers, ATimerCallbackMaySendAndScheduleAgain) {
    AsyncPair pair;
    std::vector<Code> codes_seen;
    auto remote = pair.remote("coap://10.0.0.2/tick");
    std::function<void()> tick = [&] {
        remote.send_with(Request::get().emit_msg_code(),
                         [&](Result<Code, Error> r) { codes_seen.push_back(r.value_or(Code{})); });
        if (codes_seen.size() < 2) pair.client.schedule(pair.net.now() + seconds(1), tick);
    };
    pair.client.schedule(pair.net.now() + seconds(1), tick);
    pair.net.run_until_idle(pair.net.now() + seconds(60));
    EXPECT_EQ(codes_seen, (std::vector<Code>{codes::content, codes::content, codes::content}));
}

TEST(DriverTimers, SleepForResumesInVirtualTime) {
    AsyncPair pair;
    const Instant start = pair.net.now();
    auto task = [](Driver& driver) -> Task<Instant> {
        co_await driver.sleep_for(seconds(30));
        co_await driver.sleep_for(Duration{0});  // already due: no suspension
        co_return driver.now();
    }(pair.client);
    ASSERT_TRUE(pair.run(task));
    EXPECT_EQ(task.result(), start + seconds(30));
}

TEST(DriverTimers, DestroyingASleepingTaskCancelsItsTimer) {
    AsyncPair pair;
    bool resumed = false;
    {
        auto task = [](Driver& driver, bool& flag) -> Task<void> {
            co_await driver.sleep_for(seconds(5));
            flag = true;
        }(pair.client, resumed);
        task.start();
        EXPECT_TRUE(pair.client.next_wakeup().has_value());
    }
    EXPECT_FALSE(pair.client.next_wakeup().has_value());
    pair.net.run_for(seconds(10));
    EXPECT_FALSE(resumed);
}

TEST(ServerContext, LongPathsAndManyQueriesAreSeenWhole) {
    AsyncPair pair;
    std::size_t segments = 0;
    std::size_t queries = 0;
    pair.on_request = [&](RequestContext& ctx) {
        segments = ctx.path().size();
        queries = ctx.queries().size();
        (void)ctx.respond(codes::content, ctx.path_string());
    };
    std::string uri = "coap://10.0.0.2";
    for (int i = 0; i < 20; ++i)
        uri += "/s" + std::to_string(i);
    uri += "?q0";
    for (int i = 1; i < 18; ++i)
        uri += "&q" + std::to_string(i);
    auto task = send(pair.remote(uri), Request::get().emit_successful_response());
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(segments, 20u);
    EXPECT_EQ(queries, 18u);
    EXPECT_EQ(result->payload_text().substr(0, 8), "/s0/s1/s");
}

TEST(RemoteEndpointUri, HostNamesGoInUriHostIpLiteralsDoNot) {
    AsyncPair pair;
    auto by_name = send(pair.remote("coap://server.example/a/b?x=1&y"), Request::get());
    ASSERT_TRUE(pair.run(by_name));
    ASSERT_TRUE(by_name.result().ok());
    const MessageView& named = pair.seen.back().message.view();
    EXPECT_EQ(named.uri_host(), std::optional<std::string_view>("server.example"));
    EXPECT_EQ(test::path_of(named), "/a/b");
    std::vector<std::string> queries;
    for (const auto& q : named.uri_query())
        queries.emplace_back(q.as_string());
    EXPECT_EQ(queries, (std::vector<std::string>{"x=1", "y"}));
    EXPECT_FALSE(named.uri_port().has_value());

    auto by_ip = send(pair.remote("coap://10.0.0.2/a"), Request::get());
    ASSERT_TRUE(pair.run(by_ip));
    EXPECT_FALSE(pair.seen.back().message->uri_host().has_value());
}

TEST(RemoteEndpointUri, RemoveHostOptionAndRelativeReferences) {
    AsyncPair pair;
    auto remote = pair.remote("coap://server.example/dir/page");
    remote.remove_host_option();
    auto large = remote.clone_using_rel_ref("/large");
    ASSERT_TRUE(large.ok());
    EXPECT_EQ(large->uri(), "coap://server.example/large");
    auto task = send(*large, Request::get());
    ASSERT_TRUE(pair.run(task));
    EXPECT_FALSE(pair.seen.back().message->uri_host().has_value());
    EXPECT_EQ(test::path_of(pair.seen.back().message.view()), "/large");

    auto sibling = [](RemoteEndpoint r) -> Task<Result<Done, Error>> {
        co_return co_await r.send_to("other?q=1", Request::get());
    }(remote);
    ASSERT_TRUE(pair.run(sibling));
    EXPECT_EQ(test::path_of(pair.seen.back().message.view()), "/dir/other");

    EXPECT_FALSE(remote.clone_using_rel_ref("coap://elsewhere/x").ok());
    auto elsewhere = [](RemoteEndpoint r) -> Task<Result<Done, Error>> {
        co_return co_await r.send_to("//other.host/x", Request::get());
    }(remote);
    ASSERT_TRUE(pair.run(elsewhere));
    EXPECT_EQ(elsewhere.result().error().kind, ErrorKind::invalid_argument);
}

TEST(RemoteEndpointUri, BadUrisAndUnknownHostsAreErrors) {
    AsyncPair pair;
    EXPECT_EQ(pair.client.remote_endpoint("not a uri").error().kind, ErrorKind::invalid_argument);
    EXPECT_EQ(pair.client.remote_endpoint("http://10.0.0.2/").error().kind,
              ErrorKind::invalid_argument);
    EXPECT_EQ(pair.client.remote_endpoint("coap://nowhere.example/").error().kind,
              ErrorKind::host_not_found);
    const auto port = pair.client.remote_endpoint("coap://10.0.0.2:6000/");
    ASSERT_TRUE(port.ok());
    EXPECT_EQ(port->address().port(), 6000);
}

}  // namespace
}  // namespace coap
