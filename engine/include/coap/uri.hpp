// coap/uri.hpp — RFC 3986 URI references: a zero-copy parsed view (UriRef),
// compile-time checked literals, percent-encoding per component, normalisation
// (§6.2.2, §6.2.3), reference resolution (§5.2) and a builder that only produces
// valid URIs. Owns generic URI syntax; CoAP specifics live in coap_uri.hpp.
// Never allocates: every output goes into a caller buffer and reports overflow.
#pragma once

#include "coap/contract.hpp"
#include "coap/detail/uri_grammar.hpp"
#include "coap/result.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

enum class UriErrorKind : std::uint8_t {
    bad_scheme,  ///< a scheme that does not start with a letter or holds other characters
    colon_in_first_segment,  ///< a relative reference whose first segment holds ':' (§4.2)
    bad_userinfo,            ///< a character not allowed in userinfo
    bad_host,                ///< a character not allowed in a reg-name
    bad_ip_literal,          ///< "[...]" holding neither IPv6address, IPv6addrz nor IPvFuture
    bad_zone_id,             ///< an RFC 6874 zone ID that is empty or holds a bad character
    bad_port,                ///< a port with a non-digit (or, for CoAP, above 65535 or empty)
    bad_path,                ///< a character not allowed in a path
    bad_query,               ///< a character not allowed in the query
    bad_fragment,            ///< a character not allowed in the fragment
    bad_percent_encoding,    ///< "%" not followed by two hex digits
    base_not_absolute,       ///< resolution against a base without a scheme
    buffer_too_small,        ///< the output does not fit the caller's buffer
    // CoAP URIs (RFC 7252 §6)
    not_absolute,    ///< a relative reference where an absolute URI is needed
    foreign_scheme,  ///< a scheme that is not coap, coaps, coap+tcp, coaps+tcp, coap+ws or coaps+ws
    fragment_not_allowed,  ///< CoAP URIs carry no fragment (§6.4 step 3)
    missing_host,          ///< an empty host
    option_too_long,       ///< a decoded host, segment or query item longer than its option allows
    builder_misuse,        ///< builder calls in an order that cannot give a valid URI
    userinfo_not_allowed,  ///< CoAP URIs have no userinfo (RFC 7252 §6.1)
};

std::string_view describe(UriErrorKind kind) noexcept;

struct UriError {
    UriErrorKind kind;
    std::uint32_t offset;  ///< byte offset in the input (0 for errors about the whole value)
};

enum class HostKind : std::uint8_t { reg_name, ipv4, ipv6, ipv_future };

/// A parsed URI reference: a view over the caller's text, which must outlive it.
/// Components keep their percent-encoding; absent and empty are distinguished.
class UriRef {
  public:
    constexpr UriRef() noexcept = default;

    /// Parses any URI reference (absolute URI or relative reference).
    static Result<UriRef, UriError> parse(std::string_view text) noexcept {
        UriRef ref;
        if (const auto error = parse_into(text, ref)) return Err{*error};
        return ref;
    }
    /// The constexpr core of parse(): fills `out`, or returns the error.
    static constexpr std::optional<UriError> parse_into(std::string_view text,
                                                        UriRef& out) noexcept;

    constexpr std::string_view text() const noexcept { return text_; }
    constexpr bool has_scheme() const noexcept { return scheme_end_ != npos; }
    /// An absolute-URI (§4.3): a scheme and no fragment.
    constexpr bool is_absolute() const noexcept { return has_scheme() && !has_fragment(); }
    /// A relative reference (§4.2): no scheme.
    constexpr bool is_relative() const noexcept { return !has_scheme(); }
    constexpr bool has_authority() const noexcept { return authority_begin_ != npos; }
    constexpr bool has_userinfo() const noexcept { return userinfo_end_ != npos; }
    constexpr bool has_port() const noexcept { return port_begin_ != npos; }
    constexpr bool has_query() const noexcept { return query_begin_ != npos; }
    constexpr bool has_fragment() const noexcept { return fragment_begin_ != npos; }

