// coap/message_writer.hpp — MessageWriter: encodes one CoAP message into a
// caller-provided buffer (RFC 7252 §3; RFC 8974 for tokens over 8 bytes).
// Owns the wire-format rules for writing. Never writes a byte past the buffer,
// never allocates; the first failure is sticky and reported by finish().
#pragma once

#include "coap/code.hpp"
#include "coap/contract.hpp"
#include "coap/message_type.hpp"
#include "coap/option.hpp"
#include "coap/result.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coap {

enum class WriteError : std::uint8_t {
    buffer_too_small,   ///< the message does not fit the caller's buffer
    token_too_long,     ///< over 8 bytes without extended_token_length, or over 65804
    option_too_long,    ///< an option value over 65804 bytes
    payload_committed,  ///< more payload bytes committed than payload_space() offered
    aliased_value,      ///< an inserted option's value overlaps bytes the insertion rewrites
};

std::string_view describe(WriteError error) noexcept;

struct WriteOptions {
    /// Allow tokens of 9..65804 bytes (RFC 8974: TKL 9..12 direct, 13/14 extended).
    bool extended_token_length = false;
};

class MessageWriter {
  public:
    /// Writes the header and token at once.
    MessageWriter(gsl::span<std::byte> buffer, MessageType type, Code code,
                  std::uint16_t message_id, gsl::span<const std::byte> token = {},
                  const WriteOptions& options = {}) noexcept;

    /// Adds an option. Options may come in any order and before or after the
    /// payload: ascending numbers append (the fast path), a lower number is
    /// inserted in place. Equal numbers keep the order in which they were added.
    MessageWriter& option(OptionNumber number, gsl::span<const std::byte> value) noexcept;
    MessageWriter& option(OptionNumber number, std::string_view value) noexcept;
    /// Adds an unsigned integer option in its minimal encoding.
    MessageWriter& option_uint(OptionNumber number, std::uint32_t value) noexcept;
    MessageWriter& option_empty(OptionNumber number) noexcept {
        return option(number, gsl::span<const std::byte>{});
    }

    /// Appends payload bytes (writes the 0xFF marker before the first non-empty chunk).
    MessageWriter& payload(gsl::span<const std::byte> bytes) noexcept;
    MessageWriter& payload(std::string_view text) noexcept;
    /// The free space where payload bytes can be written directly (after the
    /// marker); call commit_payload(n) once n bytes are there, before adding any
    /// option that must be inserted (an insertion moves the space).
    gsl::span<std::byte> payload_space() noexcept;
    MessageWriter& commit_payload(std::size_t length) noexcept;

    /// The encoded length, or the first error that happened.
    Result<std::size_t, WriteError> finish() const noexcept;
    bool ok() const noexcept { return !failed_; }
    std::size_t size() const noexcept { return size_; }
    /// The bytes written so far.
    gsl::span<const std::byte> written() const noexcept { return {buffer_.data(), size_}; }

  private:
    void fail(WriteError error) noexcept;
    void insert_option(std::uint16_t number, gsl::span<const std::byte> value) noexcept;

    gsl::span<std::byte> buffer_;
    std::size_t size_ = 0;
    std::size_t options_begin_ = 0;  // first byte after the token
    std::size_t options_end_ = 0;    // payload marker position, or size_ without payload
    std::uint16_t last_number_ = 0;
    bool has_payload_ = false;
    bool failed_ = false;
    WriteError error_ = WriteError::buffer_too_small;
};

}  // namespace coap
