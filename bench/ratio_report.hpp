// bench/ratio_report.hpp — collects benchmark results while the normal display
// reporter prints them, then turns them into the libcoap/cobalt ratio table.
#pragma once

#include "codec_samples.hpp"

#include <benchmark/benchmark.h>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench {

/// One benchmark's figures: the median over repetitions when there are
/// several, else the single run.
struct Measurement {
    double ns_per_op = 0;
    double allocs_per_iter = -1;  ///< -1 when not measured
};

/// A reporter that forwards everything to `display` (the console reporter, or
/// whatever --benchmark_format chose) and remembers each benchmark's figures.
class CollectingReporter final : public benchmark::BenchmarkReporter {
  public:
    explicit CollectingReporter(benchmark::BenchmarkReporter& display) noexcept
        : display_(display) {}

    bool ReportContext(const Context& context) override;
    void ReportRuns(const std::vector<Run>& reports) override;
    void Finalize() override;

    /// Keyed by benchmark name ("parse/small_get/cobalt"); filled by Finalize().
    const std::map<std::string, Measurement>& results() const noexcept { return results_; }

  private:
    struct Seen {
        std::vector<Measurement> iterations;
        std::optional<Measurement> median;
        std::optional<Measurement> mean;
    };

    benchmark::BenchmarkReporter& display_;
    std::map<std::string, Seen> seen_;
    std::map<std::string, Measurement> results_;
};

/// One line of the ratio table.
struct RatioRow {
    std::string sample;
    std::string operation;  ///< "parse" or "write"
    std::optional<Measurement> libcoap;
    std::optional<Measurement> cobalt;

    /// libcoap ns/op divided by cobalt ns/op: how many times faster cobalt is.
    std::optional<double> ratio() const;
};

std::vector<RatioRow> ratio_rows(const std::vector<Sample>& all,
                                 const std::map<std::string, Measurement>& results);

/// The table as aligned text, or as Markdown (followed by the sample legend).
void print_ratio_table(std::ostream& out, const std::vector<Sample>& all,
                       const std::vector<RatioRow>& rows, bool markdown);

/// True when every parse row that ran has a ratio of at least `minimum`. Rows
/// filtered out entirely are not checked; a row with only one side measured,
/// or no parse row at all, is a failure. Explains failures on `err`.
bool parse_speedup_met(const std::vector<RatioRow>& rows, double minimum, std::ostream& err);

}  // namespace bench
