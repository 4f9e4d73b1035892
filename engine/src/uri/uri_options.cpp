// uri_options.cpp — URI to options: §6.4 decomposition (Uri-Host, Uri-Port,
// Uri-Path, Uri-Query), the Proxy-Scheme form and the Proxy-Uri form (§5.10.2).
#include "coap/coap_uri.hpp"

#include "coap/detail/ascii.hpp"

#include <array>

namespace coap {
namespace {

constexpr std::size_t max_option_text = 255;

Bytes as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

std::uint32_t offset_in(const UriRef& uri, std::string_view part) noexcept {
    return static_cast<std::uint32_t>(part.data() - uri.text().data());
}

// Percent-decodes `encoded` (at most 255 bytes once decoded) and emits it as
// `number`; `offset` is where `encoded` starts in the URI text, for errors.
std::optional<UriError> emit_decoded(OptionSink& sink, OptionNumber number,
                                     std::string_view encoded, std::uint32_t offset,
                                     bool lower_case, std::size_t& count) noexcept {
    std::array<char, max_option_text> scratch;  // NOLINT: written before read
    const auto decoded = percent_decode(encoded, scratch);
    if (!decoded) {
        if (decoded.error().kind == UriErrorKind::buffer_too_small) {
            return UriError{UriErrorKind::option_too_long, offset};
        }
        return UriError{decoded.error().kind, offset + decoded.error().offset};
    }
    if (lower_case) {
        for (std::size_t i = 0; i < *decoded; ++i)
            scratch[i] = detail::to_lower(scratch[i]);
    }
    sink(number, as_bytes(std::string_view(scratch.data(), *decoded)));
    ++count;
    return std::nullopt;
}

// A segment that means "." or "..", also when its dots are written "%2E".
bool is_dot_segment(std::string_view segment) noexcept {
    std::size_t dots = 0;
    for (std::size_t i = 0; i < segment.size();) {
        if (segment[i] == '.') {
            ++i;
        } else if (segment.substr(i, 3) == "%2E" || segment.substr(i, 3) == "%2e") {
            i += 3;
        } else {
            return false;
        }
        ++dots;
    }
    return dots == 1 || dots == 2;
}

// Uri-Path per segment (§6.4 step 2 resolves the URI first, which removes dot
// segments; §5.10.1 never sends "." or "..") and Uri-Query per item. Shared by
// §6.4 and the Proxy-Scheme form.
std::optional<UriError> emit_path_and_query(OptionSink& sink, const UriRef& uri,
                                            std::size_t& count) noexcept {
    std::string_view path = uri.path();
    const std::uint32_t path_offset = offset_in(uri, path);
    std::array<char, 2048> resolved;  // NOLINT: written before read
    bool has_dots = false;
    for (std::string_view segment : PathSegments(path))
        has_dots = has_dots || is_dot_segment(segment);
    if (has_dots) {
        if (path.size() > resolved.size())
            return UriError{UriErrorKind::option_too_long, path_offset};
        std::size_t length = 0;
        for (std::size_t i = 0; i < path.size(); ++i) {  // "%2E" is "." (an unreserved character)
            if (path.substr(i, 3) == "%2E" || path.substr(i, 3) == "%2e") {
                resolved[length++] = '.';
                i += 2;
            } else {
                resolved[length++] = path[i];
            }
        }
        path = std::string_view(resolved.data(), remove_dot_segments({resolved.data(), length},
                                                                     {resolved.data(), length}));
    }
    if (!path.empty() && path != "/") {
        for (std::string_view segment : PathSegments(path)) {
            // After dot removal the text no longer lines up with the URI: report the path's start.
            const std::uint32_t at =
                has_dots ? path_offset
                         : path_offset + static_cast<std::uint32_t>(segment.data() - path.data());
            if (auto error = emit_decoded(sink, OptionNumber::uri_path, segment, at, false, count))
                return error;
        }
    }
    std::optional<UriError> failure;
    if (uri.has_query()) {
        QueryItems(uri.query()).for_each([&](std::string_view item) {
            if (!failure) {
                failure = emit_decoded(sink, OptionNumber::uri_query, item, offset_in(uri, item),
                                       false, count);
            }
        });
    }
    return failure;
}

void emit_port(OptionSink& sink, std::uint16_t port, std::size_t& count) noexcept {
    const EncodedUint encoded = encode_uint(port);
    sink(OptionNumber::uri_port, encoded.view());
    ++count;
}

}  // namespace

Result<std::size_t, UriError> decompose_uri(const CoapUri& coap_uri, OptionSink sink,
                                            const DecomposeOptions& options) noexcept {
    const UriRef& uri = coap_uri.uri();
    std::size_t count = 0;
    if (!coap_uri.host_is_ip_literal()) {
        if (auto error = emit_decoded(sink, OptionNumber::uri_host, uri.host(),
                                      offset_in(uri, uri.host()), true, count))
            return Err{*error};
    } else if (options.host_for_ip_literal) {
        sink(OptionNumber::uri_host, as_bytes(uri.host_text()));
        ++count;
    }
    const std::uint16_t destination =
        options.destination_port.value_or(default_port(coap_uri.scheme()));
    if (coap_uri.port() != destination) emit_port(sink, coap_uri.port(), count);
    if (auto error = emit_path_and_query(sink, uri, count)) return Err{*error};
    return count;
}

Result<std::size_t, UriError> write_uri_options(const CoapUri& uri, MessageWriter& writer,
                                                const DecomposeOptions& options) noexcept {
    auto into_writer = [&writer](OptionNumber number, Bytes value) {
        writer.option(number, value);
    };
    auto count = decompose_uri(uri, into_writer, options);
    if (count && !writer.ok()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    return count;
}

Result<std::size_t, UriError> decompose_for_proxy_scheme(const UriRef& uri,
                                                         OptionSink sink) noexcept {
    if (!uri.has_scheme()) return Err{UriError{UriErrorKind::not_absolute, 0}};
    if (uri.has_fragment()) {
        return Err{
            UriError{UriErrorKind::fragment_not_allowed, offset_in(uri, uri.fragment()) - 1}};
    }
    if (!uri.has_authority() || uri.host_text().empty()) {
        return Err{UriError{UriErrorKind::missing_host,
                            static_cast<std::uint32_t>(uri.scheme().size() + 1)}};
    }
    std::array<char, 255> scheme{};
    if (uri.scheme().size() > scheme.size()) return Err{UriError{UriErrorKind::option_too_long, 0}};
    for (std::size_t i = 0; i < uri.scheme().size(); ++i) {
        const char c = uri.scheme()[i];
        scheme[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::size_t count = 1;
    sink(OptionNumber::proxy_scheme,
         as_bytes(std::string_view(scheme.data(), uri.scheme().size())));
    if (uri.host_kind() == HostKind::reg_name) {
        if (auto error = emit_decoded(sink, OptionNumber::uri_host, uri.host(),
                                      offset_in(uri, uri.host()), true, count))
            return Err{*error};
    } else {
        sink(OptionNumber::uri_host, as_bytes(uri.host_text()));
        ++count;
    }
    const std::optional<std::uint16_t> port = uri.port();
    if (uri.has_port() && !uri.port_text().empty()) {
        if (!port) return Err{UriError{UriErrorKind::bad_port, offset_in(uri, uri.port_text())}};
        if (*port != default_port_of_scheme(uri.scheme())) emit_port(sink, *port, count);
    }
    if (auto error = emit_path_and_query(sink, uri, count)) return Err{*error};
    return count;
}

Result<std::size_t, UriError> write_proxy_uri(std::string_view text,
                                              MessageWriter& writer) noexcept {
    const auto uri = UriRef::parse(text);
    if (!uri) return Err{uri.error()};
    if (!uri->has_scheme()) return Err{UriError{UriErrorKind::not_absolute, 0}};
    if (uri->has_fragment()) {
        return Err{
            UriError{UriErrorKind::fragment_not_allowed, offset_in(*uri, uri->fragment()) - 1}};
    }
    const OptionInfo* info = find_option_info(OptionNumber::proxy_uri);
    if (!info->length_ok(text.size())) return Err{UriError{UriErrorKind::option_too_long, 0}};
    writer.option(OptionNumber::proxy_uri, text);
    if (!writer.ok()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    return std::size_t{1};
}

}  // namespace coap
