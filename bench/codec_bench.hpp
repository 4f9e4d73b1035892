// bench/codec_bench.hpp — registers the codec benchmarks with Google Benchmark.
#pragma once

#include "codec_samples.hpp"

#include <vector>

namespace bench {

/// Registers parse and write, libcoap then cobalt, for every sample, named
/// "<operation>/<sample>/<library>". `encodings` holds each sample's verified
/// bytes; both vectors must outlive the run.
void register_codec_benchmarks(const std::vector<Sample>& all,
                               const std::vector<ByteVector>& encodings);

}  // namespace bench
