// blockwise_observe_test.cpp — Observe with Block2 (RFC 7959 §2.4, §3.4) on
// the simulated network: the server sends the first block of a large
// notification (Observe, Block2 NUM=0 M=1, ETag, Size2) and serves the rest to
// plain GETs; WholeNotifications fetches the rest under fresh tokens with the
// registration's options (Accept, Uri-Query, custom ones; not Observe or
// ETag), restarts on an ETag change, gives way to a newer notification and
// survives loss.
#include "observe_fixture.hpp"

#include "coap/block_body.hpp"
#include "coap/whole_notifications.hpp"

#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <type_traits>

namespace coap {
namespace {

using test::AsyncPair;
using test::WireDatagram;

constexpr std::size_t body_size = 200;  // blocks of 64: 64, 64, 64, 8

/// A cobalt server with an observable /big whose state is a body of 200 equal
/// characters ('a' + state), answered in blocks of 64 bytes.
struct BigObserved {
    explicit BigObserved(std::uint64_t seed = 1) : pair(seed) {
        pair.net.set_links(pair.client_node, pair.server_node,
                           sim::LinkConditions{.delay = milliseconds(20)});
        tree.add("/big").observable().get([this](RequestContext& ctx) {
            const auto block = ctx.message().block2();
            if (block && block->num() > 0 && on_block) on_block(block->num());
            body.assign(body_size, static_cast<char>('a' + state));
            (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 64});
        });
        tree.serve(pair.server);
    }
    Resource& big() { return *tree.find("/big"); }
    void change_at(Duration when, int value) {
        pair.server.schedule(pair.net.now() + when, [this, value] {
            state = value;
            big().notify();
        });
    }
    std::vector<WireDatagram> client_gets() const {
        std::vector<WireDatagram> gets;
        for (auto& d : pair.wire(pair.client_node, pair.server_node))
            if (d.message.view().code() == codes::get) gets.push_back(std::move(d));
        return gets;
    }
    std::vector<WireDatagram> notifications() const {
        std::vector<WireDatagram> out;
        for (auto& d : pair.wire(pair.server_node, pair.client_node))
            if (d.message.view().observe()) out.push_back(std::move(d));
        return out;
    }

