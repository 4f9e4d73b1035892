// blockwise_test.cpp — block-wise transfers (RFC 7959) end to end on the
// simulated network in virtual time: cobalt's client (block1(), block2()) with
// a ResourceTree server, uploads and downloads of many sizes and block sizes,
// clean and lossy; late negotiation, 4.13 retry, POST with Block1 and Block2.
#include "async_fixture.hpp"
#include "coap/request.hpp"
#include "coap/resource_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace coap {
namespace {

using test::AsyncPair;
using test::body_of;
using test::send;

std::string text_of(gsl::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

EndpointConfig roomy() {
    EndpointConfig config;
    config.capacities.dedup_entries = 1u << 14;
    // Messages are counted here; the amplification limit has tests of its own.
    config.amplification_factor = 0;
    return config;
}

EndpointConfig limited_server() {
    EndpointConfig config = roomy();
    config.amplification_factor = EndpointConfig{}.amplification_factor;
    return config;
}

/// A client and a server serving "/file" (PUT stores, GET answers it in blocks
/// of at most `max_block`) and "/echo" (POST answers the body reversed).
class Blockwise {
  public:
    /// `limited`: the server keeps the library's RFC 9175 amplification limit.
    explicit Blockwise(std::uint64_t seed = 1, double loss = 0.0, bool limited = false)
        : pair(seed, roomy(), limited ? limited_server() : roomy()) {
        pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(5), .loss = loss});
        tree.add("/file")
            .put([this](RequestContext& ctx) {
                stored = text_of(ctx.payload());
                ++handler_runs;
                (void)ctx.respond(codes::changed);
            })
            .get([this](RequestContext& ctx) {
                (void)ctx.respond_body(codes::content, stored,
                                       BodyOptions{.max_block_size = max_block});
            });
        tree.add("/echo").post([this](RequestContext& ctx) {
            ++handler_runs;
            std::string body = text_of(ctx.payload());
            std::reverse(body.begin(), body.end());
            (void)ctx.respond_body(codes::changed, body, BodyOptions{.max_block_size = max_block});
        });
        tree.serve(pair.server);
    }

    template <class D>
    Result<typename D::value_type, Error> run(D descriptor, std::string_view path = "/file") {
        auto task = send(pair.remote(std::string("coap://10.0.0.2") + std::string(path)),
                         std::move(descriptor));
        if (!pair.run(task, seconds(24 * 3600))) throw std::runtime_error("never finished");
        return task.result();
    }

    Result<Done, Error> upload(const std::string& body, std::uint32_t block_size) {
        return run(Request::put().payload(body).block1(
            BlockValue::with_size(0, true, block_size).value()));
    }
    Result<std::string, Error> download(std::uint32_t block_size) {
        auto result = run(Request::get()
                              .block2(BlockValue::with_size(0, false, block_size).value())
                              .emit_successful_collected_response());
        if (!result) return Err{result.error()};
        return text_of(result->view().payload());
    }

    AsyncPair pair;
    ResourceTree tree;
    std::string stored;
    std::uint32_t max_block = 1024;
    int handler_runs = 0;
};

struct Case {
    std::size_t size;
    std::uint32_t block;
};

void round_trip(Blockwise& b, const Case& c) {
    const std::string body = body_of(c.size);
    const auto up = b.upload(body, c.block);
    ASSERT_TRUE(up.ok()) << c.size << "/" << c.block << ": " << to_string(up.error());
    ASSERT_EQ(b.stored.size(), body.size());
    EXPECT_TRUE(b.stored == body) << c.size << "/" << c.block;
    b.max_block = c.block;
    const auto down = b.download(c.block);
    ASSERT_TRUE(down.ok()) << c.size << "/" << c.block << ": " << to_string(down.error());
    ASSERT_EQ(down->size(), body.size());
    EXPECT_TRUE(*down == body) << c.size << "/" << c.block;
    EXPECT_EQ(b.tree.block1_transfers(), 0u);
    EXPECT_EQ(b.tree.block1_bytes(), 0u);
}

