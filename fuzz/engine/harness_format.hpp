// fuzz/engine/harness_format.hpp — the engine harness's input format: how values,
// codes, option lists, tokens and transmission parameters are drawn from the input
// (cobalt_fuzz::DataProvider: integers from the back, bytes from the front), and the
// messages the harness builds from them, with the marker option that traces a
// response to its request. fuzz/make_seeds.py mirrors these draws; changing any of
// them changes what every seed does.
#pragma once

#include "harness_config.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace engine_fuzz {

template <class T, std::size_t N>
T pick(Provider& in, const std::array<T, N>& table) {
    return table[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

inline std::int64_t draw(Provider& in, std::int64_t low, std::int64_t high) {
    return in.ConsumeIntegralInRange<std::int64_t>(low, high);
}

inline std::size_t draw_index(Provider& in, std::size_t high) {
    return in.ConsumeIntegralInRange<std::size_t>(0, high);
}

/// Request methods drawn by send_request, two of them not requests at all.
inline const std::array<Code, 8> methods{
    coap::codes::get,   coap::codes::post,   coap::codes::put,   coap::codes::delete_,
    coap::codes::fetch, coap::codes::ipatch, coap::codes::empty, coap::codes::content};

/// One of the interesting codes, or (last choice) any raw byte.
Code draw_code(Provider& in);

struct OptionSpec {
    std::uint16_t number = 0;
    std::vector<std::byte> value;
};

/// Options and payload of a message the harness builds.
struct Body {
    std::vector<OptionSpec> options;
    std::vector<std::byte> payload;
    std::optional<std::uint32_t> marker;

    void write(MessageWriter& writer) const {
        if (marker) {
            const std::array<std::byte, 4> value{
                std::byte{static_cast<std::uint8_t>(*marker >> 24)},
                std::byte{static_cast<std::uint8_t>(*marker >> 16)},
                std::byte{static_cast<std::uint8_t>(*marker >> 8)},
                std::byte{static_cast<std::uint8_t>(*marker)}};
            writer.option(OptionNumber{marker_number}, value);
        }
        for (const OptionSpec& o : options)
            writer.option(OptionNumber{o.number}, Bytes{o.value.data(), o.value.size()});
        if (!payload.empty()) writer.payload(Bytes{payload.data(), payload.size()});
    }
};

/// Up to three options from a fixed list of numbers, and a payload up to 1400 bytes.
Body draw_body(Provider& in);
/// A token of 0 to 8 bytes.
std::vector<std::byte> draw_token(Provider& in);
/// The harness's marker in `message`, if it carries a well-formed one.
std::optional<std::uint32_t> marker_of(const MessageView& message);
/// Short timeouts: a run over these parameters converges quickly.
TransmissionParameters fast_parameters();
/// Kind 0: RFC defaults; 1: fast; 2: sane custom values; 3: invalid; 4: extreme.
TransmissionParameters draw_parameters(Provider& in);
/// The encoded message, or nothing when it does not fit buffer_size.
std::vector<std::byte> build(MessageType type, Code code, std::uint16_t message_id, Bytes token,
                             const Body& body);

}  // namespace engine_fuzz
