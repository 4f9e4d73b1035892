// fuzz/engine/harness_format.cpp — the engine harness's draws (see
// harness_format.hpp) and message building.
#include "harness_format.hpp"

#include <limits>
#include <utility>

namespace engine_fuzz {

constexpr std::array<std::uint16_t, 16> option_numbers{11, 15, 12, 17, 6,     23,   27, 4,
                                                       14, 60, 3,  5,  65001, 2050, 35, 258};

const std::array<Code, 16> interesting_codes{coap::codes::content,
                                             coap::codes::changed,
                                             coap::codes::created,
                                             coap::codes::continue_,
                                             coap::codes::not_found,
                                             coap::codes::bad_option,
                                             coap::codes::request_entity_too_large,
                                             coap::codes::service_unavailable,
                                             coap::codes::internal_server_error,
                                             coap::codes::get,
                                             coap::codes::empty,
                                             Code::make(1, 0),
                                             coap::codes::ping,
                                             Code::make(6, 1),
                                             Code::make(3, 0),
                                             coap::codes::valid};

Code draw_code(Provider& in) {
    const std::size_t choice = draw_index(in, interesting_codes.size());
    if (choice < interesting_codes.size()) return interesting_codes[choice];
    return Code{in.ConsumeIntegral<std::uint8_t>()};
}

Body draw_body(Provider& in) {
    Body body;
    const std::size_t count = draw_index(in, 3);
    for (std::size_t i = 0; i < count; ++i) {
        OptionSpec option;
        option.number = pick(in, option_numbers);
        option.value = in.ConsumeBytes<std::byte>(draw_index(in, 15));
        body.options.push_back(std::move(option));
    }
    static constexpr std::array<std::size_t, 4> payload_limits{0, 32, 255, 1400};
    const std::size_t limit = pick(in, payload_limits);
    if (limit != 0) body.payload = in.ConsumeBytes<std::byte>(draw_index(in, limit));
    return body;
}

std::vector<std::byte> draw_token(Provider& in) {
    return in.ConsumeBytes<std::byte>(draw_index(in, 8));
}

std::optional<std::uint32_t> marker_of(const MessageView& message) {
    const auto option = message.find(OptionNumber{marker_number});
    if (!option || option->value.size() != 4) return std::nullopt;
    std::uint32_t value = 0;
    for (const std::byte b : option->value)
        value = (value << 8) | static_cast<std::uint8_t>(b);
    return value;
}

TransmissionParameters fast_parameters() {
    TransmissionParameters p;
    p.ack_timeout = coap::milliseconds(100);
    p.max_retransmit = 3;
    p.default_leisure = coap::milliseconds(200);
    p.max_latency = coap::milliseconds(500);
    p.processing_delay = coap::milliseconds(100);
    return p;
}

TransmissionParameters draw_parameters(Provider& in) {
    TransmissionParameters p;
    switch (draw_index(in, 4)) {
        case 0:
            break;
        case 1:
            p = fast_parameters();
            break;
        case 2:
            p.ack_timeout = coap::milliseconds(draw(in, 1, 5000));
            p.ack_random_factor_permille = static_cast<std::uint32_t>(draw(in, 1000, 3000));
            p.max_retransmit = static_cast<std::uint8_t>(draw(in, 0, 6));
            p.nstart = static_cast<std::uint8_t>(draw(in, 1, 3));
            p.default_leisure = coap::milliseconds(draw(in, 0, 10000));
            p.probing_rate = static_cast<std::uint32_t>(draw(in, 0, 50));
            p.max_latency = coap::milliseconds(draw(in, 0, 200000));
            p.processing_delay = coap::milliseconds(draw(in, 0, 5000));
            break;
        case 3:
            switch (draw_index(in, 3)) {
                case 0:
                    p.ack_timeout = Duration{};
                    break;
                case 1:
                    p.ack_random_factor_permille = 999;
                    break;
                case 2:
                    p.max_retransmit = 21;
                    break;
                default:
                    p.nstart = 0;
                    break;
            }
            break;
        default: {
            constexpr std::int64_t top = std::numeric_limits<std::int64_t>::max();
            std::int64_t ack = draw(in, 1, top);
            std::int64_t factor = draw(in, 1000, std::numeric_limits<std::uint32_t>::max());
            const std::int64_t retransmit = draw(in, 0, 20);
            const std::int64_t nstart = draw(in, 1, 255);
            std::int64_t leisure = draw(in, 0, top);
            const std::int64_t probing = draw(in, 0, std::numeric_limits<std::uint32_t>::max());
            std::int64_t latency = draw(in, 0, top);
            std::int64_t processing = draw(in, 0, top);
            if (!extreme_parameters) {
                ack = 1 + ack % 5000;
                factor = 1000 + factor % 2001;
                leisure %= 10001;
                latency %= 200001;
                processing %= 5001;
            }
            p.ack_timeout = coap::milliseconds(ack);
            p.ack_random_factor_permille = static_cast<std::uint32_t>(factor);
            p.max_retransmit =
                static_cast<std::uint8_t>(extreme_parameters ? retransmit : retransmit % 7);
            p.nstart = static_cast<std::uint8_t>(nstart);
            p.default_leisure = coap::milliseconds(leisure);
            p.probing_rate = static_cast<std::uint32_t>(probing);
            p.max_latency = coap::milliseconds(latency);
            p.processing_delay = coap::milliseconds(processing);
            break;
        }
    }
    return p;
}

std::vector<std::byte> build(MessageType type, Code code, std::uint16_t message_id, Bytes token,
                             const Body& body) {
    std::vector<std::byte> buffer(buffer_size);
    MessageWriter writer(buffer, type, code, message_id, token);
    body.write(writer);
    const auto length = writer.finish();
    if (!length) return {};
    buffer.resize(*length);
    return buffer;
}

}  // namespace engine_fuzz
