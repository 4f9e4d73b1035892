// fuzz/uri_resolve.cpp — libFuzzer target: "base\nreference" through RFC 3986
// §5.2 resolution. Invariants: the target parses, keeps the base's scheme unless
// the reference has one, carries the reference's fragment, has no dot segments
// (unless copied verbatim from the base), and resolving it again is a fixed point.
#include "coap/uri.hpp"

#include "fuzz_support.hpp"

#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    if (newline == std::string_view::npos) return 0;
    const auto base = coap::UriRef::parse(input.substr(0, newline));
    const auto reference = coap::UriRef::parse(input.substr(newline + 1));
    if (!base || !reference) return 0;

    std::vector<char> out(size + 8);
    const auto resolved = coap::resolve(*base, *reference, out);
    if (!base->has_scheme()) {
        FUZZ_REQUIRE(!resolved.ok() &&
                     resolved.error().kind == coap::UriErrorKind::base_not_absolute);
        return 0;
    }
    FUZZ_REQUIRE(resolved.ok());
    const std::string target(out.data(), *resolved);
    const auto parsed = coap::UriRef::parse(target);
    FUZZ_REQUIRE(parsed.ok());
    FUZZ_REQUIRE(parsed->has_scheme());
    FUZZ_REQUIRE(parsed->scheme() ==
                 (reference->has_scheme() ? reference->scheme() : base->scheme()));
    FUZZ_REQUIRE(parsed->has_fragment() == reference->has_fragment());
    FUZZ_REQUIRE(parsed->fragment() == reference->fragment());
    const bool path_copied_from_base =
        !reference->has_scheme() && !reference->has_authority() && reference->path().empty();
    if (!path_copied_from_base) {
        // The only dot segment allowed is the "/." that keeps "//x" from reading as an authority.
        std::string_view path = parsed->path();
        if (!parsed->has_authority() && path.substr(0, 4) == "/.//") path.remove_prefix(2);
        for (std::string_view segment : coap::PathSegments(path)) {
            FUZZ_REQUIRE(segment != "." && segment != "..");
        }
        std::vector<char> again(target.size() + 8);
        const auto twice = coap::resolve(*base, *parsed, again);
        FUZZ_REQUIRE(twice.ok() && std::string_view(again.data(), *twice) == target);
    }
    return 0;
}
