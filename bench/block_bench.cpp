// bench/block_bench.cpp — block_bench: MiB/s of block-wise transfers (RFC 7959)
// between two Drivers on the simulated network (no syscalls, virtual time): a
// 1 MiB body downloaded with Block2 (held whole and collected, or produced on
// demand and streamed block by block) and uploaded with Block1, at 1024- and
// 256-byte blocks. One iteration is one whole transfer; bytes_per_second is
// body bytes. Between iterations (untimed) virtual time jumps past
// EXCHANGE_LIFETIME so that the server's dedup entries are reclaimed.
#include "async_fixture.hpp"

#include <benchmark/benchmark.h>

#include <coap/request.hpp>
#include <coap/resource_tree.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace {

constexpr std::size_t body_size = std::size_t{1} << 20;

coap::EndpointConfig config() {
    coap::EndpointConfig c;
    c.capacities.dedup_entries = 1u << 14;
    return c;
}

enum class Scenario { download_collected, download_streamed, upload };

/// A client and a server with "/f": GET answers `body` (whole, or produced on
/// demand), PUT stores the upload.
struct Bench {
    explicit Bench(std::uint32_t block) : pair(1, config(), config()), block_size(block) {
        pair.net.set_tracing(false);
        pair.net.set_default_link(coap::sim::LinkConditions{});
        body = coap::test::body_of(body_size);
        const coap::BodyOptions options{
            .etag = coap::etag_of(gsl::as_bytes(gsl::span<const char>(body.data(), body.size()))),
            .max_block_size = block};
        tree.add("/f")
            .get([this, options](coap::RequestContext& ctx) {
                (void)ctx.respond_body(coap::codes::content, body, options);
            })
            .put([this](coap::RequestContext& ctx) {
                stored = ctx.payload().size();
                (void)ctx.respond(coap::codes::changed);
            });
        tree.add("/gen").get([this, options](coap::RequestContext& ctx) {
            auto read = [this](std::uint64_t offset, gsl::span<std::byte> out) {
                const auto n = std::min<std::size_t>(out.size(), body.size() - offset);
                std::copy_n(reinterpret_cast<const std::byte*>(body.data()) + offset, n,
                            out.begin());
                return std::optional<std::size_t>(n);
            };
            (void)ctx.respond_blocks(coap::codes::content, coap::BlockProducer(body.size(), read),
                                     options);
        });
        tree.serve(pair.server);
    }

    /// One whole transfer; false when it did not deliver the body.
    bool transfer(Scenario scenario) {
        const auto initial =
            coap::BlockValue::with_size(0, scenario == Scenario::upload, block_size).value();
        if (scenario == Scenario::download_collected) {
            auto task = coap::test::send(
                pair.remote("coap://10.0.0.2/f"),
                coap::Request::get().block2(initial).emit_successful_collected_response());
            if (!pair.run(task)) return false;
            const auto result = task.result();
            return result.ok() && result->view().payload().size() == body.size();
        }
        if (scenario == Scenario::download_streamed) {
            std::uint64_t received = 0;
            auto task = coap::test::send(
                pair.remote("coap://10.0.0.2/gen"),
                coap::Request::get().for_each_block(
                    [&](const coap::BodyChunk& chunk) { received += chunk.bytes.size(); },
                    initial));
            if (!pair.run(task)) return false;
            return task.result().ok() && received == body.size();
        }
        stored = 0;
        auto task = coap::test::send(pair.remote("coap://10.0.0.2/f"),
                                     coap::Request::put().payload(body).block1(initial));
        if (!pair.run(task)) return false;
        return task.result().ok() && stored == body.size();
    }

    coap::test::AsyncPair pair;
    coap::ResourceTree tree;
    std::string body;
    std::size_t stored = 0;
    std::uint32_t block_size;
};

void run(benchmark::State& state, Scenario scenario) {
    Bench bench(static_cast<std::uint32_t>(state.range(0)));
    for (auto _ : state) {
        if (!bench.transfer(scenario)) {
            state.SkipWithError("the transfer did not deliver the body");
            break;
        }
        state.PauseTiming();
        bench.pair.net.run_for(coap::seconds(300));  // past EXCHANGE_LIFETIME
        state.ResumeTiming();
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body_size));
    state.counters["blocks"] = static_cast<double>(body_size) / static_cast<double>(state.range(0));
}

void BM_Block2DownloadCollected(benchmark::State& state) {
    run(state, Scenario::download_collected);
}
void BM_Block2DownloadStreamedFromProducer(benchmark::State& state) {
    run(state, Scenario::download_streamed);
}
void BM_Block1Upload(benchmark::State& state) {
    run(state, Scenario::upload);
}

BENCHMARK(BM_Block2DownloadCollected)->Arg(1024)->Arg(256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Block2DownloadStreamedFromProducer)
    ->Arg(1024)
    ->Arg(256)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Block1Upload)->Arg(1024)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
