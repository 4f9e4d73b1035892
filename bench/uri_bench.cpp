// bench/uri_bench.cpp — the timed URI loops: parse, and parse plus
// decomposition into options, cobalt and libcoap, each with the heap
// allocations it makes per iteration as `allocs_per_iter`.
#include "uri_bench.hpp"

#include "alloc_window.hpp"
#include "cobalt_uri.hpp"
#include "libcoap_uri.hpp"
#include "ratio_report.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

namespace bench {
namespace {

template <class Parse>
void parse_loop(benchmark::State& state, const UriSample& sample, Parse parse) {
    const std::string_view text = sample.text;
    const AllocationWindow window;
    for (auto _ : state) {
        std::string_view input = text;
        benchmark::DoNotOptimize(input);
        const UriParts parts = parse(input);
        benchmark::DoNotOptimize(parts);
        if (!parts.ok) {
            state.SkipWithError("the URI did not parse");
            break;
        }
    }
    window.report(state);
}

void options_cobalt(benchmark::State& state, const UriSample& sample) {
    const std::string_view text = sample.text;
    cobalt_uri::OptionList list;  // the caller's, reused
    const AllocationWindow window;
    for (auto _ : state) {
        std::string_view input = text;
        benchmark::DoNotOptimize(input);
        const std::size_t count = cobalt_uri::to_options(input, sample.destination_port, list);
        benchmark::DoNotOptimize(count);
        benchmark::ClobberMemory();
        if (count == 0) {
            state.SkipWithError("cobalt failed to decompose the URI");
            break;
        }
    }
    window.report(state);
}

void options_libcoap(benchmark::State& state, const UriSample& sample) {
    const std::string_view text = sample.text;
    const libcoap_uri::Destination destination(sample.destination_address, sample.destination_port);
    const AllocationWindow window;
    for (auto _ : state) {
        std::string_view input = text;
        benchmark::DoNotOptimize(input);
        coap_optlist_t* chain = nullptr;
        const int count = libcoap_uri::to_options(input, destination, &chain);
        benchmark::DoNotOptimize(count);
        benchmark::DoNotOptimize(chain);
        libcoap_uri::free_options(chain);
        if (count < 0) {
            state.SkipWithError("libcoap failed to decompose the URI");
            break;
        }
    }
    window.report(state);
}

}  // namespace

void register_uri_benchmarks(const std::vector<UriSample>& all) {
    const auto add = [](const std::string& name, auto body) {
        benchmark::RegisterBenchmark(name.c_str(), body)->Unit(benchmark::kNanosecond);
    };
    for (const UriSample& sample : all) {
        const UriSample* s = &sample;
        add(benchmark_name("parse", s->name, "libcoap"),
            [s](benchmark::State& state) { parse_loop(state, *s, libcoap_uri::parse); });
        add(benchmark_name("parse", s->name, "cobalt"),
            [s](benchmark::State& state) { parse_loop(state, *s, cobalt_uri::parse); });
        add(benchmark_name("options", s->name, "libcoap"),
            [s](benchmark::State& state) { options_libcoap(state, *s); });
        add(benchmark_name("options", s->name, "cobalt"),
            [s](benchmark::State& state) { options_cobalt(state, *s); });
    }
}

}  // namespace bench
