// server_deferred_test.cpp — answering later through a PendingResponse, in
// virtual time: the Endpoint's empty ACK after empty_ack_delay, then the
// separate response; piggybacking when the answer comes in time; 5.00 when a
// PendingResponse dies unanswered (silence for multicast); moving; and refusing
// a second answer.
#include "server_harness.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <utility>
#include <vector>

namespace coap {
namespace {

using test::ServerFixture;

class Deferred : public ::testing::Test {
  protected:
    Deferred() {
        s.tree.add("/slow").get([this](RequestContext& ctx) {
            pending.push_back(ctx.defer());
            EXPECT_TRUE(ctx.deferred());
            EXPECT_FALSE(ctx.answered());
        });
    }
    ServerFixture s;
    std::vector<PendingResponse> pending;  // destroyed before the fixture
};

TEST_F(Deferred, EmptyAckAfterTheDelayThenASeparateResponse) {
    const RequestId id = s.get("/slow");
    s.run_for(seconds(2));
    ASSERT_EQ(pending.size(), 1u);
    auto sent = s.server_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(sent[0].is(MessageType::acknowledgement, codes::empty));
    EXPECT_EQ(sent[0].at.ms, 10 + 500);  // delivered at 10 ms, empty_ack_delay 500 ms
    EXPECT_FALSE(s.response_to(id));

    EXPECT_EQ(pending[0].peer(), ServerFixture::client_address());
    EXPECT_TRUE(pending[0].respond(codes::content, "later", 0).ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::confirmable);
    EXPECT_EQ(response->payload(), "later");
    EXPECT_EQ(response->at.ms, 2000 + 10);
    EXPECT_EQ(response->view().content_format(), 0);
    // The client acknowledges the separate CON response; nothing is retransmitted.
    s.run_for(seconds(60));
    sent = s.server_sent();
    EXPECT_EQ(sent.size(), 2u);
    EXPECT_EQ(s.driver.endpoint().stats().exchanges_in_use, 0u);
}

TEST_F(Deferred, ASeparateResponseMayBeNonConfirmable) {
    const RequestId id = s.get("/slow");
    s.run_for(seconds(2));
    ASSERT_EQ(pending.size(), 1u);
    pending[0].set_separate_confirmable(false);
    EXPECT_TRUE(pending[0].respond(codes::content).ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::non_confirmable);
}

TEST_F(Deferred, AnAnswerInTimeIsPiggybacked) {
    const RequestId id = s.get("/slow");
    s.run_for(milliseconds(200));
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_TRUE(pending[0].respond(codes::content, "quick").ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::acknowledgement);
    EXPECT_EQ(response->payload(), "quick");
    EXPECT_EQ(s.server_sent().size(), 1u);
}

TEST_F(Deferred, ANonRequestGetsANonResponseLater) {
    const RequestId id = s.get("/slow", {}, false);
    s.run_for(seconds(2));
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_TRUE(s.server_sent().empty());
    EXPECT_TRUE(pending[0].respond(codes::content, "non").ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::non_confirmable);
    EXPECT_EQ(response->payload(), "non");
}

TEST_F(Deferred, ASecondAnswerIsRefused) {
    (void)s.get("/slow");
    s.run_for(seconds(1));
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_TRUE(pending[0].respond(codes::content).ok());
    EXPECT_FALSE(pending[0].pending());
    EXPECT_EQ(pending[0].respond(codes::content).error(), LocalError::already_answered);
    EXPECT_EQ(pending[0].ignore().error(), LocalError::already_answered);
    PendingResponse never;
    EXPECT_FALSE(never.pending());
    EXPECT_EQ(never.respond(codes::content).error(), LocalError::stale_handle);
}

TEST_F(Deferred, DestroyedUnansweredAnswers500) {
    const RequestId id = s.get("/slow");
    s.run_for(seconds(1));
    ASSERT_EQ(pending.size(), 1u);
    pending.clear();
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::internal_server_error);
    EXPECT_EQ(response->type(), MessageType::confirmable);
}

TEST_F(Deferred, MovingKeepsOneAnswer) {
    const RequestId id = s.get("/slow");
    s.run_for(seconds(1));
    ASSERT_EQ(pending.size(), 1u);
    PendingResponse moved = std::move(pending[0]);
    EXPECT_FALSE(pending[0].pending());
    EXPECT_TRUE(moved.pending());
    pending.clear();  // the moved-from one answers nothing
    s.run_for(seconds(1));
    EXPECT_EQ(s.server_sent().size(), 1u);  // only the empty ACK
    PendingResponse assigned;
    assigned = std::move(moved);
    EXPECT_TRUE(assigned.respond(codes::content, "moved").ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->payload(), "moved");
    EXPECT_EQ(s.server_sent().size(), 2u);
}

TEST_F(Deferred, AssigningOverAPendingResponseSettlesIt) {
    const RequestId first = s.get("/slow");
    s.run_for(seconds(1));
    const RequestId second = s.get("/slow");
    s.run_for(seconds(1));
    ASSERT_EQ(pending.size(), 2u);
    pending[0] = std::move(pending[1]);  // the first request gets its 5.00
    const auto response = s.await(first);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::internal_server_error);
    EXPECT_TRUE(pending[0].respond(codes::content, "second").ok());
    const auto other = s.await(second);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->payload(), "second");
}

