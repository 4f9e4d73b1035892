// load_tally.cpp — counting outcomes of a load run and printing the report.
#include "load_tally.hpp"

#include <algorithm>
#include <iomanip>

namespace cobalt_load {

void Tally::answer(const std::string& scenario, bool correct, coap::Duration latency,
                   const std::string& what) {
    ++by_scenario[scenario];
    latency_ms.push_back(latency.ms);
    if (correct) {
        ++right;
        return;
    }
    ++wrong;
    if (first_wrong.size() < 10) first_wrong.push_back(scenario + ": " + what);
}

void Tally::error(const std::string& scenario, const coap::Error& error, coap::Duration latency) {
    ++by_scenario[scenario];
    latency_ms.push_back(latency.ms);
    if (error.kind == coap::ErrorKind::server_error &&
        error.code == coap::codes::service_unavailable) {
        ++shed;
        return;
    }
    ++errors[coap::to_string(error)];
}

std::uint64_t Tally::requests() const {
    std::uint64_t total = right + wrong + shed;
    for (const auto& [kind, count] : errors)
        total += count;
    return total;
}

namespace {

std::int64_t percentile(std::vector<std::int64_t> sorted, double fraction) {
    if (sorted.empty()) return 0;
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
    return sorted[index];
}

}  // namespace

void print_report(std::ostream& out, const Tally& tally, coap::Duration elapsed) {
    std::vector<std::int64_t> sorted = tally.latency_ms;
    std::sort(sorted.begin(), sorted.end());
    const double seconds = static_cast<double>(elapsed.ms) / 1000.0;
    const auto total = tally.requests();
    out << "requests " << total << " in " << std::fixed << std::setprecision(1) << seconds
        << " s: " << std::setprecision(0)
        << (seconds > 0 ? static_cast<double>(total) / seconds : 0.0) << " per second\n";
    out << "right " << tally.right << ", wrong " << tally.wrong << ", 5.03 " << tally.shed
        << ", other errors " << total - tally.right - tally.wrong - tally.shed << "\n";
    out << "latency ms: p50 " << percentile(sorted, 0.5) << ", p99 " << percentile(sorted, 0.99)
        << ", max " << (sorted.empty() ? 0 : sorted.back()) << "\n";
    for (const auto& [scenario, count] : tally.by_scenario)
        out << "  " << scenario << ": " << count << "\n";
    for (const auto& [kind, count] : tally.errors)
        out << "  error " << kind << ": " << count << "\n";
    for (const auto& what : tally.first_wrong)
        out << "  WRONG " << what << "\n";
}

}  // namespace cobalt_load
