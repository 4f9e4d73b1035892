// coap/detail/uri_grammar.hpp — the RFC 3986 character classes and the
// host grammars (IPv4address, IPv6address, RFC 6874 zone IDs, IPvFuture) as
// constexpr functions, so that URI literals can be checked at compile time.
// Owns grammar predicates only; never allocates, never touches the OS.
#pragma once

#include "coap/detail/ascii.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coap::detail {

// One table lookup classifies a character for every URI component (RFC 3986 §2, §3).
enum : unsigned char {
    uri_unreserved = 1u << 0,  ///< ALPHA / DIGIT / "-" / "." / "_" / "~"
    uri_sub_delim = 1u << 1,   ///< "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
    uri_colon_at = 1u << 2,    ///< ":" / "@" (the rest of pchar)
    uri_slash = 1u << 3,       ///< "/"
    uri_question = 1u << 4,    ///< "?"
    uri_scheme = 1u << 5,      ///< ALPHA / DIGIT / "+" / "-" / "."
    uri_delimiter = 1u << 6,   ///< ":" / "/" / "?" / "#": what ends a scheme candidate
    uri_hex = 1u << 7,         ///< HEXDIG
};

struct UriCharTable {
    unsigned char classes[256];
};

constexpr UriCharTable make_uri_char_table() noexcept {
    UriCharTable t{};
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        unsigned char bits = 0;
        if (is_alpha(ch) || is_digit(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
            bits |= uri_unreserved;
        if (std::string_view("!$&'()*+,;=").find(ch) != std::string_view::npos && ch != '\0')
            bits |= uri_sub_delim;
        if (ch == ':' || ch == '@') bits |= uri_colon_at;
        if (ch == '/') bits |= uri_slash;
        if (ch == '?') bits |= uri_question;
        if (is_alpha(ch) || is_digit(ch) || ch == '+' || ch == '-' || ch == '.') bits |= uri_scheme;
        if (ch == ':' || ch == '/' || ch == '?' || ch == '#') bits |= uri_delimiter;
        if (is_hex(ch)) bits |= uri_hex;
        t.classes[c] = bits;
    }
    return t;
}

inline constexpr UriCharTable uri_char_table = make_uri_char_table();

constexpr unsigned char uri_class(char c) noexcept {
    return uri_char_table.classes[static_cast<unsigned char>(c)];
}

inline constexpr unsigned char pchar_classes = uri_unreserved | uri_sub_delim | uri_colon_at;
inline constexpr unsigned char path_classes = pchar_classes | uri_slash;
inline constexpr unsigned char query_classes = pchar_classes | uri_slash | uri_question;

constexpr bool is_unreserved(char c) noexcept {
    return (uri_class(c) & uri_unreserved) != 0;
}
constexpr bool is_sub_delim(char c) noexcept {
    return (uri_class(c) & uri_sub_delim) != 0;
}
constexpr bool is_pchar(char c) noexcept {
    return (uri_class(c) & pchar_classes) != 0;
}
constexpr bool is_query_char(char c) noexcept {
    return (uri_class(c) & query_classes) != 0;
}
constexpr bool is_userinfo_char(char c) noexcept {
    return (uri_class(c) & (uri_unreserved | uri_sub_delim)) != 0 || c == ':';
}
constexpr bool is_reg_name_char(char c) noexcept {
    return (uri_class(c) & (uri_unreserved | uri_sub_delim)) != 0;
}
constexpr bool is_scheme_char(char c) noexcept {
    return (uri_class(c) & uri_scheme) != 0;
}

/// Where a scan of characters of `classes` (and well-formed "%XX" escapes) stopped,
/// and whether it stopped at a malformed escape.
struct ScanResult {
    std::size_t end;
    bool bad_escape;
};

constexpr ScanResult scan_component(std::string_view text, std::size_t pos,
                                    unsigned char classes) noexcept {
    const std::size_t n = text.size();
    while (pos < n) {
        const char c = text[pos];
        if ((uri_class(c) & classes) != 0) {
            ++pos;
        } else if (c == '%') {
            if (n - pos < 3 || (uri_class(text[pos + 1]) & uri_hex) == 0 ||
                (uri_class(text[pos + 2]) & uri_hex) == 0) {
                return {pos, true};
            }
            pos += 3;
        } else {
            break;
        }
    }
    return {pos, false};
}

/// Index of the first character of `text` that is neither allowed by `allowed`
/// nor part of a well-formed "%" HEXDIG HEXDIG; text.size() when all are fine.
template <class Allowed>
constexpr std::size_t first_invalid(std::string_view text, Allowed allowed) noexcept {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return i;
            if (!is_hex(text[i + 1]) || !is_hex(text[i + 2])) return i;
            i += 2;
        } else if (!allowed(c)) {
            return i;
        }
    }
    return text.size();
}

/// dec-octet "." dec-octet "." dec-octet "." dec-octet (no leading zeros).
constexpr bool is_ipv4_address(std::string_view text) noexcept {
    std::size_t i = 0;
    for (int octet = 0; octet < 4; ++octet) {
        if (octet != 0) {
            if (i >= text.size() || text[i] != '.') return false;
            ++i;
        }
        const std::size_t begin = i;
        int value = 0;
        while (i < text.size() && is_digit(text[i]) && i - begin < 3)
            value = value * 10 + (text[i++] - '0');
        const std::size_t digits = i - begin;
        if (digits == 0 || value > 255 || (digits > 1 && text[begin] == '0')) return false;
    }
    return i == text.size();
}

/// IPv6address of RFC 3986 §3.2.2 (eight h16 pieces, one "::", optional trailing IPv4).
constexpr bool is_ipv6_address(std::string_view text) noexcept {
    int pieces = 0;
    bool compressed = false;
    std::size_t i = 0;
    if (text.size() >= 2 && text[0] == ':' && text[1] == ':') {
        compressed = true;
        i = 2;
        if (i == text.size()) return true;
    } else if (!text.empty() && text[0] == ':') {
        return false;
    }
    while (i < text.size()) {
        // An embedded IPv4 address ends the address and counts as two pieces.
        std::size_t j = i;
        while (j < text.size() && text[j] != ':' && text[j] != '.')
            ++j;
        if (j < text.size() && text[j] == '.') {
            if (!is_ipv4_address(text.substr(i))) return false;
            pieces += 2;
            i = text.size();
            break;
        }
        const std::size_t length = j - i;
        if (length == 0 || length > 4) return false;
        for (std::size_t k = i; k < j; ++k) {
            if (!is_hex(text[k])) return false;
        }
        ++pieces;
        i = j;
        if (i == text.size()) break;
        // text[i] == ':'
        if (i + 1 < text.size() && text[i + 1] == ':') {
            if (compressed) return false;
            compressed = true;
            i += 2;
            if (i == text.size()) break;
        } else {
            ++i;
            if (i == text.size()) return false;  // trailing single ':'
        }
    }
    return compressed ? pieces <= 7 : pieces == 8;
}

/// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
constexpr bool is_ipv_future(std::string_view text) noexcept {
    if (text.size() < 4 || (text[0] != 'v' && text[0] != 'V')) return false;
    std::size_t i = 1;
    while (i < text.size() && is_hex(text[i]))
        ++i;
    if (i == 1 || i >= text.size() || text[i] != '.') return false;
    ++i;
    if (i == text.size()) return false;
    for (; i < text.size(); ++i) {
        if (!is_unreserved(text[i]) && !is_sub_delim(text[i]) && text[i] != ':') return false;
    }
    return true;
}

}  // namespace coap::detail
