// server_observe_test.cpp — observable resources of a ResourceTree (RFC 7641
// §3, §4) seen from a plain client Endpoint on the simulated network (virtual
// time): registration, notifications in order, NON with periodic CON (§4.5),
// removal on RST, CON timeout and deregistration (§3.6), re-registration,
// replacement of a CON in flight (§4.5.2), limits, ending an observation, and
// a large state notified as its first Block2 block (RFC 7959 §3.4).
#include "../async/server_harness.hpp"

#include "coap/content_format.hpp"

#include <gtest/gtest.h>

namespace coap {
namespace {

using test::ServerFixture;

struct ObserveFixture : ServerFixture {
    explicit ObserveFixture(ObserveConfig config = {}) {
        tree.set_observe_config(config);
        tree.add("/time").observable().get([this](RequestContext& ctx) {
            if (state_code != codes::content) {
                (void)ctx.respond(state_code, "gone");
                return;
            }
            (void)ctx.respond(codes::content, [&](MessageWriter& w) {
                w.option_uint(OptionNumber::content_format, content_formats::text_plain);
                w.option_uint(OptionNumber::max_age, 5);
                w.payload(std::to_string(state));
            });
        });
        tree.add("/plain").get([](RequestContext& ctx) { (void)ctx.respond(codes::content, "p"); });
    }

    /// GET /path with Observe `value`, the exchange held and listening afterwards.
    RequestId observe(std::string_view path = "/time", std::uint32_t value = 0,
                      sim::NodeId from = sim::NodeId{},
                      std::optional<std::uint8_t> no_response = std::nullopt) {
        RequestOptions options;
        options.hold = true;
        const sim::NodeId node = from == sim::NodeId{} ? client : from;
        auto id = net.with(node, [&](Endpoint& e, Instant now) {
            return e.send_request(now, server_address(), options, [&](MessageWriter& w) {
                write_path(w, path);
                w.option_uint(OptionNumber::observe, value);
                if (no_response) w.option_uint(OptionNumber::no_response, *no_response);
            });
        });
        EXPECT_TRUE(id.ok());
        run_for(seconds(1));
        if (node == client)
            (void)net.with(node, [&](Endpoint& e, Instant now) {
                return e.listen(now, *id, seconds(100000));
            });
        return *id;
    }

    /// Responses (registration answer and notifications) the client got for `id`.
    std::vector<test::Copy> received(RequestId id) const {
        std::vector<test::Copy> out;
        for (const auto& e : events)
            if (e.request == id && e.kind == EventKind::response_received)
                out.push_back(*e.message);
        return out;
    }

    void change(int value) {
        state = value;
        tree.find("/time")->notify();
        run_for(seconds(1));
    }

    int state = 0;
    Code state_code = codes::content;
};

TEST(Rfc7641_3_1, RegistrationIsAnsweredWithObserveAndListedObservable) {
    ObserveFixture f;
    const auto id = f.observe();
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].code(), codes::content);
    EXPECT_TRUE(got[0].view().observe().has_value());
    EXPECT_EQ(got[0].payload(), "0");
    EXPECT_EQ(f.tree.observer_count(), 1u);
    EXPECT_NE(f.tree.links().find("</time>;obs"), std::string::npos);
}

TEST(Rfc7641_3_1, NonObservableResourceAnswersWithoutObserve) {
    ObserveFixture f;
    const auto id = f.observe("/plain");
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(got[0].view().observe().has_value());
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7641_4_2, NotificationsCarryIncreasingSequenceNumbersTheTokenAndOptions) {
    ObserveFixture f;
    const auto id = f.observe();
    for (int i = 1; i <= 3; ++i)
        f.change(i);
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 4u);
    for (std::size_t i = 1; i < got.size(); ++i) {
        EXPECT_EQ(got[i].payload(), std::to_string(i));
        EXPECT_EQ(got[i].type(), MessageType::non_confirmable);  // NON by default
        EXPECT_GT(*got[i].view().observe(), *got[i - 1].view().observe());
        EXPECT_EQ(got[i].view().content_format(), content_formats::text_plain);
        EXPECT_EQ(got[i].view().max_age(), 5u);
        EXPECT_TRUE(std::equal(got[i].view().token().begin(), got[i].view().token().end(),
                               got[0].view().token().begin(), got[0].view().token().end()));
    }
}

TEST(Rfc7641_4_5, ConAfterNNonNotificationsWithoutAcknowledgement) {
    ObserveConfig config;
    config.non_before_con = 2;
    ObserveFixture f(config);
    const auto id = f.observe();
    for (int i = 1; i <= 6; ++i)
        f.change(i);
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 7u);
    // NON, NON, CON (acknowledged: the count starts again), NON, NON, CON.
    const MessageType expected[] = {MessageType::non_confirmable, MessageType::non_confirmable,
                                    MessageType::confirmable,     MessageType::non_confirmable,
                                    MessageType::non_confirmable, MessageType::confirmable};
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_EQ(got[i + 1].type(), expected[i]) << i;
    EXPECT_EQ(f.tree.observer_count(), 1u);
}

