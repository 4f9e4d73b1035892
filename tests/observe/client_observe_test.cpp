// client_observe_test.cpp — cobalt's own Request::observe() stream against an
// observable resource of a cobalt server, both Drivers on the simulated network
// (virtual time): notifications in order, older ones dropped (RFC 7641 §3.4),
// the stream ending with the error of a 4.xx notification, and the latest
// state arriving after a lossy network heals.
#include "observe_fixture.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::AsyncPair;
using test::collect;
using test::Observed;

TEST(Rfc7641_3_3, StreamSeesEveryNotificationInOrder) {
    Observed o;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    for (int i = 1; i <= 5; ++i)
        o.at(seconds(i), [&o, i] {
            o.state = i;
            o.time().notify();
        });
    o.pair.net.run_for(seconds(10));
    EXPECT_EQ(seen, (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
    EXPECT_FALSE(task.done());
}

TEST(Rfc7641_3_2, NotFoundNotificationEndsTheStreamWithItsError) {
    Observed o;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.at(seconds(1), [&o] {
        o.gone = true;
        o.time().notify();
    });
    o.pair.net.run_for(seconds(5));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], "0");
    EXPECT_NE(seen[1].find("error"), std::string::npos);
    EXPECT_EQ(seen[2], "end");
    EXPECT_TRUE(task.done());
    EXPECT_EQ(o.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_2, EndObservationEndsTheStream) {
    Observed o;
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    o.at(seconds(1), [&o] { o.time().end_observation(codes::service_unavailable); });
    o.pair.net.run_for(seconds(5));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_NE(seen[1].find("error"), std::string::npos);
    EXPECT_TRUE(task.done());
}

TEST(Rfc7641_3_4, OrderingRule) {
    const Instant t{1000};
    EXPECT_TRUE(observe_is_newer(1, t, 2, t));
    EXPECT_FALSE(observe_is_newer(2, t, 1, t));
    EXPECT_FALSE(observe_is_newer(5, t, 5, t));
    EXPECT_TRUE(observe_is_newer(0xfffffe, t, 3, t));  // wrapped around
    EXPECT_FALSE(observe_is_newer(3, t, 0xfffffe, t));
    EXPECT_TRUE(observe_is_newer(5, t, 1, t + seconds(129)));  // 128 s rule
    EXPECT_FALSE(observe_is_newer(5, t, 1, t + seconds(128)));
}

TEST(Rfc7641_3_4, StreamDropsAnOlderNotification) {
    AsyncPair pair;
    std::vector<std::byte> token;
    Address peer;
    pair.on_request = [&](RequestContext& ctx) {
        token.assign(ctx.message().token().begin(), ctx.message().token().end());
        peer = ctx.peer();
        (void)ctx.respond(codes::content, [](MessageWriter& w) {
            w.option_uint(OptionNumber::observe, 10);
            w.payload("a");
        });
    };
    auto send = [&](std::optional<std::uint32_t> sequence, std::string_view payload,
                    Code code = codes::content) {
        NotifyOptions options;
        options.code = code;
        (void)pair.server.notify(peer, token, options, [&](MessageWriter& w) {
            if (sequence) w.option_uint(OptionNumber::observe, *sequence);
            w.payload(payload);
        });
    };
    std::vector<std::string> seen;
    // Without re-registration: the 200 s below pass Max-Age (60 s) by far.
    auto task = collect(pair.remote("coap://10.0.0.2/time"), &seen,
                        ObserveClientConfig{.reregister = false});
    task.start();
    pair.net.run_for(seconds(1));
    send(5, "older");
    pair.net.run_for(seconds(1));
    send(11, "b");
    pair.net.run_for(seconds(1));
    send(10, "stale");
    pair.net.run_for(seconds(200));
    send(3, "after 128 s");  // older by number, but long after: newer (§3.4)
    pair.net.run_for(seconds(1));
    send(std::nullopt, "gone", codes::not_found);
    pair.net.run_for(seconds(1));
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0], "a");
    EXPECT_EQ(seen[1], "b");
    EXPECT_EQ(seen[2], "after 128 s");
    EXPECT_NE(seen[3].find("error"), std::string::npos);
    EXPECT_EQ(seen[4], "end");
}

TEST(Rfc7641_4_5, LatestStateArrivesAfterALossyNetworkHeals) {
    Observed o(3);
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(20), .loss = 0.4});
    std::vector<std::string> seen;
    auto task = collect(o.pair.remote("coap://10.0.0.2/time"), &seen);
    task.start();
    for (int i = 1; i <= 30; ++i)
        o.at(seconds(i), [&o, i] {
            o.state = i;
            o.time().notify();
        });
    o.pair.net.run_for(seconds(31));
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(20)});
    o.at(seconds(1), [&o] {
        o.state = 100;
        o.time().notify();
    });
    o.pair.net.run_for(seconds(5));
    ASSERT_FALSE(seen.empty());
    EXPECT_LT(seen.size(), 32u);  // some were lost
    EXPECT_EQ(seen.back(), "100");
    EXPECT_EQ(o.tree.observer_count(), 1u);
    for (std::size_t i = 1; i + 1 < seen.size(); ++i)  // in order, never older
        EXPECT_LT(std::stoi(seen[i - 1]), std::stoi(seen[i]));
}

}  // namespace
}  // namespace coap
