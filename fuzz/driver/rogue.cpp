// fuzz/driver/rogue.cpp — foreign traffic into the Drivers: raw bytes, replays of
// remembered datagrams (as sent, or mutated, or redirected), responses forged
// for requests the Drivers sent (exact, altered or made-up tokens, any type,
// code and Block/ETag/Observe options) and requests forged to their resources.
// A datagram may come from the rogue node or under any Driver's address. Every
// tag or echo such a datagram carries is tainted: the checks that trace a
// message to its request stop trusting it.
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <string>

namespace driver_fuzz {
namespace {

constexpr std::array<coap::Code, 16> forged_codes{coap::codes::content,
                                                  coap::codes::changed,
                                                  coap::codes::created,
                                                  coap::codes::continue_,
                                                  coap::codes::not_found,
                                                  coap::codes::bad_option,
                                                  coap::Code::make(4, 13),
                                                  coap::codes::service_unavailable,
                                                  coap::codes::internal_server_error,
                                                  coap::codes::valid,
                                                  coap::codes::empty,
                                                  coap::codes::get,
                                                  coap::codes::ping,
                                                  coap::Code::make(1, 0),
                                                  coap::codes::deleted,
                                                  coap::codes::request_entity_incomplete};

constexpr std::array<coap::Code, 8> forged_methods{
    coap::codes::get,   coap::codes::post,   coap::codes::put,   coap::codes::delete_,
    coap::codes::fetch, coap::codes::ipatch, coap::codes::empty, coap::codes::content};

std::vector<std::byte> input_bytes(Provider& in, std::size_t high) {
    return in.ConsumeBytes<std::byte>(draw_index(in, high));
}

/// The options a forged message may carry, chosen by `bits`, with `value` for
/// their values.
void forged_options(coap::MessageWriter& writer, std::uint8_t bits, std::uint16_t value) {
    if (bits & 0x01) writer.option_uint(coap::OptionNumber::block2, value & 0xfff);
    if (bits & 0x02) writer.option_uint(coap::OptionNumber::block1, value >> 4);
    if (bits & 0x04) {
        const std::array<std::byte, 1> etag{std::byte{static_cast<std::uint8_t>(value)}};
        writer.option(coap::OptionNumber::etag, etag);
    }
    if (bits & 0x08) writer.option_uint(coap::OptionNumber::observe, value);
    if (bits & 0x10) writer.option_uint(coap::OptionNumber::content_format, 0);
    if (bits & 0x20) writer.option_uint(coap::OptionNumber::size2, value);
    if (bits & 0x40) writer.option_uint(coap::OptionNumber::no_response, value & 0x1a);
    if (bits & 0x80) writer.option_uint(coap::OptionNumber{9}, 1);  // OSCORE: unsupported
}

std::vector<std::byte> finish(std::vector<std::byte> buffer, const coap::MessageWriter& writer) {
    const auto length = writer.finish();
    if (!length) return {};
    buffer.resize(*length);
    return buffer;
}

}  // namespace

const Ring* Harness::ring(std::size_t choice) {
    const Ring* r =
        choice >= rogue_choice ? &world_.rogue().received() : &world_.tap(choice).sent();
    return r->empty() ? nullptr : r;
}

void Harness::inject(std::size_t from, const coap::Address& to,
                     const std::vector<std::byte>& bytes) {
    for (const bool extended : {false, true}) {
        const auto message = coap::MessageView::parse(bytes, {.extended_token_length = extended});
        if (!message) continue;
        for (const std::uint16_t number : {tag_option, echo_option})
            for (const auto& option : message->options(coap::OptionNumber{number})) {
                const auto value = option.value;
                std::uint32_t tag = 0;
                for (const std::byte b : value)
                    tag = (tag << 8) | std::to_integer<std::uint32_t>(b);
                if (value.size() == 4) tainted_.insert(tag);
            }
    }
    DRIVER_TRACE("  inject %zu bytes from node %zu\n", bytes.size(), from);
    rogue_active_ = true;
    world_.net().inject(world_.node(from), to, bytes);
}

void Harness::raw() {
    const std::size_t from = draw_index(in_, 3);
    const std::size_t to = draw_index(in_, 4);
    const auto bytes = input_bytes(in_, 300);
    const coap::Address destination = to < rogue_choice    ? world_.address_of(to)
                                      : to == rogue_choice ? group_address()
                                                           : rogue_address();
    inject(from, destination, bytes);
}

void Harness::replay() {
    const std::size_t source = draw_index(in_, 3);
    const std::size_t k = draw_index(in_, 7);
    const std::size_t mutation = draw_index(in_, 7);
    const auto arg = in_.ConsumeIntegral<std::uint16_t>();
    const std::size_t redirect = draw_index(in_, 4);
    const Ring* remembered = ring(source);
    if (remembered == nullptr) return;
    const Remembered& original = remembered->at(k);
    std::vector<std::byte> bytes = original.bytes;
    const auto low = static_cast<std::uint8_t>(arg);
    const auto high = static_cast<std::uint8_t>(arg >> 8);
    switch (mutation) {
        case 1:
            if (!bytes.empty())
                bytes[arg % bytes.size()] ^= std::byte{static_cast<std::uint8_t>(high | 1)};
            break;
        case 2:
            if (!bytes.empty()) bytes.resize(arg % bytes.size());
            break;
        case 3:
            if (bytes.size() >= 4) {
                bytes[2] = std::byte{high};
                bytes[3] = std::byte{low};
            }
            break;
        case 4:
            if (!bytes.empty())
                bytes[0] = (bytes[0] & std::byte{0xcf}) |
                           std::byte{static_cast<std::uint8_t>((low & 3) << 4)};
            break;
        case 5:
            if (bytes.size() >= 2) bytes[1] = std::byte{low};
            break;
        case 6:
            bytes.insert(bytes.end(), std::size_t{1} + high % 8, std::byte{low});
            break;
        case 7:
            if (bytes.size() > 4) {
                const std::size_t tkl = std::to_integer<std::size_t>(bytes[0] & std::byte{0x0f});
                const std::size_t at = 4 + (tkl == 0 ? 0 : arg % tkl);
                if (at < bytes.size()) bytes[at] ^= std::byte{0x01};
            }
            break;
        default:
            break;
    }
    // As sent by the original sender (a Driver or the rogue), to where it went or elsewhere.
    const auto sender = world_.driver_at(original.from);
    const std::size_t from = sender ? *sender : rogue_choice;
    coap::Address to = original.to;
    if (redirect >= 1 && redirect <= 3) to = world_.address_of(redirect - 1);
    if (redirect == 4) to = group_address();
    inject(from, to, bytes);
}

void Harness::forge_response() {
    const std::size_t source = draw_index(in_, 3);
    const std::size_t k = draw_index(in_, 7);
    const auto type = static_cast<coap::MessageType>(draw_index(in_, 3));
    const coap::Code code = pick(in_, forged_codes);
    const std::size_t token_mode = draw_index(in_, 3);
    const auto made_up = input_bytes(in_, 8);
    const bool own_mid = draw_index(in_, 1) == 0;
    const auto mid = in_.ConsumeIntegral<std::uint16_t>();
    const auto bits = in_.ConsumeIntegral<std::uint8_t>();
    const auto value = in_.ConsumeIntegral<std::uint16_t>();
    const std::size_t spoof = draw_index(in_, 3);
    const auto body = input_bytes(in_, 64);
    const Ring* remembered = ring(source);
    if (remembered == nullptr) return;
    const Remembered& request_bytes = remembered->at(k);
    const auto request = coap::MessageView::parse(request_bytes.bytes);
    if (!request) return;
    std::vector<std::byte> token(request->token().begin(), request->token().end());
    if (token_mode == 1 && !token.empty()) token.back() ^= std::byte{0x80};
    if (token_mode == 2) token.clear();
    if (token_mode == 3) token = made_up;
    std::vector<std::byte> buffer(1400);
    coap::MessageWriter writer(buffer, type, code, own_mid ? request->message_id() : mid, token);
    forged_options(writer, bits, value);
    writer.payload(body);
    // From where the request went: its Driver, the rogue, or (group, nowhere) a spoofed one.
    const auto responder = world_.driver_at(request_bytes.to);
    std::size_t from = spoof;
    if (responder) from = *responder;
    if (request_bytes.to == rogue_address()) from = rogue_choice;
    const auto forged = finish(std::move(buffer), writer);
    if (!forged.empty()) inject(from, request_bytes.from, forged);
}

void Harness::forge_request() {
    const std::size_t to = draw_index(in_, 3);
    const std::size_t from = draw_index(in_, 3);
    const auto type = static_cast<coap::MessageType>(draw_index(in_, 3));
    const coap::Code method = pick(in_, forged_methods);
    LaunchSpec target;
    target.path = static_cast<std::uint8_t>(draw_index(in_, 9));
    target.qa = in_.ConsumeIntegral<std::uint8_t>();
    target.qb = in_.ConsumeIntegral<std::uint16_t>();
    const auto bits = in_.ConsumeIntegral<std::uint8_t>();
    const auto value = in_.ConsumeIntegral<std::uint16_t>();
    const auto mid = in_.ConsumeIntegral<std::uint16_t>();
    const auto token = input_bytes(in_, 8);
    const auto body = input_bytes(in_, 64);
    std::vector<std::byte> buffer(1400);
    coap::MessageWriter writer(buffer, type, method, mid, token);
    const std::string uri = resource_path(target);
    const std::string_view path(uri.data(), std::min(uri.find('?'), uri.size()));
    std::size_t begin = 1;
    while (begin <= path.size()) {
        const std::size_t end = std::min(path.find('/', begin), path.size());
        if (end > begin)
            writer.option(coap::OptionNumber::uri_path, path.substr(begin, end - begin));
        begin = end + 1;
    }
    if (path.size() < uri.size()) {
        std::string_view query(uri);
        query.remove_prefix(path.size() + 1);
        while (!query.empty()) {
            const std::size_t amp = std::min(query.find('&'), query.size());
            writer.option(coap::OptionNumber::uri_query, query.substr(0, amp));
            query.remove_prefix(std::min(amp + 1, query.size()));
        }
    }
    forged_options(writer, bits, value);
    writer.payload(body);
    const auto forged = finish(std::move(buffer), writer);
    if (forged.empty()) return;
    inject(from, to < rogue_choice ? world_.address_of(to) : group_address(), forged);
}

}  // namespace driver_fuzz
