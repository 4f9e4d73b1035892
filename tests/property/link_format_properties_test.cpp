// link_format_properties_test.cpp — rapidcheck properties of the link format:
//   what the writer writes parses back to the same links (targets, names, unescaped
//   and RFC 8187-decoded values), also with optional whitespace inserted; arbitrary
//   and mutated documents never crash, report offsets inside the document, and what
//   parses re-writes to an equivalent document; small buffers fail cleanly without
//   overrun; a filter built from a link's own attribute selects that link.
#include "coap/link_format.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace coap::test {
namespace {

// ---------------------------------------------------------------------------
// A model of a document, and what a parse of it must show.

enum class Kind : std::uint8_t { flag, value, quoted, number, words, extended };

struct ModelAttribute {
    std::string name;
    Kind kind = Kind::flag;
    std::string value;               // value, quoted, extended (UTF-8 text)
    std::vector<std::string> words;  // words
    std::uint32_t number = 0;        // number
    std::string language;            // extended
};

struct ModelLink {
    std::string target;
    std::vector<ModelAttribute> attributes;
};

using Model = std::vector<ModelLink>;

// One attribute as the parser reports it, with its value unescaped.
struct Seen {
    std::string name;
    bool has_value = false;
    std::string value;
    friend bool operator==(const Seen&, const Seen&) = default;
};

struct SeenLink {
    std::string target;
    std::vector<Seen> attributes;
    friend bool operator==(const SeenLink&, const SeenLink&) = default;
};

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

void write(LinkFormatWriter& w, const Model& model) {
    for (const ModelLink& link : model) {
        w.link(link.target);
        for (const ModelAttribute& a : link.attributes) {
            switch (a.kind) {
                case Kind::flag:
                    w.attribute(a.name);
                    break;
                case Kind::value:
                    w.attribute(a.name, a.value);
                    break;
                case Kind::quoted:
                    w.quoted_attribute(a.name, a.value);
                    break;
                case Kind::number:
                    w.attribute_uint(a.name, a.number);
                    break;
                case Kind::words: {
                    std::vector<std::string_view> views(a.words.begin(), a.words.end());
                    w.attribute_words(a.name, views);
                    break;
                }
                case Kind::extended:
                    w.extended_attribute(a.name, a.value, a.language);
                    break;
            }
        }
    }
}

std::string write(const Model& model) {
    std::vector<char> buffer(1 << 16);
    LinkFormatWriter w(buffer);
    write(w, model);
    const auto size = w.finish();
    RC_ASSERT(size.ok());
    return std::string(buffer.data(), *size);
}

// What parsing `model`'s document must give; extended values are compared decoded.
std::vector<SeenLink> expected_of(const Model& model) {
    std::vector<SeenLink> out;
    for (const ModelLink& link : model) {
        SeenLink seen{link.target, {}};
        for (const ModelAttribute& a : link.attributes) {
            switch (a.kind) {
                case Kind::flag:
                    seen.attributes.push_back({a.name, false, ""});
                    break;
                case Kind::value:
                case Kind::quoted:
                    seen.attributes.push_back({a.name, true, a.value});
                    break;
                case Kind::number:
                    seen.attributes.push_back({a.name, true, std::to_string(a.number)});
                    break;
                case Kind::words:
                    seen.attributes.push_back({a.name, true, join(a.words)});
                    break;
                case Kind::extended:
                    seen.attributes.push_back({a.name + "*", true, a.language + "|" + a.value});
                    break;
            }
        }
        out.push_back(std::move(seen));
    }
    return out;
}

// Parses `document`, asserting success; extended values become "language|value".
std::vector<SeenLink> parse(std::string_view document, LinkFormatOptions options = {}) {
    std::vector<SeenLink> out;
    LinkFormatParser parser(document, options);
    std::vector<char> scratch(document.size() + 1);
    for (;;) {
        auto next = parser.next();
        RC_ASSERT(next.ok());
        if (!next->has_value()) break;
        const Link& link = **next;
        SeenLink seen{std::string(link.target()), {}};
        for (const LinkAttribute& a : link.attributes()) {
            Seen s{std::string(a.name), a.has_value(), ""};
            if (a.is_extended()) {
                const auto decoded = a.extended_value(scratch);
                RC_ASSERT(decoded.ok());
                s.value = std::string(decoded->language) + "|" + std::string(decoded->value);
            } else if (a.has_value()) {
                const auto value = a.value(scratch);
                RC_ASSERT(value.ok());
                s.value = std::string(*value);
                RC_ASSERT(a.value_size() == value->size());
                RC_ASSERT(a.value_equals(*value));
            }
            seen.attributes.push_back(std::move(s));
        }
        out.push_back(std::move(seen));
    }
    return out;
}

// Parses `document` (which must be valid); values unescaped but never decoded.
std::vector<SeenLink> raw_links(std::string_view document, LinkFormatOptions options) {
    std::vector<SeenLink> out;
    LinkFormatParser parser(document, options);
    std::vector<char> scratch(document.size() + 1);
    for (;;) {
        auto next = parser.next();
        RC_ASSERT(next.ok());
        if (!next->has_value()) break;
        SeenLink seen{std::string((*next)->target()), {}};
        for (const LinkAttribute& a : (*next)->attributes()) {
            Seen s{std::string(a.name), a.has_value(), ""};
            if (a.has_value()) s.value = std::string(*a.value(scratch));
            seen.attributes.push_back(std::move(s));
        }
        out.push_back(std::move(seen));
    }
    return out;
}

// ---------------------------------------------------------------------------
// Generators

template <class T>
rc::Gen<std::vector<T>> gen_vector(std::size_t min, std::size_t max, rc::Gen<T> element) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(min, max + 1), [element](std::size_t n) {
        return rc::gen::container<std::vector<T>>(n, element);
    });
}

