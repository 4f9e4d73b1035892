// message_view.cpp — MessageView::parse and the option walk over validated bytes.
// Owns every reading rule of RFC 7252 §3/§4.1 and RFC 8974; see coap/message.hpp.
#include "coap/message.hpp"

#include "coap/detail/option_header.hpp"

namespace coap {
namespace {

std::uint32_t byte_at(const std::byte* p, std::size_t i) noexcept {
    return std::to_integer<std::uint32_t>(p[i]);
}

}  // namespace

Result<MessageView, ParseError> MessageView::parse(Bytes datagram,
                                                   const ParseOptions& options) noexcept {
    const std::byte* p = datagram.data();
    const std::size_t n = datagram.size();
    if (n < 4) return Err{ParseError{ParseErrorKind::truncated_header, 0}};
    if (n > 0xfffffffeu) return Err{ParseError{ParseErrorKind::datagram_too_large, 0}};

    const std::uint32_t first = byte_at(p, 0);
    if ((first >> 6) != 1) return Err{ParseError{ParseErrorKind::bad_version, 0}};

    // The header fields live in locals (not in `view`) so the error path below does
    // not pin the whole view in memory while the options are walked.
    const auto type = static_cast<MessageType>((first >> 4) & 0x3u);
    const auto message_id = static_cast<std::uint16_t>((byte_at(p, 2) << 8) | byte_at(p, 3));
    MessageView view;
    view.data_ = p;
    view.size_ = static_cast<std::uint32_t>(n);
    view.type_ = type;
    view.code_ = Code(static_cast<std::uint8_t>(byte_at(p, 1)));
    view.message_id_ = message_id;

    auto fail = [type, message_id](ParseErrorKind kind, std::size_t offset) noexcept {
        return Err{ParseError{kind, static_cast<std::uint32_t>(offset), true, type, message_id}};
    };

    // Token (RFC 7252 §3; RFC 8974 §2.1 for TKL 13 and 14).
    const std::uint32_t tkl = first & 0x0fu;
    std::size_t pos = 4;
    std::size_t token_length = tkl;
    if (tkl > 8 && (!options.extended_token_length || tkl == 15)) {
        return fail(ParseErrorKind::reserved_token_length, 0);
    }
    if (tkl >= 13) {  // only reachable with RFC 8974; TKL 9..12 are direct lengths there
        const std::size_t extension = tkl == 13 ? 1 : 2;
        if (n < 4 + extension) return fail(ParseErrorKind::truncated_token, 4);
        token_length =
            tkl == 13 ? byte_at(p, 4) + 13u : ((byte_at(p, 4) << 8) | byte_at(p, 5)) + 269u;
        pos += extension;
    }
    if (n - pos < token_length) return fail(ParseErrorKind::truncated_token, pos);
    view.token_begin_ = static_cast<std::uint8_t>(pos);
    view.token_length_ = static_cast<std::uint32_t>(token_length);
    pos += token_length;

    // Code and type combinations (§3, §4.1–§4.3).
    const Code code = view.code_;
    if (code.is_reserved_class_on_udp()) return fail(ParseErrorKind::reserved_code_class, 1);
    if (code.is_empty()) {
        if (tkl != 0) return fail(ParseErrorKind::empty_message_not_empty, 0);
        if (pos != n) return fail(ParseErrorKind::empty_message_not_empty, pos);
        if (view.type_ == MessageType::non_confirmable) {
            return fail(ParseErrorKind::empty_non_confirmable, 0);
        }
        view.options_begin_ = view.options_end_ = view.size_;
        return view;
    }
    if (view.type_ == MessageType::reset) return fail(ParseErrorKind::reset_not_empty, 1);
    if (view.type_ == MessageType::acknowledgement && code.is_request()) {
        return fail(ParseErrorKind::request_in_acknowledgement, 1);
    }

    // Options (§3.1) up to the payload marker.
    view.options_begin_ = static_cast<std::uint32_t>(pos);
    std::size_t options_end = n;
    std::uint32_t number = 0;
    std::uint32_t count = 0;
    std::uint64_t mask = 0;
    while (pos < n) {
        const std::uint32_t header = byte_at(p, pos);
        if (header == 0xffu) {
            if (pos + 1 == n) return fail(ParseErrorKind::empty_payload, pos);
            options_end = pos;
            break;
        }
        const std::size_t header_at = pos++;
        std::uint32_t delta = header >> 4;
        std::uint32_t length = header & 0x0fu;
        if (delta >= 13 || length >= 13) {
            if (delta == 15) return fail(ParseErrorKind::reserved_option_delta, header_at);
            if (length == 15) return fail(ParseErrorKind::reserved_option_length, header_at);
            if (delta >= 13) {
                const std::size_t extension = delta == 13 ? 1 : 2;
                if (n - pos < extension) return fail(ParseErrorKind::truncated_option, header_at);
                delta = delta == 13 ? byte_at(p, pos) + 13u
                                    : ((byte_at(p, pos) << 8) | byte_at(p, pos + 1)) + 269u;
                pos += extension;
            }
            if (length >= 13) {
                const std::size_t extension = length == 13 ? 1 : 2;
                if (n - pos < extension) return fail(ParseErrorKind::truncated_option, header_at);
                length = length == 13 ? byte_at(p, pos) + 13u
                                      : ((byte_at(p, pos) << 8) | byte_at(p, pos + 1)) + 269u;
                pos += extension;
            }
        }
        number += delta;
        if (number > 0xffffu) return fail(ParseErrorKind::option_number_overflow, header_at);
        if (n - pos < length) return fail(ParseErrorKind::truncated_option, header_at);
        pos += length;
        ++count;
        mask |= presence_bit(number);
    }
    view.options_end_ = static_cast<std::uint32_t>(options_end);
    view.option_count_ = count;
    view.present_mask_ = mask;
    return view;
}

OptionRange MessageView::options(OptionNumber number) const noexcept {
    const std::byte* end = data_ + options_end_;
    const OptionIterator none(end, end, 0);
    const auto wanted = to_underlying(number);
    if ((present_mask_ & presence_bit(wanted)) == 0) return {none, none};
    OptionIterator it = options().begin();
    while (it != none && to_underlying(it->number) < wanted)
        ++it;
    if (it == none || it->number != number) return {none, none};
    OptionIterator last = it;
    while (last != none && last->number == number)
        ++last;
    return {it, last};
}

bool MessageView::has_option(OptionNumber number) const noexcept {
    const auto wanted = to_underlying(number);
    if ((present_mask_ & presence_bit(wanted)) == 0) return false;
    if (wanted < 63) return true;
    return find(number).has_value();
}

std::optional<OptionView> MessageView::find(OptionNumber number) const noexcept {
    const OptionRange run = options(number);
    if (run.empty()) return std::nullopt;
    return *run.begin();
}

namespace {

std::optional<OptionView> well_formed_first(const MessageView& message,
                                            OptionNumber number) noexcept {
    std::optional<OptionView> option = message.find(number);
    if (!option) return std::nullopt;
    if (const OptionInfo* info = find_option_info(number);
        info && !info->length_ok(option->value.size())) {
        return std::nullopt;
    }
    return option;
}

}  // namespace

std::optional<std::uint32_t> MessageView::uint_option(OptionNumber number) const noexcept {
    const std::optional<OptionView> option = well_formed_first(*this, number);
    if (!option) return std::nullopt;
    return option->as_uint();
}

std::optional<std::string_view> MessageView::string_option(OptionNumber number) const noexcept {
    const std::optional<OptionView> option = well_formed_first(*this, number);
    if (!option) return std::nullopt;
    return option->as_string();
}

std::optional<Bytes> MessageView::opaque_option(OptionNumber number) const noexcept {
    const std::optional<OptionView> option = well_formed_first(*this, number);
    if (!option) return std::nullopt;
    return option->value;
}

std::optional<std::uint16_t> MessageView::uri_port() const noexcept {
    const auto value = uint_option(OptionNumber::uri_port);
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint16_t> MessageView::content_format() const noexcept {
    const auto value = uint_option(OptionNumber::content_format);
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint16_t> MessageView::accept() const noexcept {
    const auto value = uint_option(OptionNumber::accept);
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint8_t> MessageView::hop_limit() const noexcept {
    const auto value = uint_option(OptionNumber::hop_limit);
    if (!value) return std::nullopt;
    return static_cast<std::uint8_t>(*value);
}

std::optional<std::uint8_t> MessageView::no_response() const noexcept {
    const auto value = uint_option(OptionNumber::no_response);
    if (!value) return std::nullopt;
    return static_cast<std::uint8_t>(*value);
}

std::optional<BlockValue> MessageView::block(OptionNumber number) const noexcept {
    const auto value = uint_option(number);
    if (!value) return std::nullopt;
    auto block = BlockValue::from_uint(*value);
    if (!block) return std::nullopt;
    return block.value();
}

}  // namespace coap
