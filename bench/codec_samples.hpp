// bench/codec_samples.hpp — the three sample messages both codecs are measured
// on, described field by field, and the neutral shapes a decoder reports.
// Owns what is measured; knows nothing about either library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bench {

using ByteVector = std::vector<std::byte>;

/// Room for the largest sample (the Block2 response is about 1.05 KiB).
inline constexpr std::size_t max_message_size = 1280;

/// One option of a sample. Integer options are written through each library's
/// own integer encoder; `value` always holds the minimal encoding as well.
struct SampleOption {
    std::uint16_t number = 0;
    bool is_uint = false;
    std::uint32_t uint_value = 0;
    ByteVector value;
};

struct Sample {
    std::string name;         ///< short, used in benchmark names: "small_get"
    std::string description;  ///< one line for the ratio table
    std::uint8_t type = 0;    ///< 0 CON, 1 NON, 2 ACK, 3 RST
    std::uint8_t code = 0;    ///< raw code byte (class << 5 | detail)
    std::uint16_t message_id = 0;
    ByteVector token;
    std::vector<SampleOption> options;  ///< ascending by number
    ByteVector payload;
};

/// The samples, built once: small_get, content_64, block2_1024.
const std::vector<Sample>& samples();

/// One option as a parser reports it.
struct DecodedOption {
    std::uint16_t number = 0;
    ByteVector value;
    friend bool operator==(const DecodedOption&, const DecodedOption&) = default;
};

/// Everything a parser reports about a message, for the startup cross-check.
struct DecodedMessage {
    std::uint8_t type = 0;
    std::uint8_t code = 0;
    std::uint16_t message_id = 0;
    ByteVector token;
    std::vector<DecodedOption> options;
    ByteVector payload;
    friend bool operator==(const DecodedMessage&, const DecodedMessage&) = default;
};

/// What a timed parse-and-walk returns: cheap to fold, equal across parsers
/// that saw the same options and payload.
struct WalkDigest {
    bool ok = false;
    std::uint32_t option_count = 0;
    std::uint32_t number_sum = 0;
    std::size_t value_bytes = 0;
    std::size_t payload_bytes = 0;
    friend bool operator==(const WalkDigest&, const WalkDigest&) = default;
};

/// The message a correct parser must report for `sample`.
DecodedMessage expected_message(const Sample& sample);
/// The digest a correct parse-and-walk must return for `sample`.
WalkDigest expected_digest(const Sample& sample);

}  // namespace bench
