// coap/message.hpp — MessageView: zero-copy parse and validation of one CoAP
// datagram (RFC 7252 §3, §4.1, §5.4; RFC 8974 extended token length).
// Owns the wire-format rules for reading. Never allocates, never copies the
// datagram, never throws; a bad datagram yields a ParseError naming what was
// wrong and at which byte.
#pragma once

#include "coap/block.hpp"
#include "coap/code.hpp"
#include "coap/contract.hpp"
#include "coap/detail/option_header.hpp"
#include "coap/message_type.hpp"
#include "coap/option.hpp"
#include "coap/result.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace coap {

using Bytes = gsl::span<const std::byte>;

/// Everything that makes a datagram not a CoAP message.
enum class ParseErrorKind : std::uint8_t {
    truncated_header,            ///< fewer than 4 bytes
    bad_version,                 ///< Ver is not 1
    reserved_token_length,       ///< TKL 15, or 9..14 without RFC 8974
    truncated_token,             ///< the datagram ends inside the token or its length
    reserved_option_delta,       ///< delta nibble 15 in a byte that is not 0xFF
    reserved_option_length,      ///< length nibble 15
    truncated_option,            ///< the datagram ends inside an option header or value
    option_number_overflow,      ///< the option number would exceed 65535
    empty_payload,               ///< a payload marker followed by nothing
    reserved_code_class,         ///< code class 1, 6 or 7 (signals are not UDP)
    empty_message_not_empty,     ///< code 0.00 with a token, options or payload
    empty_non_confirmable,       ///< a NON carrying code 0.00
    request_in_acknowledgement,  ///< an ACK carrying a request code
    reset_not_empty,             ///< a RST carrying anything but 0.00
    datagram_too_large,          ///< 4 GiB or more: beyond any transport cobalt serves
};

std::string_view describe(ParseErrorKind kind) noexcept;

/// Why a datagram failed to parse. When the 4-byte header itself was readable
/// (`header_valid`), type and message ID are filled in so that the message layer
/// can answer a malformed CON with RST (RFC 7252 §4.2).
struct ParseError {
    ParseErrorKind kind;
    std::uint32_t offset;  ///< byte offset of the offending field
    bool header_valid = false;
    MessageType type = MessageType::confirmable;
    std::uint16_t message_id = 0;
};

/// Knobs for parsing.
struct ParseOptions {
    /// Accept tokens over 8 bytes: TKL 9..12 direct, 13 and 14 extended (RFC 8974).
    /// Off by default: RFC 7252 reserves TKL 9..15.
    bool extended_token_length = false;
};

/// Forward iterator over options already validated by MessageView::parse.
class OptionIterator {
  public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = OptionView;
    using difference_type = std::ptrdiff_t;
    using pointer = const OptionView*;
    using reference = const OptionView&;

    OptionIterator() noexcept = default;
    OptionIterator(const std::byte* cursor, const std::byte* end, std::uint16_t previous) noexcept
        : start_(cursor), next_(cursor), end_(end), current_{OptionNumber{previous}, {}} {
        decode_next();
    }

    reference operator*() const noexcept { return current_; }
    pointer operator->() const noexcept { return &current_; }
    OptionIterator& operator++() noexcept {
        decode_next();
        return *this;
    }
    OptionIterator operator++(int) noexcept {
        OptionIterator copy = *this;
        decode_next();
        return copy;
    }
    friend bool operator==(const OptionIterator& a, const OptionIterator& b) noexcept {
        return a.start_ == b.start_;
    }
    /// Points at the first byte of the current option's header (or the end).
    const std::byte* position() const noexcept { return start_; }

  private:
    COAP_ALWAYS_INLINE void decode_next() noexcept {
        start_ = next_;
        if (start_ == end_) return;
        const detail::DecodedHeader header = detail::decode_valid_option_header(start_);
        const std::byte* value = start_ + header.header_size;
        current_ = OptionView{
            OptionNumber{static_cast<std::uint16_t>(to_underlying(current_.number) + header.delta)},
            {value, header.length}};
        next_ = value + header.length;
    }

