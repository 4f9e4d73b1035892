// coap/owned_message.hpp — OwnedMessage: a response copied out of the Endpoint
// (whose views die with the next call), parsed once and readable for as long
// as the caller keeps it. Also builds the one message a block-wise transfer
// reassembles. Owns its bytes.
#pragma once

#include "coap/message.hpp"

#include <gsl/span>

#include <cstddef>
#include <string_view>
#include <vector>

namespace coap {

class OwnedMessage {
  public:
    OwnedMessage() noexcept;
    /// A copy of `message`.
    explicit OwnedMessage(const MessageView& message);
    /// `head`'s header, token and options except Block2 and Size2, with `body`
    /// as the payload: the message a Block2 transfer stands for (RFC 7959 §2.4).
    static OwnedMessage reassembled(const MessageView& head, gsl::span<const std::byte> body);

    OwnedMessage(const OwnedMessage& other);
    OwnedMessage& operator=(const OwnedMessage& other);
    OwnedMessage(OwnedMessage&& other) noexcept;
    OwnedMessage& operator=(OwnedMessage&& other) noexcept;
    ~OwnedMessage() = default;

    const MessageView& view() const noexcept { return view_; }
    const MessageView* operator->() const noexcept { return &view_; }
    Code code() const noexcept { return view_.code(); }
    Bytes payload() const noexcept { return view_.payload(); }
    std::string_view payload_text() const noexcept;
    gsl::span<const std::byte> bytes() const noexcept { return bytes_; }

  private:
    void reparse() noexcept;

    std::vector<std::byte> bytes_;
    MessageView view_{};
};

}  // namespace coap