rc::Gen<std::string> gen_string(std::size_t min, std::size_t max, rc::Gen<char> element) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(min, max + 1), [element](std::size_t n) {
        return rc::gen::container<std::string>(n, element);
    });
}

const std::string attr_chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~";
const std::string uri_chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=";

rc::Gen<std::string> gen_name() {
    return rc::gen::oneOf(
        rc::gen::element<std::string>("rt", "if", "rel", "rev", "ct", "sz", "title", "anchor",
                                      "obs", "ep", "d", "lt", "base", "et", "hreflang", "RT"),
        gen_string(1, 8, rc::gen::elementOf(attr_chars)));
}

rc::Gen<std::string> gen_target() {
    const auto piece = rc::gen::oneOf(
        rc::gen::map(rc::gen::elementOf(uri_chars), [](char c) { return std::string(1, c); }),
        rc::gen::map(rc::gen::inRange<int>(0, 256), [](int v) {
            const char* hex = "0123456789abcdefABCDEF";
            std::string s = "%";
            s += hex[(v >> 4) % 22];
            s += hex[(v & 15) + 6 * ((v >> 8) & 1)];
            return s;
        }));
    return rc::gen::map(gen_vector<std::string>(0, 24, piece),
                        [](const std::vector<std::string>& v) {
                            std::string out;
                            for (const std::string& s : v)
                                out += s;
                            return out;
                        });
}

// Anything a quoted-string can carry: HTAB, SP, VCHAR (with '"' and '\'), obs-text.
rc::Gen<char> gen_value_char() {
    return rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange<int>(0x20, 0x7f), [](int c) { return static_cast<char>(c); }),
        rc::gen::element('"', '\\', ',', ';', '\t', ' ', '=', '*'),
        rc::gen::map(rc::gen::inRange<int>(0x80, 0x100),
                     [](int c) { return static_cast<char>(c); }));
}

rc::Gen<std::string> gen_word() {
    return gen_string(1, 12,
                      rc::gen::oneOf(rc::gen::elementOf(attr_chars),
                                     rc::gen::element(':', '/', '?', '=', '<', '>')));
}

std::string utf8(std::uint32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
    return out;
}

rc::Gen<std::string> gen_utf8() {
    const auto code_point = rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(0, 0x80),
                                           rc::gen::inRange<std::uint32_t>(0x80, 0x800),
                                           rc::gen::inRange<std::uint32_t>(0x800, 0xd800),
                                           rc::gen::inRange<std::uint32_t>(0xe000, 0x10000),
                                           rc::gen::inRange<std::uint32_t>(0x10000, 0x110000));
    return rc::gen::map(gen_vector<std::uint32_t>(0, 16, code_point),
                        [](const std::vector<std::uint32_t>& cps) {
                            std::string out;
                            for (std::uint32_t cp : cps)
                                out += utf8(cp);
                            return out;
                        });
}

rc::Gen<std::string> gen_language() {
    return rc::gen::element<std::string>("", "en", "de", "fr", "en-GB", "zh-Hant-TW", "x-private1");
}