    constexpr std::string_view scheme() const noexcept {
        return has_scheme() ? slice(0, scheme_end_) : "";
    }
    /// userinfo "@" host ":" port, without the leading "//".
    constexpr std::string_view authority() const noexcept {
        return has_authority() ? slice(authority_begin_, authority_end_) : "";
    }
    constexpr std::string_view userinfo() const noexcept {
        return has_userinfo() ? slice(authority_begin_, userinfo_end_) : "";
    }
    /// The host as written, without the brackets of an IP-literal and without a zone ID.
    constexpr std::string_view host() const noexcept { return slice(host_begin_, host_end_); }
    constexpr HostKind host_kind() const noexcept { return host_kind_; }
    /// The RFC 6874 zone ID of an IPv6 literal, still percent-encoded ("eth0" for "%25eth0").
    constexpr std::string_view zone_id() const noexcept { return slice(zone_begin_, zone_end_); }
    /// The host exactly as in the text, brackets and zone included.
    constexpr std::string_view host_text() const noexcept {
        return has_authority() ? slice(host_text_begin_, host_text_end_) : "";
    }
    constexpr std::string_view port_text() const noexcept {
        return has_port() ? slice(port_begin_, port_end_) : "";
    }
    /// The port as a number; nullopt when absent, empty or above 65535.
    constexpr std::optional<std::uint16_t> port() const noexcept;
    constexpr std::string_view path() const noexcept { return slice(path_begin_, path_end_); }
    constexpr std::string_view query() const noexcept {
        return has_query() ? slice(query_begin_, query_end_) : "";
    }
    constexpr std::string_view fragment() const noexcept {
        return has_fragment() ? text_.substr(fragment_begin_) : "";
    }

  private:
    static constexpr std::uint32_t npos = 0xffffffffu;
    constexpr std::string_view slice(std::uint32_t begin, std::uint32_t end) const noexcept {
        return text_.substr(begin, end - begin);
    }
    static constexpr std::optional<UriError> parse_authority(std::string_view text,
                                                             std::uint32_t begin, std::uint32_t end,
                                                             UriRef& out) noexcept;

    std::string_view text_;
    std::uint32_t scheme_end_ = npos;  // index of ':'
    std::uint32_t authority_begin_ = npos;
    std::uint32_t authority_end_ = npos;
    std::uint32_t userinfo_end_ = npos;  // index of '@'
    std::uint32_t host_text_begin_ = 0;
    std::uint32_t host_text_end_ = 0;
    std::uint32_t host_begin_ = 0;
    std::uint32_t host_end_ = 0;
    std::uint32_t zone_begin_ = 0;
    std::uint32_t zone_end_ = 0;
    std::uint32_t port_begin_ = npos;
    std::uint32_t port_end_ = npos;
    std::uint32_t path_begin_ = 0;
    std::uint32_t path_end_ = 0;
    std::uint32_t query_begin_ = npos;
    std::uint32_t query_end_ = npos;
    std::uint32_t fragment_begin_ = npos;
    HostKind host_kind_ = HostKind::reg_name;
};

/// Iterates the '/'-separated segments of a path, still percent-encoded:
/// "/a/b" gives "a","b"; "a/b" gives "a","b"; "/" gives ""; "" gives nothing.
class PathSegments {
  public:
    class Iterator {
      public:
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        constexpr Iterator() noexcept = default;
        constexpr Iterator(std::string_view rest, bool done) noexcept : rest_(rest), done_(done) {
            settle();
        }
        constexpr std::string_view operator*() const noexcept { return current_; }
        constexpr Iterator& operator++() noexcept {
            if (next_ == std::string_view::npos) {
                done_ = true;
            } else {
                rest_ = rest_.substr(next_ + 1);
                settle();
            }
            return *this;
        }
        constexpr Iterator operator++(int) noexcept {
            Iterator copy = *this;
            ++*this;
            return copy;
        }
        friend constexpr bool operator==(const Iterator& a, const Iterator& b) noexcept {
            return a.done_ == b.done_ && (a.done_ || a.rest_.data() == b.rest_.data());
        }

      private:
        constexpr void settle() noexcept {
            next_ = rest_.find('/');
            current_ = rest_.substr(0, next_);
        }
        std::string_view rest_;
        std::string_view current_;
        std::size_t next_ = 0;
        bool done_ = true;
    };

    constexpr explicit PathSegments(std::string_view path) noexcept
        : path_(!path.empty() && path[0] == '/' ? path.substr(1) : path), empty_(path.empty()) {}
    constexpr Iterator begin() const noexcept { return Iterator(path_, empty_); }
    constexpr Iterator end() const noexcept { return Iterator({}, true); }

  private:
    std::string_view path_;
    bool empty_;
};

