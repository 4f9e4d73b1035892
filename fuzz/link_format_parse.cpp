// fuzz/link_format_parse.cpp — fuzz target `link_format_parse`: LinkFormatParser
// on arbitrary bytes, with and without line breaks as whitespace. Owns the
// link-format read-side invariants: an independent character-by-character
// recognizer of RFC 6690 §2 (with RFC 8288 whitespace) must agree with the parser
// (accept/reject, error kind and offset, every target, name, form and raw value);
// values must unescape, compare and split consistently; extended values must
// decode inside their buffer to UTF-8; every link must be selected by filters
// built from itself; and what parsed must re-write, through LinkFormatWriter and
// write_matching_links, to a document that parses to the same links.
#include "coap/link_format.hpp"
#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

using coap::LinkFormatErrorKind;
using coap::LinkValueForm;

// ---------------------------------------------------------------------------
// Reference recognizer: one pass, one state per grammar position, character
// classes spelled out as sets.

bool in_set(char c, const char* set) {
    return c != '\0' && std::strchr(set, c) != nullptr;
}
bool alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool hexdig(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool attr_char(char c) {
    return alnum(c) || in_set(c, "!#$&+-.^_`|~");
}
bool ptoken_char(char c) {
    return alnum(c) || in_set(c, "!#$%&'()*+-./:<=>?@[]^_`{|}~");
}
bool uri_char(char c) {
    return alnum(c) || in_set(c, "-._~:/?#[]@!$&'()*+,;=");
}
bool vchar_or_obs(char c) {
    const auto b = static_cast<unsigned char>(c);
    return (b >= 0x21 && b <= 0x7e) || b >= 0x80;
}

struct RefParam {
    std::string_view name;
    LinkValueForm form = LinkValueForm::none;
    std::string_view raw;
};

struct RefLink {
    std::size_t begin = 0;
    std::string_view target;
    std::vector<RefParam> params;
};

struct RefResult {
    bool ok = true;
    LinkFormatErrorKind kind = LinkFormatErrorKind::expected_link;
    std::size_t offset = 0;
    std::vector<RefLink> links;  // the links before the error, too
};

enum class St {
    before_first,
    after_comma,
    target,
    after_item,
    before_name,
    name,
    after_name,
    before_value,
    token,
    quoted,
    escape,
};

RefResult reference_parse(std::string_view d, bool line_breaks) {
    RefResult r;
    const auto fail = [&](LinkFormatErrorKind kind, std::size_t at) {
        r.ok = false;
        r.kind = kind;
        r.offset = at;
        return r;
    };
    const auto ws = [&](char c) {
        return c == ' ' || c == '\t' || (line_breaks && (c == '\r' || c == '\n'));
    };
    St st = St::before_first;
    std::size_t mark = 0;  // comma, target start, name start, value start or open quote
    bool star = false;
    RefLink link;
    RefParam param;
    for (std::size_t i = 0; i <= d.size(); ++i) {
        const bool end = i == d.size();
        const char c = end ? '\0' : d[i];
        switch (st) {
            case St::before_first:
            case St::after_comma:
                if (end) {
                    if (st == St::after_comma)
                        return fail(LinkFormatErrorKind::trailing_comma, mark);
                    return r;
                }
                if (ws(c)) break;
                if (c != '<') return fail(LinkFormatErrorKind::expected_link, i);
                if (d.find('>', i) == std::string_view::npos)
                    return fail(LinkFormatErrorKind::unterminated_target, i);
                link = RefLink{};
                link.begin = i;
                mark = i + 1;
                st = St::target;
                break;
            case St::target:
                if (c == '>') {
                    link.target = d.substr(mark, i - mark);
                    st = St::after_item;
                } else if (c == '%') {
                    if (i + 2 >= d.size() || !hexdig(d[i + 1]) || !hexdig(d[i + 2]))
                        return fail(LinkFormatErrorKind::invalid_target, i);
                    i += 2;
                } else if (!uri_char(c)) {
                    return fail(LinkFormatErrorKind::invalid_target, i);
                }
                break;
            case St::after_item:
                if (end) {
                    r.links.push_back(link);
                    return r;
                }
                if (ws(c)) break;
                if (c == ';') {
                    st = St::before_name;
                } else if (c == ',') {
                    r.links.push_back(link);
                    mark = i;
                    st = St::after_comma;
                } else {
                    return fail(LinkFormatErrorKind::expected_separator, i);
                }
                break;
            case St::before_name:
                if (!end && ws(c)) break;
                if (end || !attr_char(c)) return fail(LinkFormatErrorKind::empty_parameter_name, i);
                mark = i;
                star = false;
                st = St::name;
                break;
            case St::name:
                if (!end && attr_char(c)) break;
                param = RefParam{};
                if (!end && c == '*') {
                    star = true;
                    param.name = d.substr(mark, i + 1 - mark);
                    st = St::after_name;
                    break;
                }
                param.name = d.substr(mark, i - mark);
                st = St::after_name;
                [[fallthrough]];
            case St::after_name:
                if (!end && ws(c)) break;
                if (!end && c == '=') {
                    st = St::before_value;
                    break;
                }
                if (star) return fail(LinkFormatErrorKind::missing_extended_value, mark);
                link.params.push_back(param);
                st = St::after_item;
                --i;  // this character belongs to what follows the parameter
                break;
            case St::before_value:
                if (!end && ws(c)) break;
                if (!end && c == '"') {
                    mark = i;
                    st = St::quoted;
                } else if (!end && ptoken_char(c)) {
                    mark = i;
                    st = St::token;
                } else {
                    return fail(LinkFormatErrorKind::empty_value, i);
                }
                break;
            case St::token:
                if (!end && ptoken_char(c)) break;
                param.form = LinkValueForm::token;
                param.raw = d.substr(mark, i - mark);
                link.params.push_back(param);
                st = St::after_item;
                --i;
                break;
            case St::quoted:
                if (end) return fail(LinkFormatErrorKind::unterminated_quoted_string, mark);
                if (c == '"') {
                    param.form = LinkValueForm::quoted;
                    param.raw = d.substr(mark + 1, i - mark - 1);
                    link.params.push_back(param);
                    st = St::after_item;
                } else if (c == '\\') {
                    st = St::escape;
                } else if (!(c == '\t' || c == ' ' || vchar_or_obs(c))) {
                    return fail(LinkFormatErrorKind::invalid_quoted_char, i);
                }
                break;
            case St::escape:
                if (end) return fail(LinkFormatErrorKind::unterminated_quoted_string, mark);
                if (!(c == '\t' || c == ' ' || vchar_or_obs(c)))
                    return fail(LinkFormatErrorKind::invalid_quoted_char, i);
                st = St::quoted;
                break;
        }
    }
    return r;
}

// ---------------------------------------------------------------------------
// Checks on one parsed link.

std::string unescape(std::string_view raw, LinkValueForm form) {
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (form == LinkValueForm::quoted && raw[i] == '\\' && i + 1 < raw.size()) ++i;
        out += raw[i];
    }
    return out;
}

