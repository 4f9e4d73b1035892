// bench/ratio_report.hpp — collects benchmark results while the normal display
// reporter prints them, then turns them into the libcoap/cobalt ratio table.
#pragma once

#include <benchmark/benchmark.h>

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bench {

/// What one row of the table is about: a sample message, a URI...
struct Subject {
    std::string name;         ///< short, used in benchmark names: "small_get"
    std::string description;  ///< one line for the Markdown legend
};

/// Benchmark name: "<operation>/<subject>/<library>", e.g. "parse/small_get/cobalt".
std::string benchmark_name(const std::string& operation, const std::string& subject,
                           const std::string& library);

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
    std::string subject;
    std::string operation;  ///< "parse", "write", "options"...
    std::optional<Measurement> libcoap;
    std::optional<Measurement> cobalt;

    /// libcoap ns/op divided by cobalt ns/op: how many times faster cobalt is.
    std::optional<double> ratio() const;
};

/// One row per operation and subject, operations outermost, both in the order given.
std::vector<RatioRow> ratio_rows(const std::vector<Subject>& subjects,
                                 const std::vector<std::string>& operations,
                                 const std::map<std::string, Measurement>& results);

/// The table as aligned text, or as Markdown (followed by the subject legend).
/// `subject_title` heads the first column ("Message", "URI").
void print_ratio_table(std::ostream& out, const std::string& subject_title,
                       const std::vector<Subject>& subjects, const std::vector<RatioRow>& rows,
                       bool markdown);

/// True when every parse row that ran has a ratio of at least `minimum`. Rows
/// filtered out entirely are not checked; a row with only one side measured,
/// or no parse row at all, is a failure. Explains failures on `err`.
bool parse_speedup_met(const std::vector<RatioRow>& rows, double minimum, std::ostream& err);

}  // namespace bench
