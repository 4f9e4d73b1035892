// message_writer.cpp — MessageWriter: header, token, options in any order with
// in-place insertion, payload; bounds-checked against the caller's buffer.
#include "coap/message_writer.hpp"

#include "coap/detail/option_header.hpp"

#include <cstring>

namespace coap {
namespace {

constexpr std::size_t max_extended_token = 65535 + 269;

gsl::span<const std::byte> as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

}  // namespace

MessageWriter::MessageWriter(gsl::span<std::byte> buffer, MessageType type, Code code,
                             std::uint16_t message_id, gsl::span<const std::byte> token,
                             const WriteOptions& options) noexcept
    : buffer_(buffer) {
    const std::size_t token_length = token.size();
    if (token_length > max_extended_token || (token_length > 8 && !options.extended_token_length)) {
        fail(WriteError::token_too_long);
        return;
    }
    const std::size_t extension = token_length <= 12 ? 0 : token_length < 269 ? 1 : 2;
    const std::size_t needed = 4 + extension + token_length;
    if (needed > buffer_.size()) {
        fail(WriteError::buffer_too_small);
        return;
    }
    std::byte* out = buffer_.data();
    const std::uint32_t tkl = extension == 0   ? static_cast<std::uint32_t>(token_length)
                              : extension == 1 ? 13u
                                               : 14u;
    out[0] = static_cast<std::byte>(0x40u | (static_cast<std::uint32_t>(type) << 4) | tkl);
    out[1] = static_cast<std::byte>(code.raw());
    out[2] = static_cast<std::byte>(message_id >> 8);
    out[3] = static_cast<std::byte>(message_id & 0xffu);
    if (extension == 1) {
        out[4] = static_cast<std::byte>(token_length - 13);
    } else if (extension == 2) {
        out[4] = static_cast<std::byte>((token_length - 269) >> 8);
        out[5] = static_cast<std::byte>((token_length - 269) & 0xffu);
    }
    if (token_length != 0) std::memcpy(out + 4 + extension, token.data(), token_length);
    size_ = needed;
    options_begin_ = options_end_ = needed;
}

void MessageWriter::fail(WriteError error) noexcept {
    if (failed_) return;
    failed_ = true;
    error_ = error;
}

MessageWriter& MessageWriter::option(OptionNumber number,
                                     gsl::span<const std::byte> value) noexcept {
    if (failed_) return *this;
    if (value.size() > detail::max_extended) {
        fail(WriteError::option_too_long);
        return *this;
    }
    const std::uint16_t n = to_underlying(number);
    if (n < last_number_ || has_payload_) {
        insert_option(n, value);
        return *this;
    }
    // Fast path: ascending and nothing after the options yet.
    const auto delta = static_cast<std::uint32_t>(n - last_number_);
    const auto length = static_cast<std::uint32_t>(value.size());
    const std::size_t needed = detail::option_header_size(delta, length) + length;
    if (buffer_.size() - size_ < needed) {
        fail(WriteError::buffer_too_small);
        return *this;
    }
    std::byte* out = detail::write_option_header(buffer_.data() + size_, delta, length);
    if (length != 0)
        std::memmove(out, value.data(), length);  // memmove: the value may live in this buffer
    size_ += needed;
    options_end_ = size_;
    last_number_ = n;
    return *this;
}

// Inserts after every existing option whose number is <= `number`: re-encodes the
// header of the option that follows (its delta shrinks) and shifts the tail.
void MessageWriter::insert_option(std::uint16_t number, gsl::span<const std::byte> value) noexcept {
    std::byte* base = buffer_.data();
    std::size_t at = options_begin_;
    std::uint32_t previous = 0;
    bool has_next = false;
    detail::DecodedHeader next{};
    while (at < options_end_) {
        next = detail::decode_valid_option_header(base + at);
        if (previous + next.delta > number) {
            has_next = true;
            break;
        }
        previous += next.delta;
        at += next.header_size + next.length;
    }
    const auto length = static_cast<std::uint32_t>(value.size());
    const std::size_t new_header = detail::option_header_size(number - previous, length);
    const std::uint32_t next_number = previous + (has_next ? next.delta : 0);
    const std::size_t next_header_old = has_next ? next.header_size : 0;
    const std::size_t next_header_new =
        has_next ? detail::option_header_size(next_number - number, next.length) : 0;
    const std::size_t growth = new_header + length + next_header_new - next_header_old;
    if (buffer_.size() - size_ < growth) {
        fail(WriteError::buffer_too_small);
        return;
    }
    const std::size_t tail_from = at + next_header_old;
    const std::size_t tail_to = at + new_header + length + next_header_new;
    // A value may live in this very buffer (say, copied from the payload written
    // before): it is fine before the insertion point and follows the shifted tail
    // after it; a value straddling the bytes being rewritten is refused.
    const std::byte* source = value.data();
    std::size_t source_offset = 0;
    const bool aliased = length != 0 && source >= base && source < base + buffer_.size();
    if (aliased) {
        source_offset = static_cast<std::size_t>(source - base);
        if (source_offset + length > at &&
            (source_offset < tail_from || source_offset + length > size_)) {
            fail(WriteError::aliased_value);
            return;
        }
    }
    // Move everything after the following option's header (or after `at`) out of the way.
    std::memmove(base + tail_to, base + tail_from, size_ - tail_from);
    if (aliased && source_offset >= tail_from) source = base + source_offset + growth;
    std::byte* out = detail::write_option_header(base + at, number - previous, length);
    if (length != 0) std::memmove(out, source, length);
    if (has_next) detail::write_option_header(out + length, next_number - number, next.length);
    size_ += growth;
    options_end_ += growth;
    if (!has_next && number >= last_number_) last_number_ = number;
}

MessageWriter& MessageWriter::option(OptionNumber number, std::string_view value) noexcept {
    return option(number, as_bytes(value));
}

MessageWriter& MessageWriter::option_uint(OptionNumber number, std::uint32_t value) noexcept {
    const std::uint16_t n = to_underlying(number);
    if (failed_ || n < last_number_ || has_payload_) {
        const EncodedUint encoded = encode_uint(value);
        return option(number, encoded.view());
    }
    // Fast path: the minimal big-endian bytes go straight into the buffer.
    const std::uint32_t length = value == 0           ? 0
                                 : value < 0x100u     ? 1
                                 : value < 0x10000u   ? 2
                                 : value < 0x1000000u ? 3
                                                      : 4;
    const auto delta = static_cast<std::uint32_t>(n - last_number_);
    const std::size_t needed = detail::option_header_size(delta, length) + length;
    if (buffer_.size() - size_ < needed) {
        fail(WriteError::buffer_too_small);
        return *this;
    }
    std::byte* out = detail::write_option_header(buffer_.data() + size_, delta, length);
    for (std::uint32_t i = 0; i < length; ++i)
        out[i] = static_cast<std::byte>(value >> (8u * (length - 1u - i)));
    size_ += needed;
    options_end_ = size_;
    last_number_ = n;
    return *this;
}

MessageWriter& MessageWriter::payload(gsl::span<const std::byte> bytes) noexcept {
    if (failed_ || bytes.empty()) return *this;
    const gsl::span<std::byte> space = payload_space();
    if (failed_) return *this;
    if (space.size() < bytes.size()) {
        fail(WriteError::buffer_too_small);
        return *this;
    }
    std::memmove(space.data(), bytes.data(), bytes.size());  // the bytes may live in this buffer
    return commit_payload(bytes.size());
}

MessageWriter& MessageWriter::payload(std::string_view text) noexcept {
    return payload(as_bytes(text));
}

gsl::span<std::byte> MessageWriter::payload_space() noexcept {
    if (failed_) return {};
    // The marker is only written together with the first committed byte.
    const std::size_t marker = has_payload_ ? 0 : 1;
    if (buffer_.size() - size_ < marker) return {};
    return buffer_.subspan(size_ + marker);
}

MessageWriter& MessageWriter::commit_payload(std::size_t length) noexcept {
    if (failed_ || length == 0) return *this;
    const std::size_t marker = has_payload_ ? 0 : 1;
    if (buffer_.size() - size_ < marker + length) {
        fail(WriteError::payload_committed);
        return *this;
    }
    if (!has_payload_) {
        buffer_[size_] = std::byte{0xff};
        has_payload_ = true;
    }
    size_ += marker + length;
    return *this;
}

Result<std::size_t, WriteError> MessageWriter::finish() const noexcept {
    if (failed_) return Err{error_};
    return size_;
}

std::string_view describe(WriteError error) noexcept {
    switch (error) {
        case WriteError::buffer_too_small:
            return "message does not fit the buffer";
        case WriteError::token_too_long:
            return "token too long";
        case WriteError::option_too_long:
            return "option value longer than 65804 bytes";
        case WriteError::payload_committed:
            return "committed more payload than the space offered";
        case WriteError::aliased_value:
            return "option value overlaps the bytes an insertion rewrites";
    }
    return "unknown write error";
}

}  // namespace coap