const std::vector<Case> small_cases = {
    {0, 16},    {1, 16},    {16, 16},     {64, 64},       {1024, 1024},  {1024, 256},
    {1025, 64}, {1024, 16}, {3000, 1024}, {102400, 1024}, {102400, 256}, {102400, 64},
};

TEST(Blockwise, UploadAndDownloadAreByteIdenticalOnACleanNetwork) {
    for (const Case& c : small_cases) {
        Blockwise b;
        round_trip(b, c);
    }
}

TEST(Blockwise, OneMebibyteBothWays) {
    for (const std::uint32_t block : {1024u, 512u}) {
        Blockwise b;
        round_trip(b, {std::size_t{1} << 20, block});
    }
}

TEST(Blockwise, UploadAndDownloadSurviveALossyNetwork) {
    std::uint64_t seed = 10;
    for (const Case& c : small_cases) {
        Blockwise b(++seed, 0.05);
        round_trip(b, c);
    }
    Blockwise b(99, 0.05);
    round_trip(b, {std::size_t{1} << 20, 1024});
}

TEST(Blockwise, TheHandlerRunsOnceWithTheWholeBody) {
    Blockwise b;
    ASSERT_TRUE(b.upload(body_of(5000), 256).ok());
    EXPECT_EQ(b.handler_runs, 1);
    // Every block before the last got 2.31 echoing its Block1; the final answer
    // carries Block1 with M=0.
    const auto replies = b.pair.wire(b.pair.server_node, b.pair.client_node);
    ASSERT_EQ(replies.size(), 20u);
    for (std::size_t i = 0; i + 1 < replies.size(); ++i) {
        EXPECT_EQ(replies[i].message->code(), codes::continue_);
        EXPECT_EQ(replies[i].message->block1(),
                  BlockValue::make(std::uint32_t(i), true, 4).value());
    }
    EXPECT_EQ(replies.back().message->code(), codes::changed);
    EXPECT_EQ(replies.back().message->block1(), BlockValue::make(19, false, 4).value());
}

TEST(Blockwise, TheServersSmallerBlockSizeIsAdoptedFromItsFirstContinue) {
    Blockwise b;
    BlockLimits limits;
    limits.max_block_size = 128;
    b.tree.set_block_limits(limits);
    const std::string body = body_of(4000);
    ASSERT_TRUE(b.upload(body, 1024).ok());
    EXPECT_EQ(b.stored, body);
    const auto requests = b.pair.wire(b.pair.client_node, b.pair.server_node);
    ASSERT_GE(requests.size(), 2u);
    EXPECT_EQ(requests[0].message->block1()->size(), 1024u);
    EXPECT_EQ(requests[1].message->block1(), BlockValue::make(8, true, 3).value());
    EXPECT_EQ(requests.size(), 1u + (4000u - 1024u + 127u) / 128u);
}

TEST(Blockwise, TransfersToAnUnverifiedClientGoThroughOneEchoChallenge) {
    Blockwise b(1, 0.0, true);
    const std::string body = body_of(3000);
    // Block1: every request is large and every answer small, so nothing is challenged.
    ASSERT_TRUE(b.upload(body, 256).ok());
    EXPECT_EQ(b.stored, body);
    EXPECT_EQ(b.pair.server.endpoint().stats().echo_challenges_sent, 0u);
    // Block2: the first block is, once; the client repeats the request with the
    // Echo value by itself, and the verified address gets every later block.
    const auto down = b.download(1024);
    ASSERT_TRUE(down.ok()) << to_string(down.error());
    EXPECT_EQ(*down, body);
    const auto replies = b.pair.wire(b.pair.server_node, b.pair.client_node);
    std::size_t challenges = 0;
    for (const auto& reply : replies)
        challenges += reply.message->code() == codes::unauthorized ? 1u : 0u;
    EXPECT_EQ(challenges, 1u);
    EXPECT_EQ(b.pair.server.endpoint().stats().echo_challenges_sent, 1u);
    EXPECT_EQ(b.pair.client.endpoint().stats().echo_retries, 1u);
    const auto requests = b.pair.wire(b.pair.client_node, b.pair.server_node);
    EXPECT_EQ(requests.size(), (3000u + 255u) / 256u + 1u + (3000u + 1023u) / 1024u);
}

