// option_registry.cpp — the option table: format, length bounds and repeatability
// of every registered option cobalt knows (RFC 7252 Table 4 and later RFCs).
#include "coap/option.hpp"

#include "coap/detail/ascii.hpp"

#include <algorithm>

namespace coap {
namespace {

using F = OptionFormat;
using N = OptionNumber;

constexpr OptionInfo registry[] = {
    {N::if_match, "If-Match", F::opaque, 0, 8, true},
    {N::uri_host, "Uri-Host", F::string, 1, 255, false},
    {N::etag, "ETag", F::opaque, 1, 8, true},
    {N::if_none_match, "If-None-Match", F::empty, 0, 0, false},
    {N::observe, "Observe", F::uint, 0, 3, false},
    {N::uri_port, "Uri-Port", F::uint, 0, 2, false},
    {N::location_path, "Location-Path", F::string, 0, 255, true},
    {N::oscore, "OSCORE", F::opaque, 0, 255, false},
    {N::uri_path, "Uri-Path", F::string, 0, 255, true},
    {N::content_format, "Content-Format", F::uint, 0, 2, false},
    {N::max_age, "Max-Age", F::uint, 0, 4, false},
    {N::uri_query, "Uri-Query", F::string, 0, 255, true},
    {N::hop_limit, "Hop-Limit", F::uint, 1, 1, false},
    {N::accept, "Accept", F::uint, 0, 2, false},
    {N::q_block1, "Q-Block1", F::uint, 0, 3, false},
    {N::location_query, "Location-Query", F::string, 0, 255, true},
    {N::edhoc, "EDHOC", F::empty, 0, 0, false},
    {N::block2, "Block2", F::uint, 0, 3, false},
    {N::block1, "Block1", F::uint, 0, 3, false},
    {N::size2, "Size2", F::uint, 0, 4, false},
    {N::q_block2, "Q-Block2", F::uint, 0, 3, true},
    {N::proxy_uri, "Proxy-Uri", F::string, 1, 1034, false},
    {N::proxy_scheme, "Proxy-Scheme", F::string, 1, 255, false},
    {N::size1, "Size1", F::uint, 0, 4, false},
    {N::echo, "Echo", F::opaque, 1, 40, false},
    {N::no_response, "No-Response", F::uint, 0, 1, false},
    {N::request_tag, "Request-Tag", F::opaque, 0, 8, true},
};

constexpr bool ascending() {
    for (std::size_t i = 1; i < std::size(registry); ++i) {
        if (to_underlying(registry[i - 1].number) >= to_underlying(registry[i].number))
            return false;
    }
    return true;
}
static_assert(ascending(), "the option registry must be sorted by number");

// Direct index for the numbers below 64, where almost every lookup lands.
struct SmallIndex {
    std::int8_t slot[64];
};

constexpr SmallIndex make_small_index() {
    SmallIndex index{};
    for (auto& s : index.slot)
        s = -1;
    for (std::size_t i = 0; i < std::size(registry); ++i) {
        const auto n = to_underlying(registry[i].number);
        if (n < 64) index.slot[n] = static_cast<std::int8_t>(i);
    }
    return index;
}
constexpr SmallIndex small_index = make_small_index();

}  // namespace

const OptionInfo* find_option_info(OptionNumber number) noexcept {
    const auto n = to_underlying(number);
    if (n < 64) {
        const int slot = small_index.slot[n];
        return slot < 0 ? nullptr : &registry[slot];
    }
    const auto* end = std::end(registry);
    const auto* it = std::lower_bound(std::begin(registry), end, n,
                                      [](const OptionInfo& info, std::uint16_t value) {
                                          return to_underlying(info.number) < value;
                                      });
    return (it != end && it->number == number) ? it : nullptr;
}

const OptionInfo* find_option_info(std::string_view name) noexcept {
    for (const OptionInfo& info : registry) {
        if (detail::equal_ignoring_case(info.name, name)) return &info;
    }
    return nullptr;
}

gsl::span<const OptionInfo> option_registry() noexcept {
    return {registry, std::size(registry)};
}

std::string_view format_name(OptionFormat format) noexcept {
    switch (format) {
        case OptionFormat::empty:
            return "empty";
        case OptionFormat::opaque:
            return "opaque";
        case OptionFormat::uint:
            return "uint";
        case OptionFormat::string:
            return "string";
    }
    return "unknown";
}

}  // namespace coap
