// bench/codec_bench.hpp — registers the codec benchmarks with Google Benchmark.
#pragma once

#include "codec_samples.hpp"

#include <string>
#include <vector>

namespace bench {

inline constexpr const char* allocs_counter_name = "allocs_per_iter";

/// Benchmark name: "<operation>/<sample>/<library>", e.g. "parse/small_get/cobalt".
std::string benchmark_name(const std::string& operation, const std::string& sample,
                           const std::string& library);

/// Registers parse and write, libcoap then cobalt, for every sample. `encodings`
/// holds each sample's verified bytes; both vectors must outlive the run.
void register_codec_benchmarks(const std::vector<Sample>& all,
                               const std::vector<ByteVector>& encodings);

}  // namespace bench
