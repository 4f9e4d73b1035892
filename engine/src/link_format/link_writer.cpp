// link_writer.cpp — LinkFormatWriter: link-values and their parameters into a
// caller buffer, all-or-nothing per call, with every piece checked against the
// grammar the parser reads, so that whatever is written parses back.
#include "link_grammar.hpp"

#include <array>
#include <cstring>

namespace coap {

using link_grammar::byte;

std::string_view describe(LinkWriteError error) noexcept {
    switch (error) {
        case LinkWriteError::buffer_too_small:
            return "buffer too small";
        case LinkWriteError::no_link:
            return "attribute before the first link";
        case LinkWriteError::invalid_target:
            return "target is not a URI-reference";
        case LinkWriteError::invalid_name:
            return "invalid parameter name";
        case LinkWriteError::invalid_value:
            return "value cannot be written";
        case LinkWriteError::invalid_link:
            return "not exactly one link-value";
    }
    return "unknown link write error";
}

namespace {

// parmname ["*"]
bool valid_name(std::string_view name) noexcept {
    std::string_view base = name;
    if (!base.empty() && base.back() == '*') base.remove_suffix(1);
    if (base.empty()) return false;
    for (char c : base) {
        if (!link_grammar::is_attr_char(c)) return false;
    }
    return true;
}

bool is_ptoken(std::string_view value) noexcept {
    if (value.empty()) return false;
    for (char c : value) {
        if (!link_grammar::is_ptoken_char(c)) return false;
    }
    return true;
}

// RFC 6690 §2 writes these as DQUOTE ... DQUOTE (anchor, title), and its examples
// always quote the relation-types (rel, rev, rt, if).
bool conventionally_quoted(std::string_view name) noexcept {
    for (std::string_view quoted : {"anchor", "title", "rel", "rev", "rt", "if"}) {
        if (link_grammar::iequals(name, quoted)) return true;
    }
    return false;
}

// The quoted-string length of `value`, or 0 when a byte cannot be quoted.
std::size_t quoted_length(std::string_view value) noexcept {
    std::size_t length = 2;
    for (char c : value) {
        if (c == '"' || c == '\\')
            length += 2;
        else if (link_grammar::is_qdtext(c))
            length += 1;
        else
            return 0;
    }
    return length;
}

bool pct_needed(char c) noexcept {
    return !link_grammar::is_attr_char(c);
}

constexpr char hex_digits[] = "0123456789ABCDEF";

}  // namespace

void LinkFormatWriter::fail(LinkWriteError error) noexcept {
    if (failed_) return;
    failed_ = true;
    error_ = error;
}

bool LinkFormatWriter::reserve(std::size_t length) noexcept {
    if (failed_) return false;
    if (buffer_.size() - size_ < length) {
        fail(LinkWriteError::buffer_too_small);
        return false;
    }
    return true;
}

void LinkFormatWriter::put(std::string_view text) noexcept {
    if (!text.empty()) std::memcpy(buffer_.data() + size_, text.data(), text.size());
    size_ += text.size();
}

void LinkFormatWriter::put(char c) noexcept {
    buffer_[size_++] = c;
}

void LinkFormatWriter::put_quoted(std::string_view value) noexcept {
    put('"');
    for (char c : value) {
        if (c == '"' || c == '\\') put('\\');
        put(c);
    }
    put('"');
}

// Checks what every attribute needs: a link to belong to and a valid name; a
// "name*" parameter needs a value.
bool LinkFormatWriter::begin_attribute(std::string_view name, bool has_value) noexcept {
    if (failed_) return false;
    if (links_ == 0) {
        fail(LinkWriteError::no_link);
        return false;
    }
    if (!valid_name(name) || (!has_value && name.back() == '*')) {
        fail(LinkWriteError::invalid_name);
        return false;
    }
    return true;
}

LinkFormatWriter& LinkFormatWriter::link(std::string_view target) noexcept {
    if (failed_) return *this;
    if (link_grammar::first_invalid_target_char(target) != target.size()) {
        fail(LinkWriteError::invalid_target);
        return *this;
    }
    const std::size_t comma = links_ == 0 ? 0 : 1;
    if (!reserve(comma + target.size() + 2)) return *this;
    if (comma != 0) put(',');
    put('<');
    put(target);
    put('>');
    ++links_;
    return *this;
}

LinkFormatWriter& LinkFormatWriter::attribute(std::string_view name) noexcept {
    if (!begin_attribute(name, false) || !reserve(1 + name.size())) return *this;
    put(';');
    put(name);
    return *this;
}

LinkFormatWriter& LinkFormatWriter::attribute(std::string_view name,
                                              std::string_view value) noexcept {
    if (!begin_attribute(name, true)) return *this;
    if (is_ptoken(value) && !conventionally_quoted(name)) {
        if (!reserve(2 + name.size() + value.size())) return *this;
        put(';');
        put(name);
        put('=');
        put(value);
        return *this;
    }
    return quoted_attribute(name, value);
}

LinkFormatWriter& LinkFormatWriter::quoted_attribute(std::string_view name,
                                                     std::string_view value) noexcept {
    if (!begin_attribute(name, true)) return *this;
    const std::size_t quoted = quoted_length(value);
    if (quoted == 0) {
        fail(LinkWriteError::invalid_value);
        return *this;
    }
    if (!reserve(2 + name.size() + quoted)) return *this;
    put(';');
    put(name);
    put('=');
    put_quoted(value);
    return *this;
}

LinkFormatWriter& LinkFormatWriter::attribute_uint(std::string_view name,
                                                   std::uint32_t value) noexcept {
    std::array<char, 10> digits{};
    std::size_t n = digits.size();
    do {
        digits[--n] = static_cast<char>('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    return attribute(name, std::string_view(digits.data() + n, digits.size() - n));
}

LinkFormatWriter& LinkFormatWriter::attribute_words(
    std::string_view name, gsl::span<const std::string_view> words) noexcept {
    if (!begin_attribute(name, true)) return *this;
    std::size_t length = 2 + name.size() + 2;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string_view word = words[i];
        // A word is one item of the list: no spaces inside, nothing to escape.
        if (word.empty() || quoted_length(word) != word.size() + 2 ||
            word.find_first_of(" \t") != std::string_view::npos) {
            fail(LinkWriteError::invalid_value);
            return *this;
        }
        length += word.size() + (i == 0 ? 0 : 1);
    }
    if (!reserve(length)) return *this;
    put(';');
    put(name);
    put("=\"");
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i != 0) put(' ');
        put(words[i]);
    }
    put('"');
    return *this;
}

