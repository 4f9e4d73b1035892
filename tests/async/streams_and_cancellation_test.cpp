// streams_and_cancellation_test.cpp — many responses and the end of sends:
// multicast streams collecting every responder with its address, values kept
// when the exchange ends before they are read, the first response for an
// awaited multicast send, destroying an awaitable, a task or a stream in
// mid-exchange (its exchange ends, nothing more goes on the wire), and
// hundreds of concurrent coroutine requests on one Driver over a lossy link.
#include "async_fixture.hpp"
#include "coap/request.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

namespace coap {
namespace {

using test::AsyncPair;

const Address group = Address::ipv4({224, 0, 1, 187}, 5683);

/// An AsyncPair plus `count` more server Drivers, all members of `group`.
struct Group {
    explicit Group(std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            const Address address =
                Address::ipv4({10, 0, 1, static_cast<std::uint8_t>(i + 1)}, 5683);
            const auto node = pair.net.add_port(address);
            pair.net.join(node, group);
            members.push_back(
                std::make_unique<Driver>(pair.net.port(node), EndpointConfig{.seed = 100 + i}));
            members.back()->set_request_handler([this, i](RequestContext& ctx) {
                ++handler_runs;
                (void)ctx.respond(codes::content, "member " + std::to_string(i));
            });
            addresses.insert(address);
        }
    }
    AsyncPair pair;
    std::vector<std::unique_ptr<Driver>> members;
    std::set<Address, bool (*)(const Address&, const Address&)> addresses{
        [](const Address& a, const Address& b) { return a.hash() < b.hash(); }};
    std::size_t handler_runs = 0;
};

using Discovery = std::pair<OwnedMessage, Address>;

Task<std::vector<Result<Discovery, Error>>> collect(RemoteEndpoint remote) {
    auto stream = remote.send_as_stream(
        Request::get().multicast().emit_successful_response().include_socket_addr());
    std::vector<Result<Discovery, Error>> items;
    while (auto item = co_await stream.next())
        items.push_back(std::move(*item));
    co_return items;
}

TEST(Streams, MulticastStreamCollectsEveryResponderWithItsAddress) {
    Group g(5);
    auto task = collect(g.pair.remote("coap://224.0.1.187/x"));
    ASSERT_TRUE(g.pair.run(task));
    const auto items = task.result();
    ASSERT_EQ(items.size(), 5u);  // the window's end is the natural end: no error item
    std::set<std::string> payloads;
    for (const auto& item : items) {
        ASSERT_TRUE(item.ok());
        EXPECT_EQ(g.addresses.count(item->second), 1u);
        payloads.emplace(item->first.payload_text());
    }
    EXPECT_EQ(payloads.size(), 5u);
    EXPECT_EQ(g.handler_runs, 5u);
    EXPECT_EQ(g.pair.client.endpoint().stats().exchanges_in_use, 0u);
    const auto wire = g.pair.net.trace().records();
    EXPECT_EQ(g.pair.seen.size(), 0u);  // the unicast server is not a member
}

TEST(Streams, ValuesReceivedBeforeTheEndAreNeverDropped) {
    Group g(4);
    auto remote = g.pair.remote("coap://224.0.1.187/x");
    auto stream = remote.send_as_stream(Request::get().multicast().emit_msg_code());
    stream.start();
    // The whole window passes before anything is read.
    g.pair.net.run_until_idle(g.pair.net.now() + seconds(600));
    EXPECT_TRUE(stream.ended());
    EXPECT_EQ(stream.buffered(), 4u);
    auto drain = [](decltype(stream)& s) -> Task<int> {
        int n = 0;
        while (auto item = co_await s.next()) {
            if (item->ok() && **item == codes::content) ++n;
        }
        co_return n;
    }(stream);
    drain.start();
    ASSERT_TRUE(drain.done());
    EXPECT_EQ(drain.result(), 4);
}

TEST(Streams, AnAwaitedMulticastSendFinishesWithTheFirstResponse) {
    Group g(3);
    auto task = [](RemoteEndpoint r) -> Task<Result<std::pair<Code, Address>, Error>> {
        co_return co_await r.send(Request::get().multicast().emit_msg_code().include_socket_addr());
    }(g.pair.remote("coap://224.0.1.187/x"));
    ASSERT_TRUE(g.pair.run(task));
    const auto result = task.result();
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(g.addresses.count(result->second), 1u);
    EXPECT_EQ(g.pair.client.endpoint().stats().exchanges_in_use, 0u);
    g.pair.net.run_until_idle(g.pair.net.now() + seconds(600));  // later answers are ignored
    EXPECT_EQ(g.pair.client.pending_sends(), 0u);
}

TEST(Streams, MulticastCallbackGetsEveryResponder) {
    Group g(3);
    std::vector<Address> responders;
    std::size_t errors = 0;
    g.pair.remote("coap://224.0.1.187/x")
        .send_with(Request::get().multicast().emit_msg_code().include_socket_addr(),
                   [&](Result<std::pair<Code, Address>, Error> r) {
                       if (r)
                           responders.push_back(r->second);
                       else
                           ++errors;
                   });
    g.pair.net.run_until_idle(g.pair.net.now() + seconds(600));
    EXPECT_EQ(responders.size(), 3u);
    EXPECT_EQ(errors, 0u);
}

TEST(Streams, AMemberErrorIsAnItemAndTheMulticastStreamGoesOn) {
    Group g(2);
    g.pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(10)});
    // A third device (not cobalt) answers the group request with a NON 4.04.
    const Address odd = Address::ipv4({10, 0, 1, 50}, 5683);
    const auto odd_node = g.pair.net.add_endpoint(odd);
    auto task = collect(g.pair.remote("coap://224.0.1.187/x"));
    task.start();
    g.pair.net.run_for(milliseconds(20));
    std::vector<std::byte> token;
    for (const auto& record : g.pair.net.trace().records())
        if (record.kind == sim::TraceKind::sent && record.from == g.pair.client_node) {
            const auto request = MessageView::parse(record.bytes);
            token.assign(request->token().begin(), request->token().end());
        }
    ASSERT_FALSE(token.empty());
    std::vector<std::byte> error(64);
    MessageWriter writer(error, MessageType::non_confirmable, codes::not_found, 0x4242, token);
    error.resize(*writer.finish());
    g.pair.net.inject(odd_node, AsyncPair::client_address(), error);
    ASSERT_TRUE(g.pair.run(task));
    const auto items = task.result();
    ASSERT_EQ(items.size(), 3u);
    std::size_t values = 0;
    std::size_t errors = 0;
    for (const auto& item : items) {
        if (item.ok()) {
            ++values;
        } else {
            ++errors;
            EXPECT_EQ(item.error().kind, ErrorKind::resource_not_found);
        }
    }
    EXPECT_EQ(values, 2u);
    EXPECT_EQ(errors, 1u);
}

