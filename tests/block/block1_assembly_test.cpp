// block1_assembly_test.cpp — Block1Assembler and Block2ResponseCache on their
// own (RFC 7959 §2.3, §2.5, §2.9, §4): continue/complete, gaps and missing
// starts (4.08), Size1 and body limits (4.13), full tables (5.03), a block sent
// again, Request-Tag keys, expiry after EXCHANGE_LIFETIME.
#include "coap/block1_assembly.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coap {
namespace {

std::vector<std::byte> bytes(std::size_t size, char fill = 'a') {
    return std::vector<std::byte>(size, static_cast<std::byte>(fill));
}

BlockValue block(std::uint32_t num, bool more, std::uint8_t szx) {
    return BlockValue::make(num, more, szx).value();
}

Block1Key key(std::uint8_t host = 1, std::string path = "/r") {
    return Block1Key{Address::ipv4({10, 0, 0, host}, 5683), std::move(path), std::nullopt};
}

const Instant t0{1000};

TEST(Block1Assembly, BlocksInOrderCompleteTheBody) {
    Block1Assembler a;
    auto step = a.offer(t0, key(), block(0, true, 0), std::nullopt, bytes(16, 'x'));
    EXPECT_EQ(step.outcome, Block1Outcome::continue_);
    EXPECT_EQ(step.ack, block(0, true, 0));
    EXPECT_EQ(a.transfers(), 1u);
    EXPECT_EQ(a.bytes(), 16u);
    step = a.offer(t0, key(), block(1, false, 0), std::nullopt, bytes(5, 'y'));
    EXPECT_EQ(step.outcome, Block1Outcome::complete);
    EXPECT_EQ(step.ack, block(1, false, 0));
    const auto body = a.take_body();
    ASSERT_EQ(body.size(), 21u);
    EXPECT_EQ(body[15], std::byte{'x'});
    EXPECT_EQ(body[16], std::byte{'y'});
    EXPECT_EQ(a.transfers(), 0u);
    EXPECT_EQ(a.bytes(), 0u);
}

TEST(Block1Assembly, ASingleFinalBlockCompletesAtOnceWithoutState) {
    Block1Assembler a;
    const auto step = a.offer(t0, key(), block(0, false, 6), std::nullopt, bytes(0));
    EXPECT_EQ(step.outcome, Block1Outcome::complete);
    EXPECT_TRUE(a.take_body().empty());
    EXPECT_EQ(a.transfers(), 0u);
}

TEST(Block1Assembly, AGapOrAMissingStartIsIncomplete) {
    Block1Assembler a;
    EXPECT_EQ(a.offer(t0, key(), block(1, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::incomplete);
    ASSERT_EQ(a.offer(t0, key(), block(0, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    EXPECT_EQ(a.offer(t0, key(), block(2, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::incomplete);
    // The transfer is gone: its next block has no start any more.
    EXPECT_EQ(a.transfers(), 0u);
    EXPECT_EQ(a.offer(t0, key(), block(1, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::incomplete);
}

TEST(Block1Assembly, TheLastBlockSentAgainIsAnsweredAgainNotAppended) {
    Block1Assembler a;
    (void)a.offer(t0, key(), block(0, true, 0), std::nullopt, bytes(16, 'a'));
    ASSERT_EQ(a.offer(t0, key(), block(1, true, 0), std::nullopt, bytes(16, 'b')).outcome,
              Block1Outcome::continue_);
    const auto again = a.offer(t0, key(), block(1, true, 0), std::nullopt, bytes(16, 'b'));
    EXPECT_EQ(again.outcome, Block1Outcome::continue_);
    EXPECT_EQ(again.ack, block(1, true, 0));
    EXPECT_EQ(a.bytes(), 32u);
    ASSERT_EQ(a.offer(t0, key(), block(2, false, 0), std::nullopt, bytes(1, 'c')).outcome,
              Block1Outcome::complete);
    EXPECT_EQ(a.take_body().size(), 33u);
}

TEST(Block1Assembly, ANonFinalBlockMustBeExactlyOneBlock) {
    Block1Assembler a;
    EXPECT_EQ(a.offer(t0, key(), block(0, true, 1), std::nullopt, bytes(20)).outcome,
              Block1Outcome::bad_request);
    EXPECT_EQ(a.offer(t0, key(), block(0, false, 0), std::nullopt, bytes(17)).outcome,
              Block1Outcome::bad_request);
}

TEST(Block1Assembly, Size1OrABodyOverTheLimitIsTooLarge) {
    BlockLimits limits;
    limits.max_body = 40;
    Block1Assembler a(limits);
    auto step = a.offer(t0, key(), block(0, true, 0), 41, bytes(16));
    EXPECT_EQ(step.outcome, Block1Outcome::too_large);
    EXPECT_EQ(step.size1, 40u);
    EXPECT_EQ(a.transfers(), 0u);
    (void)a.offer(t0, key(), block(0, true, 0), std::nullopt, bytes(16));
    (void)a.offer(t0, key(), block(1, true, 0), std::nullopt, bytes(16));
    step = a.offer(t0, key(), block(2, true, 0), std::nullopt, bytes(16));
    EXPECT_EQ(step.outcome, Block1Outcome::too_large);
    EXPECT_EQ(a.transfers(), 0u);
    EXPECT_EQ(a.bytes(), 0u);
}

TEST(Block1Assembly, FullTablesRefuseNewTransfersButKeepTheRunningOnes) {
    BlockLimits limits;
    limits.max_transfers = 2;
    limits.max_total_bytes = 64;
    Block1Assembler a(limits);
    ASSERT_EQ(a.offer(t0, key(1), block(0, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    ASSERT_EQ(a.offer(t0 + seconds(10), key(2), block(0, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    const auto refused =
        a.offer(t0 + seconds(10), key(3), block(0, true, 0), std::nullopt, bytes(16));
    EXPECT_EQ(refused.outcome, Block1Outcome::busy);
    EXPECT_EQ(refused.max_age, 238u);  // the first one expires 247 s after t0
    EXPECT_EQ(a.offer(t0, key(1), block(1, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    EXPECT_EQ(a.offer(t0, key(2), block(1, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    // 64 bytes held: one more block passes the byte budget.
    EXPECT_EQ(a.offer(t0, key(1), block(2, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::busy);
    EXPECT_EQ(a.transfers(), 1u);
    EXPECT_EQ(a.bytes(), 32u);
}

TEST(Block1Assembly, TransfersExpireAfterTheLifetime) {
    Block1Assembler a;
    (void)a.offer(t0, key(), block(0, true, 0), std::nullopt, bytes(16));
    (void)a.offer(t0 + seconds(200), key(), block(1, true, 0), std::nullopt, bytes(16));
    // 247 s after the last block, not the first.
    EXPECT_EQ(a.offer(t0 + seconds(446), key(), block(2, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::continue_);
    a.expire(t0 + seconds(446 + 247));
    EXPECT_EQ(a.transfers(), 0u);
    EXPECT_EQ(a.bytes(), 0u);
    EXPECT_EQ(a.offer(t0 + seconds(700), key(), block(3, true, 0), std::nullopt, bytes(16)).outcome,
              Block1Outcome::incomplete);
}

TEST(Block1Assembly, PeerPathAndRequestTagKeepTransfersApart) {
    Block1Assembler a;
    Block1Key tagged = key();
    tagged.request_tag = std::vector<std::byte>{};
    (void)a.offer(t0, key(1), block(0, true, 0), std::nullopt, bytes(16, 'a'));
    (void)a.offer(t0, key(2), block(0, true, 0), std::nullopt, bytes(16, 'b'));
    (void)a.offer(t0, key(1, "/s"), block(0, true, 0), std::nullopt, bytes(16, 'c'));
    (void)a.offer(t0, tagged, block(0, true, 0), std::nullopt, bytes(16, 'd'));
    EXPECT_EQ(a.transfers(), 4u);
    ASSERT_EQ(a.offer(t0, tagged, block(1, false, 0), std::nullopt, bytes(1, 'e')).outcome,
              Block1Outcome::complete);
    const auto body = a.take_body();
    ASSERT_EQ(body.size(), 17u);
    EXPECT_EQ(body[0], std::byte{'d'});
}

TEST(Block1Assembly, AFirstBlockLargerThanTheServersSizeAsksForSmallerOnes) {
    BlockLimits limits;
    limits.max_block_size = 64;
    Block1Assembler a(limits);
    const auto step = a.offer(t0, key(), block(0, true, 6), std::nullopt, bytes(1024));
    EXPECT_EQ(step.outcome, Block1Outcome::continue_);
    EXPECT_EQ(step.ack, block(0, true, 2));
    // The client goes on at offset 1024 in 64-byte blocks: NUM 16.
    EXPECT_EQ(a.offer(t0, key(), block(16, false, 2), std::nullopt, bytes(3)).outcome,
              Block1Outcome::complete);
    EXPECT_EQ(a.take_body().size(), 1027u);
}

TEST(Block2ResponseCache, KeepsFindsAndForgets) {
    BlockLimits limits;
    limits.max_transfers = 2;
    Block2ResponseCache cache(limits);
    const auto peer = Address::ipv4({10, 0, 0, 1}, 5683);
    const auto body = bytes(100);
    cache.store(t0, peer, "/a", codes::post, codes::changed, body, {});
    ASSERT_NE(cache.find(t0, peer, "/a", codes::post), nullptr);
    EXPECT_EQ(cache.find(t0, peer, "/a", codes::fetch), nullptr);
    EXPECT_EQ(cache.find(t0, peer, "/b", codes::post), nullptr);
    cache.store(t0, peer, "/b", codes::post, codes::changed, body, {});
    cache.store(t0, peer, "/c", codes::post, codes::changed, body, {});
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.find(t0, peer, "/a", codes::post), nullptr);  // the oldest went
    EXPECT_EQ(cache.find(t0 + seconds(248), peer, "/c", codes::post), nullptr);
    EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace coap
