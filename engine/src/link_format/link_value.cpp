// link_value.cpp — reading one attribute value: quoted-string unescaping and
// comparison, space-separated words, and RFC 8187 ext-value decoding ("title*").
#include "link_grammar.hpp"

#include <cstdint>

namespace coap {

using link_grammar::byte;

std::string_view describe(LinkValueError error) noexcept {
    switch (error) {
        case LinkValueError::buffer_too_small:
            return "buffer too small";
        case LinkValueError::no_value:
            return "attribute has no value";
        case LinkValueError::bad_ext_value:
            return "malformed extended value";
        case LinkValueError::unsupported_charset:
            return "unsupported charset";
        case LinkValueError::bad_utf8:
            return "value is not UTF-8";
    }
    return "unknown value error";
}

namespace link_grammar {

// Language-Tag, checked for shape only: subtags of 1-8 letters or digits joined
// by '-', the first one alphabetic.
bool is_language(std::string_view text) noexcept {
    if (text.empty()) return true;
    if (!link_grammar::is_alpha(text[0])) return false;
    std::size_t run = 0;
    for (char c : text) {
        if (c == '-') {
            if (run == 0) return false;
            run = 0;
        } else if (link_grammar::is_alpha(c) || link_grammar::is_digit(c)) {
            if (++run > 8) return false;
        } else {
            return false;
        }
    }
    return run != 0;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, at most U+10FFFF.
bool is_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned b = byte(text[i]);
        std::size_t length = 0;
        unsigned min_second = 0x80;
        unsigned max_second = 0xbf;
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            if (b == 0xe0) min_second = 0xa0;
            if (b == 0xed) max_second = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            if (b == 0xf0) min_second = 0x90;
            if (b == 0xf4) max_second = 0x8f;
        } else {
            return false;
        }
        if (text.size() - i < length) return false;
        const unsigned second = byte(text[i + 1]);
        if (second < min_second || second > max_second) return false;
        for (std::size_t k = 2; k < length; ++k) {
            if ((byte(text[i + k]) & 0xc0u) != 0x80u) return false;
        }
        i += length;
    }
    return true;
}

bool escaped_match(std::string_view raw, bool quoted, std::string_view text, bool whole) noexcept {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < raw.size() && j < text.size()) {
        char c = raw[i];
        if (quoted && c == '\\' && i + 1 < raw.size()) c = raw[++i];
        if (c != text[j]) return false;
        ++i;
        ++j;
    }
    return j == text.size() && (!whole || i == raw.size());
}

}  // namespace link_grammar

// ---------------------------------------------------------------------------
// LinkAttribute

bool LinkAttribute::is(std::string_view other) const noexcept {
    return link_grammar::iequals(name, other);
}

bool LinkAttribute::has_escapes() const noexcept {
    return form == LinkValueForm::quoted && raw_value.find('\\') != std::string_view::npos;
}

std::size_t LinkAttribute::value_size() const noexcept {
    if (form != LinkValueForm::quoted) return raw_value.size();
    std::size_t n = 0;
    for (std::size_t i = 0; i < raw_value.size(); ++i, ++n) {
        if (raw_value[i] == '\\' && i + 1 < raw_value.size()) ++i;
    }
    return n;
}

Result<std::string_view, LinkValueError> LinkAttribute::value(
    gsl::span<char> scratch) const noexcept {
    if (form == LinkValueForm::none) return Err{LinkValueError::no_value};
    if (!has_escapes()) return raw_value;
    if (value_size() > scratch.size()) return Err{LinkValueError::buffer_too_small};
    std::size_t n = 0;
    for (std::size_t i = 0; i < raw_value.size(); ++i) {
        if (raw_value[i] == '\\' && i + 1 < raw_value.size()) ++i;
        scratch[n++] = raw_value[i];
    }
    return std::string_view(scratch.data(), n);
}

bool LinkAttribute::value_equals(std::string_view text) const noexcept {
    return link_grammar::escaped_match(raw_value, form == LinkValueForm::quoted, text, true);
}

bool LinkAttribute::value_starts_with(std::string_view prefix) const noexcept {
    return link_grammar::escaped_match(raw_value, form == LinkValueForm::quoted, prefix, false);
}