TEST(Streams, AMulticastStreamNobodyAnswersEndsQuietly) {
    AsyncPair pair;
    auto task = collect(pair.remote("coap://224.0.1.187/x"));
    ASSERT_TRUE(pair.run(task));
    EXPECT_TRUE(task.result().empty());
}

TEST(Streams, RunUntilAcceptsAnAwaitableDirectly) {
    AsyncPair pair;
    auto remote = pair.remote("coap://10.0.0.2/direct");
    const auto result = run_until(pair.client, remote.send(Request::get().emit_msg_code()));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(*result, codes::content);
    auto named = Request::get().emit_successful_response();  // a named descriptor, copied
    const auto again = run_until(pair.client, remote.send(named));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->payload_text(), "/direct");
}

TEST(Streams, AUnicastStreamEndsAfterItsResponse) {
    AsyncPair pair;
    auto task = [](RemoteEndpoint r) -> Task<std::vector<std::string>> {
        auto stream = r.send_as_stream(Request::get().emit_successful_response());
        std::vector<std::string> seen;
        while (auto item = co_await stream.next())
            seen.emplace_back(item->ok() ? std::string((*item)->payload_text()) : "error");
        co_return seen;
    }(pair.remote("coap://10.0.0.2/one"));
    ASSERT_TRUE(pair.run(task));
    EXPECT_EQ(task.result(), std::vector<std::string>{"/one"});
}

TEST(Streams, AStreamThatFailsEndsWithTheError) {
    AsyncPair pair;
    pair.on_request = [](RequestContext& ctx) { (void)ctx.respond(codes::not_found); };
    auto task = [](RemoteEndpoint r) -> Task<std::vector<Result<Code, Error>>> {
        auto stream = r.send_as_stream(Request::get().multicast().emit_msg_code());
        (void)stream;
        auto unicast = r.send_as_stream(Request::get().emit_successful_response());
        std::vector<Result<Code, Error>> seen;
        while (auto item = co_await unicast.next())
            seen.push_back(item->ok() ? Result<Code, Error>((*item)->code())
                                      : Result<Code, Error>(Err{item->error()}));
        co_return seen;
    }(pair.remote());
    ASSERT_TRUE(pair.run(task));
    const auto seen = task.result();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].error().kind, ErrorKind::resource_not_found);
}

