// bench/codec_check.cpp — runs each codec once per sample, outside any timing,
// and compares encodings, decoded messages and digests.
#include "codec_check.hpp"

#include "cobalt_codec.hpp"
#include "libcoap_codec.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>

namespace bench {
namespace {

std::string hex(gsl::span<const std::byte> bytes) {
    std::string out;
    char two[4];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(two, sizeof two, "%02x", std::to_integer<unsigned>(bytes[i]));
        if (i != 0) out += ' ';
        out += two;
    }
    return out;
}

std::string dotted(std::uint8_t code) {
    char text[8];
    std::snprintf(text, sizeof text, "%u.%02u", unsigned{code} >> 5, unsigned{code} & 0x1fu);
    return text;
}

gsl::span<const std::byte> view(const ByteVector& v) {
    return {v.data(), v.size()};
}

void describe(std::ostream& err, const char* who, const std::optional<DecodedMessage>& got,
              const DecodedMessage& want) {
    if (!got) {
        err << "  " << who << " failed to parse the message\n";
        return;
    }
    err << "  " << who << ": type " << unsigned{got->type} << " (want " << unsigned{want.type}
        << "), code " << dotted(got->code) << " (want " << dotted(want.code) << "), MID "
        << got->message_id << ", token [" << hex(view(got->token)) << "], payload "
        << got->payload.size() << " bytes (want " << want.payload.size() << ")\n";
    for (const DecodedOption& o : got->options) {
        err << "    option " << o.number << " [" << hex(view(o.value)) << "]\n";
    }
    for (const DecodedOption& o : want.options) {
        err << "    wanted option " << o.number << " [" << hex(view(o.value)) << "]\n";
    }
}

void describe(std::ostream& err, const char* who, const WalkDigest& got, const WalkDigest& want) {
    err << "  " << who << " digest: ok " << got.ok << ", " << got.option_count
        << " options, number sum " << got.number_sum << ", " << got.value_bytes << " value bytes, "
        << got.payload_bytes << " payload bytes; want " << want.option_count << ", "
        << want.number_sum << ", " << want.value_bytes << ", " << want.payload_bytes << "\n";
}

bool verify_one(const Sample& sample, libcoap_codec::Pdu& pdu, ByteVector& encoding,
                std::ostream& err) {
    std::array<std::byte, max_message_size> buffer{};
    const std::size_t cobalt_length = cobalt_codec::write(sample, buffer);
    if (cobalt_length == 0) {
        err << sample.name << ": cobalt could not encode the sample\n";
        return false;
    }
    const gsl::span<const std::byte> cobalt_bytes(buffer.data(), cobalt_length);
    if (libcoap_codec::write(pdu, sample) == 0) {
        err << sample.name << ": libcoap could not encode the sample\n";
        return false;
    }
    const gsl::span<const std::byte> libcoap_bytes = libcoap_codec::encoded(pdu);
    if (!std::equal(cobalt_bytes.begin(), cobalt_bytes.end(), libcoap_bytes.begin(),
                    libcoap_bytes.end())) {
        err << sample.name << ": the encodings differ\n  cobalt  (" << cobalt_bytes.size()
            << " bytes): " << hex(cobalt_bytes) << "\n  libcoap (" << libcoap_bytes.size()
            << " bytes): " << hex(libcoap_bytes) << "\n";
        return false;
    }
    encoding.assign(cobalt_bytes.begin(), cobalt_bytes.end());

    const DecodedMessage want = expected_message(sample);
    const std::optional<DecodedMessage> by_cobalt = cobalt_codec::decode(view(encoding));
    const std::optional<DecodedMessage> by_libcoap = libcoap_codec::decode(pdu, view(encoding));
    if (!by_cobalt || !by_libcoap || *by_cobalt != want || *by_libcoap != want) {
        err << sample.name << ": the parsers disagree with the sample (" << hex(view(encoding))
            << ")\n";
        describe(err, "cobalt", by_cobalt, want);
        describe(err, "libcoap", by_libcoap, want);
        return false;
    }

    const WalkDigest want_digest = expected_digest(sample);
    const WalkDigest cobalt_digest = cobalt_codec::parse_walk(view(encoding));
    const WalkDigest libcoap_digest = libcoap_codec::parse_walk(pdu, view(encoding));
    if (cobalt_digest != want_digest || libcoap_digest != want_digest) {
        err << sample.name << ": the timed parse-and-walk functions disagree\n";
        describe(err, "cobalt", cobalt_digest, want_digest);
        describe(err, "libcoap", libcoap_digest, want_digest);
        return false;
    }
    return true;
}

}  // namespace

bool verify_codecs(const std::vector<Sample>& all, std::vector<ByteVector>& encodings,
                   std::ostream& err) {
    libcoap_codec::Pdu pdu;
    encodings.assign(all.size(), ByteVector{});
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!verify_one(all[i], pdu, encodings[i], err)) return false;
    }
    return true;
}

}  // namespace bench
