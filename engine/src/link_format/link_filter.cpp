// link_filter.cpp — the query filtering of RFC 6690 §4.1: one Uri-Query value
// `name=pattern[*]` parsed into a LinkFilter, matched against a Link (href against
// the target, relation-type attributes word by word), and a copy of the matching
// link-values of a document for a /.well-known/core answer.
#include "link_grammar.hpp"

#include <cstring>

namespace coap {

std::string_view describe(LinkFilterError error) noexcept {
    switch (error) {
        case LinkFilterError::missing_equals:
            return "query is not name=value";
        case LinkFilterError::invalid_name:
            return "invalid filter name";
        case LinkFilterError::wildcard_not_at_end:
            return "'*' before the end of the pattern";
    }
    return "unknown filter error";
}

bool is_space_separated_attribute(std::string_view name) noexcept {
    for (std::string_view listed : {"rel", "rev", "rt", "if", "ct"}) {
        if (link_grammar::iequals(name, listed)) return true;
    }
    return false;
}

Result<LinkFilter, LinkFilterError> LinkFilter::parse(std::string_view query) noexcept {
    const std::size_t equals = query.find('=');
    if (equals == std::string_view::npos) return Err{LinkFilterError::missing_equals};
    LinkFilter filter;
    filter.name = query.substr(0, equals);
    // resource-param = "href" / parmname; a "name*" attribute is filtered as written.
    std::string_view base = filter.name;
    if (!base.empty() && base.back() == '*') base.remove_suffix(1);
    if (base.empty()) return Err{LinkFilterError::invalid_name};
    for (char c : base) {
        if (!link_grammar::is_attr_char(c)) return Err{LinkFilterError::invalid_name};
    }
    filter.pattern = query.substr(equals + 1);
    const std::size_t star = filter.pattern.find('*');
    if (star != std::string_view::npos) {
        if (star + 1 != filter.pattern.size()) return Err{LinkFilterError::wildcard_not_at_end};
        filter.pattern.remove_suffix(1);
        filter.prefix = true;
    }
    return filter;
}

bool LinkFilter::matches_text(std::string_view text) const noexcept {
    if (prefix) return text.substr(0, pattern.size()) == pattern;
    return text == pattern;
}

bool LinkFilter::matches(const Link& link) const noexcept {
    if (link_grammar::iequals(name, "href")) return matches_text(link.target());
    const bool words = is_space_separated_attribute(name);
    for (const LinkAttribute& attribute : link.attributes()) {
        if (!attribute.is(name)) continue;
        const bool quoted = attribute.form == LinkValueForm::quoted;
        if (link_grammar::escaped_match(attribute.raw_value, quoted, pattern, !prefix)) return true;
        if (!words) continue;
        for (std::string_view word : attribute.words()) {
            if (link_grammar::escaped_match(word, quoted, pattern, !prefix)) return true;
        }
    }
    return false;
}

bool matches_all(gsl::span<const LinkFilter> filters, const Link& link) noexcept {
    for (const LinkFilter& filter : filters) {
        if (!filter.matches(link)) return false;
    }
    return true;
}

Result<std::size_t, LinkFormatError> write_matching_links(
    std::string_view document, gsl::span<const LinkFilter> filters, gsl::span<char> out,
    const LinkFormatOptions& options) noexcept {
    LinkFormatParser parser(document, options);
    std::size_t size = 0;
    for (;;) {
        auto next = parser.next();
        if (!next) return Err{next.error()};
        if (!next->has_value()) return size;
        const Link& link = **next;
        if (!matches_all(filters, link)) continue;
        const std::string_view text = link.text();
        const std::size_t comma = size == 0 ? 0 : 1;
        if (out.size() - size < comma + text.size())
            return Err{LinkFormatError{LinkFormatErrorKind::output_too_small, link.offset()}};
        if (comma != 0) out[size++] = ',';
        std::memcpy(out.data() + size, text.data(), text.size());
        size += text.size();
    }
}

}  // namespace coap
