// uri_compose.cpp — §6.5: the request URI from a received request's options.
#include "coap/coap_uri.hpp"

#include <array>

namespace coap {

Result<std::string_view, UriError> compose_request_uri(const MessageView& request,
                                                       const RequestDestination& destination,
                                                       gsl::span<char> out) noexcept {
    UriBuilder builder(out);
    builder.scheme(scheme_name(destination.scheme));
    if (const std::optional<std::string_view> host = request.uri_host()) {
        // §6.5 step 2: non-ASCII bytes are percent-encoded, then the value must be a
        // reg-name, an IP-literal or an IPv4 address as it stands.
        std::array<char, 3 * 255> encoded;  // NOLINT: written before read
        std::size_t length = 0;
        constexpr char digits[] = "0123456789ABCDEF";
        for (char c : *host) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 0x80) {
                encoded[length++] = c;
            } else {
                encoded[length++] = '%';
                encoded[length++] = digits[byte >> 4];
                encoded[length++] = digits[byte & 0xfu];
            }
        }
        builder.encoded_host(std::string_view(encoded.data(), length));
    } else {
        builder.host(destination.address);
    }
    const std::uint16_t port = request.uri_port().value_or(destination.port);
    if (port != default_port(destination.scheme)) builder.port(port);
    const OptionRange segments = request.uri_path();
    if (segments.empty()) {
        builder.path_segment("");
    } else {
        for (const OptionView& segment : segments)
            builder.path_segment(segment.as_string());
    }
    for (const OptionView& item : request.uri_query())
        builder.query_item(item.as_string());
    return builder.finish();
}

}  // namespace coap
