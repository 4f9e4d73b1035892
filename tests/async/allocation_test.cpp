// allocation_test.cpp — what the async API allocates per request once warmed
// up: a coroutine that awaits request after request, with combinators, through
// a Driver to a server Driver whose handler answers at once. The transport is
// an allocation-free loopback, so every count is the async layer's own.
#include "allocation_counter.hpp"
#include "coap/driver.hpp"
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/request_context.hpp"
#include "coap/task.hpp"
#include "loopback_transport.hpp"

#include <gtest/gtest.h>

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

TEST(AsyncAllocation, ConfirmableRequestsWithAnEmittedCodeAllocateNothingEither) {
    Loopback loop;
    auto remote = loop.client.remote_endpoint("coap://127.0.0.1/x");
    ASSERT_TRUE(remote.ok());
    long allocations = 0;
    auto task = confirmable_requests(*remote, 1010, allocations);
    EXPECT_EQ(run_until(loop.client, task), 1010);
    EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace coap