TEST(Rfc7641_4_5, ConAtLeastOncePerConfiguredInterval) {
    ObserveConfig config;
    config.con_interval = seconds(60);
    ObserveFixture f(config);
    const auto id = f.observe();
    f.change(1);
    f.run_for(seconds(60));
    f.change(2);
    f.change(3);
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[1].type(), MessageType::non_confirmable);
    EXPECT_EQ(got[2].type(), MessageType::confirmable);
    EXPECT_EQ(got[3].type(), MessageType::non_confirmable);
}

TEST(Rfc7641_3_6, ResetOfANonNotificationRemovesTheObserver) {
    ObserveFixture f;
    f.observe();
    f.change(1);
    const auto sent = f.server_sent();
    const auto mid = sent.back().view().message_id();
    const std::vector<std::byte> rst = {std::byte{0x70}, std::byte{0},
                                        std::byte{static_cast<std::uint8_t>(mid >> 8)},
                                        std::byte{static_cast<std::uint8_t>(mid)}};
    f.net.inject(f.client, ServerFixture::server_address(), rst);
    f.run_for(seconds(1));
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_6, ResetOfAConNotificationRemovesTheObserver) {
    ObserveConfig config;
    config.always_confirmable = true;
    ObserveFixture f(config);
    const auto id = f.observe();
    (void)f.net.with(f.client, [&](Endpoint& e, Instant now) { return e.close(now, id); });
    f.change(1);  // the client forgot the token: RST
    EXPECT_EQ(f.tree.observer_count(), 0u);
    f.change(2);
    EXPECT_EQ(f.server_sent().back().payload(), "1");  // nothing more was sent
}

TEST(Rfc7641_4_5, ConNotificationThatTimesOutRemovesTheObserver) {
    ObserveConfig config;
    config.always_confirmable = true;
    ObserveFixture f(config);
    f.observe();
    f.net.block(f.port, f.client);
    f.change(1);
    EXPECT_EQ(f.tree.observer_count(), 1u);
    f.run_for(seconds(100));
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_6, GetWithObserveOneDeregisters) {
    ObserveFixture f;
    const auto id = f.observe();
    const test::Copy registration = f.received(id).at(0);
    const MessageView view = registration.view();
    const std::vector<std::byte> kept(view.token().begin(), view.token().end());
    // Same token: a raw GET with Observe 1 (the held exchange keeps its token).
    std::vector<std::byte> get = {std::byte{static_cast<std::uint8_t>(0x40 | kept.size())},
                                  std::byte{0x01}, std::byte{0x77}, std::byte{0x01}};
    get.insert(get.end(), kept.begin(), kept.end());
    get.insert(get.end(), {std::byte{0x61}, std::byte{0x01}, std::byte{0x54}, std::byte{'t'},
                           std::byte{'i'}, std::byte{'m'}, std::byte{'e'}});
    f.net.inject(f.client, ServerFixture::server_address(), get);
    f.run_for(seconds(1));
    EXPECT_EQ(f.tree.observer_count(), 0u);
    const auto answer = f.server_sent().back();
    EXPECT_EQ(answer.code(), codes::content);
    EXPECT_FALSE(answer.view().observe().has_value());
}

TEST(Rfc7641_4_1, ReRegistrationReplacesTheOlderOne) {
    ObserveFixture f;
    const auto first = f.observe();
    const auto second = f.observe();
    EXPECT_EQ(f.tree.observer_count(), 1u);
    f.change(1);
    EXPECT_EQ(f.received(first).size(), 1u);
    ASSERT_EQ(f.received(second).size(), 2u);
    EXPECT_EQ(f.received(second)[1].payload(), "1");
}

TEST(Rfc7641_4_5_2, NewerStateReplacesTheConNotificationInFlight) {
    ObserveConfig config;
    config.always_confirmable = true;
    ObserveFixture f(config);
    const auto id = f.observe();
    f.net.block(f.port, f.client);
    f.change(1);
    f.change(2);
    EXPECT_EQ(f.driver.endpoint().stats().notifications_in_flight, 1u);
    f.net.unblock(f.port, f.client);
    f.run_for(seconds(60));
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 2u);  // state 1 never arrives, state 2 once
    EXPECT_EQ(got[1].payload(), "2");
    EXPECT_EQ(f.driver.endpoint().stats().notifications_in_flight, 0u);
    EXPECT_EQ(f.tree.observer_count(), 1u);
}

TEST(Rfc7641_4_1, FullObserverTablesAnswerWithoutObserve) {
    ObserveConfig config;
    config.max_observers = 2;
    config.max_observers_per_resource = 1;
    ObserveFixture f(config);
    f.tree.add("/other").observable().get(
        [](RequestContext& ctx) { (void)ctx.respond(codes::content, "o"); });
    f.tree.add("/third").observable().get(
        [](RequestContext& ctx) { (void)ctx.respond(codes::content, "t"); });
    const auto second_client = f.net.add_endpoint(Address::ipv4({10, 0, 0, 3}, 5683));
    f.observe();
    f.observe("/time", 0, second_client);  // per-resource limit
    EXPECT_EQ(f.tree.observer_count(), 1u);
    const auto other = f.observe("/other");
    EXPECT_TRUE(f.received(other).at(0).view().observe().has_value());
    const auto third = f.observe("/third");  // total limit
    ASSERT_EQ(f.received(third).size(), 1u);
    EXPECT_FALSE(f.received(third)[0].view().observe().has_value());
    EXPECT_EQ(f.received(third)[0].payload(), "t");  // the representation all the same
    EXPECT_EQ(f.tree.observer_count(), 2u);
}

