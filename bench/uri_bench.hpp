// bench/uri_bench.hpp — registers the URI benchmarks with Google Benchmark.
#pragma once

#include "uri_samples.hpp"

#include <vector>

namespace bench {

/// Registers "parse" and "options", libcoap then cobalt, for every sample,
/// named "<operation>/<sample>/<library>". `all` must outlive the run.
void register_uri_benchmarks(const std::vector<UriSample>& all);

}  // namespace bench