TEST(Blockwise, ADownloadFollowsTheServersSmallerBlockSize) {
    Blockwise b;
    b.stored = body_of(3000);
    b.max_block = 64;
    const auto down = b.download(1024);
    ASSERT_TRUE(down.ok()) << to_string(down.error());
    EXPECT_EQ(*down, b.stored);
    // §2.5: asked for 1024, answered 64; the client goes on at NUM 1 of 64 bytes.
    const auto requests = b.pair.wire(b.pair.client_node, b.pair.server_node);
    ASSERT_EQ(requests.size(), (3000u + 63u) / 64u);
    EXPECT_EQ(requests[0].message->block2(), BlockValue::make(0, false, 6).value());
    EXPECT_EQ(requests[1].message->block2(), BlockValue::make(1, false, 2).value());
    // Every block carries the same ETag, block 0 also Size2.
    const auto replies = b.pair.wire(b.pair.server_node, b.pair.client_node);
    const auto etag = replies[0].message->opaque_option(OptionNumber::etag);
    ASSERT_TRUE(etag);
    EXPECT_EQ(replies[0].message->size2(), std::optional<std::uint32_t>(3000));
    for (const auto& reply : replies) {
        const auto each = reply.message->opaque_option(OptionNumber::etag);
        ASSERT_TRUE(each);
        EXPECT_TRUE(std::equal(each->begin(), each->end(), etag->begin(), etag->end()));
    }
}

TEST(Blockwise, A413WithSize1MakesTheClientStartOverWithSmallerBlocks) {
    // The Endpoint itself refuses payloads over max_request_payload with 4.13
    // and Size1 = that limit.
    EndpointConfig server = roomy();
    server.max_request_payload = 200;
    AsyncPair pair(3, roomy(), server);
    ResourceTree tree;
    std::string stored;
    tree.add("/file").put([&](RequestContext& ctx) {
        stored = text_of(ctx.payload());
        (void)ctx.respond(codes::changed);
    });
    tree.serve(pair.server);
    const std::string body = body_of(3000);
    auto task =
        send(pair.remote("coap://10.0.0.2/file"),
             Request::put().payload(body).block1(BlockValue::with_size(0, true, 1024).value()));
    ASSERT_TRUE(pair.run(task));
    ASSERT_TRUE(task.result().ok()) << to_string(task.result().error());
    EXPECT_EQ(stored, body);
    const auto requests = pair.wire(pair.client_node, pair.server_node);
    EXPECT_EQ(requests[0].message->block1()->size(), 1024u);
    EXPECT_EQ(requests[1].message->block1(), BlockValue::make(0, true, 3).value());  // 128 bytes
}

TEST(Blockwise, A413WithABlock1SizeHintMakesTheClientStartOverAtThatSize) {
    // RFC 7959 §2.9.3: a 4.13 may carry Block1 with the size the server wants.
    AsyncPair pair(5, roomy(), roomy());
    std::string stored;
    std::vector<std::uint32_t> sizes;
    pair.server.set_request_handler([&](RequestContext& ctx) {
        const auto block = ctx.message().block1();
        if (!block) {
            (void)ctx.respond(codes::bad_request);
            return;
        }
        sizes.push_back(block->size());
        if (block->size() > 64) {  // too large: asks for 64-byte blocks (SZX 2)
            (void)ctx.respond(Code::make(4, 13), [](MessageWriter& w) {
                w.option_uint(OptionNumber::block1, BlockValue::make(0, false, 2)->to_uint());
            });
            return;
        }
        if (block->num() == 0) stored.clear();
        stored += text_of(ctx.message().payload());
        const auto echo = BlockValue::make(block->num(), block->more(), block->szx()).value();
        (void)ctx.respond(block->more() ? codes::continue_ : codes::changed, [&](MessageWriter& w) {
            w.option_uint(OptionNumber::block1, echo.to_uint());
        });
    });
    const std::string body = body_of(3000);
    auto task =
        send(pair.remote("coap://10.0.0.2/file"),
             Request::put().payload(body).block1(BlockValue::with_size(0, true, 1024).value()));
    ASSERT_TRUE(pair.run(task));
    ASSERT_TRUE(task.result().ok()) << to_string(task.result().error());
    EXPECT_EQ(stored, body);
    ASSERT_GE(sizes.size(), 2u);
    EXPECT_EQ(sizes[0], 1024u);
    for (std::size_t i = 1; i < sizes.size(); ++i)
        EXPECT_EQ(sizes[i], 64u) << "block " << i;
    EXPECT_EQ(sizes.size(), 1u + (3000 + 63) / 64);
}

