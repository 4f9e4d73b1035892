// link_grammar.hpp — internal: the character classes of RFC 6690 §2 (with RFC
// 8187 attr-char and RFC 8288 whitespace) and the one scanner of a link-param
// that both the validating parser and the attribute iterator use, so the two can
// never disagree. Never allocates; positions are indexes into the document.
#pragma once

#include "coap/detail/ascii.hpp"
#include "coap/link_format.hpp"

#include <cstddef>
#include <string_view>

namespace coap::link_grammar {

constexpr std::size_t npos = std::string_view::npos;

using detail::is_alpha;
using detail::is_digit;
using detail::is_hex;
constexpr unsigned hex_value(char c) noexcept {
    return static_cast<unsigned>(detail::hex_value(c));
}
constexpr unsigned char byte(char c) noexcept {
    return static_cast<unsigned char>(c);
}

/// attr-char (RFC 8187 §3.2.1): the characters of a parmname and of value-chars.
constexpr bool is_attr_char(char c) noexcept {
    return is_alpha(c) || is_digit(c) || std::string_view("!#$&+-.^_`|~").find(c) != npos;
}

/// ptokenchar (RFC 6690 §2): VCHAR except DQUOTE, ',', ';' and '\'.
constexpr bool is_ptoken_char(char c) noexcept {
    return byte(c) >= 0x21 && byte(c) <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

/// qdtext (RFC 7230 §3.2.6): HTAB, SP, VCHAR except DQUOTE and '\', obs-text.
constexpr bool is_qdtext(char c) noexcept {
    return c == '\t' || c == ' ' || (byte(c) >= 0x21 && byte(c) != 0x7f && c != '"' && c != '\\');
}

/// What may follow a backslash in a quoted-pair: HTAB, SP, VCHAR, obs-text.
constexpr bool is_quoted_pair_char(char c) noexcept {
    return c == '\t' || c == ' ' || (byte(c) >= 0x21 && byte(c) != 0x7f);
}

/// The characters of a URI-reference (RFC 3986) other than '%': unreserved,
/// gen-delims and sub-delims.
constexpr bool is_uri_char(char c) noexcept {
    constexpr std::string_view others = "-._~:/?#[]@!$&'()*+,;=";  // unreserved, gen-, sub-delims
    return is_alpha(c) || is_digit(c) || others.find(c) != npos;
}

constexpr bool is_space(char c, bool line_breaks) noexcept {
    return c == ' ' || c == '\t' || (line_breaks && (c == '\r' || c == '\n'));
}

inline std::size_t skip_space(std::string_view text, std::size_t at, bool line_breaks) noexcept {
    while (at < text.size() && is_space(text[at], line_breaks))
        ++at;
    return at;
}

inline bool iequals(std::string_view a, std::string_view b) noexcept {
    return detail::equal_ignoring_case(a, b);
}

/// Index of the first byte of `target` that cannot be in a URI-reference (a '%' not
/// followed by two hex digits counts as bad), or target.size() when all are fine.
inline std::size_t first_invalid_target_char(std::string_view target) noexcept {
    for (std::size_t i = 0; i < target.size(); ++i) {
        const char c = target[i];
        if (c == '%') {
            if (i + 2 >= target.size() || !is_hex(target[i + 1]) || !is_hex(target[i + 2]))
                return i;
            i += 2;
        } else if (!is_uri_char(c)) {
            return i;
        }
    }
    return target.size();
}

/// Language-Tag (RFC 5646), checked for shape only: subtags of 1-8 letters or
/// digits joined by '-', the first one alphabetic; the empty tag is accepted.
bool is_language(std::string_view text) noexcept;

/// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, at most U+10FFFF.
bool is_utf8(std::string_view text) noexcept;

/// The outcome of scanning one link-param that starts at a parmname.
struct ParamScan {
    LinkAttribute attribute;
    std::size_t end = 0;  // just after the parameter (its value, or its name)
    bool ok = false;
    LinkFormatError error{LinkFormatErrorKind::empty_parameter_name, 0};
};

/// Scans `parmname ["*"] [ BWS "=" BWS ( ptoken / quoted-string ) ]` at `at`.
ParamScan scan_parameter(std::string_view document, std::size_t at, bool line_breaks) noexcept;

/// Compares the value `raw` (escaped when `quoted`) with the plain text `text`:
/// the result of strncmp-like matching up to text.size(); `whole` requires the
/// value to end there too.
bool escaped_match(std::string_view raw, bool quoted, std::string_view text, bool whole) noexcept;

}  // namespace coap::link_grammar
