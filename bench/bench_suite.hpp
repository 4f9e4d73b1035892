// bench/bench_suite.hpp — what a benchmark program tells the shared runner:
// its name, its table's rows, and the untimed checks and registration to do
// before anything is timed.
#pragma once

#include "ratio_report.hpp"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace bench {

struct Suite {
    std::string program;        ///< "codec_bench": prefixes every message
    std::string summary;        ///< first line of --help
    std::string subject_title;  ///< first column of the table: "Message", "URI"
    std::vector<Subject> subjects;
    std::vector<std::string> operations;  ///< table order; "parse" rows are the gated ones
    /// Called once the flags are read: cross-checks both libraries and registers
    /// the benchmarks. False (after explaining on the stream) stops the program.
    std::function<bool(std::ostream&)> prepare;
};

/// The whole program: takes --markdown and --require-parse-speedup=X out of
/// argv, hands the rest to Google Benchmark (with a short default warm-up),
/// runs `prepare`, the benchmarks and the ratio table. Returns the exit status.
int run_suite(const Suite& suite, int argc, char** argv);

}  // namespace bench
