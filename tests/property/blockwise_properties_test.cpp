// blockwise_properties_test.cpp — block-wise transfers (RFC 7959) over a lossy
// simulated network for random body sizes, block sizes, server block limits
// and seeds: an upload and a download either arrive byte-identical or fail with
// an error; a success never carries a truncated or altered body.
#include "async_fixture.hpp"
#include "coap/request.hpp"
#include "coap/resource_tree.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace coap {
namespace {

std::string text_of(gsl::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

RC_GTEST_PROP(BlockwiseProperties, TransfersAreByteIdenticalOrFailClearly, ()) {
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1u << 30);
    const auto szx = *rc::gen::inRange<std::uint8_t>(0, 7);
    const auto server_szx = *rc::gen::inRange<std::uint8_t>(0, 7);
    const std::size_t block = std::size_t{16} << szx;
    // At most about 600 blocks per transfer, so that a run stays quick.
    const auto size = *rc::gen::inRange<std::size_t>(0, block * 600);
    const auto loss_percent = *rc::gen::inRange(0, 15);
    const auto salt = *rc::gen::arbitrary<std::uint8_t>();

    EndpointConfig config;
    config.capacities.dedup_entries = 1u << 13;
    test::AsyncPair pair(seed, config, config);
    pair.net.set_default_link(sim::LinkConditions{
        .delay = milliseconds(5), .loss = loss_percent / 100.0, .duplicate = 0.02});
    ResourceTree tree;
    BlockLimits limits;
    limits.max_block_size = 16u << server_szx;
    tree.set_block_limits(limits);
    std::string stored;
    tree.add("/f")
        .put([&](RequestContext& ctx) {
            stored = text_of(ctx.payload());
            (void)ctx.respond(codes::changed);
        })
        .get([&](RequestContext& ctx) {
            (void)ctx.respond_body(codes::content, stored,
                                   BodyOptions{.max_block_size = limits.max_block_size});
        });
    tree.serve(pair.server);

    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        body[i] = static_cast<char>((i * 131 + salt + i / 251) & 0xff);

    auto remote = pair.remote("coap://10.0.0.2/f");
    auto up = test::send(
        remote, Request::put().payload(body).block1(BlockValue::make(0, true, szx).value()));
    RC_ASSERT(pair.run(up, seconds(24 * 3600)));
    const auto uploaded = up.result();  // result() hands the value out once
    if (!uploaded.ok()) {
        RC_TAG("upload failed: " + to_string(uploaded.error()));
        RC_ASSERT(!to_string(uploaded.error()).empty());
        return;
    }
    RC_ASSERT(stored.size() == body.size());
    RC_ASSERT(stored == body);

    auto down = test::send(remote, Request::get()
                                       .block2(BlockValue::make(0, false, szx).value())
                                       .emit_successful_collected_response());
    RC_ASSERT(pair.run(down, seconds(24 * 3600)));
    const auto downloaded = down.result();
    if (!downloaded.ok()) {
        RC_TAG("download failed: " + to_string(downloaded.error()));
        RC_ASSERT(!to_string(downloaded.error()).empty());
        return;
    }
    const std::string received = text_of(downloaded->view().payload());
    RC_ASSERT(received.size() == body.size());
    RC_ASSERT(received == body);
    RC_ASSERT(tree.block1_transfers() == 0u);
}

}  // namespace
}  // namespace coap
