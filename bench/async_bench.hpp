// bench/async_bench.hpp — the timed scenarios of async_bench: one GET and its
// piggybacked 2.05 per iteration, either between two raw Endpoints (the
// baseline) or between two Drivers on the in-memory loopback transports, in
// each of the async API's forms. Owns what each scenario sends and answers;
// the runner and the table live in async_main.cpp.
#pragma once

#include <string>
#include <vector>

namespace bench {

/// What the table needs to know about one registered benchmark.
struct AsyncScenario {
    std::string name;         ///< the benchmark's name: "await/con"
    std::string baseline;     ///< the raw scenario its ratio is taken against ("" for a raw one)
    std::string description;  ///< one line for the Markdown legend
};

/// Every scenario, in table order.
const std::vector<AsyncScenario>& async_scenarios();

/// Registers one benchmark per scenario, named as in async_scenarios(). One
/// iteration is one request answered by its response; each reports
/// `allocs_per_iter` and items/s, and fails (a benchmark error) if a request
/// does not end with its 2.05 or anything is retransmitted, refused or dropped.
void register_async_benchmarks();

}  // namespace bench
