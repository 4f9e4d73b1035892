// server_no_response_test.cpp — RFC 7967 No-Response through a served tree:
// each class bit suppresses exactly its class (2.xx, 4.xx, 5.xx, combined), a
// suppressed answer to a CON request still gets an empty ACK at once and a
// NON request gets nothing, and the same holds for deferred answers and for the
// 4.04 / 4.05 / 5.00 the tree and the context produce themselves.
#include "server_harness.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <tuple>

namespace coap {
namespace {

using test::Extra;
using test::ServerFixture;

Extra no_response(std::uint8_t value) {
    return [value](MessageWriter& w) { w.option_uint(OptionNumber::no_response, value); };
}

TEST(NoResponseBits, EachBitNamesOneClass) {
    EXPECT_TRUE(no_response_suppresses(2, codes::content));
    EXPECT_FALSE(no_response_suppresses(2, codes::not_found));
    EXPECT_TRUE(no_response_suppresses(8, codes::not_found));
    EXPECT_FALSE(no_response_suppresses(8, codes::internal_server_error));
    EXPECT_TRUE(no_response_suppresses(16, codes::internal_server_error));
    EXPECT_FALSE(no_response_suppresses(16, codes::changed));
    EXPECT_TRUE(no_response_suppresses(26, codes::changed));
    EXPECT_TRUE(no_response_suppresses(26, codes::bad_request));
    EXPECT_TRUE(no_response_suppresses(26, codes::service_unavailable));
    EXPECT_FALSE(no_response_suppresses(0, codes::content));
    // Bits that name no class (1, 4, 32…) suppress nothing.
    EXPECT_FALSE(no_response_suppresses(0xe5, codes::content));
    EXPECT_FALSE(no_response_suppresses(0xe5, codes::not_found));
    EXPECT_FALSE(no_response_suppresses(0xe5, codes::bad_gateway));
}

// (No-Response value, response code, confirmable)
using Case = std::tuple<std::uint8_t, std::uint8_t, bool>;

class NoResponse : public ::testing::TestWithParam<Case> {};

TEST_P(NoResponse, SuppressesExactlyTheClassesAsked) {
    const auto [value, raw_code, confirmable] = GetParam();
    const Code code{raw_code};
    ServerFixture s;
    s.tree.add("/r").post([code = code](RequestContext& ctx) { (void)ctx.respond(code, "x"); });
    const RequestId id = s.send(codes::post, "/r", no_response(value), confirmable);
    s.run_for(seconds(3));

    const bool suppressed = no_response_suppresses(value, code);
    const auto sent = s.server_sent();
    if (!suppressed) {
        const auto response = s.response_to(id);
        ASSERT_TRUE(response);
        EXPECT_EQ(response->code(), code);
        EXPECT_EQ(response->type(),
                  confirmable ? MessageType::acknowledgement : MessageType::non_confirmable);
        ASSERT_EQ(sent.size(), 1u);
        return;
    }
    EXPECT_FALSE(s.response_to(id));
    if (confirmable) {
        // §2.1: the CON is still acknowledged, at once, with an empty ACK.
        ASSERT_EQ(sent.size(), 1u);
        EXPECT_TRUE(sent[0].is(MessageType::acknowledgement, codes::empty));
        EXPECT_EQ(sent[0].at.ms, 10);
    } else {
        EXPECT_TRUE(sent.empty());
    }
    EXPECT_EQ(s.driver.endpoint().stats().exchanges_in_use, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    EveryBitEveryClass, NoResponse,
    ::testing::Combine(::testing::Values(std::uint8_t{0}, std::uint8_t{2}, std::uint8_t{8},
                                         std::uint8_t{16}, std::uint8_t{10}, std::uint8_t{24},
                                         std::uint8_t{26}),
                       ::testing::Values(codes::changed.raw(), codes::content.raw(),
                                         codes::bad_request.raw(),
                                         codes::internal_server_error.raw()),
                       ::testing::Bool()));

TEST(NoResponseTree, AppliesToTheTreesOwnAnswers) {
    ServerFixture s;
    s.tree.add("/only-get").get([](RequestContext& ctx) { (void)ctx.respond(codes::content); });
    s.tree.add("/forgetful").get([](RequestContext&) {});
    const RequestId missing = s.get("/missing", no_response(8), false);
    const RequestId wrong_method = s.send(codes::put, "/only-get", no_response(8), false);
    const RequestId forgotten = s.get("/forgetful", no_response(16), false);
    // Not interested in 2.xx only: the 4.04 still comes.
    const RequestId shown = s.get("/missing", no_response(2), false);
    s.run_for(seconds(300));  // NSTART: the client sends one after another
    EXPECT_FALSE(s.response_to(missing));
    EXPECT_FALSE(s.response_to(wrong_method));
    EXPECT_FALSE(s.response_to(forgotten));
    const auto response = s.response_to(shown);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::not_found);
    EXPECT_EQ(s.server_sent().size(), 1u);
}

TEST(NoResponseDeferred, ASuppressedSeparateAnswerSendsNothingAfterTheEmptyAck) {
    ServerFixture s;
    std::optional<PendingResponse> pending;
    s.tree.add("/slow").post([&](RequestContext& ctx) { pending = ctx.defer(); });
    const RequestId id = s.send(codes::post, "/slow", no_response(2));
    s.run_for(seconds(2));  // past empty_ack_delay: the Endpoint acknowledged
    ASSERT_TRUE(pending && pending->pending());
    EXPECT_EQ(pending->rules().no_response, 2);
    EXPECT_TRUE(pending->respond(codes::changed).ok());
    EXPECT_FALSE(pending->pending());
    s.run_for(seconds(10));
    const auto sent = s.server_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(sent[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_EQ(sent[0].at.ms, 10 + 500);
    EXPECT_FALSE(s.response_to(id));
    EXPECT_EQ(s.driver.endpoint().stats().exchanges_in_use, 0u);
}

TEST(NoResponseDeferred, ASuppressedAnswerBeforeTheEmptyAckStillAcknowledges) {
    ServerFixture s;
    std::optional<PendingResponse> pending;
    s.tree.add("/slow").post([&](RequestContext& ctx) { pending = ctx.defer(); });
    (void)s.send(codes::post, "/slow", no_response(2));
    s.run_for(milliseconds(100));  // delivered at 10 ms; no empty ACK yet
    ASSERT_TRUE(pending);
    EXPECT_TRUE(s.server_sent().empty());
    EXPECT_TRUE(pending->respond(codes::changed).ok());
    const auto sent = s.server_sent();
    ASSERT_EQ(sent.size(), 1u);  // sent during the call, outside the Driver's loop
    EXPECT_TRUE(sent[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_EQ(sent[0].at.ms, 100);
}

}  // namespace
}  // namespace coap
