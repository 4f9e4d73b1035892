// link_parser.cpp — LinkFormatParser: the link-value-list grammar of RFC 6690 §2
// (with RFC 8288 optional whitespace), Link, and the attribute iterator.
#include "link_grammar.hpp"

#include <cstdint>
#include <limits>

namespace coap {

using link_grammar::skip_space;

std::string_view describe(LinkFormatErrorKind kind) noexcept {
    switch (kind) {
        case LinkFormatErrorKind::document_too_large:
            return "document too large";
        case LinkFormatErrorKind::expected_link:
            return "expected '<' to start a link";
        case LinkFormatErrorKind::unterminated_target:
            return "no '>' closes the link target";
        case LinkFormatErrorKind::invalid_target:
            return "invalid character in link target";
        case LinkFormatErrorKind::expected_separator:
            return "expected ';', ',' or the end";
        case LinkFormatErrorKind::empty_parameter_name:
            return "empty parameter name";
        case LinkFormatErrorKind::empty_value:
            return "'=' without a value";
        case LinkFormatErrorKind::unterminated_quoted_string:
            return "unterminated quoted string";
        case LinkFormatErrorKind::invalid_quoted_char:
            return "control character in quoted string";
        case LinkFormatErrorKind::missing_extended_value:
            return "extended parameter without a value";
        case LinkFormatErrorKind::trailing_comma:
            return "',' not followed by a link";
        case LinkFormatErrorKind::output_too_small:
            return "output buffer too small";
    }
    return "unknown link-format error";
}

namespace link_grammar {
namespace {

ParamScan scan_error(LinkFormatErrorKind kind, std::size_t at) noexcept {
    ParamScan scan;
    scan.error = LinkFormatError{kind, static_cast<std::uint32_t>(at)};
    return scan;
}

}  // namespace

ParamScan scan_parameter(std::string_view document, std::size_t at, bool line_breaks) noexcept {
    const std::size_t size = document.size();
    const std::size_t name_begin = at;
    while (at < size && is_attr_char(document[at]))
        ++at;
    if (at == name_begin) return scan_error(LinkFormatErrorKind::empty_parameter_name, at);
    const bool extended = at < size && document[at] == '*';
    if (extended) ++at;

    ParamScan scan;
    scan.attribute.name = document.substr(name_begin, at - name_begin);
    scan.attribute.offset = static_cast<std::uint32_t>(name_begin);
    const std::size_t name_end = at;
    at = skip_space(document, at, line_breaks);
    if (at == size || document[at] != '=') {
        if (extended) return scan_error(LinkFormatErrorKind::missing_extended_value, name_begin);
        scan.ok = true;
        scan.end = name_end;  // trailing whitespace belongs to the separator
        return scan;
    }
    at = skip_space(document, at + 1, line_breaks);
    if (at == size) return scan_error(LinkFormatErrorKind::empty_value, at);

    if (document[at] == '"') {
        const std::size_t open = at++;
        for (;;) {
            if (at == size)
                return scan_error(LinkFormatErrorKind::unterminated_quoted_string, open);
            const char c = document[at];
            if (c == '"') break;
            if (c == '\\') {
                if (at + 1 == size)
                    return scan_error(LinkFormatErrorKind::unterminated_quoted_string, open);
                if (!is_quoted_pair_char(document[at + 1]))
                    return scan_error(LinkFormatErrorKind::invalid_quoted_char, at + 1);
                at += 2;
            } else if (is_qdtext(c)) {
                ++at;
            } else {
                return scan_error(LinkFormatErrorKind::invalid_quoted_char, at);
            }
        }
        scan.attribute.form = LinkValueForm::quoted;
        scan.attribute.raw_value = document.substr(open + 1, at - open - 1);
        scan.end = at + 1;
    } else {
        const std::size_t begin = at;
        while (at < size && is_ptoken_char(document[at]))
            ++at;
        if (at == begin) return scan_error(LinkFormatErrorKind::empty_value, at);
        scan.attribute.form = LinkValueForm::token;
        scan.attribute.raw_value = document.substr(begin, at - begin);
        scan.end = at;
    }
    scan.ok = true;
    return scan;
}

}  // namespace link_grammar

// ---------------------------------------------------------------------------
// Attributes of a validated link.

LinkAttributeIterator::LinkAttributeIterator(std::string_view document, std::size_t at,
                                             std::size_t end, bool line_breaks) noexcept
    : document_(document), end_(end), line_breaks_(line_breaks) {
    load(at);
}

// Finds the parameter after `from`: optional whitespace, ';', optional whitespace,
// then the parameter itself. The link was validated, so anything else is its end.
void LinkAttributeIterator::load(std::size_t from) noexcept {
    at_ = from;
    const std::string_view link = document_.substr(0, end_);
    std::size_t at = skip_space(link, from, line_breaks_);
    if (at >= end_ || link[at] != ';') {
        at_ = end_;
        return;
    }
    at = skip_space(link, at + 1, line_breaks_);
    const link_grammar::ParamScan scan = link_grammar::scan_parameter(link, at, line_breaks_);
    if (!scan.ok) {  // cannot happen after validation; end the walk rather than loop
        at_ = end_;
        return;
    }
    current_ = scan.attribute;
    next_ = scan.end;
}

Link::Link(std::string_view document, std::size_t begin, std::size_t target_end, std::size_t end,
           bool line_breaks) noexcept
    : document_(document),
      begin_(begin),
      target_end_(target_end),
      end_(end),
      line_breaks_(line_breaks) {}

std::string_view Link::target() const noexcept {
    if (target_end_ < begin_ + 2) return {};
    return document_.substr(begin_ + 1, target_end_ - begin_ - 2);
}

LinkAttributeRange Link::attributes() const noexcept {
    return {LinkAttributeIterator(document_, target_end_, end_, line_breaks_),
            LinkAttributeIterator(document_, end_, end_, line_breaks_)};
}

std::optional<LinkAttribute> Link::find(std::string_view name) const noexcept {
    for (const LinkAttribute& attribute : attributes()) {
        if (attribute.is(name)) return attribute;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------
// The parser.

LinkFormatParser::LinkFormatParser(std::string_view document,
                                   const LinkFormatOptions& options) noexcept
    : document_(document), line_breaks_(options.allow_line_breaks) {
    if (document.size() > std::numeric_limits<std::uint32_t>::max()) {
        state_ = State::failed;
        error_ = LinkFormatError{LinkFormatErrorKind::document_too_large, 0};
    }
}

Result<std::optional<Link>, LinkFormatError> LinkFormatParser::fail(
    LinkFormatError error) noexcept {
    state_ = State::failed;
    error_ = error;
    return Err{error};
}

Result<std::optional<Link>, LinkFormatError> LinkFormatParser::next() noexcept {
    using Kind = LinkFormatErrorKind;
    if (state_ == State::failed) return Err{error_};
    if (state_ == State::finished) return std::optional<Link>{};

    const std::string_view doc = document_;
    const std::size_t size = doc.size();
    const auto at_offset = [](Kind kind, std::size_t at) {
        return LinkFormatError{kind, static_cast<std::uint32_t>(at)};
    };

    // Between links: the start of the document, or just after the previous link.
    std::size_t at = skip_space(doc, position_, line_breaks_);
    if (started_) {
        if (at == size) {
            state_ = State::finished;
            return std::optional<Link>{};
        }
        // The previous link ended at ',' (anything else was reported with it).
        const std::size_t comma = at;
        at = skip_space(doc, at + 1, line_breaks_);
        if (at == size) return fail(at_offset(Kind::trailing_comma, comma));
    } else {
        started_ = true;
        if (at == size) {  // an empty link-value-list
            state_ = State::finished;
            return std::optional<Link>{};
        }
    }

    // "<" URI-Reference ">"
    if (doc[at] != '<') return fail(at_offset(Kind::expected_link, at));
    const std::size_t begin = at;
    const std::size_t close = doc.find('>', begin + 1);
    if (close == std::string_view::npos) return fail(at_offset(Kind::unterminated_target, begin));
    const std::string_view target = doc.substr(begin + 1, close - begin - 1);
    const std::size_t bad = link_grammar::first_invalid_target_char(target);
    if (bad != target.size()) return fail(at_offset(Kind::invalid_target, begin + 1 + bad));
    std::size_t end = close + 1;

    // *( OWS ";" OWS link-param )
    for (;;) {
        at = skip_space(doc, end, line_breaks_);
        if (at == size || doc[at] == ',') break;
        if (doc[at] != ';') return fail(at_offset(Kind::expected_separator, at));
        at = skip_space(doc, at + 1, line_breaks_);
        const link_grammar::ParamScan scan = link_grammar::scan_parameter(doc, at, line_breaks_);
        if (!scan.ok) return fail(scan.error);
        end = scan.end;
    }
    position_ = end;
    return std::optional<Link>{Link(doc, begin, close + 1, end, line_breaks_)};
}

Result<std::size_t, LinkFormatError> validate_link_format(
    std::string_view document, const LinkFormatOptions& options) noexcept {
    LinkFormatParser parser(document, options);
    std::size_t count = 0;
    for (;;) {
        auto link = parser.next();
        if (!link) return Err{link.error()};
        if (!link->has_value()) return count;
        ++count;
    }
}

}  // namespace coap
