// uri_compose.cpp — §6.5: the request URI from a received request's options.
#include "coap/coap_uri.hpp"

#include <array>

namespace coap {

Result<std::string_view, UriError> compose_request_uri(const MessageView& request,
                                                       const RequestDestination& destination,
                                                       gsl::span<char> out) noexcept {
    UriBuilder builder(out);
    builder.scheme(scheme_name(destination.scheme));
    const std::optional<std::string_view> host = request.uri_host();
    builder.host(host ? *host : destination.address);
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
