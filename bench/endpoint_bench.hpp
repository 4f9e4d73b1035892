// bench/endpoint_bench.hpp — the timed Endpoint scenarios of endpoint_bench:
// request/response exchanges between Endpoints in memory, and a server
// Endpoint alone answering pre-encoded requests. Owns what each scenario
// does, how virtual time advances, and the steady state it is measured in.
#pragma once

#include <string>
#include <vector>

namespace bench {

/// What the throughput table needs to know about one registered benchmark.
struct EndpointScenario {
    std::string name;         ///< the benchmark's name: "exchange/con_piggybacked"
    std::string description;  ///< one line for the Markdown legend
    /// Exchanges (request answered by its response) completed per benchmark iteration.
    int exchanges_per_iteration = 1;
};

/// Every scenario, in table order.
const std::vector<EndpointScenario>& endpoint_scenarios();

/// Registers one benchmark per scenario, named as in endpoint_scenarios(). Each
/// reports `allocs_per_iter` and items/s (exchanges per second) and fails (a
/// benchmark error) if any exchange does not end as the scenario expects.
void register_endpoint_benchmarks();

}  // namespace bench