TEST(Blockwise, A413ForTheWholeBodyIsAClearError) {
    Blockwise b;
    BlockLimits limits;
    limits.max_body = 2000;
    b.tree.set_block_limits(limits);
    const auto result = b.upload(body_of(3000), 256);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, codes::request_entity_too_large);
    const auto replies = b.pair.wire(b.pair.server_node, b.pair.client_node);
    ASSERT_EQ(replies.size(), 1u);  // refused on Size1, before any block was kept
    EXPECT_EQ(replies[0].message->size1(), std::optional<std::uint32_t>(2000));
    EXPECT_EQ(b.tree.block1_transfers(), 0u);
}

TEST(Blockwise, MoreBlocksThanDedupEntriesFailClearlyNotTruncated) {
    // Each block is a CON request holding a dedup entry for EXCHANGE_LIFETIME
    // (EndpointCapacities::dedup_entries): a server with 64 entries answers the
    // 65th block within 247 s with 5.03, and the upload fails with that error.
    EndpointConfig server = roomy();
    server.capacities.dedup_entries = 64;
    AsyncPair pair(4, roomy(), server);
    ResourceTree tree;
    int runs = 0;
    tree.add("/file").put([&](RequestContext& ctx) {
        ++runs;
        (void)ctx.respond(codes::changed);
    });
    tree.serve(pair.server);
    // payload() keeps a view: the body must outlive the send.
    const std::string body = body_of(100 * 16);
    auto task =
        send(pair.remote("coap://10.0.0.2/file"),
             Request::put().payload(body).block1(BlockValue::with_size(0, true, 16).value()));
    ASSERT_TRUE(pair.run(task));
    const auto result = task.result();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, codes::service_unavailable);
    EXPECT_EQ(runs, 0);
}

TEST(Blockwise, PostWithBlock1AndBlock2CollectsTheResponse) {
    for (const std::uint32_t block : {64u, 1024u}) {
        Blockwise b;
        b.max_block = block;
        const std::string body = body_of(5000);
        const auto result = b.run(Request::post()
                                      .payload(body)
                                      .block1(BlockValue::with_size(0, true, block).value())
                                      .block2()
                                      .emit_successful_collected_response(),
                                  "/echo");
        ASSERT_TRUE(result.ok()) << to_string(result.error());
        std::string reversed(body.rbegin(), body.rend());
        EXPECT_EQ(text_of(result->view().payload()), reversed);
        EXPECT_EQ(b.handler_runs, 1);
        // The follow-ups for the response's blocks carry neither Block1 nor payload.
        const auto requests = b.pair.wire(b.pair.client_node, b.pair.server_node);
        const MessageView& last = requests.back().message.view();
        EXPECT_FALSE(last.block1().has_value());
        EXPECT_TRUE(last.payload().empty());
        EXPECT_TRUE(last.block2().has_value());
    }
}