rc::Gen<ModelAttribute> gen_attribute() {
    return rc::gen::mapcat(
        rc::gen::element(Kind::flag, Kind::value, Kind::quoted, Kind::number, Kind::words,
                         Kind::extended),
        [](Kind kind) {
            return rc::gen::build<ModelAttribute>(
                rc::gen::set(&ModelAttribute::name, gen_name()),
                rc::gen::set(&ModelAttribute::kind, rc::gen::just(kind)),
                rc::gen::set(&ModelAttribute::value, kind == Kind::extended
                                                         ? gen_utf8()
                                                         : gen_string(0, 20, gen_value_char())),
                rc::gen::set(&ModelAttribute::words, gen_vector<std::string>(0, 4, gen_word())),
                rc::gen::set(&ModelAttribute::number, rc::gen::arbitrary<std::uint32_t>()),
                rc::gen::set(&ModelAttribute::language, gen_language()));
        });
}

rc::Gen<ModelLink> gen_link() {
    return rc::gen::build<ModelLink>(
        rc::gen::set(&ModelLink::target, gen_target()),
        rc::gen::set(&ModelLink::attributes, gen_vector<ModelAttribute>(0, 6, gen_attribute())));
}

rc::Gen<Model> gen_model() {
    return gen_vector<ModelLink>(0, 6, gen_link());
}

// Inserts SP/HTAB (and CR/LF when `line_breaks`) around the separators of a
// document the writer wrote, outside quoted strings and targets.
std::string spaced(const std::string& document, const std::vector<std::uint8_t>& choices,
                   bool line_breaks) {
    const char* spaces = line_breaks ? " \t\r\n" : " \t";
    const std::size_t kinds = line_breaks ? 4 : 2;
    std::string out;
    std::size_t next_choice = 0;
    const auto pad = [&] {
        const std::uint8_t c = choices.empty() ? 0 : choices[next_choice++ % choices.size()];
        for (std::uint8_t i = 0; i < c % 3; ++i)
            out += spaces[(c / 3 + i) % kinds];
    };
    bool in_quotes = false;
    bool in_target = false;
    bool after_equals = false;
    for (std::size_t i = 0; i < document.size(); ++i) {
        const char c = document[i];
        if (in_quotes) {
            out += c;
            if (c == '\\') {
                out += document[++i];
            } else if (c == '"') {
                in_quotes = false;
            }
            continue;
        }
        if (in_target) {
            out += c;
            if (c == '>') in_target = false;
            continue;
        }
        if (c == '<' && !after_equals) {
            in_target = true;
            out += c;
            continue;
        }
        if (c == ',' || c == ';') {
            pad();
            out += c;
            pad();
            after_equals = false;
            continue;
        }
        if (c == '=' && !after_equals) {
            // After a name: BWS "=" BWS, but never between a parmname and its '*'.
            pad();
            out += c;
            pad();
            after_equals = true;
            continue;
        }
        if (c == '"' && after_equals) in_quotes = true;
        out += c;
    }
    return out;
}

// ---------------------------------------------------------------------------
// Properties

RC_GTEST_PROP(LinkFormatProperties, WriteThenParseGivesTheSameLinks, ()) {
    const Model model = *gen_model();
    const std::string document = write(model);
    RC_ASSERT(parse(document) == expected_of(model));
    RC_ASSERT(validate_link_format(document).value() == model.size());
}

RC_GTEST_PROP(LinkFormatProperties, OptionalWhitespaceDoesNotChangeTheLinks, ()) {
    const Model model = *gen_model();
    const std::string document = write(model);
    const auto choices = *gen_vector<std::uint8_t>(1, 16, rc::gen::arbitrary<std::uint8_t>());
    const std::string with_spaces = spaced(document, choices, false);
    RC_ASSERT(parse(with_spaces) == expected_of(model));
    const std::string with_breaks = spaced(document, choices, true);
    RC_ASSERT(parse(with_breaks, {.allow_line_breaks = true}) == expected_of(model));
}

