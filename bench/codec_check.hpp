// bench/codec_check.hpp — the startup cross-check: both codecs must agree,
// byte for byte and option for option, before anything is timed.
#pragma once

#include "codec_samples.hpp"

#include <iosfwd>
#include <vector>

namespace bench {

/// For every sample: cobalt and libcoap encode it to identical bytes; both
/// parsers decode those bytes to the sample's header, token, option list and
/// payload; both timed parse-and-walk functions return the expected digest.
/// Fills `encodings` (one per sample, in order) and returns true when all hold;
/// otherwise explains the first mismatch on `err` and returns false.
bool verify_codecs(const std::vector<Sample>& all, std::vector<ByteVector>& encodings,
                   std::ostream& err);

}  // namespace bench
