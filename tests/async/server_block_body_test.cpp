// server_block_body_test.cpp — Block2 slicing of response bodies (RFC 7959
// §2.2–2.5, §4): which slice a request gets, the options written with it, and
// that a client following the M bit reassembles the body exactly.
#include "coap/block_body.hpp"
#include "coap/message.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace coap {
namespace {

BlockValue block(std::uint32_t num, std::uint8_t szx) {
    return BlockValue::make(num, false, szx).value();
}

std::vector<std::byte> body_of(std::size_t size) {
    std::vector<std::byte> body(size);
    for (std::size_t i = 0; i < size; ++i)
        body[i] = static_cast<std::byte>((i * 7 + 3) & 0xffu);
    return body;
}

// Writes the response for `slice` and parses it back.
struct Written {
    std::array<std::byte, 1400> buffer{};
    MessageView view;
};
void write(Written& out, gsl::span<const std::byte> body, const BodySlice& slice,
           const BodyOptions& options, bool size2) {
    MessageWriter writer(out.buffer, MessageType::acknowledgement, codes::content, 1);
    write_body_slice(writer, body, slice, options, size2);
    const auto length = writer.finish();
    ASSERT_TRUE(length.ok());
    auto parsed = MessageView::parse({out.buffer.data(), *length});
    ASSERT_TRUE(parsed.ok());
    out.view = *parsed;
}

TEST(MaxBlockSzx, FitsBlockSizeAndMessageSize) {
    EXPECT_EQ(max_block_szx(1024, 1152), 6);
    EXPECT_EQ(max_block_szx(1024, 1087), 5);  // 1024 + 64 does not fit
    EXPECT_EQ(max_block_szx(512, 1152), 5);
    EXPECT_EQ(max_block_szx(100, 1152), 2);  // rounded down to 64
    EXPECT_EQ(max_block_szx(4096, 100000), 6);
    EXPECT_EQ(max_block_szx(1024, 10), 0);
}

TEST(SliceBody, SmallBodyWithoutRequestGoesWhole) {
    EXPECT_EQ(slice_body(100, std::nullopt, 6), (BodySlice{0, 100, std::nullopt}));
    EXPECT_EQ(slice_body(1024, std::nullopt, 6), (BodySlice{0, 1024, std::nullopt}));
    EXPECT_EQ(slice_body(0, std::nullopt, 6), (BodySlice{0, 0, std::nullopt}));
}

TEST(SliceBody, LargeBodyWithoutRequestStartsAtBlockZero) {
    const auto slice = slice_body(2500, std::nullopt, 6);
    ASSERT_TRUE(slice);
    EXPECT_EQ(slice->offset, 0u);
    EXPECT_EQ(slice->length, 1024u);
    ASSERT_TRUE(slice->block2);
    EXPECT_EQ(slice->block2->num(), 0u);
    EXPECT_TRUE(slice->block2->more());
    EXPECT_EQ(slice->block2->szx(), 6);
}

TEST(SliceBody, RequestedBlocksAndTheMoreBit) {
    // 100 bytes in 32-byte blocks: 32, 32, 32, 4.
    for (std::uint32_t num = 0; num < 4; ++num) {
        const auto slice = slice_body(100, block(num, 1), 6);
        ASSERT_TRUE(slice) << num;
        EXPECT_EQ(slice->offset, num * 32u);
        EXPECT_EQ(slice->length, num == 3 ? 4u : 32u);
        EXPECT_EQ(slice->block2->num(), num);
        EXPECT_EQ(slice->block2->more(), num != 3);
        EXPECT_EQ(slice->block2->szx(), 1);
    }
    // A small body asked for with early negotiation still carries Block2.
    const auto early = slice_body(10, block(0, 2), 6);
    ASSERT_TRUE(early && early->block2);
    EXPECT_FALSE(early->block2->more());
    EXPECT_EQ(early->length, 10u);
}

TEST(SliceBody, PastTheEndIsRefused) {
    EXPECT_FALSE(slice_body(100, block(4, 1), 6));  // offset 128
    EXPECT_FALSE(slice_body(96, block(3, 1), 6));   // offset 96 == size
    EXPECT_TRUE(slice_body(97, block(3, 1), 6));
    // Block 0 of an empty body is the empty body.
    const auto empty = slice_body(0, block(0, 4), 6);
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->length, 0u);
    EXPECT_FALSE(empty->block2->more());
}

