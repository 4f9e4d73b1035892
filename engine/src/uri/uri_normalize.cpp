// uri_normalize.cpp — syntax- and scheme-based normalisation (RFC 3986 §6.2.2,
// §6.2.3; RFC 7252 §6.3 for the coap family), and the table of default ports.
#include "coap/uri.hpp"

#include "text_buffer.hpp"

namespace coap {
namespace {

// Copies `text`, upper-casing escape hex and decoding escapes of unreserved
// characters; `fold_case` lower-cases everything else too (hosts).
void put_normalized(detail::TextBuffer& out, std::string_view text, bool fold_case) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%' && i + 2 < text.size()) {
            const auto byte = static_cast<unsigned char>(detail::hex_value(text[i + 1]) * 16 +
                                                         detail::hex_value(text[i + 2]));
            const char decoded = static_cast<char>(byte);
            if (detail::is_unreserved(decoded))
                out.put(fold_case ? detail::to_lower(decoded) : decoded);
            else
                out.put_escape(byte);
            i += 2;
        } else {
            out.put(fold_case ? detail::to_lower(c) : c);
        }
    }
}

}  // namespace

std::optional<std::uint16_t> default_port_of_scheme(std::string_view scheme) noexcept {
    struct Entry {
        std::string_view scheme;
        std::uint16_t port;
    };
    constexpr Entry table[] = {{"coap", 5683},      {"coaps", 5684}, {"coap+tcp", 5683},
                               {"coaps+tcp", 5684}, {"coap+ws", 80}, {"coaps+ws", 443},
                               {"http", 80},        {"https", 443}};
    for (const Entry& entry : table) {
        if (detail::equal_ignoring_case(entry.scheme, scheme)) return entry.port;
    }
    return std::nullopt;
}

Result<std::size_t, UriError> normalize(const UriRef& uri, gsl::span<char> buffer) noexcept {
    detail::TextBuffer out(buffer);
    const std::optional<std::uint16_t> default_port = default_port_of_scheme(uri.scheme());
    if (uri.has_scheme()) {
        for (char c : uri.scheme())
            out.put(detail::to_lower(c));
        out.put(':');
    }
    if (uri.has_authority()) {
        out.put("//");
        if (uri.has_userinfo()) {
            put_normalized(out, uri.userinfo(), false);
            out.put('@');
        }
        if (uri.host_kind() == HostKind::ipv6 || uri.host_kind() == HostKind::ipv_future) {
            out.put('[');
            put_normalized(out, uri.host(), true);
            if (!uri.zone_id().empty()) {
                out.put("%25");
                put_normalized(out, uri.zone_id(), false);
            }
            out.put(']');
        } else {
            put_normalized(out, uri.host(), true);
        }
        const std::optional<std::uint16_t> port = uri.port();
        if (uri.has_port() && !uri.port_text().empty() &&
            !(port && default_port && *port == *default_port)) {
            out.put(':');
            std::string_view digits = uri.port_text();
            while (digits.size() > 1 && digits[0] == '0')
                digits.remove_prefix(1);
            out.put(digits);
        }
    }
    const std::size_t path_begin = out.size();
    put_normalized(out, uri.path(), false);
    if (out.overflow()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    const std::string_view written(out.data() + path_begin, out.size() - path_begin);
    if (uri.has_scheme() || (!written.empty() && written[0] == '/')) {
        out.truncate(path_begin +
                     remove_dot_segments(written, {out.data() + path_begin, written.size()}));
        detail::keep_path_meaning(out, path_begin, uri.has_authority());
    }
    if (out.size() == path_begin && uri.has_authority() && default_port) out.put('/');
    if (uri.has_query()) {
        out.put('?');
        put_normalized(out, uri.query(), false);
    }
    if (uri.has_fragment()) {
        out.put('#');
        put_normalized(out, uri.fragment(), false);
    }
    if (out.overflow()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    return out.size();
}

}  // namespace coap