bool utf8_ok(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80         ? 1
                        : (b >> 5) == 6  ? 2
                        : (b >> 4) == 14 ? 3
                        : (b >> 3) == 30 ? 4
                                         : 0;
        if (n == 0 || s.size() - i < n) return false;
        std::uint32_t cp = n == 1 ? b : b & (0x7fu >> n);
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3fu);
        }
        const std::uint32_t min = n == 1 ? 0 : n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n;
    }
    return true;
}

struct Plain {
    std::string target;
    std::vector<std::pair<std::string, std::string>> params;  // name, unescaped ("" if none)
    std::vector<bool> valued;
    bool operator==(const Plain&) const = default;
};

std::vector<Plain> plain_links(std::string_view document, bool line_breaks) {
    std::vector<Plain> out;
    coap::LinkFormatParser parser(document, coap::LinkFormatOptions{line_breaks});
    for (;;) {
        auto next = parser.next();
        FUZZ_REQUIRE(next.ok());
        if (!next->has_value()) return out;
        Plain p{std::string((*next)->target()), {}, {}};
        for (const coap::LinkAttribute& a : (*next)->attributes()) {
            p.params.emplace_back(std::string(a.name), unescape(a.raw_value, a.form));
            p.valued.push_back(a.has_value());
        }
        out.push_back(std::move(p));
    }
}

