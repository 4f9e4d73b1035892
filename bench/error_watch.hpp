// bench/error_watch.hpp — ErrorWatch: a Google Benchmark reporter that passes
// every run on to another and counts the runs that failed their own checks
// (SkipWithError), so that a benchmark program can exit non-zero on them.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace bench {

class ErrorWatch final : public benchmark::BenchmarkReporter {
  public:
    explicit ErrorWatch(benchmark::BenchmarkReporter& next) noexcept : next_(next) {}
    bool ReportContext(const Context& context) override { return next_.ReportContext(context); }
    void ReportRuns(const std::vector<Run>& reports) override {
        for (const Run& run : reports)
            if (run.error_occurred) ++errors_;
        next_.ReportRuns(reports);
    }
    void Finalize() override { next_.Finalize(); }
    std::size_t errors() const noexcept { return errors_; }

  private:
    benchmark::BenchmarkReporter& next_;
    std::size_t errors_ = 0;
};

}  // namespace bench
