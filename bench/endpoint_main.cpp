// bench/endpoint_main.cpp — endpoint_bench: exchanges per second between
// Endpoints in memory, requests per second through a server Endpoint alone,
// and the bytes of state per table slot. cobalt only: libcoap has no
// in-memory equivalent, so every figure is absolute. The runner conventions
// are codec_bench's: --markdown, Google Benchmark flags passed through, a
// short default warm-up, CPU time, the median when there are repetitions.
#include "alloc_window.hpp"
#include "endpoint_bench.hpp"
#include "endpoint_state_size.hpp"
#include "error_watch.hpp"
#include "ratio_report.hpp"
#include "text_table.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view markdown_flag = "--markdown";
constexpr std::string_view format_flag = "--benchmark_format=";
constexpr std::string_view warmup_flag = "--benchmark_min_warmup_time=";
constexpr std::string_view default_warmup_seconds = "0.05";

void print_help() {
    std::cout << "endpoint_bench: cobalt Endpoint exchanges in memory, a server Endpoint alone, "
                 "and bytes of state.\n"
                 "  --markdown  also print both tables as Markdown\n"
                 "Google Benchmark flags:\n";
    benchmark::PrintDefaultHelp();
}

/// A plain malloc, for the counter's self-check.
void malloc_probe() {
    static void* volatile sink = nullptr;
    sink = std::malloc(24);
    std::free(sink);
}

/// The counter must see operator new and malloc, and count the bytes asked for.
bool counter_works(std::ostream& err) {
    if (!bench::verify_alloc_counter(err, malloc_probe)) return false;
    if (!bench::alloc_counter::available()) return true;
    const std::uint64_t before = bench::alloc_counter::allocated_bytes();
    static char* volatile sink = nullptr;
    sink = new char[1000];
    delete[] sink;
    if (bench::alloc_counter::allocated_bytes() - before < 1000) {
        err << "the allocation counter missed the bytes of a 1000-byte new[]\n";
        return false;
    }
    return true;
}

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string rate_text(double per_second) {
    if (per_second >= 1e6) return format("%.2fM", per_second / 1e6);
    return format("%.0fk", per_second / 1e3);
}

void print_throughput(std::ostream& out, const std::map<std::string, bench::Measurement>& results,
                      bool markdown) {
    std::vector<std::vector<std::string>> rows;
    for (const bench::EndpointScenario& scenario : bench::endpoint_scenarios()) {
        const auto found = results.find(scenario.name);
        if (found == results.end()) continue;
        const bench::Measurement& m = found->second;
        const double per_iteration = scenario.exchanges_per_iteration;
        const double ns = m.ns_per_op / per_iteration;
        const std::string allocs =
            m.allocs_per_iter < 0 ? "n/a" : format("%.3g", m.allocs_per_iter / per_iteration);
        rows.push_back({scenario.name, format("%.1f", ns), rate_text(1e9 / ns), allocs});
    }
    if (rows.empty()) return;
    const std::vector<std::string> header = {"Scenario", "ns/exchange", "exchanges/s",
                                             "allocs/exchange"};
    if (markdown) {
        out << "| Scenario | ns per exchange | Exchanges/s | Allocations per exchange |\n"
               "|---|--:|--:|--:|\n";
        bench::print_markdown_rows(out, rows);
        out << "\n";
        for (const bench::EndpointScenario& scenario : bench::endpoint_scenarios())
            out << "- `" << scenario.name << "`: " << scenario.description << "\n";
        out << "\nOne core runs every Endpoint of a scenario: ns per exchange is the CPU time "
               "of the whole exchange, client and server together (server/…: the server "
               "only). Exchanges/s is 1e9 divided by it. Absolute figures: libcoap has no "
               "in-memory equivalent to compare with.\n";
        return;
    }
    out << "\nexchanges per second, CPU time of one core running every Endpoint involved\n";
    bench::print_aligned(out, header, rows, bench::Align::first_left_rest_right);
}

}  // namespace

int main(int argc, char** argv) {
    bool markdown = false;
    bool table_to_stderr = false;  // --benchmark_format=json|csv keeps stdout machine-readable
    bool warmup_given = false;
    std::vector<char*> args;
    args.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == markdown_flag) {
            markdown = true;
            continue;
        }
        if (arg.substr(0, format_flag.size()) == format_flag &&
            arg.substr(format_flag.size()) != "console")
            table_to_stderr = true;
        if (arg.substr(0, warmup_flag.size()) == warmup_flag) warmup_given = true;
        args.push_back(argv[i]);
    }
    std::string warmup = std::string(warmup_flag) + std::string(default_warmup_seconds);
    if (!warmup_given) args.push_back(warmup.data());
    args.push_back(nullptr);
    int arg_count = static_cast<int>(args.size()) - 1;
    benchmark::Initialize(&arg_count, args.data(), print_help);
    if (benchmark::ReportUnrecognizedArguments(arg_count, args.data())) return EXIT_FAILURE;

    if (!counter_works(std::cerr)) {
        std::cerr << "endpoint_bench: allocation counting is broken in this build\n";
        return EXIT_FAILURE;
    }
    const std::vector<bench::StateSize> sizes = bench::measure_state_sizes({1152, 256});
    bench::register_endpoint_benchmarks();

    const std::unique_ptr<benchmark::BenchmarkReporter> display(
        benchmark::CreateDefaultDisplayReporter());
    bench::CollectingReporter collector(*display);
    bench::ErrorWatch watch(collector);
    benchmark::RunSpecifiedBenchmarks(&watch);
    benchmark::Shutdown();

    std::cout.flush();
    std::ostream& table = table_to_stderr ? std::cerr : std::cout;
    print_throughput(table, collector.results(), false);
    bench::print_state_sizes(table, sizes, false);
    if (markdown) {
        table << "\n";
        print_throughput(table, collector.results(), true);
        table << "\n";
        bench::print_state_sizes(table, sizes, true);
    }
    table.flush();

    if (watch.errors() != 0) {
        std::cerr << "endpoint_bench: " << watch.errors()
                  << " benchmark(s) failed their own checks (see above)\n";
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
