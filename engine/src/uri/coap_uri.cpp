// coap_uri.cpp — the CoAP schemes and CoapUri validation (RFC 7252 §6.1, §6.2;
// RFC 8323 §8.1, §8.2).
#include "coap/coap_uri.hpp"

namespace coap {
namespace {

struct SchemeRow {
    CoapScheme scheme;
    std::string_view name;
    std::uint16_t port;
    bool secure;
};

constexpr SchemeRow schemes[] = {
    {CoapScheme::coap, "coap", 5683, false},
    {CoapScheme::coaps, "coaps", 5684, true},
    {CoapScheme::coap_tcp, "coap+tcp", 5683, false},
    {CoapScheme::coaps_tcp, "coaps+tcp", 5684, true},
    {CoapScheme::coap_ws, "coap+ws", 80, false},
    {CoapScheme::coaps_ws, "coaps+ws", 443, true},
};

const SchemeRow& row(CoapScheme scheme) noexcept {
    return schemes[static_cast<std::size_t>(scheme)];
}

}  // namespace

std::string_view scheme_name(CoapScheme scheme) noexcept {
    return row(scheme).name;
}
std::uint16_t default_port(CoapScheme scheme) noexcept {
    return row(scheme).port;
}
bool is_secure(CoapScheme scheme) noexcept {
    return row(scheme).secure;
}

std::optional<CoapScheme> coap_scheme_from_name(std::string_view name) noexcept {
    if (name.size() < 4 || name.size() > 9 || detail::to_lower(name[0]) != 'c') return std::nullopt;
    for (const SchemeRow& candidate : schemes) {
        if (detail::equal_ignoring_case(candidate.name, name)) return candidate.scheme;
    }
    return std::nullopt;
}

Result<CoapUri, UriError> CoapUri::parse(std::string_view text) noexcept {
    auto uri = UriRef::parse(text);
    if (!uri) return Err{uri.error()};
    return from(*uri);
}

Result<CoapUri, UriError> CoapUri::from(const UriRef& uri) noexcept {
    if (!uri.has_scheme()) return Err{UriError{UriErrorKind::not_absolute, 0}};
    const std::optional<CoapScheme> scheme = coap_scheme_from_name(uri.scheme());
    if (!scheme) return Err{UriError{UriErrorKind::foreign_scheme, 0}};
    const auto offset_of = [&](std::string_view part) {
        return static_cast<std::uint32_t>(part.data() - uri.text().data());
    };
    if (uri.has_fragment())
        return Err{UriError{UriErrorKind::fragment_not_allowed, offset_of(uri.fragment()) - 1}};
    if (!uri.has_authority() || uri.host_text().empty()) {
        return Err{UriError{UriErrorKind::missing_host,
                            static_cast<std::uint32_t>(uri.scheme().size() + 1)}};
    }
    if (uri.has_userinfo())
        return Err{UriError{UriErrorKind::userinfo_not_allowed, offset_of(uri.userinfo())}};
    CoapUri result;
    result.uri_ = uri;
    result.scheme_ = *scheme;
    result.port_ = default_port(*scheme);
    if (uri.has_port() && !uri.port_text().empty()) {
        const std::optional<std::uint16_t> port = uri.port();
        if (!port || *port == 0)
            return Err{UriError{UriErrorKind::bad_port, offset_of(uri.port_text())}};
        result.port_ = *port;
        result.explicit_port_ = true;
    }
    return result;
}

}  // namespace coap
