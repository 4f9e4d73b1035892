// fuzz/engine/harness_forge.cpp — datagrams the engine harness makes up: raw
// bytes, crafted messages, mutated flights and replies from foreign peers to what an
// endpoint sent them. Answers to these are not held to the harness's markers.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace engine_fuzz {

void Harness::raw() {
    const std::size_t to = draw_index(in_, 2) % nodes_.size();
    const std::size_t from = draw_index(in_, address_count - 1);
    const bool multicast = in_.ConsumeBool();
    const std::vector<std::byte> bytes = in_.ConsumeBytes<std::byte>(draw_index(in_, 300));
    forge(to, from, bytes, multicast);
}

void Harness::craft() {
    const std::size_t to = draw_index(in_, 2) % nodes_.size();
    const std::size_t from = draw_index(in_, address_count - 1);
    const bool multicast = in_.ConsumeBool();
    const auto type = static_cast<MessageType>(draw_index(in_, 3));
    const Code code = draw_code(in_);
    const std::uint16_t message_id = in_.ConsumeIntegral<std::uint16_t>();
    const std::vector<std::byte> token = draw_token(in_);
    const Body body = draw_body(in_);
    const auto bytes = build(type, code, message_id, Bytes{token.data(), token.size()}, body);
    if (!bytes.empty()) forge(to, from, bytes, multicast);
}

void Harness::mutate() {
    const std::size_t k = draw_index(in_, 255);
    const std::size_t kind = draw_index(in_, 7);
    std::vector<std::byte> bytes;
    std::size_t from = 0;
    std::size_t to = 0;
    bool multicast = false;
    if (!flights_.empty()) {
        const Flight& flight = flights_[k % flights_.size()];
        bytes = flight.bytes;
        from = flight.from;
        to = flight.to;
        multicast = flight.multicast;
    }
    switch (kind) {
        case 0: {
            const auto flip = static_cast<std::uint8_t>(draw(in_, 1, 3) << 4);
            if (!bytes.empty()) bytes[0] ^= std::byte{flip};
            break;
        }
        case 1: {
            const Code code = draw_code(in_);
            if (bytes.size() > 1) bytes[1] = std::byte{code.raw()};
            break;
        }
        case 2: {
            const auto id = in_.ConsumeIntegral<std::uint16_t>();
            if (bytes.size() > 3) {
                bytes[2] = std::byte{static_cast<std::uint8_t>(id >> 8)};
                bytes[3] = std::byte{static_cast<std::uint8_t>(id)};
            }
            break;
        }
        case 3:
        case 4: {
            // Rebuild with the input's options added (3) or its payload instead (4).
            const Body extra = draw_body(in_);
            const auto parsed = MessageView::parse(Bytes{bytes.data(), bytes.size()});
            if (!parsed) break;
            Body body = extra;
            for (const coap::OptionView& o : parsed->options())
                body.options.push_back(
                    {coap::to_underlying(o.number), {o.value.begin(), o.value.end()}});
            if (kind == 3) body.payload.assign(parsed->payload().begin(), parsed->payload().end());
            bytes =
                build(parsed->type(), parsed->code(), parsed->message_id(), parsed->token(), body);
            break;
        }
        case 5: {
            const std::size_t length = draw_index(in_, 255);
            if (length < bytes.size()) bytes.resize(length);
            break;
        }
        case 6: {
            const std::size_t position = draw_index(in_, 255);
            const auto value = in_.ConsumeIntegral<std::uint8_t>();
            if (!bytes.empty()) bytes[position % bytes.size()] = std::byte{value};
            break;
        }
        default: {
            // The empty ACK or RST of the same message ID.
            const bool reset = in_.ConsumeBool();
            if (bytes.size() >= 4) {
                bytes.resize(4);
                bytes[0] = std::byte{static_cast<std::uint8_t>(reset ? 0x70 : 0x60)};
                bytes[1] = std::byte{0};
            }
            break;
        }
    }
    if (flights_.empty() || bytes.empty()) return;
    TRACE("mutated (%zu) ", kind);
    forge(to, from, bytes, multicast);
}

void Harness::reply() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t which = draw_index(in_, max_records - 1);
    const std::size_t source = draw_index(in_, 2);
    const std::size_t kind = draw_index(in_, 5);
    const Code code = draw_code(in_);
    const std::uint16_t fresh_id = in_.ConsumeIntegral<std::uint16_t>();
    const bool copy_token = in_.ConsumeBool();
    const std::vector<std::byte> random_token = draw_token(in_);
    Body body = draw_body(in_);
    if (n.records.empty()) return;

    const Record& record = n.records[which % n.records.size()];
    const auto parsed = MessageView::parse(Bytes{record.bytes.data(), record.bytes.size()});
    FUZZ_REQUIRE(parsed.ok());
    // A group's members answer from their own (foreign) addresses.
    const std::size_t from = is_group(record.to) ? first_foreign + source : record.to;
    const Bytes token =
        copy_token ? parsed->token() : Bytes{random_token.data(), random_token.size()};
    // The marker travels with the token it belongs to, never with a made-up one.
    if (copy_token) body.marker = marker_of(*parsed);
    // A piggybacked answer to the endpoint's request under another token must be
    // ignored (§5.3.2): it carries the poison marker, which no request has.
    if (kind == 2 && !copy_token && parsed->code().is_request() &&
        !cobalt_fuzz::same_bytes(token, parsed->token()))
        body.marker = poison_marker;
    const std::uint16_t id = parsed->message_id();
    std::vector<std::byte> bytes;
    switch (kind) {
        case 0:
            bytes = build(MessageType::acknowledgement, coap::codes::empty, id, {}, Body{});
            break;
        case 1:
            bytes = build(MessageType::reset, coap::codes::empty, id, {}, Body{});
            break;
        case 2:
            bytes = build(MessageType::acknowledgement, code, id, token, body);
            break;
        case 3:
            bytes = build(MessageType::confirmable, code, fresh_id, token, body);
            break;
        case 4:
            bytes = build(MessageType::non_confirmable, code, fresh_id, token, body);
            break;
        default:
            bytes = record.bytes;  // the endpoint's own message, reflected
            break;
    }
    TRACE("reply kind %zu from %zu ", kind, from);
    if (!bytes.empty()) feed(n.self, from, bytes, false);
}

}  // namespace engine_fuzz
