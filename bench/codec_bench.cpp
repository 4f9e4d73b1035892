// bench/codec_bench.cpp — the timed loops: parse and write, cobalt and libcoap,
// each with the heap allocations it makes per iteration as `allocs_per_iter`.
#include "codec_bench.hpp"

#include "alloc_window.hpp"
#include "cobalt_codec.hpp"
#include "libcoap_codec.hpp"
#include "ratio_report.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

namespace bench {
namespace {

// Placement: a datagram that straddles a 4 KiB page is slower to copy or write
// (libcoap's small_get parse varied by ~20% with the heap's history, e.g. with
// --benchmark_filter). So every buffer a timed loop reads or writes is kept
// within one page, on both sides.

/// 2048-aligned and at most 2048 bytes long: never straddles a page.
struct alignas(2048) PageSafeBuffer {
    std::array<std::byte, max_message_size> bytes{};
};
static_assert(max_message_size <= 2048);

/// libcoap's PDU buffer comes from malloc. Draw PDUs (keeping the rejected ones,
/// so that malloc cannot hand the same block back) until the first `length`
/// bytes of one, once `warm` has grown it to size, stay within a page.
template <class Warm>
libcoap_codec::Pdu& page_safe_pdu(std::vector<std::unique_ptr<libcoap_codec::Pdu>>& pool,
                                  std::size_t length, Warm warm) {
    for (int attempt = 0; attempt < 16; ++attempt) {
        pool.push_back(std::make_unique<libcoap_codec::Pdu>());
        warm(*pool.back());
        if (!libcoap_codec::crosses_page(*pool.back(), length)) break;
    }
    return *pool.back();
}

/// The datagram copied into `buffer`; the view covers exactly its bytes.
gsl::span<const std::byte> place(PageSafeBuffer& buffer, const ByteVector& datagram) {
    std::copy(datagram.begin(), datagram.end(), buffer.bytes.begin());
    return {buffer.bytes.data(), datagram.size()};
}

void set_bytes(benchmark::State& state, std::size_t message_size) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(message_size));
}

void parse_cobalt(benchmark::State& state, const ByteVector& datagram) {
    PageSafeBuffer input;
    gsl::span<const std::byte> bytes = place(input, datagram);
    const AllocationWindow window;
    for (auto _ : state) {
        benchmark::DoNotOptimize(bytes);
        const WalkDigest digest = cobalt_codec::parse_walk(bytes);
        benchmark::DoNotOptimize(digest);
        if (!digest.ok) {
            state.SkipWithError("cobalt failed to parse");
            break;
        }
    }
    window.report(state);
    set_bytes(state, datagram.size());
}

void parse_libcoap(benchmark::State& state, const ByteVector& datagram) {
    PageSafeBuffer input;
    gsl::span<const std::byte> bytes = place(input, datagram);
    std::vector<std::unique_ptr<libcoap_codec::Pdu>> pool;  // allocated outside the loop
    libcoap_codec::Pdu& pdu = page_safe_pdu(pool, bytes.size(), [&](libcoap_codec::Pdu& p) {
        (void)libcoap_codec::parse_walk(p, bytes);  // grows its buffer to size
    });
    const AllocationWindow window;
    for (auto _ : state) {
        benchmark::DoNotOptimize(bytes);
        const WalkDigest digest = libcoap_codec::parse_walk(pdu, bytes);
        benchmark::DoNotOptimize(digest);
        if (!digest.ok) {
            state.SkipWithError("libcoap failed to parse");
            break;
        }
    }
    window.report(state);
    set_bytes(state, datagram.size());
}

void write_cobalt(benchmark::State& state, const Sample& sample, std::size_t message_size) {
    PageSafeBuffer buffer;  // the caller's stack buffer
    const AllocationWindow window;
    for (auto _ : state) {
        const std::size_t written = cobalt_codec::write(sample, buffer.bytes);
        benchmark::DoNotOptimize(written);
        benchmark::ClobberMemory();
        if (written == 0) {
            state.SkipWithError("cobalt failed to write");
            break;
        }
    }
    window.report(state);
    set_bytes(state, message_size);
}

void write_libcoap(benchmark::State& state, const Sample& sample, std::size_t message_size) {
    std::vector<std::unique_ptr<libcoap_codec::Pdu>> pool;  // allocated outside the loop
    libcoap_codec::Pdu& pdu = page_safe_pdu(pool, message_size, [&](libcoap_codec::Pdu& p) {
        (void)libcoap_codec::write(p, sample);  // grows its buffer to size
    });
    const AllocationWindow window;
    for (auto _ : state) {
        const std::size_t header = libcoap_codec::write(pdu, sample);
        benchmark::DoNotOptimize(header);
        benchmark::ClobberMemory();
        if (header == 0) {
            state.SkipWithError("libcoap failed to write");
            break;
        }
    }
    window.report(state);
    set_bytes(state, message_size);
}

}  // namespace

void register_codec_benchmarks(const std::vector<Sample>& all,
                               const std::vector<ByteVector>& encodings) {
    const auto configure = [](benchmark::internal::Benchmark* b) {
        b->Unit(benchmark::kNanosecond);
    };
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Sample& sample = all[i];
        const ByteVector& bytes = encodings[i];
        const std::size_t size = bytes.size();
        configure(benchmark::RegisterBenchmark(
            benchmark_name("parse", sample.name, "libcoap").c_str(),
            [&bytes](benchmark::State& s) { parse_libcoap(s, bytes); }));
        configure(benchmark::RegisterBenchmark(
            benchmark_name("parse", sample.name, "cobalt").c_str(),
            [&bytes](benchmark::State& s) { parse_cobalt(s, bytes); }));
        configure(benchmark::RegisterBenchmark(
            benchmark_name("write", sample.name, "libcoap").c_str(),
            [&sample, size](benchmark::State& s) { write_libcoap(s, sample, size); }));
        configure(benchmark::RegisterBenchmark(
            benchmark_name("write", sample.name, "cobalt").c_str(),
            [&sample, size](benchmark::State& s) { write_cobalt(s, sample, size); }));
    }
}

}  // namespace bench