    AsyncPair pair;
    ResourceTree tree;
    int state = 0;
    std::string body;  // outlives every respond_body
    std::function<void(std::uint32_t)> on_block;
};

/// Reads whole notifications into `out` ("end" at the end).
template <class D>
Task<void> collect_whole(WholeNotifications<D>* whole, std::vector<std::string>* out) {
    while (auto item = co_await whole->next()) {
        if (item->ok())
            out->emplace_back((*item)->payload_text());
        else
            out->push_back("error: " + to_string(item->error()));
    }
    out->push_back("end");
}

std::string state_body(int state) {
    return std::string(body_size, static_cast<char>('a' + state));
}

TEST(Rfc7959_3_4, LargeNotificationIsFetchedWhole) {
    BigObserved o;
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    o.change_at(seconds(2), 1);
    o.pair.net.run_for(seconds(5));
    EXPECT_EQ(seen, (std::vector<std::string>{state_body(0), state_body(1)}));
    // §3.4: every notification is the first block with Observe, Block2 NUM=0
    // M=1, an ETag and Size2.
    const auto notes = o.notifications();
    ASSERT_EQ(notes.size(), 2u);
    for (const auto& n : notes) {
        const auto block = n.message.view().block2();
        ASSERT_TRUE(block.has_value());
        EXPECT_EQ(block->num(), 0u);
        EXPECT_TRUE(block->more());
        EXPECT_TRUE(n.message.view().has_option(OptionNumber::etag));
        EXPECT_TRUE(n.message.view().has_option(OptionNumber::size2));
    }
    // The rest came from plain GETs with Block2 NUM 1..3 and no Observe.
    const auto gets = o.client_gets();
    ASSERT_EQ(gets.size(), 1u + 2u * 3u);
    for (std::size_t i = 1; i < gets.size(); ++i) {
        EXPECT_FALSE(gets[i].message.view().observe().has_value());
        const auto block = gets[i].message.view().block2();
        ASSERT_TRUE(block.has_value());
        EXPECT_EQ(block->num(), (i - 1) % 3 + 1);
    }
    EXPECT_EQ(o.tree.observer_count(), 1u);
}

TEST(Rfc7959_3_4, EtagChangeBetweenBlocksRestartsWithTheNewerState) {
    BigObserved o;
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    o.pair.net.run_for(seconds(1));
    ASSERT_EQ(seen, (std::vector<std::string>{state_body(0)}));
    // The state changes (unannounced) while block 2 of notification 1 is asked for.
    bool changed = false;
    o.on_block = [&](std::uint32_t num) {
        if (o.state == 1 && num == 2 && !changed) {
            changed = true;
            o.state = 2;
        }
    };
    o.change_at(seconds(1), 1);
    o.pair.net.run_for(seconds(5));
    ASSERT_TRUE(changed);
    // Never a mix of states 1 and 2: the newer state, fetched from block 0.
    EXPECT_EQ(seen, (std::vector<std::string>{state_body(0), state_body(2)}));
    EXPECT_EQ(whole.restarts(), 1u);
}

TEST(Rfc7959_3_4, ANotificationArrivingWhileFetchingSupersedesIt) {
    BigObserved o;
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    o.pair.net.run_for(seconds(1));
    // While block 1 of notification 1 is served, state 2 is notified.
    bool notified = false;
    o.on_block = [&](std::uint32_t num) {
        if (o.state == 1 && num == 1 && !notified) {
            notified = true;
            o.change_at(milliseconds(1), 2);
        }
    };
    o.change_at(seconds(1), 1);
    o.pair.net.run_for(seconds(5));
    ASSERT_TRUE(notified);
    // The newer notification is not lost and the stale one is not delivered.
    EXPECT_EQ(seen, (std::vector<std::string>{state_body(0), state_body(2)}));
    EXPECT_EQ(whole.superseded(), 1u);
    EXPECT_EQ(whole.fetch_failures(), 0u);
}

TEST(Rfc7959_3_4, TokenOfTheObservationIsKeptAcrossBlockFetches) {
    BigObserved o;
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    o.change_at(seconds(1), 1);
    o.change_at(seconds(2), 2);
    o.pair.net.run_for(seconds(5));
    EXPECT_EQ(seen, (std::vector<std::string>{state_body(0), state_body(1), state_body(2)}));
    const auto gets = o.client_gets();
    ASSERT_GT(gets.size(), 1u);
    const auto token = test::token_of(gets[0].message);
    ASSERT_FALSE(token.empty());
    for (std::size_t i = 1; i < gets.size(); ++i)  // fresh tokens for the blocks
        EXPECT_NE(test::token_of(gets[i].message), token);
    for (const auto& n : o.notifications())  // the observation keeps its token
        EXPECT_EQ(test::token_of(n.message), token);
    EXPECT_EQ(o.tree.observer_count(), 1u);
}

/// The values of every `number` option of `message`, as text.
std::vector<std::string> option_texts(const OwnedMessage& message, OptionNumber number) {
    std::vector<std::string> texts;
    for (const OptionView& option : message.view().options(number))
        texts.emplace_back(option.as_string());
    return texts;
}

constexpr auto custom_option = static_cast<OptionNumber>(2050);  // elective, unregistered

TEST(Rfc7959_3_4, BlockFetchesCarryTheRegistrationsOptionsButObserveAndEtag) {
    BigObserved o;
    const std::array<std::byte, 2> etag{std::byte{0xde}, std::byte{0xad}};
    // The observation is a descriptor wrapped by combinators: its type is deduced.
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big?from=uri"),
                             Request::observe()
                                 .accept(content_formats::text_plain)
                                 .add_option(OptionNumber::uri_query, "from=option")
                                 .add_option(custom_option, "kept")
                                 .add_option(OptionNumber::etag, gsl::span<const std::byte>(etag)));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    o.change_at(seconds(2), 1);
    o.pair.net.run_for(seconds(5));
    EXPECT_EQ(seen, (std::vector<std::string>{state_body(0), state_body(1)}));
    const auto gets = o.client_gets();
    ASSERT_EQ(gets.size(), 1u + 2u * 3u);
    EXPECT_EQ(gets[0].message.view().observe(), 0u);
    const std::vector<std::string> queries{"from=uri", "from=option"};
    for (std::size_t i = 1; i < gets.size(); ++i) {
        const OwnedMessage& get = gets[i].message;
        // On the wire: the registration's URI, Accept, Uri-Query and custom
        // option; Block2 per block; no Observe, no ETag.
        EXPECT_FALSE(get.view().observe().has_value());
        EXPECT_EQ(get.view().uint_option(OptionNumber::accept), content_formats::text_plain);
        EXPECT_EQ(option_texts(get, OptionNumber::uri_path), (std::vector<std::string>{"big"}));
        EXPECT_EQ(option_texts(get, OptionNumber::uri_query), queries);
        EXPECT_EQ(option_texts(get, custom_option), (std::vector<std::string>{"kept"}));
        EXPECT_FALSE(get.view().has_option(OptionNumber::etag));
        const auto block = get.view().block2();
        ASSERT_TRUE(block.has_value());
        EXPECT_EQ(block->num(), (i - 1) % 3 + 1);
        EXPECT_FALSE(test::token_of(get).empty());
        EXPECT_NE(test::token_of(get), test::token_of(gets[0].message));
    }
    EXPECT_EQ(whole.fetch_failures(), 0u);
    EXPECT_EQ(o.tree.observer_count(), 1u);
}

