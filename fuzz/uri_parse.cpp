// fuzz/uri_parse.cpp — libFuzzer target: arbitrary text through UriRef::parse,
// normalisation, CoapUri and §6.4 decomposition. Invariants: components partition
// the text; normalisation output parses and is a fixed point; a CoAP URI always
// decomposes (or reports option_too_long) without touching memory it should not.
#include "coap/coap_uri.hpp"
#include "coap/uri.hpp"

#include "fuzz_support.hpp"

#include <string>
#include <vector>

namespace {

std::string recomposed(const coap::UriRef& u) {
    std::string out;
    if (u.has_scheme()) out.append(u.scheme()).push_back(':');
    if (u.has_authority()) out.append("//").append(u.authority());
    out.append(u.path());
    if (u.has_query()) out.append("?").append(u.query());
    if (u.has_fragment()) out.append("#").append(u.fragment());
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto uri = coap::UriRef::parse(text);
    if (!uri) {
        FUZZ_REQUIRE(uri.error().offset <= size);
        FUZZ_REQUIRE(!coap::describe(uri.error().kind).empty());
        return 0;
    }
    FUZZ_REQUIRE(recomposed(*uri) == text);

    std::vector<char> once(2 * size + 16);
    const auto normalized = coap::normalize(*uri, once);
    FUZZ_REQUIRE(normalized.ok());
    const std::string_view first(once.data(), *normalized);
    const auto reparsed = coap::UriRef::parse(first);
    FUZZ_REQUIRE(reparsed.ok());
    FUZZ_REQUIRE(reparsed->has_scheme() == uri->has_scheme());
    std::vector<char> twice(2 * size + 16);
    const auto again = coap::normalize(*reparsed, twice);
    FUZZ_REQUIRE(again.ok() && std::string_view(twice.data(), *again) == first);

    std::vector<char> decoded(size + 1);
    FUZZ_REQUIRE(coap::percent_decode(uri->path(), decoded).ok());
    FUZZ_REQUIRE(coap::percent_decode(uri->query(), decoded).ok());

    const auto coap_uri = coap::CoapUri::from(*uri);
    if (!coap_uri) return 0;
    std::size_t emitted = 0;
    auto count = [&](coap::OptionNumber number, coap::Bytes value) {
        FUZZ_REQUIRE(value.size() <= 255);
        FUZZ_REQUIRE(
            number == coap::OptionNumber::uri_host || number == coap::OptionNumber::uri_port ||
            number == coap::OptionNumber::uri_path || number == coap::OptionNumber::uri_query);
        ++emitted;
    };
    const auto options = coap::decompose_uri(*coap_uri, count);
    if (options)
        FUZZ_REQUIRE(*options == emitted);
    else
        FUZZ_REQUIRE(options.error().kind == coap::UriErrorKind::option_too_long);
    return 0;
}
