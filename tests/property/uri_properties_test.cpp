// uri_properties_test.cpp — rapidcheck properties of the URI module:
//   parsing arbitrary text never crashes, and its components partition the text;
//   normalisation is idempotent and its output parses to itself;
//   resolution always yields an absolute URI without dot segments, and
//   re-resolving the result changes nothing;
//   the builder's output always parses, and §6.4 decomposition gives back exactly
//   the raw segments and query items it was built from.
#include "coap/coap_uri.hpp"
#include "coap/uri.hpp"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace coap {
namespace {

rc::Gen<std::string> gen_uri_like() {
    // Characters that matter to the grammar, plus a few that are never allowed.
    static const std::string alphabet = "aZ09-._~:/?#[]@!$&'()*+,;=% vV\x01\x7f\xc3";
    const auto pieces = rc::gen::element<std::string>(
        "coap://", "coaps://", "//", "[::1]", "[fe80::1%25e]", "%41", "%2F", "../", "./", "/", "?",
        "#", ":5683", "@", "h", "192.0.2.1", "a", "..", ".");
    const auto single =
        rc::gen::map(rc::gen::elementOf(alphabet), [](char c) { return std::string(1, c); });
    return rc::gen::map(
        rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(pieces, single)),
        [](const std::vector<std::string>& parts) {
            std::string out;
            for (const auto& p : parts)
                out += p;
            return out;
        });
}

// Mostly valid URI references: optional scheme, authority, path, query and fragment
// assembled from pieces that are valid in their place (escapes, dots, IPv6, zones).
rc::Gen<std::string> gen_valid_uri() {
    const auto scheme = rc::gen::element<std::string>("", "", "coap:", "COAPS:", "http:", "a+b.c:");
    const auto authority =
        rc::gen::element<std::string>("", "", "//h", "//Ex.ORG:5683", "//[::1]:61616",
                                      "//u:p@[fe80::1%25e0]", "//%41b:", "//192.0.2.1");
    const auto segment = rc::gen::element<std::string>("a", "B", "", ".", "..", "%7e", "%2F", "%41",
                                                       "x=y", "@", "~", "!$&'()*+,;=");
    const auto tail =
        rc::gen::element<std::string>("", "?", "?x=1&y", "?a/b?c%20", "#", "#f/../g", "?q#%7E");
    return rc::gen::mapcat(
        rc::gen::tuple(scheme, authority, rc::gen::arbitrary<bool>(), tail),
        [segment](const std::tuple<std::string, std::string, bool, std::string>& parts) {
            const auto& [s, a, rooted, t] = parts;
            return rc::gen::map(rc::gen::container<std::vector<std::string>>(segment),
                                [s, a, rooted, t](const std::vector<std::string>& segments) {
                                    std::string path;
                                    for (std::size_t i = 0; i < segments.size(); ++i) {
                                        if (i != 0 || rooted || !a.empty()) path += "/";
                                        path += segments[i];
                                    }
                                    return s + a + path + t;
                                });
        });
}

// "." and ".." cannot be path segment values (they are dot segments); the builder
// refuses them, so raw values get an extra character instead.
std::string not_a_dot_segment(std::string raw) {
    if (raw == "." || raw == "..") raw += "x";
    return raw;
}

// "coap://HOST[:PORT]" then each raw segment and query item, encoded by UriBuilder.
Result<std::string_view, UriError> build_coap_uri(gsl::span<char> out, const std::string& host,
                                                  std::optional<std::uint16_t> port,
                                                  const std::vector<std::string>& segments,
                                                  const std::vector<std::string>& items) {
    UriBuilder builder(out);
    builder.scheme("coap").host(host);
    if (port) builder.port(*port);
    for (const auto& s : segments)
        builder.path_segment(s);
    for (const auto& q : items)
        builder.query_item(q);
    return builder.finish();
}

std::string recomposed(const UriRef& u) {
    std::string out;
    if (u.has_scheme()) out += std::string(u.scheme()) + ":";
    if (u.has_authority()) out += "//" + std::string(u.authority());
    out += u.path();
    if (u.has_query()) out += "?" + std::string(u.query());
    if (u.has_fragment()) out += "#" + std::string(u.fragment());
    return out;
}

std::string normalized(const UriRef& u) {
    std::array<char, 4096> out{};
    const auto size = normalize(u, out);
    RC_ASSERT(size.ok());
    return std::string(out.data(), *size);
}

RC_GTEST_PROP(UriProperties, ParsingNeverCrashesAndComponentsPartitionTheText, ()) {
    const std::string text = *gen_uri_like();
    const auto uri = UriRef::parse(text);
    if (!uri.ok()) {
        RC_ASSERT(uri.error().offset <= text.size());
        return;
    }
    RC_ASSERT(recomposed(*uri) == text);
}

RC_GTEST_PROP(UriProperties, NormalizationIsIdempotentAndParsesToItself, ()) {
    const std::string text = *rc::gen::oneOf(gen_valid_uri(), gen_valid_uri(), gen_uri_like());
    const auto uri = UriRef::parse(text);
    RC_PRE(uri.ok());
    const std::string once = normalized(*uri);
    const auto again = UriRef::parse(once);
    RC_ASSERT(again.ok());
    RC_ASSERT(recomposed(*again) == once);
    RC_ASSERT(normalized(*again) == once);
}