/// Iterates the items of a query split at `separator` ('&' by default), still encoded.
/// An absent or empty query has no items.
class QueryItems {
  public:
    constexpr QueryItems(std::string_view query, char separator = '&') noexcept
        : query_(query), separator_(separator) {}
    template <class Fn>
    constexpr void for_each(Fn&& fn) const {
        if (query_.empty()) return;
        std::string_view rest = query_;
        while (true) {
            const std::size_t at = rest.find(separator_);
            fn(rest.substr(0, at));
            if (at == std::string_view::npos) break;
            rest = rest.substr(at + 1);
        }
    }

  private:
    std::string_view query_;
    char separator_;
};

/// Which component a piece of text belongs to, for percent-encoding.
enum class UriComponent : std::uint8_t {
    userinfo,
    host,          ///< reg-name
    path,          ///< a whole path: '/' stays literal
    path_segment,  ///< one segment: '/' is encoded
    query,         ///< a whole query: '&' and '=' stay literal
    query_item,    ///< one item of an '&'-separated query: '&' is encoded
    fragment,
};

/// Decodes every "%XX" of `encoded` into `out` (which needs at most encoded.size()
/// bytes); returns the decoded length. Fails on a malformed escape.
Result<std::size_t, UriError> percent_decode(std::string_view encoded,
                                             gsl::span<char> out) noexcept;
/// True when `encoded` holds only well-formed escapes.
bool is_well_formed_encoding(std::string_view encoded) noexcept;
/// Percent-encodes every byte of `raw` that `component` does not allow literally
/// (escapes are written with upper-case hex); returns the encoded length.
Result<std::size_t, UriError> percent_encode(std::string_view raw, UriComponent component,
                                             gsl::span<char> out) noexcept;

/// Normalises per RFC 3986 §6.2.2 and §6.2.3 into `out`: lower-case scheme and host,
/// upper-case escape hex, unreserved characters decoded, dot segments removed,
/// the scheme's default port dropped and an empty path with an authority made "/"
/// for the schemes cobalt knows (coap family, http, https). Returns the length.
Result<std::size_t, UriError> normalize(const UriRef& uri, gsl::span<char> out) noexcept;

/// Resolves `reference` against `base` (RFC 3986 §5.2, strict) into `out`.
Result<std::size_t, UriError> resolve(const UriRef& base, const UriRef& reference,
                                      gsl::span<char> out) noexcept;

/// Removes "." and ".." segments (RFC 3986 §5.2.4) from `path` into `out` (which
/// may be path's own storage: the output never runs ahead of the input).
std::size_t remove_dot_segments(std::string_view path, gsl::span<char> out) noexcept;

/// Default port of a scheme cobalt knows (coap 5683, coaps 5684, coap+tcp 5683,
/// coaps+tcp 5684, coap+ws 80, coaps+ws 443, http 80, https 443), case-insensitive.
std::optional<std::uint16_t> default_port_of_scheme(std::string_view scheme) noexcept;

/// Builds a URI that is valid by construction: raw (unencoded) values go in and
/// are percent-encoded for their component. Call order: scheme, then host/port
/// (or none), then path segments, then query items, then fragment.
class UriBuilder {
  public:
    explicit UriBuilder(gsl::span<char> out) noexcept : out_(out) {}

    UriBuilder& scheme(std::string_view scheme) noexcept;
    /// A host: an IPv6 address is bracketed ("fe80::1%eth0" becomes
    /// "[fe80::1%25eth0]"); anything else is a name or IPv4 address, percent-encoded
    /// as a reg-name needs.
    UriBuilder& host(std::string_view host) noexcept;
    /// A host already in URI syntax, written as given after checking it: an
    /// IP-literal ("[...]"), an IPv4 address, or a reg-name with well-formed escapes.
    UriBuilder& encoded_host(std::string_view host) noexcept;
    UriBuilder& port(std::uint16_t port) noexcept;
    /// Appends "/" and the encoded segment. "." and ".." are refused (bad_path):
    /// in a URI they always mean the current and the parent level.
    UriBuilder& path_segment(std::string_view raw) noexcept;
    /// Appends "?" or "&" and the encoded item.
    UriBuilder& query_item(std::string_view raw) noexcept;
    UriBuilder& fragment(std::string_view raw) noexcept;

    /// The URI written, or the first error.
    Result<std::string_view, UriError> finish() const noexcept;

  private:
    enum class Stage : std::uint8_t { start, scheme, authority, path, query, fragment };
    bool begin(Stage stage) noexcept;
    void put(std::string_view text) noexcept;
    void put_encoded(std::string_view raw, UriComponent component) noexcept;
    void fail(UriErrorKind kind) noexcept;

