// block_etag_result_test.cpp — BlockValue (RFC 7959 §2.2, §2.5), ETag, and Result.
#include "coap/block.hpp"
#include "coap/etag.hpp"
#include "coap/result.hpp"

#include "hex.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace coap {
namespace {

TEST(Rfc7959Section2_2, PacksNumMoreAndSzx) {
    const auto block = BlockValue::make(3, true, 6);
    ASSERT_TRUE(block.ok());
    EXPECT_EQ(block->to_uint(), 0x3eu);
    EXPECT_EQ(block->size(), 1024u);
    EXPECT_EQ(block->offset(), 3072u);
    const auto decoded = BlockValue::from_uint(0x3e);
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, *block);
    EXPECT_EQ(BlockValue::from_uint(0)->size(),
              16u);  // an empty option value: NUM 0, M 0, 16 bytes
}

TEST(Rfc7959Section2_2, NumUpTo2Pow20Minus1) {
    const auto last = BlockValue::make(BlockValue::max_num, false, 0);
    ASSERT_TRUE(last.ok());
    EXPECT_EQ(last->to_uint(), 0xfffff0u);
    EXPECT_EQ(BlockValue::make(BlockValue::max_num + 1, false, 0).error(),
              BlockError::num_too_large);
    EXPECT_EQ(BlockValue::from_uint(0x1000000).error(), BlockError::value_too_large);
    EXPECT_FALSE(last->next().has_value());
    EXPECT_EQ(BlockValue::make(4, true, 2)->next()->num(), 5u);
}

TEST(Rfc7959Section2_2, Szx7IsReservedExceptForBert) {
    EXPECT_EQ(BlockValue::from_uint(0x07).error(), BlockError::reserved_szx);
    const auto bert = BlockValue::from_uint(0x17, /*allow_bert=*/true);
    ASSERT_TRUE(bert.ok());
    EXPECT_TRUE(bert->is_bert());
    EXPECT_EQ(bert->size(), 1024u);
    EXPECT_EQ(BlockValue::make(0, false, 8).error(), BlockError::bad_size);
}

TEST(Rfc7959Section2_5, LateNegotiationKeepsTheOffset) {
    const auto big = BlockValue::make(2, true, 6).value();  // offset 2048
    const auto small = big.resized(4);                      // 256-byte blocks
    ASSERT_TRUE(small.has_value());
    EXPECT_EQ(small->num(), 8u);
    EXPECT_EQ(small->offset(), big.offset());
    EXPECT_FALSE(big.resized(6).has_value());
    EXPECT_FALSE(small->resized(5).has_value());
}

TEST(BlockValue, SizesAndDescriptions) {
    EXPECT_EQ(szx_for_size(16), 0);
    EXPECT_EQ(szx_for_size(1024), 6);
    EXPECT_FALSE(szx_for_size(2048).has_value());
    EXPECT_FALSE(szx_for_size(100).has_value());
    EXPECT_EQ(BlockValue::with_size(1, false, 64)->szx(), 2);
    EXPECT_EQ(BlockValue::with_size(1, false, 65).error(), BlockError::bad_size);
    for (BlockError e : {BlockError::value_too_large, BlockError::reserved_szx,
                         BlockError::num_too_large, BlockError::bad_size}) {
        EXPECT_NE(describe(e), "unknown block error");
    }
}

TEST(Rfc7252Section5_10_6, ETagHoldsOneToEightBytes) {
    const auto eight = test::from_hex("0102030405060708");
    ASSERT_TRUE(ETag::from_bytes(eight).has_value());
    EXPECT_EQ(ETag::from_bytes(eight)->size(), 8u);
    EXPECT_FALSE(ETag::from_bytes({}).has_value());
    EXPECT_FALSE(ETag::from_bytes(test::from_hex("010203040506070809")).has_value());
    EXPECT_EQ(test::to_hex(ETag::from_uint64(0).bytes()), "00");
    EXPECT_EQ(test::to_hex(ETag::from_uint64(0x1234).bytes()), "1234");
    EXPECT_EQ(ETag::from_uint64(0x1234), *ETag::from_bytes(test::from_hex("1234")));
    EXPECT_FALSE(ETag::from_uint64(0x1234) == ETag::from_uint64(0x123400));
}

TEST(Result, HoldsValueOrError) {
    Result<int, std::string> good = 5;
    EXPECT_TRUE(good.ok());
    EXPECT_EQ(*good, 5);
    EXPECT_EQ(good.value_or(7), 5);
    Result<int, std::string> bad = Err{std::string("nope")};
    EXPECT_FALSE(bad);
    EXPECT_EQ(bad.error(), "nope");
    EXPECT_EQ(bad.value_or(7), 7);
    bad = good;
    EXPECT_EQ(bad.value(), 5);
    Result<std::unique_ptr<int>, int> moved = std::make_unique<int>(3);
    Result<std::unique_ptr<int>, int> target = std::move(moved);
    EXPECT_EQ(**target, 3);
}

TEST(ResultDeathTest, ReadingTheWrongSideTerminates) {
    Result<int, int> bad = Err{1};
    EXPECT_DEATH({ (void)bad.value(); }, "");
    Result<int, int> good = 1;
    EXPECT_DEATH({ (void)good.error(); }, "");
}

}  // namespace
}  // namespace coap