TEST(Blockwise, RequestTagSeparatesTwoUploadsFromOneClient) {
    Blockwise b;
    const std::string one = body_of(3000);
    const std::string two(3000, 'z');
    const std::byte tag_a[] = {std::byte{1}};
    const std::byte tag_b[] = {std::byte{2}};
    std::vector<std::string> stored;
    b.tree.add("/file").put([&](RequestContext& ctx) {
        stored.push_back(text_of(ctx.payload()));
        (void)ctx.respond(codes::changed);
    });
    auto remote = b.pair.remote("coap://10.0.0.2/file");
    auto first = send(remote, Request::put().payload(one).block1(
                                  BlockValue::with_size(0, true, 256).value(), tag_a));
    auto second = send(remote, Request::put().payload(two).block1(
                                   BlockValue::with_size(0, true, 256).value(), tag_b));
    first.start();
    second.start();
    ASSERT_TRUE(b.pair.net.run_until([&] { return first.done() && second.done(); },
                                     b.pair.net.now() + seconds(600)));
    ASSERT_TRUE(first.result().ok());
    ASSERT_TRUE(second.result().ok());
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_TRUE((stored[0] == one && stored[1] == two) || (stored[0] == two && stored[1] == one));
    const auto requests = b.pair.wire(b.pair.client_node, b.pair.server_node);
    EXPECT_TRUE(requests[0].message->has_option(OptionNumber::request_tag));
}

TEST(Blockwise, TwoClientsUploadToOneResourceAtOnce) {
    Blockwise b(5, 0.05);
    const auto other_node = b.pair.net.add_port(Address::ipv4({10, 0, 0, 3}, 5683));
    Driver other(b.pair.net.port(other_node), EndpointConfig{.seed = 77});
    std::vector<std::string> stored;
    b.tree.add("/file").put([&](RequestContext& ctx) {
        stored.push_back(text_of(ctx.payload()));
        (void)ctx.respond(codes::changed);
    });
    const std::string one = body_of(20000);
    const std::string two(30000, 'q');
    auto first =
        send(b.pair.remote("coap://10.0.0.2/file"),
             Request::put().payload(one).block1(BlockValue::with_size(0, true, 256).value()));
    auto second =
        send(other.remote_endpoint("coap://10.0.0.2/file").value(),
             Request::put().payload(two).block1(BlockValue::with_size(0, true, 512).value()));
    first.start();
    second.start();
    ASSERT_TRUE(b.pair.net.run_until([&] { return first.done() && second.done(); },
                                     b.pair.net.now() + seconds(3600)));
    ASSERT_TRUE(first.result().ok());
    ASSERT_TRUE(second.result().ok());
    ASSERT_EQ(stored.size(), 2u);
    EXPECT_TRUE((stored[0] == one && stored[1] == two) || (stored[0] == two && stored[1] == one));
    // The transfers interleaved: each client sent blocks while the other's
    // transfer was in progress.
    std::size_t first_two = 0, last_one = 0, index = 0;
    for (const auto& record : b.pair.net.trace().records()) {
        ++index;
        if (record.kind != sim::TraceKind::sent) continue;
        if (record.from == other_node && first_two == 0) first_two = index;
        if (record.from == b.pair.client_node) last_one = index;
    }
    EXPECT_LT(first_two, last_one);
    EXPECT_EQ(b.tree.block1_transfers(), 0u);
}

TEST(Blockwise, AChangedRepresentationFailsClearlyWhenAskedTo) {
    Blockwise b;
    int gets = 0;
    b.tree.add("/changing").get([&](RequestContext& ctx) {
        const std::string body = body_of(3000) + std::to_string(gets++);
        (void)ctx.respond_body(codes::content, body);
    });
    const auto strict = b.run(Request::get()
                                  .block2(std::nullopt, OnRepresentationChange::fail)
                                  .emit_successful_collected_response(),
                              "/changing");
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.error().kind, ErrorKind::representation_changed);
    EXPECT_NE(to_string(strict.error()).find("representation changed"), std::string::npos);
    const auto patient =
        b.run(Request::get().block2().emit_successful_collected_response(), "/changing");
    ASSERT_FALSE(patient.ok());  // it changes every time: three restarts, then the error
    EXPECT_EQ(patient.error().kind, ErrorKind::representation_changed);
}

}  // namespace
}  // namespace coap
