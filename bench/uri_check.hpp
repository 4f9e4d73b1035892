// bench/uri_check.hpp — the startup cross-check for the URI benchmarks: both
// libraries must report the same components and the same options.
#pragma once

#include "uri_samples.hpp"

#include <iosfwd>
#include <vector>

namespace bench {

/// For every sample: both timed parse functions report the sample's host,
/// port, path and query; both timed parse-and-decompose functions produce
/// exactly the sample's options (numbers, values, order). True when all hold;
/// otherwise explains the first mismatch on `err` and returns false.
bool verify_uris(const std::vector<UriSample>& all, std::ostream& err);

}  // namespace bench