    const std::byte* start_ = nullptr;  // header of the current option, or end
    const std::byte* next_ = nullptr;   // header of the following option
    const std::byte* end_ = nullptr;
    OptionView current_{OptionNumber{0}, {}};
};

/// A range of options; iterate it with a range-for.
class OptionRange {
  public:
    OptionRange() noexcept = default;
    OptionRange(OptionIterator first, OptionIterator last) noexcept : first_(first), last_(last) {}
    OptionIterator begin() const noexcept { return first_; }
    OptionIterator end() const noexcept { return last_; }
    bool empty() const noexcept { return first_ == last_; }
    std::size_t size() const noexcept {
        std::size_t n = 0;
        for (auto it = first_; it != last_; ++it)
            ++n;
        return n;
    }

  private:
    OptionIterator first_;
    OptionIterator last_;
};

/// A parsed CoAP message: a view over the caller's datagram, which must outlive it.
class MessageView {
  public:
    /// Parses and validates a whole datagram.
    static Result<MessageView, ParseError> parse(Bytes datagram,
                                                 const ParseOptions& options = {}) noexcept;

    MessageType type() const noexcept { return type_; }
    Code code() const noexcept { return code_; }
    std::uint16_t message_id() const noexcept { return message_id_; }
    Bytes token() const noexcept { return {data_ + token_begin_, token_length_}; }
    Bytes payload() const noexcept {
        return options_end_ == size_ ? Bytes{data_ + size_, std::size_t{0}}
                                     : Bytes{data_ + options_end_ + 1, size_ - options_end_ - 1u};
    }
    /// The whole datagram this view was parsed from.
    Bytes bytes() const noexcept { return {data_, size_}; }
    bool is_empty_message() const noexcept { return code_.is_empty(); }

    /// Every option, in ascending number order.
    OptionRange options() const noexcept {
        const std::byte* begin = data_ + options_begin_;
        const std::byte* end = data_ + options_end_;
        return {OptionIterator(begin, end, 0), OptionIterator(end, end, 0)};
    }
    /// Every occurrence of `number` (a contiguous run, since options are sorted).
    OptionRange options(OptionNumber number) const noexcept;
    std::size_t option_count() const noexcept { return option_count_; }
    /// True when at least one option with this number is present.
    bool has_option(OptionNumber number) const noexcept;
    /// The first occurrence of `number`.
    std::optional<OptionView> find(OptionNumber number) const noexcept;

    // Typed accessors for single-valued options. Each returns nullopt when the option
    // is absent or its first occurrence is malformed (length outside the registry's
    // bounds); check_options() reports malformed options so they can be rejected.
    std::optional<std::uint32_t> uint_option(OptionNumber number) const noexcept;
    std::optional<std::string_view> string_option(OptionNumber number) const noexcept;
    std::optional<Bytes> opaque_option(OptionNumber number) const noexcept;