void check_link(const coap::Link& link, const RefLink& ref, std::string_view doc,
                coap::LinkFormatWriter& rewrite) {
    FUZZ_REQUIRE(link.offset() == ref.begin);
    FUZZ_REQUIRE(link.target().data() == ref.target.data());
    FUZZ_REQUIRE(link.target().size() == ref.target.size());
    FUZZ_REQUIRE(link.text().front() == '<');
    FUZZ_REQUIRE(link.text().data() >= doc.data() &&
                 link.text().data() + link.text().size() <= doc.data() + doc.size());

    const std::string href_query = "href=" + std::string(ref.target);  // filters view it
    const auto href = coap::LinkFilter::parse(href_query);
    if (ref.target.find('*') == std::string_view::npos) FUZZ_REQUIRE(href->matches(link));
    rewrite.link(link.target());

    std::size_t k = 0;
    std::vector<char> scratch(doc.size() + 1);
    for (const coap::LinkAttribute& a : link.attributes()) {
        FUZZ_REQUIRE(k < ref.params.size());
        const RefParam& p = ref.params[k++];
        FUZZ_REQUIRE(a.name.data() == p.name.data() && a.name.size() == p.name.size());
        FUZZ_REQUIRE(a.offset == static_cast<std::uint32_t>(p.name.data() - doc.data()));
        FUZZ_REQUIRE(a.form == p.form);
        FUZZ_REQUIRE(a.raw_value == p.raw);
        FUZZ_REQUIRE(a.is(a.name));
        FUZZ_REQUIRE(link.find(a.name).has_value());

        const std::string expected = unescape(p.raw, p.form);
        FUZZ_REQUIRE(a.value_size() == expected.size());
        FUZZ_REQUIRE(a.value_equals(expected));
        FUZZ_REQUIRE(
            a.value_starts_with(std::string_view(expected).substr(0, expected.size() / 2)));
        if (!a.has_value()) {
            FUZZ_REQUIRE(!a.value(scratch).ok());
            rewrite.attribute(a.name);
        } else {
            const auto value = a.value(scratch);
            FUZZ_REQUIRE(value.ok() && *value == expected);
            if (!expected.empty()) {
                std::vector<char> small(expected.size() - 1);
                FUZZ_REQUIRE(!a.has_escapes() || !a.value(small).ok());
            }
            if (a.form == LinkValueForm::quoted)
                rewrite.quoted_attribute(a.name, expected);
            else
                rewrite.attribute(a.name, expected);
        }

        // Words: non-empty, no blanks, and together they are the blank-free bytes.
        std::size_t letters = 0;
        for (std::string_view word : a.words()) {
            FUZZ_REQUIRE(!word.empty());
            FUZZ_REQUIRE(word.find_first_of(" \t") == std::string_view::npos);
            FUZZ_REQUIRE(word.data() >= p.raw.data() &&
                         word.data() + word.size() <= p.raw.data() + p.raw.size());
            letters += word.size();
        }
        std::size_t blanks = 0;
        for (char c : p.raw)
            blanks += (c == ' ' || c == '\t') ? 1 : 0;
        FUZZ_REQUIRE(letters + blanks == p.raw.size());

        // Extended values decode within the raw size, to UTF-8.
        if (a.is_extended()) {
            std::vector<char> out(p.raw.size());
            const auto decoded = a.extended_value(out);
            if (decoded.ok()) {
                FUZZ_REQUIRE(decoded->value.size() <= p.raw.size());
                FUZZ_REQUIRE(utf8_ok(decoded->value));
            }
            FUZZ_REQUIRE(
                !coap::describe(decoded.ok() ? coap::LinkValueError::no_value : decoded.error())
                     .empty());
        }

        // A filter on this attribute's own value selects the link ("href" names the
        // target, not an attribute).
        if (expected.find('*') == std::string::npos && !a.is("href")) {
            const std::string query = std::string(a.name) + "=" + expected;
            const auto filter = coap::LinkFilter::parse(query);
            FUZZ_REQUIRE(filter.ok() && filter->matches(link));
        }
        FUZZ_REQUIRE(coap::LinkFilter::parse(std::string(a.name) + "=*")->matches(link));
    }
    FUZZ_REQUIRE(k == ref.params.size());
}