TEST(SliceBody, LargerRequestedSizeIsAnsweredSmallerAtTheSameOffset) {
    // Client asks for block 2 of 1024 bytes (offset 2048); we send 256-byte blocks.
    const auto slice = slice_body(5000, block(2, 6), 4);
    ASSERT_TRUE(slice);
    EXPECT_EQ(slice->offset, 2048u);
    EXPECT_EQ(slice->length, 256u);
    EXPECT_EQ(slice->block2->szx(), 4);
    EXPECT_EQ(slice->block2->num(), 8u);
    EXPECT_TRUE(slice->block2->more());
}

TEST(WriteBodySlice, OptionsOfASplitBody) {
    const auto body = body_of(100);
    Written w;
    write(w, body, *slice_body(body.size(), block(0, 1), 6), BodyOptions{.content_format = 42},
          false);
    EXPECT_EQ(w.view.content_format(), 42);
    ASSERT_TRUE(w.view.block2());
    EXPECT_TRUE(w.view.block2()->more());
    const auto etag = w.view.opaque_option(OptionNumber::etag);
    ASSERT_TRUE(etag);
    const ETag expected = etag_of(body);
    EXPECT_TRUE(
        std::equal(etag->begin(), etag->end(), expected.bytes().begin(), expected.bytes().end()));
    EXPECT_EQ(w.view.size2(), 100u);  // on block 0 of a split body
    EXPECT_EQ(w.view.payload().size(), 32u);

    Written second;
    write(second, body, *slice_body(body.size(), block(1, 1), 6), {}, false);
    EXPECT_FALSE(second.view.size2());
    EXPECT_TRUE(second.view.has_option(OptionNumber::etag));
    EXPECT_FALSE(second.view.content_format());
}

TEST(WriteBodySlice, WholeBodyHasNoBlockOptionsUnlessAsked) {
    const auto body = body_of(20);
    Written plain;
    write(plain, body, *slice_body(body.size(), std::nullopt, 6), {}, false);
    EXPECT_FALSE(plain.view.block2());
    EXPECT_FALSE(plain.view.has_option(OptionNumber::etag));
    EXPECT_FALSE(plain.view.size2());
    EXPECT_EQ(plain.view.payload().size(), 20u);

    Written asked;
    write(asked, body, *slice_body(body.size(), std::nullopt, 6),
          BodyOptions{.etag = ETag::from_uint64(7), .max_age = 30}, true);
    EXPECT_EQ(asked.view.size2(), 20u);
    EXPECT_EQ(asked.view.max_age(), 30u);
    EXPECT_EQ(asked.view.uint_option(OptionNumber::etag), 7u);
}

TEST(WriteBodySlice, FollowingTheMoreBitReassemblesTheBody) {
    for (const std::size_t size : {0u, 1u, 16u, 17u, 1023u, 1024u, 1025u, 5000u}) {
        const auto body = body_of(size);
        std::vector<std::byte> received;
        std::optional<BlockValue> request;
        std::optional<std::uint64_t> tag;
        for (int guard = 0; guard < 1000; ++guard) {
            const auto slice = slice_body(body.size(), request, 4);
            ASSERT_TRUE(slice) << size;
            Written w;
            write(w, body, *slice, {}, false);
            const Bytes payload = w.view.payload();
            received.insert(received.end(), payload.begin(), payload.end());
            const auto block2 = w.view.block2();
            if (!block2) break;
            const auto etag = w.view.uint_option(OptionNumber::etag);
            if (tag) {
                EXPECT_EQ(etag, tag) << "the ETag changed between blocks";
            }
            tag = etag;
            EXPECT_EQ(block2->offset(), received.size() - payload.size());
            if (!block2->more()) break;
            request = BlockValue::make(block2->num() + 1, false, block2->szx()).value();
        }
        EXPECT_EQ(received, body) << size;
    }
}

TEST(EtagOf, FollowsTheContent) {
    const auto a = body_of(50);
    auto b = a;
    EXPECT_EQ(etag_of(a), etag_of(b));
    b[10] ^= std::byte{1};
    EXPECT_FALSE(etag_of(a) == etag_of(b));
}

}  // namespace
}  // namespace coap