TEST_F(Deferred, DeferringTwiceOrAfterAnsweringGivesADeadResponse) {
    bool ran = false;
    s.tree.add("/twice").get([&](RequestContext& ctx) {
        ran = true;
        PendingResponse first = ctx.defer();
        PendingResponse second = ctx.defer();
        EXPECT_TRUE(first.pending());
        EXPECT_FALSE(second.pending());
        EXPECT_EQ(second.respond(codes::content).error(), LocalError::already_answered);
        EXPECT_EQ(ctx.respond(codes::content).error(), LocalError::already_answered);
        EXPECT_TRUE(first.respond(codes::valid).ok());
    });
    const auto response = s.await(s.get("/twice"));
    EXPECT_TRUE(ran);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::valid);
}

TEST_F(Deferred, TooLateTheEndpointHasLetTheRequestGo) {
    const RequestId id = s.get("/slow");
    // Past the response deadline (EXCHANGE_LIFETIME) the Endpoint forgets it.
    s.run_for(seconds(300));
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].respond(codes::content).error(), LocalError::stale_handle);
    EXPECT_FALSE(pending[0].pending());
    EXPECT_FALSE(s.response_to(id));
}

TEST(DeferredMulticast, DestroyedUnansweredIsSilent) {
    ServerFixture s;
    s.join_group();
    std::optional<PendingResponse> pending;
    s.tree.add("/slow").get([&](RequestContext& ctx) {
        EXPECT_TRUE(ctx.multicast());
        pending = ctx.defer();
        EXPECT_TRUE(pending->multicast());
    });
    (void)s.multicast_get("/slow");
    s.run_for(seconds(1));
    ASSERT_TRUE(pending);
    pending.reset();
    s.run_for(seconds(30));
    EXPECT_TRUE(s.server_sent().empty());
    EXPECT_EQ(s.driver.endpoint().stats().exchanges_in_use, 0u);
}

TEST(DeferredMulticast, AnsweredLaterReachesTheClient) {
    ServerFixture s;
    s.join_group();
    std::optional<PendingResponse> pending;
    s.tree.add("/slow").get([&](RequestContext& ctx) { pending = ctx.defer(); });
    const RequestId id = s.multicast_get("/slow");
    s.run_for(milliseconds(100));
    ASSERT_TRUE(pending);
    EXPECT_TRUE(pending->respond(codes::content, "member").ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->payload(), "member");
}

}  // namespace
}  // namespace coap
