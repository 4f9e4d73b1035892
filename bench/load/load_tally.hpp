// load_tally.hpp — what a load run counts: requests by outcome (right answer,
// wrong answer, error by kind) and latencies, and the one-screen report.
#pragma once

#include <coap/error.hpp>
#include <coap/time.hpp>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace cobalt_load {

struct Tally {
    std::uint64_t right = 0;
    /// Answers whose code or body was not what the request must get: a bug.
    std::uint64_t wrong = 0;
    /// 5.03 Service Unavailable: the server shedding load, counted apart.
    std::uint64_t shed = 0;
    std::map<std::string, std::uint64_t> errors;
    std::map<std::string, std::uint64_t> by_scenario;
    std::vector<std::int64_t> latency_ms;
    std::vector<std::string> first_wrong;

    void answer(const std::string& scenario, bool correct, coap::Duration latency,
                const std::string& what = {});
    void error(const std::string& scenario, const coap::Error& error, coap::Duration latency);
    std::uint64_t requests() const;
};

/// The report: totals, requests per second over `elapsed`, latency
/// percentiles, errors by kind and the first wrong answers.
void print_report(std::ostream& out, const Tally& tally, coap::Duration elapsed);

}  // namespace cobalt_load
