// allocation_test.cpp — what the async API allocates per request once warmed
// up: a coroutine that awaits request after request, with combinators, through
// a Driver to a server Driver whose handler answers at once. The transport is
// an allocation-free loopback, so every count is the async layer's own. Also:
// the Block2 collector reserves a body announced by Size2 once; and a server
// that routes requests through a ResourceTree (literal, wildcard and observable
// routes, answers with a payload) allocates nothing per request either.
#include "allocation_counter.hpp"
#include "coap/driver.hpp"
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/task.hpp"
#include "loopback_transport.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

struct Loopback {
    test::LoopbackClock clock;
    test::LoopbackTransport client_port{clock, Address::ipv4({127, 0, 0, 1}, 40000)};
    test::LoopbackTransport server_port{clock, Address::ipv4({127, 0, 0, 1}, 5683)};
    Driver client{client_port, EndpointConfig{.seed = 1}};
    Driver server{server_port, EndpointConfig{.seed = 2}};
    Loopback() {
        client_port.connect(server_port);
        server_port.connect(client_port);
        server.set_request_handler([](RequestContext& ctx) { (void)ctx.respond(codes::content); });
    }
};

Task<int> requests(RemoteEndpoint remote, int count, long& after_warm_up) {
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        if (i == 10) after_warm_up = test::allocations_so_far();
        const auto result = co_await remote.send(
            Request::get().accept(0).nonconfirmable().transmission(TransmissionParameters{}));
        if (result) ++ok;
        if (i == count - 1) after_warm_up = test::allocations_so_far() - after_warm_up;
    }
    co_return ok;
}

TEST(AsyncAllocation, AwaitingRequestsInALoopAllocatesNothingPerRequest) {
    Loopback loop;
    auto remote = loop.client.remote_endpoint("coap://127.0.0.1/x");
    ASSERT_TRUE(remote.ok());
    long allocations = 0;
    auto task = requests(*remote, 1010, allocations);
    EXPECT_EQ(run_until(loop.client, task), 1010);
    EXPECT_EQ(allocations, 0) << "allocations in 1000 warmed-up requests";
}

Task<int> confirmable_requests(RemoteEndpoint remote, int count, long& after_warm_up) {
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        if (i == 10) after_warm_up = test::allocations_so_far();
        if (co_await remote.send(Request::get().emit_msg_code())) ++ok;
        if (i == count - 1) after_warm_up = test::allocations_so_far() - after_warm_up;
    }
    co_return ok;
}

Task<int> routed_requests(RemoteEndpoint time, RemoteEndpoint sensor, int count,
                          long& after_warm_up) {
    int ok = 0;
    for (int i = 0; i < count; ++i) {
        if (i == 10) after_warm_up = test::allocations_so_far();
        const auto first = co_await time.send(Request::get().emit_msg_code());
        const auto second = co_await sensor.send(Request::get().nonconfirmable().emit_msg_code());
        if (first && *first == codes::content && second && *second == codes::content) ++ok;
        if (i == count - 1) after_warm_up = test::allocations_so_far() - after_warm_up;
    }
    co_return ok;
}

TEST(AsyncAllocation, AServerRoutingThroughAResourceTreeAllocatesNothingPerRequest) {
    Loopback loop;
    ResourceTree tree;
    static const std::string reading = "2026-12-07T16:00:00Z";
    tree.add("/time").observable().get(
        [](RequestContext& ctx) { (void)ctx.respond(codes::content, reading, 0); });
    tree.add("/sensors/{name}").get([](RequestContext& ctx) {
        (void)ctx.respond(codes::content, ctx.param("name").value_or("?"), 0);
    });
    tree.add("/echo").post([](RequestContext& ctx) { (void)ctx.respond(codes::changed); });
    tree.serve(loop.server);
    auto time = loop.client.remote_endpoint("coap://127.0.0.1/time");
    auto sensor = loop.client.remote_endpoint("coap://127.0.0.1/sensors/kitchen");
    ASSERT_TRUE(time.ok());
    ASSERT_TRUE(sensor.ok());
    long allocations = 0;
    auto task = routed_requests(*time, *sensor, 510, allocations);
    EXPECT_EQ(run_until(loop.client, task), 510);
    EXPECT_EQ(allocations, 0) << "allocations in 1000 warmed-up routed requests";
}

TEST(AsyncAllocation, ConfirmableRequestsWithAnEmittedCodeAllocateNothingEither) {
    Loopback loop;
    auto remote = loop.client.remote_endpoint("coap://127.0.0.1/x");
    ASSERT_TRUE(remote.ok());
    long allocations = 0;
    auto task = confirmable_requests(*remote, 1010, allocations);
    EXPECT_EQ(run_until(loop.client, task), 1010);
    EXPECT_EQ(allocations, 0);
}

/// Allocations of the last of a few collected Block2 GETs of a 16 KiB body in
/// 256-byte blocks; -1 when one of them did not return the whole body.
Task<long> collected_body_allocations(RemoteEndpoint remote, std::size_t size) {
    long measured = -1;
    for (int i = 0; i < 4; ++i) {
        const long before = test::allocations_so_far();
        auto result = co_await remote.send(Request::get()
                                               .block2(BlockValue::with_size(0, false, 256).value())
                                               .emit_successful_collected_response());
        const long after = test::allocations_so_far();
        if (!result || result->payload_text().size() != size) co_return -1;
        measured = after - before;
    }
    co_return measured;
}

TEST(AsyncAllocation, TheCollectorReservesTheBodySize2Announces) {
    Loopback loop;
    static constexpr std::size_t size = 16384;
    const std::string body(size, 'x');
    // /sized sends Size2 with block 0 (RFC 7959 §4), /plain does not.
    loop.server.set_request_handler([&body](RequestContext& ctx) {
        bool sized = false;
        for (const auto& segment : ctx.message().uri_path())
            sized = segment.as_string() == "sized";
        const auto asked = ctx.message().block2();
        const std::uint32_t num = asked ? asked->num() : 0;
        const std::size_t offset = std::size_t{num} * 256;
        (void)ctx.respond(codes::content, [&](MessageWriter& w) {
            w.option(OptionNumber::etag, std::string_view("E"));
            const bool more = offset + 256 < body.size();
            w.option_uint(OptionNumber::block2, BlockValue::make(num, more, 4).value().to_uint());
            if (sized && num == 0) w.option_uint(OptionNumber::size2, std::uint32_t{size});
            w.payload(std::string_view(body).substr(offset, 256));
        });
    });
    auto sized = loop.client.remote_endpoint("coap://127.0.0.1/sized");
    auto plain = loop.client.remote_endpoint("coap://127.0.0.1/plain");
    ASSERT_TRUE(sized.ok());
    ASSERT_TRUE(plain.ok());
    auto with_size2 = collected_body_allocations(*sized, size);
    const long reserved = run_until(loop.client, with_size2);
    auto without_size2 = collected_body_allocations(*plain, size);
    const long grown = run_until(loop.client, without_size2);
    ASSERT_GE(reserved, 0);
    ASSERT_GE(grown, 0);
    // Growing 256 bytes at a time reallocates about log2(16384 / 256) = 6 times
    // more than one reservation of the whole body.
    EXPECT_LE(reserved + 5, grown) << "with Size2 " << reserved << ", without " << grown;
}

}  // namespace
}  // namespace coap
