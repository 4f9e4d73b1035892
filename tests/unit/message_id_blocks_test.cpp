// message_id_blocks_test.cpp — the internal MessageIdBlocks (RFC 7252 §4.4: a
// message ID is not reused with a peer within EXCHANGE_LIFETIME), tested directly:
// the counter runs freely until it would enter a block used less than a lifetime
// ago, then says when that block becomes free.
#include "../../engine/src/endpoint/message_id_blocks.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>

namespace coap::detail {
namespace {

constexpr Duration lifetime{247'000};

TEST(MessageIdBlocks, IssuesConsecutiveIdsFromTheStartAndWraps) {
    MessageIdBlocks ids;
    ids.reset(65534, Instant{0});
    EXPECT_EQ(ids.issue(Instant{0}), 65534);
    EXPECT_EQ(ids.issue(Instant{0}), 65535);
    EXPECT_EQ(ids.issue(Instant{0}), 0);
    EXPECT_LE(ids.available_at(lifetime), Instant{0}) << "block 0 was never used";
}

TEST(MessageIdBlocks, WaitsBeforeReenteringABlockUsedWithinTheLifetime) {
    MessageIdBlocks ids;
    ids.reset(0x1234, Instant{0});
    std::map<std::uint16_t, Instant> issued;
    Instant now{1000};
    // Issue as fast as allowed, one ID per millisecond, for two wraps of the space.
    std::uint64_t waits = 0;
    for (int i = 0; i < 140'000; ++i) {
        const Instant free = ids.available_at(lifetime);
        if (free > now) {
            ++waits;
            now = free;
        }
        const std::uint16_t id = ids.issue(now);
        if (const auto it = issued.find(id); it != issued.end()) {
            ASSERT_GE((now - it->second).ms, lifetime.ms) << "ID " << id << " reused early";
        }
        issued[id] = now;
        now = now + Duration{1};
    }
    EXPECT_GT(waits, 0u) << "140,000 IDs in 140 s cannot all go without waiting";
}

TEST(MessageIdBlocks, TheFirstWaitComesAfterAllOtherBlocksAreUsed) {
    MessageIdBlocks ids;
    ids.reset(0x1800, Instant{0});  // half way into block 1
    int issued = 0;
    while (ids.available_at(lifetime) <= Instant{0}) {
        (void)ids.issue(Instant{0});
        ++issued;
    }
    // Blocks 1 (from 0x1800) through 15, then block 0: it stops at block 1 again.
    EXPECT_EQ(issued, 65536 - 0x1800 + 0x1000);
    EXPECT_EQ(ids.next(), 0x1000);
    EXPECT_EQ(ids.available_at(lifetime), Instant{0} + lifetime);
}

TEST(MessageIdBlocks, ABlockIsFreeOnceItsLastIdIsALifetimeOld) {
    MessageIdBlocks ids;
    ids.reset(0, Instant{0});
    for (int i = 0; i < 4096; ++i)
        (void)ids.issue(Instant{i});  // block 0, last ID at 4095 ms
    for (int i = 4096; i < 65536; ++i)
        (void)ids.issue(Instant{5000});
    EXPECT_EQ(ids.next(), 0);
    // Block times are ticks of 1024 ms, rounded up: the last ID at 4095 ms
    // counts as 4096 ms, so the block is free a little late, never early.
    EXPECT_EQ(ids.available_at(lifetime), Instant{4096} + lifetime);
}

TEST(MessageIdBlocks, BlockTimesCountFromTheOriginAndRoundUpToATick) {
    MessageIdBlocks ids;
    const Instant origin{-1'000'000'000'000};  // any instant: times are relative to it
    ids.reset(0, origin);
    for (int i = 0; i < 4096; ++i)
        (void)ids.issue(origin + Duration{1});  // block 0 at 1 ms: counts as one tick, 1024 ms
    for (int i = 4096; i < 65536; ++i)
        (void)ids.issue(origin + Duration{2000});
    ASSERT_EQ(ids.next(), 0);
    EXPECT_EQ(ids.available_at(lifetime), origin + Duration{1024} + lifetime);
    // Issued exactly on a tick, a block is not rounded further.
    MessageIdBlocks exact;
    exact.reset(0, Instant{0});
    for (int i = 0; i < 65536; ++i)
        (void)exact.issue(Instant{3072});
    EXPECT_EQ(exact.available_at(lifetime), Instant{3072} + lifetime);
    // Before the origin (time does not run backwards, but a caller's may), 0 s.
    MessageIdBlocks early;
    early.reset(0, Instant{10'000});
    for (int i = 0; i < 65536; ++i)
        (void)early.issue(Instant{5'000});
    EXPECT_EQ(early.available_at(lifetime), Instant{10'000} + lifetime);
}

TEST(MessageIdBlocks, ResetForgetsEveryBlock) {
    MessageIdBlocks ids;
    ids.reset(0, Instant{0});
    for (int i = 0; i < 65536; ++i)
        (void)ids.issue(Instant{0});
    ASSERT_GT(ids.available_at(lifetime), Instant{0});
    ids.reset(7, Instant{0});
    EXPECT_LE(ids.available_at(lifetime), Instant{0});
    EXPECT_EQ(ids.issue(Instant{0}), 7);
}

}  // namespace
}  // namespace coap::detail
