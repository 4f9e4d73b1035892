// bench/cobalt_codec.hpp — the cobalt side of each measured operation, one
// out-of-line call per operation (as on the libcoap side).
#pragma once

#include "codec_samples.hpp"

#include <gsl/span>

#include <cstddef>
#include <optional>

namespace bench::cobalt_codec {

/// Timed parse: MessageView::parse, then every option's number and value size
/// and the payload size are folded into the digest.
WalkDigest parse_walk(gsl::span<const std::byte> datagram) noexcept;

/// Timed write: MessageWriter into `buffer`; the encoded length, 0 on failure.
std::size_t write(const Sample& sample, gsl::span<std::byte> buffer) noexcept;

/// Untimed: everything the parser reports, for the startup cross-check.
std::optional<DecodedMessage> decode(gsl::span<const std::byte> datagram);

}  // namespace bench::cobalt_codec
