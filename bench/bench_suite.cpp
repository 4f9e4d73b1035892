// bench/bench_suite.cpp — the runner shared by the benchmark programs: own
// flags out of argv, the rest to Google Benchmark, the collecting reporter,
// the ratio table and --require-parse-speedup.
#include "bench_suite.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

namespace bench {
namespace {

constexpr std::string_view speedup_flag = "--require-parse-speedup=";
constexpr std::string_view markdown_flag = "--markdown";
constexpr std::string_view format_flag = "--benchmark_format=";
constexpr std::string_view warmup_flag = "--benchmark_min_warmup_time=";
constexpr std::string_view default_warmup_seconds = "0.05";

struct Flags {
    std::optional<double> required_parse_speedup;
    bool markdown = false;
    bool table_to_stderr = false;  ///< --benchmark_format=json|csv keeps stdout machine-readable
    bool warmup_given = false;     ///< --benchmark_min_warmup_time given: do not override it
};

const Suite* current_suite = nullptr;  // for the help printer, which takes no argument

void print_help() {
    std::cout << current_suite->program << ": " << current_suite->summary << "\n"
              << "  --require-parse-speedup=X  exit 1 unless every parse ratio libcoap/cobalt "
                 "is >= X\n"
                 "  --markdown                 also print the ratio table as Markdown\n"
                 "Google Benchmark flags:\n";
    benchmark::PrintDefaultHelp();
}

/// Removes this program's flags from argv; nullopt (after a message) on a bad value.
std::optional<Flags> take_own_flags(const Suite& suite, int& argc, char** argv) {
    Flags flags;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.substr(0, speedup_flag.size()) == speedup_flag) {
            const char* text = argv[i] + speedup_flag.size();
            char* end = nullptr;
            const double value = std::strtod(text, &end);
            if (end == text || *end != '\0' || !std::isfinite(value) || value <= 0) {
                std::cerr << suite.program
                          << ": --require-parse-speedup wants a positive ratio, got '" << text
                          << "'\n";
                return std::nullopt;
            }
            flags.required_parse_speedup = value;
        } else if (arg == markdown_flag) {
            flags.markdown = true;
        } else {
            if (arg.substr(0, format_flag.size()) == format_flag &&
                arg.substr(format_flag.size()) != "console") {
                flags.table_to_stderr = true;
            }
            if (arg.substr(0, warmup_flag.size()) == warmup_flag) flags.warmup_given = true;
            argv[kept++] = argv[i];
        }
    }
    argv[kept] = nullptr;
    argc = kept;
    return flags;
}

}  // namespace

int run_suite(const Suite& suite, int argc, char** argv) {
    current_suite = &suite;
    const std::optional<Flags> flags = take_own_flags(suite, argc, argv);
    if (!flags) return EXIT_FAILURE;
    // Unless told otherwise, every benchmark gets a short untimed warm-up, so
    // that the first one in the process (a libcoap one) does not pay for cold
    // caches and a sleepy CPU.
    std::vector<char*> args(argv, argv + argc);
    std::string warmup = std::string(warmup_flag) + std::string(default_warmup_seconds);
    if (!flags->warmup_given) args.push_back(warmup.data());
    args.push_back(nullptr);
    int arg_count = static_cast<int>(args.size()) - 1;
    benchmark::Initialize(&arg_count, args.data(), print_help);
    if (benchmark::ReportUnrecognizedArguments(arg_count, args.data())) return EXIT_FAILURE;

    if (!suite.prepare(std::cerr)) {
        std::cerr << suite.program << ": nothing was measured\n";
        return EXIT_FAILURE;
    }

    const std::unique_ptr<benchmark::BenchmarkReporter> display(
        benchmark::CreateDefaultDisplayReporter());
    CollectingReporter collector(*display);
    benchmark::RunSpecifiedBenchmarks(&collector);
    benchmark::Shutdown();

    const std::vector<RatioRow> rows =
        ratio_rows(suite.subjects, suite.operations, collector.results());
    std::cout.flush();
    std::ostream& table = flags->table_to_stderr ? std::cerr : std::cout;
    if (!collector.results().empty()) {
        print_ratio_table(table, suite.subject_title, suite.subjects, rows, false);
        if (flags->markdown) {
            table << "\n";
            print_ratio_table(table, suite.subject_title, suite.subjects, rows, true);
        }
    }
    table.flush();

    if (flags->required_parse_speedup &&
        !parse_speedup_met(rows, *flags->required_parse_speedup, std::cerr)) {
        std::cerr << suite.program << ": parse speed-up requirement not met\n";
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

}  // namespace bench
