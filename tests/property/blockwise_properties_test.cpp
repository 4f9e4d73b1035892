// blockwise_properties_test.cpp — block-wise transfers (RFC 7959) over a lossy,
// duplicating, reordering simulated network for any body from 0 to 4 MiB, any
// block size on either side (SZX 0..6) and either direction: a Block1 upload,
// or a Block2 download (collected whole or streamed block by block, from a body
// held whole or produced on demand). The body arrives byte-identical, or the
// transfer fails with an error; a success never carries a truncated, repeated
// or altered body, and the upload handler runs at most once.
//
// Sizes lean small and towards block boundaries so that 1000 cases stay quick;
// a few cases (4 %) go up to 4 MiB in at most 32768 blocks (so 4 MiB itself from
// SZX 3 up) over little loss: a transfer of thousands of blocks over heavy loss
// would only ever time out.
#include "async_fixture.hpp"
#include "coap/request.hpp"
#include "coap/resource_tree.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>

namespace coap {
namespace {

std::string text_of(gsl::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

enum class SizeKind { small, edge, medium, large };

struct Shape {
    std::size_t size = 0;
    std::uint8_t szx = 6;         ///< the client's block size
    std::uint8_t server_szx = 6;  ///< the server's largest block
    bool large = false;
};

/// At most this many blocks in a medium case, and in a large one.
constexpr std::size_t max_blocks = 4000;
constexpr std::size_t max_large_blocks = 32768;
constexpr std::size_t max_size = std::size_t{4} << 20;

rc::Gen<Shape> shapes() {
    return rc::gen::exec([] {
        Shape shape;
        const auto kind = *rc::gen::weightedElement<SizeKind>({{60, SizeKind::small},
                                                               {25, SizeKind::edge},
                                                               {11, SizeKind::medium},
                                                               {4, SizeKind::large}});
        shape.large = kind == SizeKind::large;
        shape.szx = *rc::gen::inRange<std::uint8_t>(0, 7);
        shape.server_szx = *rc::gen::inRange<std::uint8_t>(0, 7);
        const std::size_t block = std::size_t{16} << std::min(shape.szx, shape.server_szx);
        switch (kind) {
            case SizeKind::small:
                shape.size = *rc::gen::inRange<std::size_t>(0, 4097);
                break;
            case SizeKind::edge: {
                // Around a block boundary of either side's size.
                const std::size_t unit = std::size_t{16}
                                         << *rc::gen::element(shape.szx, shape.server_szx);
                const auto blocks = *rc::gen::inRange<std::size_t>(0, 65);
                const auto delta = *rc::gen::inRange<int>(-2, 3);
                shape.size = static_cast<std::size_t>(
                    std::max<long long>(0, static_cast<long long>(blocks * unit) + delta));
                break;
            }
            case SizeKind::medium:
                shape.size = *rc::gen::inRange<std::size_t>(
                    0, std::min<std::size_t>(256u << 10, block * max_blocks) + 1);
                break;
            case SizeKind::large: {
                // Up to 4 MiB, and at most max_large_blocks blocks (4 MiB from 128-byte blocks up).
                const std::size_t cap = std::min(max_size, block * max_large_blocks);
                shape.size = *rc::gen::oneOf(rc::gen::just(cap), rc::gen::just(cap - 1),
                                             rc::gen::inRange<std::size_t>(256u << 10, cap));
                break;
            }
        }
        return shape;
    });
}

/// How the body is sent and received.
enum class Way { upload, download_collected, download_streamed };

RC_GTEST_PROP(BlockwiseProperties, TransfersAreByteIdenticalOrFailClearly, ()) {
    const Shape shape = *shapes();
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1u << 30);
    const Way way = *rc::gen::element(Way::upload, Way::download_collected, Way::download_streamed);
    const bool produced = *rc::gen::arbitrary<bool>();  // the server reads blocks on demand
    const auto loss_percent = *rc::gen::inRange(0, shape.large ? 3 : 16);
    const auto duplicate_percent = *rc::gen::inRange(0, 6);
    const auto reorder_percent = *rc::gen::inRange(0, 11);
    const auto jitter = *rc::gen::inRange(0, 11);
    const auto salt = *rc::gen::arbitrary<std::uint8_t>();
    RC_TAG(way == Way::upload ? "upload" : "download");
    RC_TAG(shape.large ? "256 KiB to 4 MiB" : "up to 256 KiB");

    EndpointConfig config;
    // Every block is a CON holding a server dedup entry for EXCHANGE_LIFETIME.
    config.capacities.dedup_entries = shape.large ? 1u << 16 : 1u << 13;
    test::AsyncPair pair(seed, config, config);
    pair.net.set_tracing(false);
    pair.net.set_default_link(sim::LinkConditions{.delay = milliseconds(5),
                                                  .jitter = milliseconds(jitter),
                                                  .loss = loss_percent / 100.0,
                                                  .duplicate = duplicate_percent / 100.0,
                                                  .reorder = reorder_percent / 100.0});
    std::string body(shape.size, '\0');
    for (std::size_t i = 0; i < shape.size; ++i)
        body[i] = static_cast<char>((i * 131 + salt + i / 251) & 0xff);
    const ETag etag = etag_of(gsl::as_bytes(gsl::span<const char>(body.data(), body.size())));

    ResourceTree tree;
    BlockLimits limits;
    limits.max_block_size = 16u << shape.server_szx;
    tree.set_block_limits(limits);
    std::string stored;
    int puts = 0;
    const BodyOptions options{.etag = etag, .max_block_size = limits.max_block_size};
    tree.add("/f")
        .put([&](RequestContext& ctx) {
            ++puts;
            stored = text_of(ctx.payload());
            (void)ctx.respond(codes::changed);
        })
        .get([&](RequestContext& ctx) {
            if (!produced) {
                (void)ctx.respond_body(codes::content, body, options);
                return;
            }
            auto read = [&](std::uint64_t offset, gsl::span<std::byte> out) {
                const auto n = std::min<std::size_t>(out.size(), body.size() - offset);
                std::copy_n(reinterpret_cast<const std::byte*>(body.data()) + offset, n,
                            out.begin());
                return std::optional<std::size_t>(n);
            };
            (void)ctx.respond_blocks(codes::content, BlockProducer(body.size(), read), options);
        });
    tree.serve(pair.server);

    auto remote = pair.remote("coap://10.0.0.2/f");
    const auto client_block = BlockValue::make(0, way == Way::upload, shape.szx).value();
    const Duration limit = seconds(24 * 3600);
    if (way == Way::upload) {
        auto up = test::send(remote, Request::put().payload(body).block1(client_block));
        RC_ASSERT(pair.run(up, limit));
        const auto uploaded = up.result();  // result() hands the value out once
        RC_ASSERT(puts <= 1);
        if (!uploaded.ok()) {
            RC_TAG("failed: " + to_string(uploaded.error()));
            RC_ASSERT(!to_string(uploaded.error()).empty());
            return;
        }
        RC_ASSERT(puts == 1);
        RC_ASSERT(stored.size() == body.size());
        RC_ASSERT(stored == body);
        RC_ASSERT(tree.block1_transfers() == 0u);
        return;
    }

    std::string received;
    if (way == Way::download_collected) {
        auto down = test::send(
            remote, Request::get().block2(client_block).emit_successful_collected_response());
        RC_ASSERT(pair.run(down, limit));
        const auto downloaded = down.result();
        if (!downloaded.ok()) {
            RC_TAG("failed: " + to_string(downloaded.error()));
            RC_ASSERT(!to_string(downloaded.error()).empty());
            return;
        }
        received = text_of(downloaded->view().payload());
    } else {
        bool in_order = true;
        auto down = test::send(remote, Request::get().for_each_block(
                                           [&](const BodyChunk& chunk) {
                                               in_order =
                                                   in_order && chunk.offset == received.size();
                                               received += text_of(chunk.bytes);
                                           },
                                           client_block));
        RC_ASSERT(pair.run(down, limit));
        const auto downloaded = down.result();
        RC_ASSERT(in_order);
        if (!downloaded.ok()) {
            RC_TAG("failed: " + to_string(downloaded.error()));
            RC_ASSERT(!to_string(downloaded.error()).empty());
            RC_ASSERT(received.size() <= body.size());
            RC_ASSERT(received == body.substr(0, received.size()));  // a prefix, never garbage
            return;
        }
        RC_ASSERT(downloaded->size == body.size());
        if (shape.size > (std::size_t{16} << std::min(shape.szx, shape.server_szx)))
            RC_ASSERT(downloaded->etag == std::optional<ETag>(etag));
    }
    RC_ASSERT(received.size() == body.size());
    RC_ASSERT(received == body);
}

}  // namespace
}  // namespace coap
