// block1_server_test.cpp — a ResourceTree assembling Block1 request bodies,
// driven by a raw client Endpoint on the simulated network (virtual time), so
// that each block and each answer is chosen by the test (RFC 7959 §2.3, §2.5,
// §2.9, §3.3, §4; RFC 9175 Request-Tag).
#include "server_harness.hpp"

#include <gtest/gtest.h>

#include <string>

namespace coap {
namespace {

using test::Copy;
using test::ServerFixture;

class Block1Server : public ::testing::Test {
  protected:
    Block1Server() {
        s.tree.add("/up").put([this](RequestContext& ctx) {
            bodies.push_back(test::text_of(ctx.payload()));
            (void)ctx.respond(codes::changed);
        });
    }

    /// Sends one PUT /up block of `payload` and returns the answer.
    Copy put(std::uint32_t num, bool more, std::uint8_t szx, const std::string& payload,
             std::optional<std::uint32_t> size1 = std::nullopt, std::string_view tag = {}) {
        const auto answer = s.await(s.send(codes::put, "/up", [&](MessageWriter& w) {
            w.option_uint(OptionNumber::block1, BlockValue::make(num, more, szx).value().to_uint());
            if (size1) w.option_uint(OptionNumber::size1, *size1);
            if (!tag.empty()) w.option(OptionNumber::request_tag, tag);
            w.payload(payload);
        }));
        EXPECT_TRUE(answer);
        return answer.value_or(Copy{});
    }