LinkFormatWriter& LinkFormatWriter::extended_attribute(std::string_view name,
                                                       std::string_view utf8_value,
                                                       std::string_view language) noexcept {
    std::string_view base = name;
    if (!base.empty() && base.back() == '*') base.remove_suffix(1);
    if (!begin_attribute(base, true)) return *this;
    if (base.empty() || base.back() == '*') {
        fail(LinkWriteError::invalid_name);
        return *this;
    }
    // The reader must decode it back: UTF-8 in, a well-shaped language tag.
    if (!link_grammar::is_utf8(utf8_value) || !link_grammar::is_language(language)) {
        fail(LinkWriteError::invalid_value);
        return *this;
    }
    std::size_t encoded = 0;
    for (char c : utf8_value)
        encoded += pct_needed(c) ? 3u : 1u;
    constexpr std::string_view charset = "UTF-8'";
    const std::size_t length = 1 + base.size() + 2 + charset.size() + language.size() + 1 + encoded;
    if (!reserve(length)) return *this;
    put(';');
    put(base);
    put("*=");
    put(charset);
    put(language);
    put('\'');
    for (char c : utf8_value) {
        if (pct_needed(c)) {
            put('%');
            put(hex_digits[byte(c) >> 4]);
            put(hex_digits[byte(c) & 0x0fu]);
        } else {
            put(c);
        }
    }
    return *this;
}

LinkFormatWriter& LinkFormatWriter::raw_link(std::string_view link_value,
                                             const LinkFormatOptions& options) noexcept {
    if (failed_) return *this;
    LinkFormatParser parser(link_value, options);
    auto first = parser.next();
    if (!first || !first->has_value() || (*first)->offset() != 0 ||
        (*first)->text().size() != link_value.size()) {
        fail(LinkWriteError::invalid_link);
        return *this;
    }
    const std::size_t comma = links_ == 0 ? 0 : 1;
    if (!reserve(comma + link_value.size())) return *this;
    if (comma != 0) put(',');
    put(link_value);
    ++links_;
    return *this;
}

Result<std::size_t, LinkWriteError> LinkFormatWriter::finish() const noexcept {
    if (failed_) return Err{error_};
    return size_;
}

}  // namespace coap