void run(std::string_view doc, bool line_breaks) {
    const RefResult ref = reference_parse(doc, line_breaks);
    const auto validated = coap::validate_link_format(doc, coap::LinkFormatOptions{line_breaks});
    FUZZ_REQUIRE(validated.ok() == ref.ok);

    coap::LinkFormatParser parser(doc, coap::LinkFormatOptions{line_breaks});
    std::vector<char> buffer(4 * doc.size() + 16);
    coap::LinkFormatWriter rewrite(buffer);
    std::string concatenated;
    std::size_t count = 0;
    for (;;) {
        auto next = parser.next();
        if (!next) {
            FUZZ_REQUIRE(!ref.ok);
            FUZZ_REQUIRE(next.error().kind == ref.kind);
            FUZZ_REQUIRE(next.error().offset == ref.offset);
            FUZZ_REQUIRE(count == ref.links.size());
            FUZZ_REQUIRE(parser.done());
            FUZZ_REQUIRE(parser.next().error() == next.error());
            FUZZ_REQUIRE(!coap::describe(next.error().kind).empty());
            return;
        }
        if (!next->has_value()) break;
        FUZZ_REQUIRE(count < ref.links.size());
        check_link(**next, ref.links[count], doc, rewrite);
        if (!concatenated.empty()) concatenated += ',';
        concatenated += (*next)->text();
        ++count;
    }
    FUZZ_REQUIRE(ref.ok);
    FUZZ_REQUIRE(count == ref.links.size() && validated.value() == count);
    FUZZ_REQUIRE(!parser.next()->has_value());

    // Re-written without whitespace, the links are the same.
    const auto size = rewrite.finish();
    FUZZ_REQUIRE(size.ok());
    FUZZ_REQUIRE(plain_links(rewrite.written(), false) == plain_links(doc, line_breaks));

    // Copied with no filter: the link texts joined by commas, which parse again.
    std::vector<char> out(concatenated.size());
    const auto copied =
        coap::write_matching_links(doc, {}, out, coap::LinkFormatOptions{line_breaks});
    FUZZ_REQUIRE(copied.ok() && *copied == concatenated.size());
    FUZZ_REQUIRE(std::string_view(out.data(), *copied) == concatenated);
    FUZZ_REQUIRE(
        coap::validate_link_format(concatenated, coap::LinkFormatOptions{line_breaks}).value() ==
        count);
    if (!concatenated.empty()) {
        std::vector<char> small(concatenated.size() - 1);
        const auto overflow =
            coap::write_matching_links(doc, {}, small, coap::LinkFormatOptions{line_breaks});
        FUZZ_REQUIRE(!overflow.ok() &&
                     overflow.error().kind == LinkFormatErrorKind::output_too_small);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view doc(reinterpret_cast<const char*>(data), size);
    run(doc, false);
    run(doc, true);
    // Line breaks only widen what is accepted.
    if (coap::validate_link_format(doc).ok())
        FUZZ_REQUIRE(coap::validate_link_format(doc, coap::LinkFormatOptions{true}).ok());
    return 0;
}
