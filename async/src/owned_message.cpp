// owned_message.cpp — OwnedMessage copies and block-wise reassembly.
#include "coap/owned_message.hpp"

#include "coap/message_writer.hpp"

#include <utility>

namespace coap {
namespace {

// The smallest valid message: an empty ACK, so that view() is always parsed.
constexpr std::byte empty_message[4] = {std::byte{0x60}, std::byte{0}, std::byte{0}, std::byte{0}};

}  // namespace

OwnedMessage::OwnedMessage() noexcept {
    view_ = MessageView::parse(empty_message).value();
}

OwnedMessage::OwnedMessage(const MessageView& message)
    : bytes_(message.bytes().begin(), message.bytes().end()) {
    reparse();
}

OwnedMessage OwnedMessage::reassembled(const MessageView& head, gsl::span<const std::byte> body) {
    OwnedMessage result;
    // Header (4) + token (≤ 8 here, parsed views allow more) + options + marker + body.
    result.bytes_.resize(head.bytes().size() + body.size() + 16);
    MessageWriter writer(result.bytes_, head.type(), head.code(), head.message_id(), head.token(),
                         WriteOptions{.extended_token_length = true});
    for (const auto& option : head.options()) {
        if (option.number == OptionNumber::block2 || option.number == OptionNumber::size2) continue;
        writer.option(option.number, option.value);
    }
    writer.payload(body);
    const auto length = writer.finish();
    result.bytes_.resize(length ? *length : 0);
    result.reparse();
    return result;
}

OwnedMessage::OwnedMessage(const OwnedMessage& other) : bytes_(other.bytes_) {
    reparse();
}

OwnedMessage& OwnedMessage::operator=(const OwnedMessage& other) {
    if (this != &other) {
        bytes_ = other.bytes_;
        reparse();
    }
    return *this;
}

OwnedMessage::OwnedMessage(OwnedMessage&& other) noexcept
    : bytes_(std::move(other.bytes_)), view_(other.view_) {
    other.bytes_.clear();
    other.reparse();
}

OwnedMessage& OwnedMessage::operator=(OwnedMessage&& other) noexcept {
    if (this != &other) {
        bytes_ = std::move(other.bytes_);
        view_ = other.view_;  // the vector's buffer moved with it: the view stays valid
        other.bytes_.clear();
        other.reparse();
    }
    return *this;
}

std::string_view OwnedMessage::payload_text() const noexcept {
    const auto p = payload();
    return {reinterpret_cast<const char*>(p.data()), p.size()};
}

void OwnedMessage::reparse() noexcept {
    // Whatever was parsed once (long tokens included, RFC 8974) parses again.
    auto parsed = bytes_.empty()
                      ? MessageView::parse(empty_message)
                      : MessageView::parse(bytes_, ParseOptions{.extended_token_length = true});
    view_ = parsed ? *parsed : MessageView::parse(empty_message).value();
}

}  // namespace coap
