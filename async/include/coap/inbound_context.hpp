// coap/inbound_context.hpp — InboundContext: one response as a send
// descriptor's handler sees it: who sent it, the message, and whether the
// request went to a group. A view; valid only during the handler call.
#pragma once

#include "coap/address.hpp"
#include "coap/code.hpp"
#include "coap/message.hpp"
#include "coap/time.hpp"

namespace coap {

class InboundContext {
  public:
    InboundContext(const Address& peer, const MessageView& message, bool multicast,
                   Instant received_at = {}) noexcept
        : peer_(&peer), message_(message), multicast_(multicast), received_at_(received_at) {}

    /// The responder (for a multicast request, each member answers from its own).
    const Address& remote_address() const noexcept { return *peer_; }
    const MessageView& message() const noexcept { return message_; }
    Code code() const noexcept { return message_.code(); }
    Bytes payload() const noexcept { return message_.payload(); }
    /// The request was sent to a multicast group.
    bool is_multicast() const noexcept { return multicast_; }
    /// When it arrived (the Driver's transport time).
    Instant received_at() const noexcept { return received_at_; }

  private:
    const Address* peer_;
    MessageView message_;
    bool multicast_;
    Instant received_at_;
};

}  // namespace coap