TEST(Cancellation, DestroyingATaskInMidExchangeEndsItsExchange) {
    AsyncPair pair;
    pair.net.partition(pair.client_node, pair.server_node);
    auto task = std::make_unique<Task<Result<Done, Error>>>(
        [](RemoteEndpoint r) -> Task<Result<Done, Error>> {
            co_return co_await r.send(Request::get());
        }(pair.remote()));
    task->start();
    pair.net.run_for(seconds(3));
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 1u);
    EXPECT_EQ(pair.client.pending_sends(), 1u);
    const auto sent_before = pair.net.stats().sent;
    task.reset();
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 0u);
    EXPECT_EQ(pair.client.pending_sends(), 0u);
    pair.net.run_for(seconds(300));
    EXPECT_EQ(pair.net.stats().sent, sent_before);  // no retransmission after the end
}

TEST(Cancellation, DestroyingABlock2TransferStopsAskingForBlocks) {
    AsyncPair pair;
    const std::string body(8000, 'x');
    pair.on_request = [&](RequestContext& ctx) {
        (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 256});
    };
    pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(50)});
    auto task = std::make_unique<Task<Result<OwnedMessage, Error>>>(
        [](RemoteEndpoint r) -> Task<Result<OwnedMessage, Error>> {
            co_return co_await r.send(Request::get().block2().emit_successful_collected_response());
        }(pair.remote()));
    task->start();
    pair.net.run_until([&] { return pair.seen.size() >= 3; }, pair.net.now() + seconds(60));
    task.reset();
    pair.net.run_for(seconds(300));
    EXPECT_LE(pair.seen.size(), 4u);  // a request already on its way may still arrive
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 0u);
}

TEST(Cancellation, DestroyingAStreamEndsItsMulticastExchange) {
    Group g(3);
    g.pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(20)});
    {
        auto stream = g.pair.remote("coap://224.0.1.187/x")
                          .send_as_stream(Request::get().multicast().emit_msg_code());
        stream.start();
        g.pair.net.run_for(milliseconds(100));
        EXPECT_EQ(g.pair.client.endpoint().stats().exchanges_in_use, 1u);
    }
    EXPECT_EQ(g.pair.client.endpoint().stats().exchanges_in_use, 0u);
    EXPECT_EQ(g.pair.client.pending_sends(), 0u);
    g.pair.net.run_until_idle(g.pair.net.now() + seconds(600));
}

TEST(Cancellation, ACancelledCallbackSendCanStartAnotherFromItsCallback) {
    AsyncPair pair;
    std::vector<std::string> log;
    auto remote = pair.remote("coap://10.0.0.2/second");
    SendHandle first;
    first = pair.remote().send_with(Request::get(), [&](Result<Done, Error> r) {
        log.push_back(r ? "first ok" : to_string(r.error()));
        remote.send_with(Request::get().emit_successful_response(),
                         [&](Result<OwnedMessage, Error> s) {
                             log.push_back(s ? std::string(s->payload_text()) : "error");
                         });
    });
    EXPECT_TRUE(first.cancel());
    pair.net.run_until_idle(pair.net.now() + seconds(600));
    EXPECT_EQ(log, (std::vector<std::string>{"cancelled", "/second"}));
}

TEST(Concurrency, HundredsOfCoroutineRequestsOnOneDriverOverALossyLink) {
    EndpointConfig client;
    client.capacities.exchanges = 512;
    AsyncPair pair(7, client);
    pair.net.set_default_link(
        sim::LinkConditions{.delay = milliseconds(5), .jitter = milliseconds(5), .loss = 0.05});
    auto remote = pair.remote();
    constexpr int count = 300;
    std::vector<Task<Result<OwnedMessage, Error>>> tasks;
    for (int i = 0; i < count; ++i) {
        tasks.push_back([](RemoteEndpoint r, int n) -> Task<Result<OwnedMessage, Error>> {
            co_return co_await r.send_to("/n/" + std::to_string(n),
                                         Request::get().emit_successful_response());
        }(remote, i));
        tasks.back().start();
    }
    EXPECT_EQ(pair.client.pending_sends(), std::size_t{count});
    ASSERT_TRUE(pair.net.run_until(
        [&] { return std::all_of(tasks.begin(), tasks.end(), [](auto& t) { return t.done(); }); },
        pair.net.now() + seconds(3600)));
    std::map<std::string, int> answers;
    for (int i = 0; i < count; ++i) {
        auto result = tasks[static_cast<std::size_t>(i)].result();
        ASSERT_TRUE(result.ok()) << i << ": " << to_string(result.error());
        EXPECT_EQ(result->payload_text(), "/n/" + std::to_string(i));
        ++answers[std::string(result->payload_text())];
    }
    EXPECT_EQ(answers.size(), std::size_t{count});
    // §4.5: losses caused retransmissions, but no request ran its handler twice.
    EXPECT_EQ(pair.seen.size(), std::size_t{count});
    EXPECT_GT(pair.client.endpoint().stats().retransmissions, 0u);
    EXPECT_EQ(pair.client.pending_sends(), 0u);
    EXPECT_EQ(pair.client.endpoint().stats().exchanges_in_use, 0u);
}

}  // namespace
}  // namespace coap