    ServerFixture s;
    std::vector<std::string> bodies;
};

TEST_F(Block1Server, EachBlockGetsContinueAndTheHandlerTheWholeBody) {
    const Copy first = put(0, true, 0, std::string(16, 'a'), 40);
    EXPECT_EQ(first.code(), codes::continue_);
    EXPECT_EQ(first.view().block1(), BlockValue::make(0, true, 0).value());
    EXPECT_TRUE(bodies.empty());
    EXPECT_EQ(put(1, true, 0, std::string(16, 'b')).code(), codes::continue_);
    const Copy last = put(2, false, 0, "cccccccc");
    EXPECT_EQ(last.code(), codes::changed);
    EXPECT_EQ(last.view().block1(), BlockValue::make(2, false, 0).value());
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(bodies[0], std::string(16, 'a') + std::string(16, 'b') + "cccccccc");
}

TEST_F(Block1Server, AGapIsAnswered408AndTheTransferForgotten) {
    (void)put(0, true, 0, std::string(16, 'a'));
    EXPECT_EQ(put(2, true, 0, std::string(16, 'c')).code(), codes::request_entity_incomplete);
    EXPECT_EQ(s.tree.block1_transfers(), 0u);
    EXPECT_EQ(put(1, false, 0, "b").code(), codes::request_entity_incomplete);
    EXPECT_TRUE(bodies.empty());
}

TEST_F(Block1Server, ABlockSentAgainInANewMessageIsNotAppendedTwice) {
    (void)put(0, true, 0, std::string(16, 'a'));
    EXPECT_EQ(put(1, true, 0, std::string(16, 'b')).code(), codes::continue_);
    const Copy again = put(1, true, 0, std::string(16, 'b'));
    EXPECT_EQ(again.code(), codes::continue_);
    EXPECT_EQ(again.view().block1(), BlockValue::make(1, true, 0).value());
    EXPECT_EQ(put(2, false, 0, "c").code(), codes::changed);
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(bodies[0].size(), 33u);
}

TEST_F(Block1Server, Size1OverTheLimitIsAnswered413WithTheLimit) {
    BlockLimits limits;
    limits.max_body = 1000;
    s.tree.set_block_limits(limits);
    const Copy refused = put(0, true, 2, std::string(64, 'a'), 5000);
    EXPECT_EQ(refused.code(), codes::request_entity_too_large);
    EXPECT_EQ(refused.view().size1(), std::optional<std::uint32_t>(1000));
    EXPECT_EQ(s.tree.block1_transfers(), 0u);
}

TEST_F(Block1Server, AFullTableIsAnswered503WithMaxAge) {
    BlockLimits limits;
    limits.max_transfers = 1;
    s.tree.set_block_limits(limits);
    EXPECT_EQ(put(0, true, 0, std::string(16, 'a'), std::nullopt, "one").code(), codes::continue_);
    const Copy busy = put(0, true, 0, std::string(16, 'a'), std::nullopt, "two");
    EXPECT_EQ(busy.code(), codes::service_unavailable);
    ASSERT_TRUE(busy.view().max_age());
    EXPECT_GT(*busy.view().max_age(), 200u);
    EXPECT_EQ(put(1, false, 0, "b", std::nullopt, "one").code(), codes::changed);
    ASSERT_EQ(bodies.size(), 1u);
}

TEST_F(Block1Server, AnAssemblyExpiresAfterExchangeLifetimeInVirtualTime) {
    (void)put(0, true, 0, std::string(16, 'a'));
    s.run_for(seconds(200));
    EXPECT_EQ(put(1, true, 0, std::string(16, 'b')).code(), codes::continue_);
    s.run_for(seconds(248));
    EXPECT_EQ(put(2, false, 0, "c").code(), codes::request_entity_incomplete);
    EXPECT_EQ(s.tree.block1_transfers(), 0u);
    EXPECT_TRUE(bodies.empty());
}

TEST_F(Block1Server, LateNegotiationAsksForTheServersBlockSize) {
    BlockLimits limits;
    limits.max_block_size = 32;
    s.tree.set_block_limits(limits);
    const Copy first = put(0, true, 6, std::string(1024, 'a'));
    EXPECT_EQ(first.code(), codes::continue_);
    EXPECT_EQ(first.view().block1(), BlockValue::make(0, true, 1).value());
    EXPECT_EQ(put(32, false, 1, "z").code(), codes::changed);  // 1024 / 32
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(bodies[0], std::string(1024, 'a') + "z");
}

TEST_F(Block1Server, AnswersForOtherMethodsAndPathsStayAsTheyWere) {
    EXPECT_EQ(put(0, true, 0, std::string(16, 'a')).code(), codes::continue_);
    const auto missing = s.await(s.send(codes::put, "/nothing", [](MessageWriter& w) {
        w.option_uint(OptionNumber::block1, BlockValue::make(0, true, 0).value().to_uint());
        w.payload(std::string(16, 'a'));
    }));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code(), codes::not_found);
}

TEST_F(Block1Server, PostWithBlock1ThenBlock2FollowUpsRunTheHandlerOnce) {
    int runs = 0;
    const std::string reply(3000, 'r');
    s.tree.add("/rpc").post([&](RequestContext& ctx) {
        ++runs;
        (void)ctx.respond_body(codes::changed, reply);
    });
    const auto post = [&](const test::Extra& extra) {
        const auto answer = s.await(s.send(codes::post, "/rpc", extra));
        EXPECT_TRUE(answer);
        return answer.value_or(Copy{});
    };
    const Copy first = post([](MessageWriter& w) {
        w.option_uint(OptionNumber::block1, BlockValue::make(0, true, 0).value().to_uint());
        w.payload(std::string(16, 'a'));
    });
    EXPECT_EQ(first.code(), codes::continue_);
    const Copy last = post([](MessageWriter& w) {
        w.option_uint(OptionNumber::block1, BlockValue::make(1, false, 0).value().to_uint());
        w.option_uint(OptionNumber::block2, BlockValue::make(0, false, 4).value().to_uint());
        w.payload("b");
    });
    EXPECT_EQ(last.code(), codes::changed);
    EXPECT_EQ(last.view().block1(), BlockValue::make(1, false, 0).value());
    EXPECT_EQ(last.view().block2(), BlockValue::make(0, true, 4).value());
    const Copy next = post([](MessageWriter& w) {
        w.option_uint(OptionNumber::block2, BlockValue::make(1, false, 4).value().to_uint());
    });
    EXPECT_EQ(next.code(), codes::changed);
    EXPECT_EQ(next.view().block2(), BlockValue::make(1, true, 4).value());
    EXPECT_EQ(next.payload(), std::string(256, 'r'));
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(s.tree.cached_block2_responses(), 1u);
}

}  // namespace
}  // namespace coap