    std::optional<std::string_view> uri_host() const noexcept {
        return string_option(OptionNumber::uri_host);
    }
    std::optional<std::uint16_t> uri_port() const noexcept;
    std::optional<std::uint16_t> content_format() const noexcept;
    std::optional<std::uint16_t> accept() const noexcept;
    /// Max-Age in seconds; absent means the RFC default of 60 (see max_age_or_default).
    std::optional<std::uint32_t> max_age() const noexcept {
        return uint_option(OptionNumber::max_age);
    }
    std::uint32_t max_age_or_default() const noexcept { return max_age().value_or(60); }
    std::optional<std::uint32_t> observe() const noexcept {
        return uint_option(OptionNumber::observe);
    }
    std::optional<std::uint8_t> hop_limit() const noexcept;
    std::optional<std::uint32_t> size1() const noexcept { return uint_option(OptionNumber::size1); }
    std::optional<std::uint32_t> size2() const noexcept { return uint_option(OptionNumber::size2); }
    std::optional<std::uint8_t> no_response() const noexcept;
    std::optional<std::string_view> proxy_uri() const noexcept {
        return string_option(OptionNumber::proxy_uri);
    }
    std::optional<std::string_view> proxy_scheme() const noexcept {
        return string_option(OptionNumber::proxy_scheme);
    }
    std::optional<Bytes> echo() const noexcept { return opaque_option(OptionNumber::echo); }
    std::optional<Bytes> oscore() const noexcept { return opaque_option(OptionNumber::oscore); }
    bool if_none_match() const noexcept { return has_option(OptionNumber::if_none_match); }
    bool edhoc() const noexcept { return has_option(OptionNumber::edhoc); }
    /// Block1 / Block2 decoded; nullopt when absent, malformed, or SZX 7 (no BERT on UDP).
    std::optional<BlockValue> block1() const noexcept { return block(OptionNumber::block1); }
    std::optional<BlockValue> block2() const noexcept { return block(OptionNumber::block2); }
    std::optional<BlockValue> q_block1() const noexcept { return block(OptionNumber::q_block1); }
    std::optional<BlockValue> q_block2() const noexcept { return block(OptionNumber::q_block2); }

    // Repeatable options: iterate the run and read each value.
    OptionRange uri_path() const noexcept { return options(OptionNumber::uri_path); }
    OptionRange uri_query() const noexcept { return options(OptionNumber::uri_query); }
    OptionRange location_path() const noexcept { return options(OptionNumber::location_path); }
    OptionRange location_query() const noexcept { return options(OptionNumber::location_query); }
    OptionRange etags() const noexcept { return options(OptionNumber::etag); }
    OptionRange if_match() const noexcept { return options(OptionNumber::if_match); }
    OptionRange request_tags() const noexcept { return options(OptionNumber::request_tag); }

  private:
    std::optional<BlockValue> block(OptionNumber number) const noexcept;
    /// Option n's bit in present_mask_: bit n below 63, bit 63 for every
    /// number from 63 up, so an absent option is known without a scan.
    static constexpr std::uint64_t presence_bit(std::uint32_t number) noexcept {
        return std::uint64_t{1} << (number < 63 ? number : 63);
    }

    // 48 bytes: the datagram and offsets into it.
    const std::byte* data_ = nullptr;
    std::uint64_t present_mask_ = 0;  ///< presence_bit() of every option present
    std::uint32_t size_ = 0;
    std::uint32_t token_length_ = 0;
    std::uint32_t options_begin_ = 0;  // first option header
    std::uint32_t options_end_ = 0;    // the payload marker, or size_ without payload
    std::uint32_t option_count_ = 0;
    std::uint16_t message_id_ = 0;
    std::uint8_t token_begin_ = 4;
    MessageType type_ = MessageType::confirmable;
    Code code_;
};

/// What check_options() found wrong with an option (RFC 7252 §5.4.1, §5.4.3, §5.4.5).
enum class OptionProblem : std::uint8_t {
    unrecognized,    ///< the number is not in the registry
    bad_length,      ///< the value length is outside the registry's bounds
    not_repeatable,  ///< a second occurrence of a non-repeatable option
};

std::string_view describe(OptionProblem problem) noexcept;

struct OptionIssue {
    OptionNumber number;
    OptionProblem problem;
    bool critical;  ///< is_critical(number): must lead to rejection, not be ignored
};

/// Reports the first option that must be treated as unrecognised; critical issues
/// are reported before elective ones. nullopt when every option is acceptable.
/// Per §5.4.3 and §5.4.5, bad lengths and supernumerary occurrences count as
/// unrecognised options: a critical one rejects the message (4.02 for a CON
/// request), an elective one is silently ignored.
std::optional<OptionIssue> check_options(const MessageView& message) noexcept;

}  // namespace coap
