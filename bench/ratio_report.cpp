// bench/ratio_report.cpp — the collecting reporter and the ratio table
// (libcoap ns/op ÷ cobalt ns/op per subject and operation).
#include "ratio_report.hpp"

#include "alloc_window.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace bench {
namespace {

Measurement measurement_of(const benchmark::BenchmarkReporter::Run& run) {
    Measurement m;
    // CPU time of the benchmark thread: on a shared machine, wall time also counts
    // the moments other processes held the core (seen as 30% swings in one run).
    m.ns_per_op = run.GetAdjustedCPUTime() * 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit);
    const auto counter = run.counters.find(allocs_counter_name);
    if (counter != run.counters.end()) m.allocs_per_iter = counter->second.value;
    return m;
}

std::string format(const char* pattern, double value) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value);
    return text;
}

std::string ns_text(const std::optional<Measurement>& m) {
    return m ? format("%.1f", m->ns_per_op) : "n/a";
}

std::string allocs_text(const std::optional<Measurement>& m) {
    if (!m || m->allocs_per_iter < 0) return "n/a";
    return format("%.3g", m->allocs_per_iter);
}

std::string ratio_text(const RatioRow& row) {
    const std::optional<double> r = row.ratio();
    return r ? format("%.2fx", *r) : "n/a";
}

std::string padded(const std::string& text, std::size_t width, bool right) {
    if (text.size() >= width) return text;
    const std::string fill(width - text.size(), ' ');
    return right ? fill + text : text + fill;
}

}  // namespace

bool CollectingReporter::ReportContext(const Context& context) {
    return display_.ReportContext(context);
}

void CollectingReporter::ReportRuns(const std::vector<Run>& reports) {
    for (const Run& run : reports) {
        if (run.error_occurred) continue;
        Seen& seen = seen_[run.run_name.function_name];
        if (run.run_type == Run::RT_Iteration) {
            seen.iterations.push_back(measurement_of(run));
        } else if (run.aggregate_name == "median") {
            seen.median = measurement_of(run);
        } else if (run.aggregate_name == "mean") {
            seen.mean = measurement_of(run);
        }
    }
    display_.ReportRuns(reports);
}

void CollectingReporter::Finalize() {
    display_.Finalize();
    results_.clear();
    for (const auto& [name, seen] : seen_) {
        if (seen.median) {
            results_[name] = *seen.median;
        } else if (seen.mean) {
            results_[name] = *seen.mean;
        } else if (!seen.iterations.empty()) {
            Measurement sum{0, 0};
            for (const Measurement& m : seen.iterations) {
                sum.ns_per_op += m.ns_per_op;
                sum.allocs_per_iter += m.allocs_per_iter;
            }
            const auto n = static_cast<double>(seen.iterations.size());
            results_[name] = Measurement{sum.ns_per_op / n, sum.allocs_per_iter / n};
        }
    }
}

std::string benchmark_name(const std::string& operation, const std::string& subject,
                           const std::string& library) {
    return operation + "/" + subject + "/" + library;
}

std::optional<double> RatioRow::ratio() const {
    if (!libcoap || !cobalt || cobalt->ns_per_op <= 0) return std::nullopt;
    return libcoap->ns_per_op / cobalt->ns_per_op;
}

std::vector<RatioRow> ratio_rows(const std::vector<Subject>& subjects,
                                 const std::vector<std::string>& operations,
                                 const std::map<std::string, Measurement>& results) {
    auto find = [&](const std::string& name) -> std::optional<Measurement> {
        const auto it = results.find(name);
        if (it == results.end()) return std::nullopt;
        return it->second;
    };
    std::vector<RatioRow> rows;
    for (const std::string& operation : operations) {
        for (const Subject& subject : subjects) {
            RatioRow row;
            row.subject = subject.name;
            row.operation = operation;
            row.libcoap = find(benchmark_name(operation, subject.name, "libcoap"));
            row.cobalt = find(benchmark_name(operation, subject.name, "cobalt"));
            rows.push_back(std::move(row));
        }
    }
    return rows;
}

void print_ratio_table(std::ostream& out, const std::string& subject_title,
                       const std::vector<Subject>& subjects, const std::vector<RatioRow>& rows,
                       bool markdown) {
    const std::vector<std::string> header = {subject_title,     "op",
                                             "libcoap ns/op",   "cobalt ns/op",
                                             "libcoap/cobalt",  "allocs/op libcoap",
                                             "allocs/op cobalt"};
    std::vector<std::vector<std::string>> cells;
    for (const RatioRow& row : rows) {
        if (!row.libcoap && !row.cobalt) continue;  // filtered out
        cells.push_back({row.subject, row.operation, ns_text(row.libcoap), ns_text(row.cobalt),
                         ratio_text(row), allocs_text(row.libcoap), allocs_text(row.cobalt)});
    }

    if (markdown) {
        out << "| " << subject_title
            << " | Operation | libcoap ns/op | cobalt ns/op | libcoap / cobalt | "
               "allocs/op libcoap | allocs/op cobalt |\n"
               "|---|---|--:|--:|--:|--:|--:|\n";
        for (const auto& line : cells) {
            out << "|";
            for (const std::string& cell : line)
                out << " " << cell << " |";
            out << "\n";
        }
        out << "\n";
        for (const Subject& subject : subjects)
            out << "- `" << subject.name << "`: " << subject.description << "\n";
        return;
    }

    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = header[c].size();
        for (const auto& line : cells)
            widths[c] = std::max(widths[c], line[c].size());
    }
    out << "\nlibcoap/cobalt = libcoap ns/op divided by cobalt ns/op (above 1: cobalt is faster)\n";
    for (std::size_t c = 0; c < header.size(); ++c)
        out << (c ? "  " : "") << padded(header[c], widths[c], c >= 2);
    out << "\n";
    for (const auto& line : cells) {
        for (std::size_t c = 0; c < line.size(); ++c)
            out << (c ? "  " : "") << padded(line[c], widths[c], c >= 2);
        out << "\n";
    }
}

bool parse_speedup_met(const std::vector<RatioRow>& rows, double minimum, std::ostream& err) {
    bool met = true;
    std::size_t checked = 0;
    for (const RatioRow& row : rows) {
        if (row.operation != "parse" || (!row.libcoap && !row.cobalt)) continue;
        ++checked;
        const std::optional<double> r = row.ratio();
        if (!r) {
            err << "parse/" << row.subject
                << ": no ratio (filtered out or failed), required at least "
                << format("%.2f", minimum) << "\n";
            met = false;
        } else if (*r < minimum) {
            err << "parse/" << row.subject << ": libcoap/cobalt " << format("%.2f", *r)
                << " is below the required " << format("%.2f", minimum) << "\n";
            met = false;
        }
    }
    if (checked == 0) {
        err << "no parse benchmark ran, so the required parse speed-up could not be checked\n";
        return false;
    }
    return met;
}

}  // namespace bench
