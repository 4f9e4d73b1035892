// bench/async_main.cpp — async_bench: what the async layer (Driver, send
// descriptors, coroutines, callbacks, ResourceTree) costs per request on top of
// the raw Endpoints, measured side by side in one process. The runner
// conventions are endpoint_bench's: --markdown, Google Benchmark flags passed
// through, a short default warm-up, CPU time, the median when there are
// repetitions, and a failure exit when a scenario fails its own checks.
#include "alloc_window.hpp"
#include "async_bench.hpp"
#include "error_watch.hpp"
#include "ratio_report.hpp"
#include "text_table.hpp"

#include <benchmark/benchmark.h>

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
    std::cout << "async_bench: cost per request of the async layer over raw Endpoints.\n"
                 "  --markdown  also print the table as Markdown\n"
                 "Google Benchmark flags:\n";
    benchmark::PrintDefaultHelp();
}

/// A plain malloc, for the counter's self-check.
void malloc_probe() {
    static void* volatile sink = nullptr;
    sink = std::malloc(24);
    std::free(sink);
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

void print_table(std::ostream& out, const std::map<std::string, bench::Measurement>& results,
                 bool markdown) {
    std::vector<bench::TextRow> rows;
    for (const bench::AsyncScenario& scenario : bench::async_scenarios()) {
        const auto found = results.find(scenario.name);
        if (found == results.end()) continue;
        const bench::Measurement& m = found->second;
        std::string ratio = "1.00x";
        if (!scenario.baseline.empty()) {
            const auto base = results.find(scenario.baseline);
            ratio = base == results.end() ? "n/a"
                                          : format("%.2fx", m.ns_per_op / base->second.ns_per_op);
        }
        const std::string allocs =
            m.allocs_per_iter < 0 ? "n/a" : format("%.3g", m.allocs_per_iter);
        rows.push_back({scenario.name, format("%.1f", m.ns_per_op), rate_text(1e9 / m.ns_per_op),
                        ratio, scenario.baseline.empty() ? "-" : scenario.baseline, allocs});
    }
    if (rows.empty()) return;
    if (markdown) {
        out << "| Scenario | ns per request | Requests/s | × raw | Raw baseline | Allocations "
               "per request |\n"
               "|---|--:|--:|--:|---|--:|\n";
        bench::print_markdown_rows(out, rows);
        out << "\n";
        for (const bench::AsyncScenario& scenario : bench::async_scenarios())
            out << "- `" << scenario.name << "`: " << scenario.description << "\n";
        return;
    }
    out << "\nper request (one GET and its 2.05), CPU time of one core running client and server\n";
    bench::print_aligned(
        out, {"Scenario", "ns/request", "requests/s", "x raw", "baseline", "allocs/request"}, rows,
        bench::Align::first_left_rest_right);
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

    if (!bench::verify_alloc_counter(std::cerr, malloc_probe)) {
        std::cerr << "async_bench: allocation counting is broken in this build\n";
        return EXIT_FAILURE;
    }
    bench::register_async_benchmarks();

    const std::unique_ptr<benchmark::BenchmarkReporter> display(
        benchmark::CreateDefaultDisplayReporter());
    bench::CollectingReporter collector(*display);
    bench::ErrorWatch watch(collector);
    benchmark::RunSpecifiedBenchmarks(&watch);
    benchmark::Shutdown();

    std::cout.flush();
    std::ostream& table = table_to_stderr ? std::cerr : std::cout;
    print_table(table, collector.results(), false);
    if (markdown) {
        table << "\n";
        print_table(table, collector.results(), true);
    }
    table.flush();

    if (watch.errors() != 0) {
        std::cerr << "async_bench: " << watch.errors()
                  << " benchmark(s) failed their own checks (see above)\n";
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