Result<ExtendedValue, LinkValueError> LinkAttribute::extended_value(
    gsl::span<char> scratch) const noexcept {
    if (form == LinkValueForm::none) return Err{LinkValueError::no_value};
    if (!has_escapes()) return decode_ext_value(raw_value, scratch);
    // Unescape into the scratch buffer, then decode the value-chars in place, after
    // the charset and language, which stay where they are.
    auto plain = value(scratch);
    if (!plain) return Err{plain.error()};
    const std::size_t first_quote = plain->find('\'');
    const std::size_t second_quote =
        first_quote == std::string_view::npos ? first_quote : plain->find('\'', first_quote + 1);
    if (second_quote == std::string_view::npos) return Err{LinkValueError::bad_ext_value};
    return decode_ext_value(*plain, scratch.subspan(second_quote + 1));
}

// ---------------------------------------------------------------------------
// Words

ValueWordIterator::ValueWordIterator(std::string_view text, std::size_t at) noexcept : text_(text) {
    advance(at);
}

void ValueWordIterator::advance(std::size_t from) noexcept {
    std::size_t at = from;
    while (at < text_.size() && (text_[at] == ' ' || text_[at] == '\t'))
        ++at;
    std::size_t end = at;
    while (end < text_.size() && text_[end] != ' ' && text_[end] != '\t')
        ++end;
    at_ = at;
    current_ = text_.substr(at, end - at);
}

// ---------------------------------------------------------------------------
// RFC 8187 ext-value

namespace {

// mime-charsetc (RFC 8187 §3.2.1).
bool is_charset_char(char c) noexcept {
    return link_grammar::is_alpha(c) || link_grammar::is_digit(c) ||
           std::string_view("!#$%&+-^_`{}~").find(c) != std::string_view::npos;
}

}  // namespace

Result<ExtendedValue, LinkValueError> decode_ext_value(std::string_view ext_value,
                                                       gsl::span<char> out) noexcept {
    using link_grammar::hex_value;
    using link_grammar::is_hex;
    const std::size_t first_quote = ext_value.find('\'');
    if (first_quote == std::string_view::npos) return Err{LinkValueError::bad_ext_value};
    const std::size_t second_quote = ext_value.find('\'', first_quote + 1);
    if (second_quote == std::string_view::npos) return Err{LinkValueError::bad_ext_value};
    const std::string_view charset = ext_value.substr(0, first_quote);
    const std::string_view language =
        ext_value.substr(first_quote + 1, second_quote - first_quote - 1);
    const std::string_view chars = ext_value.substr(second_quote + 1);

    if (charset.empty()) return Err{LinkValueError::bad_ext_value};
    for (char c : charset) {
        if (!is_charset_char(c)) return Err{LinkValueError::bad_ext_value};
    }
    if (!link_grammar::is_language(language)) return Err{LinkValueError::bad_ext_value};
    const bool utf8 = link_grammar::iequals(charset, "UTF-8");
    const bool latin1 = link_grammar::iequals(charset, "ISO-8859-1");

    // Check value-chars and measure the output before writing anything.
    std::size_t length = 0;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        const char c = chars[i];
        if (c == '%') {
            if (i + 2 >= chars.size() || !is_hex(chars[i + 1]) || !is_hex(chars[i + 2]))
                return Err{LinkValueError::bad_ext_value};
            const unsigned octet = hex_value(chars[i + 1]) * 16u + hex_value(chars[i + 2]);
            length += (latin1 && octet >= 0x80) ? 2 : 1;
            i += 2;
        } else if (link_grammar::is_attr_char(c)) {
            ++length;
        } else {
            return Err{LinkValueError::bad_ext_value};
        }
    }
    if (!utf8 && !latin1) return Err{LinkValueError::unsupported_charset};
    if (length > out.size()) return Err{LinkValueError::buffer_too_small};

    // Each output byte comes from at least as many input bytes before it, so the
    // write position never passes the read position: `out` may start where the
    // value-chars start (in-place decoding).
    char* dest = out.data();
    std::size_t n = 0;
    for (std::size_t i = 0; i < chars.size(); ++i) {
        unsigned octet = byte(chars[i]);
        if (chars[i] == '%') {
            octet = hex_value(chars[i + 1]) * 16u + hex_value(chars[i + 2]);
            i += 2;
        }
        if (latin1 && octet >= 0x80) {
            dest[n++] = static_cast<char>(0xc0u | (octet >> 6));
            dest[n++] = static_cast<char>(0x80u | (octet & 0x3fu));
        } else {
            dest[n++] = static_cast<char>(octet);
        }
    }
    const std::string_view value(dest, n);
    if (!link_grammar::is_utf8(value)) return Err{LinkValueError::bad_utf8};
    return ExtendedValue{charset, language, value};
}

}  // namespace coap
