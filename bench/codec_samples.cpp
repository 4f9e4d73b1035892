// bench/codec_samples.cpp — builds the three sample messages (a small GET, a
// 2.05 with 3 options and 64 bytes, a Block2 2.05 with 1024 bytes) and the
// decoding each one must yield.
#include "codec_samples.hpp"

#include <string_view>

namespace bench {
namespace {

// Option numbers (RFC 7252 §12.2, RFC 7959 §6).
constexpr std::uint16_t etag = 4;
constexpr std::uint16_t uri_path = 11;
constexpr std::uint16_t content_format = 12;
constexpr std::uint16_t max_age = 14;
constexpr std::uint16_t block2 = 23;
constexpr std::uint16_t size2 = 28;

constexpr std::uint8_t con = 0;
constexpr std::uint8_t ack = 2;
constexpr std::uint8_t get = 0x01;      // 0.01
constexpr std::uint8_t content = 0x45;  // 2.05

ByteVector bytes(std::initializer_list<unsigned> values) {
    ByteVector out;
    out.reserve(values.size());
    for (unsigned v : values)
        out.push_back(static_cast<std::byte>(v & 0xffu));
    return out;
}

ByteVector text(std::string_view s) {
    ByteVector out;
    out.reserve(s.size());
    for (char c : s)
        out.push_back(static_cast<std::byte>(c));
    return out;
}

/// Deterministic, printable filler so a hex dump stays readable.
ByteVector filler(std::size_t length) {
    ByteVector out(length);
    for (std::size_t i = 0; i < length; ++i)
        out[i] = static_cast<std::byte>('a' + static_cast<int>(i % 26));
    return out;
}

ByteVector minimal_uint(std::uint32_t value) {
    ByteVector out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto b = static_cast<unsigned>((value >> shift) & 0xffu);
        if (b != 0 || !out.empty()) out.push_back(static_cast<std::byte>(b));
    }
    return out;
}

SampleOption opaque_option(std::uint16_t number, ByteVector value) {
    return SampleOption{number, false, 0, std::move(value)};
}

SampleOption uint_option(std::uint16_t number, std::uint32_t value) {
    return SampleOption{number, true, value, minimal_uint(value)};
}

std::vector<Sample> build_samples() {
    std::vector<Sample> out;

    Sample get_request;
    get_request.name = "small_get";
    get_request.description = "CON GET, 4-byte token, Uri-Path sensors/temperature";
    get_request.type = con;
    get_request.code = get;
    get_request.message_id = 0x7d34;
    get_request.token = bytes({0x01, 0x02, 0x03, 0x04});
    get_request.options.push_back(opaque_option(uri_path, text("sensors")));
    get_request.options.push_back(opaque_option(uri_path, text("temperature")));
    out.push_back(std::move(get_request));

    Sample small_content;
    small_content.name = "content_64";
    small_content.description = "ACK 2.05, ETag + Content-Format 50 + Max-Age 30, 64-byte payload";
    small_content.type = ack;
    small_content.code = content;
    small_content.message_id = 0x7d34;
    small_content.token = bytes({0x01, 0x02, 0x03, 0x04});
    small_content.options.push_back(opaque_option(etag, bytes({0xa1, 0xb2, 0xc3, 0xd4})));
    small_content.options.push_back(uint_option(content_format, 50));
    small_content.options.push_back(uint_option(max_age, 30));
    small_content.payload = filler(64);
    out.push_back(std::move(small_content));

    Sample block;
    block.name = "block2_1024";
    block.description = "ACK 2.05, ETag + Content-Format + Block2 3/1/6 + Size2, 1024-byte payload";
    block.type = ack;
    block.code = content;
    block.message_id = 0x7d35;
    block.token = bytes({0x0a, 0x0b, 0x0c, 0x0d});
    block.options.push_back(opaque_option(etag, bytes({0x5e, 0x11, 0xa7, 0x02})));
    block.options.push_back(uint_option(content_format, 42));
    block.options.push_back(uint_option(block2, (3u << 4) | (1u << 3) | 6u));  // NUM 3, M 1, SZX 6
    block.options.push_back(uint_option(size2, 8192));
    block.payload = filler(1024);
    out.push_back(std::move(block));

    return out;
}

}  // namespace

const std::vector<Sample>& samples() {
    static const std::vector<Sample> all = build_samples();
    return all;
}

DecodedMessage expected_message(const Sample& sample) {
    DecodedMessage m;
    m.type = sample.type;
    m.code = sample.code;
    m.message_id = sample.message_id;
    m.token = sample.token;
    for (const SampleOption& o : sample.options)
        m.options.push_back(DecodedOption{o.number, o.value});
    m.payload = sample.payload;
    return m;
}

WalkDigest expected_digest(const Sample& sample) {
    WalkDigest d;
    d.ok = true;
    for (const SampleOption& o : sample.options) {
        ++d.option_count;
        d.number_sum += o.number;
        d.value_bytes += o.value.size();
    }
    d.payload_bytes = sample.payload.size();
    return d;
}

}  // namespace bench