    gsl::span<char> out_;
    std::size_t size_ = 0;
    Stage stage_ = Stage::start;
    bool has_authority_ = false;  // the path follows a host
    bool has_port_ = false;
    bool path_is_root_ = false;  // the path so far is "/" (an empty first segment)
    bool failed_ = false;
    UriErrorKind error_ = UriErrorKind::buffer_too_small;
};

// ---- constexpr parsing ---------------------------------------------------------------

constexpr std::optional<std::uint16_t> UriRef::port() const noexcept {
    std::string_view digits = port_text();
    if (!has_port() || digits.empty()) return std::nullopt;
    while (digits.size() > 1 && digits[0] == '0')
        digits.remove_prefix(1);  // port = *DIGIT
    if (digits.size() > 5) return std::nullopt;
    std::uint32_t value = 0;
    for (char c : digits)
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    if (value > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

constexpr std::optional<UriError> UriRef::parse_authority(std::string_view text,
                                                          std::uint32_t begin, std::uint32_t end,
                                                          UriRef& out) noexcept {
    using namespace detail;
    auto error = [](UriErrorKind kind, std::size_t at) {
        return UriError{kind, static_cast<std::uint32_t>(at)};
    };
    std::uint32_t host_begin = begin;
    // Single-character searches use find(): memchr is vectorised, a byte loop is not.
    const std::size_t at_sign = text.substr(begin, end - begin).find('@');
    const std::uint32_t at =
        at_sign == std::string_view::npos ? end : begin + static_cast<std::uint32_t>(at_sign);
    if (at < end) {
        const std::string_view userinfo = text.substr(begin, at - begin);
        if (const std::size_t bad = first_invalid(userinfo, is_userinfo_char);
            bad != userinfo.size()) {
            return error(userinfo[bad] == '%' ? UriErrorKind::bad_percent_encoding
                                              : UriErrorKind::bad_userinfo,
                         begin + bad);
        }
        out.userinfo_end_ = at;
        host_begin = at + 1;
    }
    std::uint32_t host_end = 0;
    out.host_text_begin_ = host_begin;
    if (host_begin < end && text[host_begin] == '[') {
        std::uint32_t close = host_begin + 1;
        while (close < end && text[close] != ']')
            ++close;
        if (close == end) return error(UriErrorKind::bad_ip_literal, host_begin);
        const std::string_view inside = text.substr(host_begin + 1, close - host_begin - 1);
        host_end = close + 1;
        out.host_begin_ = host_begin + 1;
        out.host_end_ = close;
        if (is_ipv_future(inside)) {
            out.host_kind_ = HostKind::ipv_future;
        } else {
            std::size_t zone = 0;
            while (zone < inside.size() && inside[zone] != '%')
                ++zone;
            if (zone < inside.size() && inside.substr(zone, 3) != "%25") {
                return error(UriErrorKind::bad_ip_literal, host_begin + 1);
            }
            if (!is_ipv6_address(inside.substr(0, zone)))
                return error(UriErrorKind::bad_ip_literal, host_begin + 1);
            out.host_kind_ = HostKind::ipv6;
            if (zone < inside.size()) {
                const std::string_view zone_id = inside.substr(zone + 3);
                const std::size_t bad = first_invalid(zone_id, is_unreserved);
                if (zone_id.empty() || bad != zone_id.size()) {
                    return error(UriErrorKind::bad_zone_id, host_begin + 1 + zone);
                }
                out.host_end_ = static_cast<std::uint32_t>(host_begin + 1 + zone);
                out.zone_begin_ = static_cast<std::uint32_t>(host_begin + 1 + zone + 3);
                out.zone_end_ = close;
            }
        }
        if (host_end < end && text[host_end] != ':')
            return error(UriErrorKind::bad_ip_literal, host_end);
    } else {
        // A reg-name (or IPv4address) is checked while its end is found.
        const ScanResult host =
            scan_component(text.substr(0, end), host_begin, uri_unreserved | uri_sub_delim);
        if (host.bad_escape) return error(UriErrorKind::bad_percent_encoding, host.end);
        if (host.end < end && text[host.end] != ':') return error(UriErrorKind::bad_host, host.end);
        host_end = static_cast<std::uint32_t>(host.end);
        out.host_begin_ = host_begin;
        out.host_end_ = host_end;
        const std::string_view name = text.substr(host_begin, host_end - host_begin);
        out.host_kind_ = !name.empty() && is_digit(name[0]) && is_ipv4_address(name)
                             ? HostKind::ipv4
                             : HostKind::reg_name;
    }
    out.host_text_end_ = host_end;
    if (host_end < end) {  // text[host_end] == ':'
        out.port_begin_ = host_end + 1;
        out.port_end_ = end;
        for (std::uint32_t i = host_end + 1; i < end; ++i) {
            if (!is_digit(text[i])) return error(UriErrorKind::bad_port, i);
        }
    }
    return std::nullopt;
}

constexpr std::optional<UriError> UriRef::parse_into(std::string_view text, UriRef& out) noexcept {
    using namespace detail;
    auto error = [](UriErrorKind kind, std::size_t at) {
        return UriError{kind, static_cast<std::uint32_t>(at)};
    };
    if (text.size() >= npos) return error(UriErrorKind::buffer_too_small, 0);
    out = UriRef();
    out.text_ = text;
    const auto n = static_cast<std::uint32_t>(text.size());

    // Scheme: the text before the first ':' that comes before any '/', '?' or '#'.
    std::uint32_t pos = 0;
    std::uint32_t delimiter = 0;
    while (delimiter < n && (uri_class(text[delimiter]) & uri_delimiter) == 0)
        ++delimiter;
    if (delimiter < n && text[delimiter] == ':') {
        if (delimiter == 0) return error(UriErrorKind::bad_scheme, 0);
        if (!is_alpha(text[0]))
            return error(UriErrorKind::colon_in_first_segment, 0);  // a relative path then
        for (std::uint32_t i = 1; i < delimiter; ++i) {
            if (!is_scheme_char(text[i])) {
                return error(is_pchar(text[i]) || text[i] == '%'
                                 ? UriErrorKind::colon_in_first_segment
                                 : UriErrorKind::bad_scheme,
                             i);
            }
        }
        out.scheme_end_ = delimiter;
        pos = delimiter + 1;
    }

    // Authority: up to the next '/', '?' or '#'.
    if (n - pos >= 2 && text[pos] == '/' && text[pos + 1] == '/') {
        const std::uint32_t begin = pos + 2;
        std::uint32_t end = begin;
        while (end < n && text[end] != '/' && text[end] != '?' && text[end] != '#')
            ++end;
        out.authority_begin_ = begin;
        out.authority_end_ = end;
        if (const auto failure = parse_authority(text, begin, end, out)) return failure;
        pos = end;
    }

    // Path, checked while it is found.
    const ScanResult path = scan_component(text, pos, path_classes);
    if (path.bad_escape) return error(UriErrorKind::bad_percent_encoding, path.end);
    if (path.end < n && text[path.end] != '?' && text[path.end] != '#')
        return error(UriErrorKind::bad_path, path.end);
    out.path_begin_ = pos;
    out.path_end_ = static_cast<std::uint32_t>(path.end);
    if (!out.has_scheme() && !out.has_authority()) {
        for (std::uint32_t i = pos; i < path.end && text[i] != '/'; ++i) {
            if (text[i] == ':') return error(UriErrorKind::colon_in_first_segment, i);
        }
    }
    pos = out.path_end_;

    // Query.
    if (pos < n && text[pos] == '?') {
        const ScanResult query = scan_component(text, pos + 1, query_classes);
        if (query.bad_escape) return error(UriErrorKind::bad_percent_encoding, query.end);
        if (query.end < n && text[query.end] != '#')
            return error(UriErrorKind::bad_query, query.end);
        out.query_begin_ = pos + 1;
        out.query_end_ = static_cast<std::uint32_t>(query.end);
        pos = out.query_end_;
    }

    // Fragment.
    if (pos < n && text[pos] == '#') {
        const ScanResult fragment = scan_component(text, pos + 1, query_classes);
        if (fragment.bad_escape) return error(UriErrorKind::bad_percent_encoding, fragment.end);
        if (fragment.end < n) return error(UriErrorKind::bad_fragment, fragment.end);
        out.fragment_begin_ = pos + 1;
    }
    return std::nullopt;
}

namespace detail {
// Deliberately not constexpr: calling it during constant evaluation makes an
// invalid URI literal a compile-time error.
void invalid_uri_literal() noexcept;
}  // namespace detail

/// A URI reference checked at compile time: `constexpr UriRef u = "coap://h/x"_uri;`
namespace literals {
consteval UriRef operator""_uri(const char* text, std::size_t length) {
    UriRef ref;
    if (UriRef::parse_into(std::string_view(text, length), ref)) detail::invalid_uri_literal();
    return ref;
}
}  // namespace literals

}  // namespace coap