TEST(Rfc7959_3_4, OptionsAboutOneMessageAreNotRepeated) {
    static_assert(!repeated_in_block_fetch(OptionNumber::observe));
    static_assert(!repeated_in_block_fetch(OptionNumber::block2));
    static_assert(!repeated_in_block_fetch(OptionNumber::etag));
    static_assert(!repeated_in_block_fetch(OptionNumber::size2));
    static_assert(!repeated_in_block_fetch(OptionNumber::no_response));
    static_assert(repeated_in_block_fetch(OptionNumber::uri_path));
    static_assert(repeated_in_block_fetch(OptionNumber::uri_query));
    static_assert(repeated_in_block_fetch(OptionNumber::accept));
    static_assert(repeated_in_block_fetch(OptionNumber::proxy_uri));
    static_assert(repeated_in_block_fetch(custom_option));
    // Without combinators the observation is a plain ObserveRequest, as before.
    BigObserved o;
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    static_assert(std::is_same_v<decltype(whole), WholeNotifications<ObserveRequest>>);
    EXPECT_EQ(test::observe_of(OwnedMessage(whole.registration())), 0);
    EXPECT_EQ(option_texts(OwnedMessage(whole.registration()), OptionNumber::uri_path),
              (std::vector<std::string>{"big"}));
}

TEST(Rfc7959_3_4, LossyLinkDeliversOnlyWholeNotificationsAndTheLatestState) {
    BigObserved o(5);
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(20), .loss = 0.3});
    WholeNotifications whole(o.pair.remote("coap://10.0.0.2/big"));
    std::vector<std::string> seen;
    auto task = collect_whole(&whole, &seen);
    task.start();
    for (int i = 1; i <= 10; ++i)
        o.change_at(seconds(20 * i), i);
    o.pair.net.run_for(seconds(20 * 10 + 1));
    o.pair.net.set_links(o.pair.client_node, o.pair.server_node,
                         sim::LinkConditions{.delay = milliseconds(20)});
    o.change_at(seconds(1), 20);
    o.pair.net.run_for(seconds(10));
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), state_body(20));
    for (const auto& s : seen) {  // every item whole and of one state
        ASSERT_EQ(s.size(), body_size);
        EXPECT_EQ(s.find_first_not_of(s[0]), std::string::npos);
    }
    EXPECT_FALSE(task.done());
}

}  // namespace
}  // namespace coap