TEST(Rfc7641_3_2, EndObservationSendsAFinalNotificationWithoutObserve) {
    ObserveFixture f;
    const auto id = f.observe();
    EXPECT_EQ(f.tree.find("/time")->end_observation(codes::not_found, "bye"), 1u);
    f.run_for(seconds(1));
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].code(), codes::not_found);
    EXPECT_FALSE(got[1].view().observe().has_value());
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7641_3_2, AnErrorStateEndsTheObservation) {
    ObserveFixture f;
    const auto id = f.observe();
    f.state_code = codes::not_found;
    f.change(1);
    const auto got = f.received(id);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].code(), codes::not_found);
    EXPECT_FALSE(got[1].view().observe().has_value());
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7967_Rfc7641_4_2, NotificationsOfAClassTheClientDoesNotWantAreNotSent) {
    ObserveFixture f;
    // Not interested in 4.xx or 5.xx (RFC 7967: bits 8 and 16).
    const auto id = f.observe("/time", 0, sim::NodeId{}, std::uint8_t{8 | 16});
    f.change(1);
    ASSERT_EQ(f.received(id).size(), 2u) << "2.xx notifications still go";
    f.state_code = codes::not_found;
    f.change(2);
    EXPECT_EQ(f.received(id).size(), 2u) << "the final 4.04 is not sent";
    EXPECT_EQ(f.tree.observer_count(), 0u) << "yet it ends the observation";
    f.state_code = codes::content;
    const auto again = f.observe("/time", 0, sim::NodeId{}, std::uint8_t{8 | 16});
    EXPECT_EQ(f.tree.find("/time")->end_observation(codes::service_unavailable), 0u);
    f.run_for(seconds(1));
    EXPECT_EQ(f.received(again).size(), 1u);
    EXPECT_EQ(f.tree.observer_count(), 0u);
}

TEST(Rfc7641_4_1, ObserverStateIsSmallAndFixed) {
    static_assert(std::is_trivially_copyable_v<Observer>);
    EXPECT_LE(sizeof(Observer), 96u);
    std::printf("sizeof(coap::Observer) = %zu bytes\n", sizeof(Observer));
}

}  // namespace
}  // namespace coap

namespace coap {
namespace {

// RFC 7959 §2.4, §3.4: a large state goes out as its first block (Observe,
// Block2 NUM=0 M=1, ETag, Size2) in the block size of the registration's Block2.
TEST(Rfc7959_3_4, LargeNotificationIsTheFirstBlockInTheRegistrationsBlockSize) {
    ObserveFixture f;
    std::string body;
    int big = 0;
    f.tree.add("/big").observable().get([&](RequestContext& ctx) {
        body.assign(200, static_cast<char>('a' + big));
        (void)ctx.respond_body(codes::content, body, BodyOptions{.max_block_size = 64});
    });
    RequestOptions options;
    options.hold = true;
    auto id = f.net.with(f.client, [&](Endpoint& e, Instant now) {
        return e.send_request(now, f.server_address(), options, [&](MessageWriter& w) {
            ObserveFixture::write_path(w, "/big");
            w.option_uint(OptionNumber::observe, 0);
            w.option_uint(OptionNumber::block2, BlockValue::make(0, false, 1).value().to_uint());
        });
    });
    ASSERT_TRUE(id.ok());
    f.run_for(seconds(1));
    (void)f.net.with(f.client,
                     [&](Endpoint& e, Instant now) { return e.listen(now, *id, seconds(1000)); });
    big = 1;
    f.tree.find("/big")->notify();
    f.run_for(seconds(1));
    const auto got = f.received(*id);
    ASSERT_EQ(got.size(), 2u);
    std::vector<std::byte> first_etag;
    for (const auto& message : got) {
        const auto view = message.view();
        EXPECT_TRUE(view.observe().has_value());
        const auto block = view.block2();
        ASSERT_TRUE(block.has_value());
        EXPECT_EQ(block->num(), 0u);
        EXPECT_TRUE(block->more());
        EXPECT_EQ(block->szx(), 1u);  // the client's 32 bytes, not the server's 64
        EXPECT_EQ(view.payload().size(), 32u);
        EXPECT_TRUE(view.has_option(OptionNumber::size2));
        ASSERT_TRUE(view.has_option(OptionNumber::etag));
        std::vector<std::byte> etag;
        for (const auto& option : view.etags())
            etag.assign(option.value.begin(), option.value.end());
        if (first_etag.empty())
            first_etag = etag;
        else
            EXPECT_NE(etag, first_etag);  // a new state, a new ETag
    }
}

}  // namespace
}  // namespace coap
