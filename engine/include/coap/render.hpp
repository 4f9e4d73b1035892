// coap/render.hpp — a readable, one-message-per-block rendering of a CoAP
// message for logs and the CLI's verbose mode. Owns presentation only.
// render() writes into a caller buffer and never allocates; to_string() is a
// convenience for hosted builds.
#pragma once

#include "coap/contract.hpp"
#include "coap/message.hpp"

#include <gsl/span>

#include <cstddef>
#include <string>

namespace coap {

struct RenderOptions {
    /// Payload bytes shown before "..." (text or hex); 0 shows the whole payload.
    std::size_t max_payload = 256;
};

/// Renders `message` into `out` and returns the full length the rendering needs
/// (like snprintf, without a terminator); when that exceeds out.size(), the
/// output is truncated at out.size() bytes.
std::size_t render(const MessageView& message, gsl::span<char> out,
                   const RenderOptions& options = {}) noexcept;

/// The rendering as a std::string.
inline std::string to_string(const MessageView& message, const RenderOptions& options = {}) {
    std::string text(render(message, {}, options), '\0');
    render(message, {text.data(), text.size()}, options);
    return text;
}

}  // namespace coap