RC_GTEST_PROP(LinkFormatProperties, ArbitraryDocumentsNeverCrashAndRewriteFaithfully, ()) {
    const std::string alphabet = "<>;,=\"\\ *'%/aZ09\t\r\n-.:?#";
    std::string document = *rc::gen::weightedOneOf<std::string>(
        {{2, gen_string(0, 80, rc::gen::elementOf(alphabet))},
         {1, gen_string(0, 40, rc::gen::arbitrary<char>())},
         {3, rc::gen::map(gen_model(), [](const Model& m) { return write(m); })}});
    const auto flips = *gen_vector<std::pair<std::size_t, char>>(
        0, 2, rc::gen::pair(rc::gen::arbitrary<std::size_t>(), rc::gen::elementOf(alphabet)));
    for (auto [at, c] : flips) {
        if (!document.empty()) document[at % document.size()] = c;
    }
    for (bool line_breaks : {false, true}) {
        const LinkFormatOptions options{.allow_line_breaks = line_breaks};
        const auto validated = validate_link_format(document, options);
        LinkFormatParser parser(document, options);
        std::vector<char> buffer(4 * document.size() + 64);
        std::vector<char> scratch(document.size() + 1);
        LinkFormatWriter rewrite(buffer);
        std::size_t links = 0;
        for (;;) {
            auto next = parser.next();
            if (!next) {
                RC_ASSERT(!validated.ok());
                RC_ASSERT(next.error() == validated.error());
                RC_ASSERT(next.error().offset <= document.size());
                RC_ASSERT(!describe(next.error().kind).empty());
                RC_ASSERT(parser.next().error() == next.error());  // sticky
                break;
            }
            if (!next->has_value()) {
                RC_ASSERT(validated.ok() && validated.value() == links);
                break;
            }
            ++links;
            const Link& link = **next;
            RC_ASSERT(link.text().front() == '<');
            rewrite.link(link.target());
            for (const LinkAttribute& a : link.attributes()) {
                if (!a.has_value()) {
                    rewrite.attribute(a.name);
                    continue;
                }
                const auto value = a.value(scratch);
                RC_ASSERT(value.ok());
                if (a.form == LinkValueForm::quoted)
                    rewrite.quoted_attribute(a.name, *value);
                else
                    rewrite.attribute(a.name, *value);
                for (std::string_view word : a.words())
                    RC_ASSERT(!word.empty() && word.find(' ') == std::string_view::npos);
            }
        }
        if (!validated.ok()) continue;
        // Whatever parsed re-writes (without any whitespace) to the same links.
        RC_ASSERT(rewrite.finish().ok());
        RC_ASSERT(validate_link_format(rewrite.written()).value() == validated.value());
        RC_ASSERT(raw_links(rewrite.written(), {}) == raw_links(document, options));
    }
}

RC_GTEST_PROP(LinkFormatProperties, SmallBuffersFailCleanlyWithoutOverrun, ()) {
    const Model model = *gen_model();
    const std::string full = write(model);
    const std::size_t capacity = *rc::gen::inRange<std::size_t>(0, full.size() + 1);
    std::vector<char> storage(capacity + 32, '#');
    LinkFormatWriter w(gsl::span<char>(storage.data(), capacity));
    write(w, model);
    const auto result = w.finish();
    if (capacity == full.size()) {
        RC_ASSERT(result.ok());
        RC_ASSERT(std::string(w.written()) == full);
    } else {
        RC_ASSERT(!result.ok());
        RC_ASSERT(result.error() == LinkWriteError::buffer_too_small);
        RC_ASSERT(full.compare(0, w.size(), std::string(w.written())) == 0);
        RC_ASSERT(validate_link_format(w.written()).ok());
    }
    for (std::size_t i = capacity; i < storage.size(); ++i)
        RC_ASSERT(storage[i] == '#');
}

RC_GTEST_PROP(LinkFormatProperties, AFilterFromALinksOwnAttributeSelectsIt, ()) {
    const ModelLink model_link = *gen_link();
    const std::string document = write(Model{model_link});
    LinkFormatParser parser(document);
    const Link link = parser.next().value().value();

    std::string query = "href=" + model_link.target;
    if (model_link.target.find('*') == std::string::npos) {
        RC_ASSERT(LinkFilter::parse(query).value().matches(link));
    }
    const std::size_t cut = *rc::gen::inRange<std::size_t>(0, model_link.target.size() + 1);
    const std::string prefix = model_link.target.substr(0, cut);
    if (prefix.find('*') == std::string::npos) {
        RC_ASSERT(LinkFilter::parse("href=" + prefix + "*").value().matches(link));
    }
    std::vector<char> scratch(document.size() + 1);
    for (const LinkAttribute& a : link.attributes()) {
        const std::string value = a.has_value() ? std::string(*a.value(scratch)) : "";
        if (value.find('*') != std::string::npos) continue;
        RC_ASSERT(LinkFilter::parse(std::string(a.name) + "=" + value).value().matches(link));
        RC_ASSERT(LinkFilter::parse(std::string(a.name) + "=*").value().matches(link));
        if (is_space_separated_attribute(a.name)) {
            for (std::string_view word : a.words()) {
                if (word.find_first_of("\\*") != std::string_view::npos) continue;
                RC_ASSERT(LinkFilter::parse(std::string(a.name) + "=" + std::string(word))
                              .value()
                              .matches(link));
            }
        }
    }
    // With no filter every link is copied verbatim.
    std::vector<char> out(document.size());
    const auto copied = write_matching_links(document, {}, out);
    RC_ASSERT(copied.ok());
    RC_ASSERT(std::string(out.data(), copied.value()) == document);
}

}  // namespace
}  // namespace coap::test
