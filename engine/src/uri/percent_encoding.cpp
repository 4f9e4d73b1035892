// percent_encoding.cpp — percent-decoding and per-component percent-encoding
// (RFC 3986 §2.1, §2.4), plus the error descriptions of the URI module.
#include "coap/uri.hpp"

#include "text_buffer.hpp"

namespace coap {
namespace {

bool allowed_literally(char c, UriComponent component) noexcept {
    using namespace detail;
    switch (component) {
        case UriComponent::userinfo:
            return is_userinfo_char(c);
        case UriComponent::host:
            return is_reg_name_char(c);
        case UriComponent::path:
            return is_pchar(c) || c == '/';
        case UriComponent::path_segment:
            return is_pchar(c);
        case UriComponent::query:
        case UriComponent::fragment:
            return is_query_char(c);
        case UriComponent::query_item:
            return is_query_char(c) && c != '&';
    }
    return false;
}

}  // namespace

Result<std::size_t, UriError> percent_decode(std::string_view encoded,
                                             gsl::span<char> out) noexcept {
    std::size_t written = 0;
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '%') {
            if (i + 2 >= encoded.size() || !detail::is_hex(encoded[i + 1]) ||
                !detail::is_hex(encoded[i + 2])) {
                return Err{
                    UriError{UriErrorKind::bad_percent_encoding, static_cast<std::uint32_t>(i)}};
            }
            c = static_cast<char>(detail::hex_value(encoded[i + 1]) * 16 +
                                  detail::hex_value(encoded[i + 2]));
            i += 2;
        }
        if (written == out.size())
            return Err{UriError{UriErrorKind::buffer_too_small, static_cast<std::uint32_t>(i)}};
        out[written++] = c;
    }
    return written;
}

bool is_well_formed_encoding(std::string_view encoded) noexcept {
    return detail::first_invalid(encoded, [](char) { return true; }) == encoded.size();
}

Result<std::size_t, UriError> percent_encode(std::string_view raw, UriComponent component,
                                             gsl::span<char> out) noexcept {
    detail::TextBuffer buffer(out);
    for (char c : raw) {
        if (allowed_literally(c, component))
            buffer.put(c);
        else
            buffer.put_escape(static_cast<unsigned char>(c));
        if (buffer.overflow()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    }
    return buffer.size();
}

std::string_view describe(UriErrorKind kind) noexcept {
    switch (kind) {
        case UriErrorKind::bad_scheme:
            return "malformed scheme";
        case UriErrorKind::colon_in_first_segment:
            return "':' in the first segment of a relative reference";
        case UriErrorKind::bad_userinfo:
            return "character not allowed in userinfo";
        case UriErrorKind::bad_host:
            return "character not allowed in a host name";
        case UriErrorKind::bad_ip_literal:
            return "malformed IP literal";
        case UriErrorKind::bad_zone_id:
            return "malformed IPv6 zone ID";
        case UriErrorKind::bad_port:
            return "malformed port";
        case UriErrorKind::bad_path:
            return "character not allowed in a path";
        case UriErrorKind::bad_query:
            return "character not allowed in a query";
        case UriErrorKind::bad_fragment:
            return "character not allowed in a fragment";
        case UriErrorKind::bad_percent_encoding:
            return "'%' not followed by two hex digits";
        case UriErrorKind::base_not_absolute:
            return "base URI has no scheme";
        case UriErrorKind::buffer_too_small:
            return "output buffer too small";
        case UriErrorKind::not_absolute:
            return "not an absolute URI";
        case UriErrorKind::foreign_scheme:
            return "not a CoAP scheme";
        case UriErrorKind::fragment_not_allowed:
            return "CoAP URIs have no fragment";
        case UriErrorKind::missing_host:
            return "missing host";
        case UriErrorKind::option_too_long:
            return "component too long for its CoAP option";
        case UriErrorKind::builder_misuse:
            return "URI builder calls out of order";
        case UriErrorKind::userinfo_not_allowed:
            return "CoAP URIs have no userinfo";
    }
    return "unknown URI error";
}

namespace detail {
void invalid_uri_literal() noexcept {}
}  // namespace detail

}  // namespace coap