RC_GTEST_PROP(UriProperties, ResolutionGivesAnAbsoluteUriWithoutDotSegments, ()) {
    const std::string base_text =
        "coap://h/" +
        *rc::gen::element<std::string>("", "a", "a/b", "a/b/",
                                       "a;p/b?q");  // bases without dot segments (§5.2.2 copies an
                                                    // empty reference's base path verbatim)
    const std::string reference_text =
        *rc::gen::oneOf(gen_valid_uri(), gen_valid_uri(), gen_uri_like());
    const auto base = UriRef::parse(base_text);
    const auto reference = UriRef::parse(reference_text);
    RC_PRE(base.ok() && reference.ok());
    std::array<char, 4096> out{};
    const auto size = resolve(*base, *reference, out);
    RC_ASSERT(size.ok());
    const std::string target(out.data(), *size);
    const auto parsed = UriRef::parse(target);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(parsed->has_scheme());
    RC_ASSERT(parsed->fragment() == reference->fragment());
    // The only dot segment allowed is the "/." that keeps "//x" from reading as an authority.
    std::string_view path = parsed->path();
    if (!parsed->has_authority() && path.substr(0, 4) == "/.//") path.remove_prefix(2);
    for (std::string_view segment : PathSegments(path))
        RC_ASSERT(segment != "." && segment != "..");
    std::array<char, 4096> twice{};
    const auto size_twice = resolve(*base, *parsed, twice);
    RC_ASSERT(size_twice.ok());
    RC_ASSERT(std::string(twice.data(), *size_twice) == target);
}

RC_GTEST_PROP(UriProperties, BuilderOutputDecomposesToTheRawValues, ()) {
    // Up to 20 segments and items of up to 40 bytes each: within every option's bounds.
    const auto raw =
        rc::gen::map(rc::gen::resize(40, rc::gen::string<std::string>()), not_a_dot_segment);
    const auto segments = *rc::gen::resize(20, rc::gen::container<std::vector<std::string>>(raw));
    const auto items = *rc::gen::resize(20, rc::gen::container<std::vector<std::string>>(raw));
    std::vector<char> buffer(64 * 1024);
    const std::string host =
        *rc::gen::element<std::string>("example.org", "Host", "::1", "192.0.2.7");
    const auto text = build_coap_uri(buffer, host, std::nullopt, segments, items);
    RC_ASSERT(text.ok());
    const auto uri = CoapUri::parse(*text);
    RC_ASSERT(uri.ok());
    std::vector<std::string> got_segments;
    std::vector<std::string> got_items;
    auto collect = [&](OptionNumber number, Bytes value) {
        const std::string v(reinterpret_cast<const char*>(value.data()), value.size());
        if (number == OptionNumber::uri_path) got_segments.push_back(v);
        if (number == OptionNumber::uri_query) got_items.push_back(v);
    };
    RC_ASSERT(decompose_uri(*uri, collect).ok());
    // A single empty segment is the path "/", which §6.4 leaves out.
    const bool root_only = segments.size() == 1 && segments[0].empty();
    RC_ASSERT(got_segments == (root_only ? std::vector<std::string>{} : segments));
    // Likewise a single empty item is the query "?", which has no items.
    const bool empty_query = items.size() == 1 && items[0].empty();
    RC_ASSERT(got_items == (empty_query ? std::vector<std::string>{} : items));
}

}  // namespace
}  // namespace coap

namespace coap {
namespace {

// RFC 7252 §6.4 then §6.5: a URI built from raw values, turned into request options
// and composed back on the server side, is the same URI (with a lower-case host,
// the root path "/" for an empty path, and the default port left out).
RC_GTEST_PROP(UriProperties, DecompositionThenCompositionIsIdentity, ()) {
    const auto raw =
        rc::gen::map(rc::gen::resize(30, rc::gen::string<std::string>()), not_a_dot_segment);
    const auto segments = *rc::gen::resize(10, rc::gen::container<std::vector<std::string>>(raw));
    const auto items = *rc::gen::resize(10, rc::gen::container<std::vector<std::string>>(raw));
    RC_PRE(!(items.size() == 1 && items[0].empty()));  // "?" alone carries no Uri-Query
    const std::string host = *rc::gen::element<std::string>(
        "example.org", "h-1.example", "caf\xc3\xa9.example");  // hosts §6.5 composes back
    const std::uint16_t port = *rc::gen::element<std::uint16_t>(5683, 61616, 1);
    std::vector<char> built(8 * 1024);
    const std::vector<std::string> path =
        segments.empty() ? std::vector<std::string>{""} : segments;
    const auto text = build_coap_uri(
        built, host, port != 5683 ? std::optional<std::uint16_t>(port) : std::nullopt, path, items);
    RC_ASSERT(text.ok());
    const auto uri = CoapUri::parse(*text);
    RC_ASSERT(uri.ok());

    std::vector<std::byte> datagram(8 * 1024);
    MessageWriter writer(datagram, MessageType::confirmable, codes::get, 1);
    RC_ASSERT(write_uri_options(*uri, writer).ok());
    const auto request =
        MessageView::parse(gsl::span<const std::byte>(datagram.data(), writer.size()));
    RC_ASSERT(request.ok());
    std::vector<char> composed(8 * 1024);
    const auto back =
        compose_request_uri(*request, {CoapScheme::coap, "192.0.2.1", 5683}, composed);
    RC_ASSERT(back.ok());
    RC_ASSERT(std::string(*back) == std::string(*text));
}

}  // namespace
}  // namespace coap
