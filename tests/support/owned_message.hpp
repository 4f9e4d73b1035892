// tests/support/owned_message.hpp — OwnedMessage: a plain, allocating model of a
// CoAP message for tests and properties, with conversions to and from the codec.
#pragma once

#include "coap/message.hpp"
#include "coap/message_writer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

namespace coap::test {

struct OwnedOption {
    std::uint16_t number = 0;
    std::vector<std::byte> value;
    friend bool operator==(const OwnedOption&, const OwnedOption&) = default;
};

struct OwnedMessage {
    MessageType type = MessageType::confirmable;
    std::uint8_t code = 1;
    std::uint16_t message_id = 0;
    std::vector<std::byte> token;
    std::vector<OwnedOption> options;  // in wire order
    std::vector<std::byte> payload;
    friend bool operator==(const OwnedMessage&, const OwnedMessage&) = default;
};

/// Options in the order the wire must carry them: stable sort by number.
inline std::vector<OwnedOption> wire_order(std::vector<OwnedOption> options) {
    std::stable_sort(
        options.begin(), options.end(),
        [](const OwnedOption& a, const OwnedOption& b) { return a.number < b.number; });
    return options;
}

inline OwnedMessage from_view(const MessageView& view) {
    OwnedMessage m;
    m.type = view.type();
    m.code = view.code().raw();
    m.message_id = view.message_id();
    m.token.assign(view.token().begin(), view.token().end());
    for (const OptionView& option : view.options()) {
        m.options.push_back(
            {to_underlying(option.number), {option.value.begin(), option.value.end()}});
    }
    m.payload.assign(view.payload().begin(), view.payload().end());
    return m;
}

/// Encodes `m` (options written in the given order) into a fresh buffer.
inline std::optional<std::vector<std::byte>> encode(const OwnedMessage& m,
                                                    std::size_t capacity = 70000,
                                                    bool extended_token = false) {
    std::vector<std::byte> buffer(capacity);
    MessageWriter writer(buffer, m.type, Code(m.code), m.message_id, m.token,
                         WriteOptions{extended_token});
    for (const OwnedOption& option : m.options)
        writer.option(OptionNumber{option.number}, option.value);
    writer.payload(m.payload);
    auto size = writer.finish();
    if (!size) return std::nullopt;
    buffer.resize(*size);
    return buffer;
}

inline std::ostream& operator<<(std::ostream& out, const OwnedMessage& m) {
    out << "{type=" << static_cast<int>(m.type) << " code=" << static_cast<int>(m.code)
        << " mid=" << m.message_id << " tkl=" << m.token.size() << " options=[";
    for (const auto& o : m.options)
        out << o.number << ":" << o.value.size() << " ";
    return out << "] payload=" << m.payload.size() << "}";
}

}  // namespace coap::test
