// coap/message_type.hpp — the four CoAP message types (RFC 7252 §3, §4).
// Owns the enum and its short names; knows nothing about parsing.
#pragma once

#include <cstdint>
#include <string_view>

namespace coap {

enum class MessageType : std::uint8_t {
    confirmable = 0,
    non_confirmable = 1,
    acknowledgement = 2,
    reset = 3,
};

/// "CON", "NON", "ACK" or "RST".
constexpr std::string_view short_name(MessageType type) noexcept {
    switch (type) {
        case MessageType::confirmable:
            return "CON";
        case MessageType::non_confirmable:
            return "NON";
        case MessageType::acknowledgement:
            return "ACK";
        case MessageType::reset:
            return "RST";
    }
    return "???";
}

}  // namespace coap
