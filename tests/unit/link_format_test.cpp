// link_format_test.cpp — reading link-format: the examples of RFC 6690 §5, RFC
// 8288 §3.5 and RFC 9176 parse as written; every malformed shape is rejected with
// its kind and byte offset; values unescape, split into words, and decode (RFC 8187).
#include "coap/link_format.hpp"

#include "rfc6690_examples.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace coap {
namespace {

using namespace std::string_view_literals;

struct Attr {
    std::string name;
    std::string value;  // unescaped
    LinkValueForm form;
    friend bool operator==(const Attr&, const Attr&) = default;
};

struct Parsed {
    std::string target;
    std::vector<Attr> attributes;
    friend bool operator==(const Parsed&, const Parsed&) = default;
};

std::ostream& operator<<(std::ostream& os, const Parsed& p) {
    os << '<' << p.target << '>';
    for (const Attr& a : p.attributes)
        os << ';' << a.name << '=' << a.value << '/' << static_cast<int>(a.form);
    return os;
}

Attr flag(std::string name) {
    return {std::move(name), "", LinkValueForm::none};
}
Attr token(std::string name, std::string value) {
    return {std::move(name), std::move(value), LinkValueForm::token};
}
Attr quoted(std::string name, std::string value) {
    return {std::move(name), std::move(value), LinkValueForm::quoted};
}

// Parses the whole document; fails the test on a parse error.
std::vector<Parsed> parse_all(std::string_view document, LinkFormatOptions options = {}) {
    std::vector<Parsed> out;
    LinkFormatParser parser(document, options);
    for (;;) {
        auto next = parser.next();
        EXPECT_TRUE(next.ok()) << describe(next.error().kind) << " at " << next.error().offset;
        if (!next || !next->has_value()) break;
        const Link& link = **next;
        Parsed p{std::string(link.target()), {}};
        for (const LinkAttribute& a : link.attributes()) {
            std::array<char, 256> scratch{};
            std::string value;
            if (a.has_value()) value = std::string(a.value(scratch).value());
            p.attributes.push_back({std::string(a.name), value, a.form});
        }
        out.push_back(std::move(p));
    }
    EXPECT_TRUE(parser.done());
    return out;
}

LinkFormatError parse_error(std::string_view document, LinkFormatOptions options = {}) {
    const auto result = validate_link_format(document, options);
    EXPECT_FALSE(result.ok()) << document;
    return result.ok() ? LinkFormatError{LinkFormatErrorKind::document_too_large, 0xffffffff}
                       : result.error();
}

// ---------------------------------------------------------------------------
// RFC 6690 §5 examples

TEST(Rfc6690Section5, TwoSensorsSharingAnInterface) {
    // The same document with the linefeeds the RFC shows for readability, and as
    // it is actually sent.
    const std::vector<Parsed> expected{
        {"/sensors/temp", {quoted("if", "sensor")}},
        {"/sensors/light", {quoted("if", "sensor")}},
    };
    EXPECT_EQ(parse_all(R"(</sensors/temp>;if="sensor",</sensors/light>;if="sensor")"), expected);
    EXPECT_EQ(parse_all("</sensors/temp>;if=\"sensor\",\n</sensors/light>;if=\"sensor\"",
                        LinkFormatOptions{.allow_line_breaks = true}),
              expected);
    EXPECT_EQ(parse_error("</sensors/temp>;if=\"sensor\",\n</sensors/light>;if=\"sensor\""),
              (LinkFormatError{LinkFormatErrorKind::expected_link, 28}));
}

TEST(Rfc6690Section5, HierarchicalDescriptions) {
    EXPECT_EQ(parse_all("</sensors>;ct=40"),
              (std::vector<Parsed>{{"/sensors", {token("ct", "40")}}}));
    EXPECT_EQ(parse_all(R"(</sensors/temp>;rt="temperature-c";if="sensor",)"
                        R"(</sensors/light>;rt="light-lux";if="sensor")"),
              (std::vector<Parsed>{
                  {"/sensors/temp", {quoted("rt", "temperature-c"), quoted("if", "sensor")}},
                  {"/sensors/light", {quoted("rt", "light-lux"), quoted("if", "sensor")}},
              }));
}

constexpr std::string_view anchor_example = test::rfc6690_anchor_example;

TEST(Rfc6690Section5, AnchorRelatesResources) {
    EXPECT_EQ(parse_all(anchor_example),
              (std::vector<Parsed>{
                  {"/sensors", {token("ct", "40"), quoted("title", "Sensor Index")}},
                  {"/sensors/temp", {quoted("rt", "temperature-c"), quoted("if", "sensor")}},
                  {"/sensors/light", {quoted("rt", "light-lux"), quoted("if", "sensor")}},
                  {"http://www.example.com/sensors/t123",
                   {quoted("anchor", "/sensors/temp"), quoted("rel", "describedby")}},
                  {"/t", {quoted("anchor", "/sensors/temp"), quoted("rel", "alternate")}},
              }));
    EXPECT_EQ(validate_link_format(anchor_example).value(), 5u);
}

TEST(Rfc6690Section5, FirmwareWithSize) {
    EXPECT_EQ(parse_all(R"(</firmware/v2.1>;rt="firmware";sz=262144)"),
              (std::vector<Parsed>{
                  {"/firmware/v2.1", {quoted("rt", "firmware"), token("sz", "262144")}}}));
}

TEST(Rfc6690Section2, EmptyDocumentHasNoLinks) {
    EXPECT_EQ(validate_link_format("").value(), 0u);
    EXPECT_EQ(validate_link_format("  ").value(), 0u);
    LinkFormatParser parser("");
    auto first = parser.next();
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(first->has_value());
    EXPECT_TRUE(parser.done());
    EXPECT_FALSE(parser.next()->has_value());  // stays finished
}

TEST(Rfc6690Section2, TargetsAreNotResolved) {
    const auto links = parse_all(R"(<>,<#frag>,<?q=1>,<../up>,<coap://[2001:db8::1]:5683/a%20b>)");
    ASSERT_EQ(links.size(), 5u);
    EXPECT_EQ(links[0].target, "");
    EXPECT_EQ(links[1].target, "#frag");
    EXPECT_EQ(links[2].target, "?q=1");
    EXPECT_EQ(links[3].target, "../up");
    EXPECT_EQ(links[4].target, "coap://[2001:db8::1]:5683/a%20b");
}

TEST(Rfc6690Section2, PtokenMayHoldDelimitersOfOtherGrammars) {
    // ptokenchar includes "<", "=", ">", "/", "?", "@" and "*".
    EXPECT_EQ(parse_all("</a>;x=<b>;y=a=b;z=/p?q@r*"),
              (std::vector<Parsed>{
                  {"/a", {token("x", "<b>"), token("y", "a=b"), token("z", "/p?q@r*")}}}));
}

TEST(Rfc6690Section2, FlagsAndEmptyQuotedValues) {
    EXPECT_EQ(parse_all(R"(</obs>;obs;rt="";ct=0)"),
              (std::vector<Parsed>{{"/obs", {flag("obs"), quoted("rt", ""), token("ct", "0")}}}));
}

// ---------------------------------------------------------------------------
// RFC 8288 whitespace and examples

TEST(Rfc8288Section3, OptionalWhitespaceAroundSeparators) {
    const auto links = parse_all(" \t</a> ; rel = \"x y\" ;\tobs , </b>;ct =\t40 ,</c> ");
    EXPECT_EQ(links, (std::vector<Parsed>{
                         {"/a", {quoted("rel", "x y"), flag("obs")}},
                         {"/b", {token("ct", "40")}},
                         {"/c", {}},
                     }));
}

TEST(Rfc8288Section3_5, ExamplesParse) {
    EXPECT_EQ(
        parse_all(
            R"(<http://example.com/TheBook/chapter2>; rel="previous"; title="previous chapter")"),
        (std::vector<Parsed>{{"http://example.com/TheBook/chapter2",
                              {quoted("rel", "previous"), quoted("title", "previous chapter")}}}));
    EXPECT_EQ(
        parse_all(R"(</terms>; rel="copyright"; anchor="#foo")"),
        (std::vector<Parsed>{{"/terms", {quoted("rel", "copyright"), quoted("anchor", "#foo")}}}));
    const auto books = parse_all(
        "</TheBook/chapter2>; rel=\"previous\"; title*=UTF-8'de'letztes%20Kapitel, "
        "</TheBook/chapter4>; rel=\"next\"; title*=UTF-8'de'n%c3%a4chstes%20Kapitel");
    ASSERT_EQ(books.size(), 2u);
    EXPECT_EQ(books[1].attributes[1], token("title*", "UTF-8'de'n%c3%a4chstes%20Kapitel"));
}

// ---------------------------------------------------------------------------
// RFC 9176 resource-directory payloads: ep, d, lt, base, et are ordinary attributes.

TEST(Rfc9176, RegistrationPayload) {
    EXPECT_EQ(parse_all("</sensors/temp>;rt=\"temperature-c\";if=\"sensor\",\n"
                        "<http://www.example.com/sensors/temp>;\n"
                        "  anchor=\"/sensors/temp\";rel=\"describedby\"",
                        LinkFormatOptions{.allow_line_breaks = true}),
              (std::vector<Parsed>{
                  {"/sensors/temp", {quoted("rt", "temperature-c"), quoted("if", "sensor")}},
                  {"http://www.example.com/sensors/temp",
                   {quoted("anchor", "/sensors/temp"), quoted("rel", "describedby")}},
              }));
}

TEST(Rfc9176, EndpointLookupResult) {
    const auto links = parse_all(
        R"(</rd/1234>;base="coap://[2001:db8:3::127]:61616";ep="node5";et="oic.d.sensor";)"
        R"(ct=40;rt="core.rd-ep";d="floor-3";lt=600)");
    ASSERT_EQ(links.size(), 1u);
    EXPECT_EQ(links[0].attributes,
              (std::vector<Attr>{quoted("base", "coap://[2001:db8:3::127]:61616"),
                                 quoted("ep", "node5"), quoted("et", "oic.d.sensor"),
                                 token("ct", "40"), quoted("rt", "core.rd-ep"),
                                 quoted("d", "floor-3"), token("lt", "600")}));
}

TEST(Rfc9176, ResourceLookupResultWithAbsoluteTargets) {
    const auto links = parse_all(
        R"(<coap://[2001:db8:3::123]:61616/temp>;rt="temperature";)"
        R"(anchor="coap://[2001:db8:3::123]:61616",)"
        R"(<coap://[2001:db8:3::124]/light>;rt=light;ct=0;anchor="coap://[2001:db8:3::124]")");
    ASSERT_EQ(links.size(), 2u);
    EXPECT_EQ(links[1].attributes[0], token("rt", "light"));
}

// ---------------------------------------------------------------------------
// Link and attribute access

TEST(Link, FindIsCaseInsensitiveAndReturnsTheFirst) {
    LinkFormatParser parser(R"(</a>;RT="one";rt=two;obs)");
    const auto link = parser.next().value().value();
    const auto rt = link.find("rt");
    ASSERT_TRUE(rt.has_value());
    EXPECT_EQ(rt->name, "RT");
    EXPECT_TRUE(rt->value_equals("one"));
    EXPECT_TRUE(link.has("OBS"));
    EXPECT_FALSE(link.has("ob"));
    EXPECT_FALSE(link.find("ct").has_value());
    EXPECT_EQ(link.attributes().size(), 3u);
}

TEST(Link, ViewsPointIntoTheDocument) {
    const std::string document = " </x/y>;a=\"q\" ;b , </z>";
    LinkFormatParser parser(document);
    const Link first = parser.next().value().value();
    EXPECT_EQ(first.offset(), 1u);
    EXPECT_EQ(first.text(), "</x/y>;a=\"q\" ;b");
    EXPECT_EQ(first.target().data(), document.data() + 2);
    const LinkAttribute a = *first.attributes().begin();
    EXPECT_EQ(a.offset, 8u);
    EXPECT_EQ(a.raw_value.data(), document.data() + 11);
    const LinkAttribute b = *++first.attributes().begin();
    EXPECT_EQ(b.offset, 15u);
    const Link second = parser.next().value().value();
    EXPECT_EQ(second.offset(), 19u);
    EXPECT_EQ(second.text(), "</z>");
    EXPECT_TRUE(second.attributes().empty());
    EXPECT_FALSE(parser.next()->has_value());
}

TEST(LinkAttribute, UnescapesIntoTheCallerBuffer) {
    LinkFormatParser parser(R"(</a>;title="say \"hi\" \\ bye";plain="no escapes")");
    const Link link = parser.next().value().value();
    const LinkAttribute title = link.find("title").value();
    EXPECT_TRUE(title.has_escapes());
    EXPECT_EQ(title.raw_value, R"(say \"hi\" \\ bye)");
    EXPECT_EQ(title.value_size(), 14u);
    std::array<char, 14> exact{};
    EXPECT_EQ(title.value(exact).value(), R"(say "hi" \ bye)");
    std::array<char, 13> small{};
    EXPECT_EQ(title.value(small).error(), LinkValueError::buffer_too_small);
    EXPECT_TRUE(title.value_equals(R"(say "hi" \ bye)"));
    EXPECT_FALSE(title.value_equals(R"(say \"hi\" \\ bye)"));
    EXPECT_TRUE(title.value_starts_with(R"(say "h)"));
    EXPECT_FALSE(title.value_starts_with(R"(say \)"));

    const LinkAttribute plain = link.find("plain").value();
    EXPECT_FALSE(plain.has_escapes());
    const auto value = plain.value({});  // no buffer needed: a view into the document
    EXPECT_EQ(value.value().data(), plain.raw_value.data());
}

TEST(LinkAttribute, FlagHasNoValue) {
    LinkFormatParser parser("</a>;obs");
    const LinkAttribute obs = parser.next().value()->find("obs").value();
    EXPECT_FALSE(obs.has_value());
    EXPECT_EQ(obs.value({}).error(), LinkValueError::no_value);
    EXPECT_TRUE(obs.value_equals(""));
    EXPECT_TRUE(obs.words().empty());
}

TEST(LinkAttribute, RelationTypesAreSpaceSeparatedWords) {
    LinkFormatParser parser(
        R"(</a>;rt="  temperature-c  core.s	x ";if=sensor;rel="http://example.net/r start")");
    const Link link = parser.next().value().value();
    std::vector<std::string_view> words;
    for (std::string_view w : link.find("rt")->words())
        words.push_back(w);
    EXPECT_EQ(words, (std::vector<std::string_view>{"temperature-c", "core.s", "x"}));
    EXPECT_EQ(link.find("if")->words().size(), 1u);
    EXPECT_EQ(*link.find("if")->words().begin(), "sensor");
    EXPECT_EQ(*link.find("rel")->words().begin(), "http://example.net/r");
    EXPECT_EQ(link.find("rel")->words().size(), 2u);
}

// ---------------------------------------------------------------------------
// Extended values (RFC 8187)

TEST(Rfc8187Section3_2, DecodesUtf8AndLatin1) {
    std::array<char, 64> out{};
    const auto euro = decode_ext_value("UTF-8'en'%e2%82%ac%20rates", out);
    ASSERT_TRUE(euro.ok());
    EXPECT_EQ(euro->charset, "UTF-8");
    EXPECT_EQ(euro->language, "en");
    EXPECT_EQ(euro->value, "\xe2\x82\xac rates");

    const auto pound = decode_ext_value("iso-8859-1'en'%A3%20rates", out);
    ASSERT_TRUE(pound.ok());
    EXPECT_EQ(pound->value, "\xc2\xa3 rates");

    const auto no_language = decode_ext_value("utf-8''a", out);
    ASSERT_TRUE(no_language.ok());
    EXPECT_EQ(no_language->language, "");
    EXPECT_EQ(no_language->value, "a");
}

TEST(Rfc8187Section3_2, RejectsMalformedValues) {
    std::array<char, 64> out{};
    for (std::string_view bad :
         {"UTF-8", "UTF-8'en", "'en'x", "UTF-8'en'a b", "UTF-8'en'%4", "UTF-8'en'%zz", "UTF 8''x",
          "UTF-8'e n'x", "UTF-8'-en'x", "UTF-8'en-'x", "UTF-8'abcdefghi'x", "UTF-8''\"x\""}) {
        EXPECT_EQ(decode_ext_value(bad, out).error(), LinkValueError::bad_ext_value) << bad;
    }
    EXPECT_EQ(decode_ext_value("KOI8-R''x", out).error(), LinkValueError::unsupported_charset);
    EXPECT_EQ(decode_ext_value("UTF-8''%c3", out).error(), LinkValueError::bad_utf8);
    EXPECT_EQ(decode_ext_value("UTF-8''%c0%af", out).error(), LinkValueError::bad_utf8);
    EXPECT_EQ(decode_ext_value("UTF-8''%ed%a0%80", out).error(), LinkValueError::bad_utf8);
    EXPECT_EQ(decode_ext_value("UTF-8''%f4%90%80%80", out).error(), LinkValueError::bad_utf8);
    std::array<char, 2> small{};
    EXPECT_EQ(decode_ext_value("UTF-8''abc", small).error(), LinkValueError::buffer_too_small);
    std::array<char, 3> three{};
    EXPECT_EQ(decode_ext_value("ISO-8859-1''%e9%e9", three).error(),
              LinkValueError::buffer_too_small);
}

TEST(Rfc8187Section3_2, DecodesInPlace) {
    std::string text = "UTF-8'de'n%c3%a4chstes%20Kapitel";
    const std::size_t chars = text.find('\'', 6) + 1;
    const auto decoded =
        decode_ext_value(text, gsl::span<char>(text.data() + chars, text.size() - chars));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->value,
              "n\xc3\xa4"
              "chstes Kapitel");
    EXPECT_EQ(decoded->language, "de");
}

TEST(LinkAttribute, TitleStarDecodes) {
    LinkFormatParser parser(
        R"(</a>;title*=UTF-8'fr'Temp%C3%A9rature;x*="UTF-8''a%20\"b";y*=KOI8-R''x)");
    const Link link = parser.next().value().value();
    std::array<char, 32> scratch{};
    const auto title = link.find("title*")->extended_value(scratch);
    ASSERT_TRUE(title.ok());
    EXPECT_TRUE(link.find("title*")->is_extended());
    EXPECT_EQ(title->language, "fr");
    EXPECT_EQ(title->value, "Temp\xc3\xa9rature");
    // A quoted ext-value with an escape is not RFC 8187 syntax ('"' is no attr-char).
    EXPECT_EQ(link.find("x*")->extended_value(scratch).error(), LinkValueError::bad_ext_value);
    EXPECT_EQ(link.find("y*")->extended_value(scratch).error(),
              LinkValueError::unsupported_charset);
}

TEST(LinkAttribute, QuotedTitleStarWithEscapesDecodesInScratch) {
    LinkFormatParser parser(R"(</a>;title*="UTF-8'en'\a%20b")");
    const Link link = parser.next().value().value();
    std::array<char, 32> scratch{};
    const auto title = link.find("title*")->extended_value(scratch);
    ASSERT_TRUE(title.ok());
    EXPECT_EQ(title->charset, "UTF-8");
    EXPECT_EQ(title->language, "en");
    EXPECT_EQ(title->value, "a b");
}

// ---------------------------------------------------------------------------
// Malformed documents: kind and offset.

struct BadCase {
    std::string_view document;
    LinkFormatErrorKind kind;
    std::uint32_t offset;
};

TEST(LinkFormatParser, RejectsMalformedDocumentsWithAPosition) {
    using K = LinkFormatErrorKind;
    const BadCase cases[] = {
        {"/sensors", K::expected_link, 0},
        {"  x", K::expected_link, 2},
        {",</a>", K::expected_link, 0},
        {"</a>,,</b>", K::expected_link, 5},
        {"</a>, x", K::expected_link, 6},
        {"</a", K::unterminated_target, 0},
        {"</a>,<", K::unterminated_target, 5},
        {"</a b>", K::invalid_target, 3},
        {"</a\"b>", K::invalid_target, 3},
        {"</a%2>", K::invalid_target, 3},
        {"</a%zz>", K::invalid_target, 3},
        {"</\xc3\xa9>", K::invalid_target, 2},
        {"<</a>", K::invalid_target, 1},
        {"</a> x", K::expected_separator, 5},
        {"</a></b>", K::expected_separator, 4},
        {"</a>;rt=x y", K::expected_separator, 10},
        {"</a>;rt=a\"b\"", K::expected_separator, 9},
        {"</a>;rt=\"a\"b", K::expected_separator, 11},
        {"</a>;a:b=1", K::expected_separator, 6},
        {"</a>;", K::empty_parameter_name, 5},
        {"</a>; ", K::empty_parameter_name, 6},
        {"</a>;;obs", K::empty_parameter_name, 5},
        {"</a>;=x", K::empty_parameter_name, 5},
        {"</a>;*=x", K::empty_parameter_name, 5},
        {"</a>;rt=", K::empty_value, 8},
        {"</a>;rt= ", K::empty_value, 9},
        {"</a>;rt=,</b>", K::empty_value, 8},
        {"</a>;rt=;ct=0", K::empty_value, 8},
        {"</a>;title=\"x", K::unterminated_quoted_string, 11},
        {"</a>;title=\"x\\\"", K::unterminated_quoted_string, 11},
        {"</a>;title=\"x\\", K::unterminated_quoted_string, 11},
        {"</a>;title=\"a\nb\"", K::invalid_quoted_char, 13},
        {"</a>;title=\"a\\\x01\"", K::invalid_quoted_char, 14},
        {"</a>;title=\"\x7f\"", K::invalid_quoted_char, 12},
        {"</a>;title*", K::missing_extended_value, 5},
        {"</a>;title*;ct=0", K::missing_extended_value, 5},
        {"</a>;title *=x", K::expected_separator, 11},
        {"</a>,", K::trailing_comma, 4},
        {"</a> , ", K::trailing_comma, 5},
        {"</a>;ct=0,", K::trailing_comma, 9},
    };
    for (const BadCase& c : cases) {
        EXPECT_EQ(parse_error(c.document), (LinkFormatError{c.kind, c.offset}))
            << "document: " << c.document << " got " << describe(parse_error(c.document).kind)
            << " at " << parse_error(c.document).offset;
    }
    // A flag followed by a comma is fine.
    EXPECT_EQ(validate_link_format("</a>;rt,</b>").value(), 2u);
}

TEST(LinkFormatParser, LineBreaksOnlyWhenAllowed) {
    const std::string_view wrapped = "</a>;\r\n rt=\"x\",\r\n</b>";
    EXPECT_EQ(parse_error(wrapped),
              (LinkFormatError{LinkFormatErrorKind::empty_parameter_name, 5}));
    EXPECT_EQ(validate_link_format(wrapped, {.allow_line_breaks = true}).value(), 2u);
    // Never inside a quoted string or a target.
    EXPECT_EQ(parse_error("</a>;rt=\"x\ny\"", {.allow_line_breaks = true}),
              (LinkFormatError{LinkFormatErrorKind::invalid_quoted_char, 10}));
    EXPECT_EQ(parse_error("</a\n>", {.allow_line_breaks = true}),
              (LinkFormatError{LinkFormatErrorKind::invalid_target, 3}));
}

TEST(LinkFormatParser, LinksBeforeAnErrorAreDeliveredAndTheErrorIsSticky) {
    LinkFormatParser parser("</a>;ct=0,</b>;rt=\"x,</c>");
    auto first = parser.next();
    ASSERT_TRUE(first.ok());
    EXPECT_EQ((*first)->target(), "/a");
    EXPECT_FALSE(parser.done());
    const auto second = parser.next();
    ASSERT_FALSE(second.ok());
    const LinkFormatError expected{LinkFormatErrorKind::unterminated_quoted_string, 18};
    EXPECT_EQ(second.error(), expected);
    EXPECT_TRUE(parser.done());
    EXPECT_EQ(parser.next().error(), expected);
}

TEST(LinkFormatParser, EveryErrorKindIsDescribed) {
    for (int k = 0; k <= static_cast<int>(LinkFormatErrorKind::output_too_small); ++k) {
        EXPECT_FALSE(describe(static_cast<LinkFormatErrorKind>(k)).empty());
    }
    for (int k = 0; k <= static_cast<int>(LinkValueError::bad_utf8); ++k) {
        EXPECT_FALSE(describe(static_cast<LinkValueError>(k)).empty());
    }
}

TEST(LinkFormatParser, LongDocumentsParseWithoutRecursion) {
    std::string document;
    for (int i = 0; i < 20000; ++i) {
        if (i != 0) document += ',';
        document += "</r/" + std::to_string(i) + ">;rt=\"a b\";obs";
    }
    EXPECT_EQ(validate_link_format(document).value(), 20000u);
    std::string params = "</a>";
    for (int i = 0; i < 50000; ++i)
        params += ";p";
    LinkFormatParser parser(params);
    EXPECT_EQ(parser.next().value()->attributes().size(), 50000u);
}

}  // namespace
}  // namespace coap
