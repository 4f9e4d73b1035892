// server_block2_test.cpp — a served body larger than one message, answered in
// Block2 blocks over the simulated network (RFC 7959 §2.2–2.5, §4): a client
// that follows the M bit reassembles it exactly, sees one ETag across blocks
// and a new one when the body changes, gets Size2 when asked, may choose a
// smaller block size, and is refused a block past the end (4.02).
#include "server_harness.hpp"

#include "coap/content_format.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace coap {
namespace {

using test::Copy;
using test::ServerFixture;

std::string big_body(std::size_t size, char salt) {
    std::string body;
    for (std::size_t i = 0; i < size; ++i)
        body.push_back(static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(salt)) % 26));
    return body;
}

class Block2 : public ::testing::Test {
  protected:
    Block2() {
        s.tree.add("/big").get([this](RequestContext& ctx) {
            (void)ctx.respond_body(codes::content, body,
                                   BodyOptions{.content_format = content_formats::text_plain});
        });
        s.tree.add("/big-later").get([this](RequestContext& ctx) { later.push_back(ctx.defer()); });
    }

    Copy block(std::string_view path, std::uint32_t num, std::uint8_t szx, bool size2 = false) {
        const auto response = s.await(s.get(path, [=](MessageWriter& w) {
            w.option_uint(OptionNumber::block2,
                          BlockValue::make(num, false, szx).value().to_uint());
            if (size2) w.option_uint(OptionNumber::size2, 0);
        }));
        EXPECT_TRUE(response);
        return response.value_or(Copy{});
    }

    // Fetches every block with SZX `szx`; returns the body and the ETags seen.
    std::string fetch(std::uint8_t szx, std::vector<std::string>* etags = nullptr) {
        std::string received;
        for (std::uint32_t num = 0; num < 100; ++num) {
            const Copy response = block("/big", num, szx);
            if (response.bytes.empty() || response.code() != codes::content) return "(failed)";
            const auto block2 = response.view().block2();
            if (!block2 || block2->num() != num || block2->szx() != szx) return "(bad block2)";
            if (etags) {
                const auto etag = response.view().opaque_option(OptionNumber::etag);
                etags->push_back(etag ? test::text_of(*etag) : "(none)");
            }
            received += response.payload();
            if (!block2->more()) break;
        }
        return received;
    }

    ServerFixture s;
    std::string body = big_body(3000, 0);
    std::vector<PendingResponse> later;
};

TEST_F(Block2, AClientFollowingTheMoreBitReassemblesTheBody) {
    std::vector<std::string> etags;
    EXPECT_EQ(fetch(6, &etags), body);
    ASSERT_EQ(etags.size(), 3u);  // 1024 + 1024 + 952
    EXPECT_NE(etags[0], "(none)");
    EXPECT_EQ(etags[0], etags[1]);
    EXPECT_EQ(etags[1], etags[2]);
}

TEST_F(Block2, WithoutBlock2TheServerStartsBlockwiseOnItsOwn) {
    const auto response = s.await(s.get("/big"));
    ASSERT_TRUE(response);
    const auto block2 = response->view().block2();
    ASSERT_TRUE(block2);
    EXPECT_EQ(block2->num(), 0u);
    EXPECT_TRUE(block2->more());
    EXPECT_EQ(block2->szx(), 6);
    EXPECT_EQ(response->payload(), body.substr(0, 1024));
    EXPECT_EQ(response->view().size2(), 3000u);
    EXPECT_EQ(response->view().content_format(), content_formats::text_plain);
}

TEST_F(Block2, TheClientMayAskForSmallerBlocks) {
    EXPECT_EQ(fetch(2), body);  // 64-byte blocks: 47 requests
}

TEST_F(Block2, TheETagChangesWithTheBody) {
    std::vector<std::string> before;
    EXPECT_EQ(fetch(6, &before), body);
    body = big_body(3000, 5);
    std::vector<std::string> after;
    EXPECT_EQ(fetch(6, &after), body);
    ASSERT_FALSE(before.empty());
    ASSERT_FALSE(after.empty());
    EXPECT_NE(before[0], after[0]);
}

TEST_F(Block2, Size2WhenAsked) {
    const Copy last = block("/big", 2, 6, true);
    EXPECT_EQ(last.view().size2(), 3000u);
    const Copy middle = block("/big", 1, 6, false);
    EXPECT_FALSE(middle.view().size2());
}

TEST_F(Block2, ABlockPastTheEndIsABadOption) {
    const Copy past = block("/big", 3, 6);
    EXPECT_EQ(past.code(), codes::bad_option);
    const Copy last = block("/big", 2, 6);
    EXPECT_EQ(last.code(), codes::content);
    EXPECT_FALSE(last.view().block2()->more());
    EXPECT_EQ(last.payload(), body.substr(2048));
}

TEST_F(Block2, ASmallBodyGoesWhole) {
    body = "small";
    const auto response = s.await(s.get("/big"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->payload(), "small");
    EXPECT_FALSE(response->view().block2());
    EXPECT_FALSE(response->view().has_option(OptionNumber::etag));
}

TEST_F(Block2, ADeferredAnswerSendsTheRequestedBlock) {
    const RequestId id = s.get("/big-later", [](MessageWriter& w) {
        w.option_uint(OptionNumber::block2, BlockValue::make(1, false, 5).value().to_uint());
    });
    s.run_for(seconds(2));
    ASSERT_EQ(later.size(), 1u);
    EXPECT_TRUE(later[0].respond_body(codes::content, body).ok());
    const auto response = s.await(id);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->type(), MessageType::confirmable);  // separate
    const auto block2 = response->view().block2();
    ASSERT_TRUE(block2);
    EXPECT_EQ(block2->num(), 1u);
    EXPECT_EQ(block2->szx(), 5);
    EXPECT_EQ(response->payload(), body.substr(512, 512));
}

TEST(Block2SmallMessages, TheBlockSizeFitsTheEndpointsMessageSize) {
    EndpointConfig config;
    config.capacities.max_message_size = 600;
    ServerFixture s(config);
    const std::string body = big_body(1500, 1);
    s.tree.add("/big").get(
        [&](RequestContext& ctx) { (void)ctx.respond_body(codes::content, body); });
    const auto response = s.await(s.get("/big"));
    ASSERT_TRUE(response);
    const auto block2 = response->view().block2();
    ASSERT_TRUE(block2);
    EXPECT_EQ(block2->szx(), 5);  // 512 + overhead fits 600; 1024 would not
    EXPECT_EQ(response->payload(), body.substr(0, 512));
}

}  // namespace
}  // namespace coap
