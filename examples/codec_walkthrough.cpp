// codec_walkthrough.cpp — the codec on its own: a client encodes a GET, a server
// parses it, checks its options, and encodes a piggybacked 2.05 answer into the
// same kind of caller-owned buffer. No sockets, no allocation on the message path.
#include <coap/coap.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string_view>

namespace {

// Writes the server's answer to `request` into `out`; returns its length or 0.
std::size_t answer(const coap::MessageView& request, gsl::span<std::byte> out) {
    if (const auto issue = coap::check_options(request); issue && issue->critical) {
        coap::MessageWriter reject(out, coap::MessageType::acknowledgement, coap::codes::bad_option,
                                   request.message_id(), request.token());
        reject.payload(coap::describe(issue->problem));
        return reject.finish().value_or(0);
    }
    std::array<std::string_view, 4> segments{};
    std::size_t depth = 0;
    for (const coap::OptionView& segment : request.uri_path()) {
        if (depth < segments.size()) segments[depth] = segment.as_string();
        ++depth;
    }
    const bool known = depth == 2 && segments[0] == "sensors" && segments[1] == "temperature";
    coap::MessageWriter response(out, coap::MessageType::acknowledgement,
                                 known ? coap::codes::content : coap::codes::not_found,
                                 request.message_id(), request.token());
    if (known) {
        response.option_uint(coap::OptionNumber::max_age, 30);
        response.option_uint(coap::OptionNumber::content_format, coap::content_formats::text_plain);
        response.payload("22.3 C");
    }
    return response.finish().value_or(0);
}

}  // namespace

int main() {
    const std::array<std::byte, 4> token{std::byte{0x5e}, std::byte{0xc2}, std::byte{0x01},
                                         std::byte{0x7a}};
    std::array<std::byte, 128> request_buffer{};
    coap::MessageWriter request(request_buffer, coap::MessageType::confirmable, coap::codes::get,
                                0x7d34, token);
    request.option(coap::OptionNumber::uri_path, "sensors")
        .option(coap::OptionNumber::uri_path, "temperature");
    request.option_uint(coap::OptionNumber::accept, coap::content_formats::text_plain);
    const auto request_size = request.finish();
    if (!request_size) return 1;

    const auto parsed_request =
        coap::MessageView::parse(gsl::span<const std::byte>(request_buffer.data(), *request_size));
    if (!parsed_request) return 1;
    std::printf("client sends %zu bytes:\n%s\n", *request_size,
                coap::to_string(*parsed_request).c_str());

    std::array<std::byte, 128> response_buffer{};
    const std::size_t response_size = answer(*parsed_request, response_buffer);
    const auto parsed_response =
        coap::MessageView::parse(gsl::span<const std::byte>(response_buffer.data(), response_size));
    if (!parsed_response) return 1;
    std::printf("server answers %zu bytes:\n%s", response_size,
                coap::to_string(*parsed_response).c_str());

    const bool matched =
        parsed_response->message_id() == parsed_request->message_id() &&
        std::equal(parsed_response->token().begin(), parsed_response->token().end(),
                   parsed_request->token().begin(), parsed_request->token().end());
    return matched && parsed_response->code() == coap::codes::content ? 0 : 1;
}
