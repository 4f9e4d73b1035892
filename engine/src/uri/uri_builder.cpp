// uri_builder.cpp — UriBuilder: composes a URI from raw values, encoding each for
// its component, so that whatever it finishes always parses back (§3, §5.3).
#include "coap/uri.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace coap {

void UriBuilder::fail(UriErrorKind kind) noexcept {
    if (failed_) return;
    failed_ = true;
    error_ = kind;
}

void UriBuilder::put(std::string_view text) noexcept {
    if (failed_) return;
    if (out_.size() - size_ < text.size()) {
        fail(UriErrorKind::buffer_too_small);
        return;
    }
    for (char c : text)
        out_[size_++] = c;
}

void UriBuilder::put_encoded(std::string_view raw, UriComponent component) noexcept {
    if (failed_) return;
    const auto written = percent_encode(raw, component, out_.subspan(size_));
    if (!written) {
        fail(UriErrorKind::buffer_too_small);
        return;
    }
    size_ += *written;
}

// Moves to `stage`; stages only go forward (a path segment may repeat, and so may a query item).
bool UriBuilder::begin(Stage stage) noexcept {
    if (failed_) return false;
    const bool repeatable = stage == Stage::path || stage == Stage::query;
    if (stage < stage_ || (stage == stage_ && !repeatable)) {
        fail(UriErrorKind::builder_misuse);
        return false;
    }
    stage_ = stage;
    return true;
}

UriBuilder& UriBuilder::scheme(std::string_view scheme) noexcept {
    if (!begin(Stage::scheme)) return *this;
    if (scheme.empty() || !detail::is_alpha(scheme[0])) {
        fail(UriErrorKind::bad_scheme);
        return *this;
    }
    for (char c : scheme) {
        if (!detail::is_scheme_char(c)) {
            fail(UriErrorKind::bad_scheme);
            return *this;
        }
    }
    put(scheme);
    put(":");
    return *this;
}

UriBuilder& UriBuilder::host(std::string_view host) noexcept {
    if (!begin(Stage::authority)) return *this;
    put("//");
    const std::size_t percent = host.find('%');
    const std::string_view address = host.substr(0, percent);
    if (host.find(':') == std::string_view::npos || !detail::is_ipv6_address(address)) {
        put_encoded(host, UriComponent::host);  // a name (or IPv4): ':' and the like get escaped
        return *this;
    }
    put("[");
    put(address);
    if (percent != std::string_view::npos) {
        const std::string_view zone = host.substr(percent + 1);
        if (zone.empty()) {
            fail(UriErrorKind::bad_zone_id);
            return *this;
        }
        put("%25");
        // A zone ID allows unreserved characters and escapes only.
        for (char c : zone) {
            if (detail::is_unreserved(c)) {
                put(std::string_view(&c, 1));
            } else {
                constexpr char digits[] = "0123456789ABCDEF";
                const auto byte = static_cast<unsigned char>(c);
                const char escape[3] = {'%', digits[byte >> 4], digits[byte & 0xfu]};
                put(std::string_view(escape, 3));
            }
        }
    }
    put("]");
    return *this;
}

UriBuilder& UriBuilder::encoded_host(std::string_view host) noexcept {
    if (!begin(Stage::authority)) return *this;
    const bool ip_literal = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    // Checked by parsing "//host": the same grammar as UriRef, IP literals included.
    const bool valid = [&] {
        if (host.find_first_of("/?#@") != std::string_view::npos) return false;
        if (!ip_literal && host.find(':') != std::string_view::npos) return false;
        std::array<char, 2 + 1034> text{};
        if (host.size() > text.size() - 2) return false;
        text[0] = text[1] = '/';
        std::copy(host.begin(), host.end(), text.begin() + 2);
        return UriRef::parse(std::string_view(text.data(), host.size() + 2)).ok();
    }();
    if (!valid) {
        fail(ip_literal ? UriErrorKind::bad_ip_literal : UriErrorKind::bad_host);
        return *this;
    }
    put("//");
    put(host);
    return *this;
}

UriBuilder& UriBuilder::port(std::uint16_t port) noexcept {
    if (failed_) return *this;
    if (stage_ != Stage::authority || has_port_) {
        fail(UriErrorKind::builder_misuse);
        return *this;
    }
    char digits[6];
    const auto [end, error] = std::to_chars(digits, digits + sizeof digits, port);
    (void)error;
    has_port_ = true;
    put(":");
    put(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    return *this;
}

UriBuilder& UriBuilder::path_segment(std::string_view raw) noexcept {
    // "." and ".." are dot segments in any URI, escaped or not (RFC 3986 §3.3, §6.2.2.2):
    // a segment with exactly that content cannot be expressed.
    if (raw == "." || raw == "..") {
        fail(UriErrorKind::bad_path);
        return *this;
    }
    const bool first = stage_ < Stage::path;
    const bool has_authority = stage_ == Stage::authority;
    if (!begin(Stage::path)) return *this;
    // Without an authority, a path may not begin with "//" (it would read as one).
    if (!first && !has_authority_ && size_ >= 1 && out_[size_ - 1] == '/' && path_is_root_) {
        fail(UriErrorKind::builder_misuse);
        return *this;
    }
    if (first) {
        has_authority_ = has_authority;
        path_is_root_ = raw.empty();
    } else {
        path_is_root_ = false;
    }
    put("/");
    put_encoded(raw, UriComponent::path_segment);
    return *this;
}

UriBuilder& UriBuilder::query_item(std::string_view raw) noexcept {
    const bool first = stage_ < Stage::query;
    if (!begin(Stage::query)) return *this;
    put(first ? "?" : "&");
    put_encoded(raw, UriComponent::query_item);
    return *this;
}

UriBuilder& UriBuilder::fragment(std::string_view raw) noexcept {
    if (!begin(Stage::fragment)) return *this;
    put("#");
    put_encoded(raw, UriComponent::fragment);
    return *this;
}

Result<std::string_view, UriError> UriBuilder::finish() const noexcept {
    if (failed_) return Err{UriError{error_, static_cast<std::uint32_t>(size_)}};
    return std::string_view(out_.data(), size_);
}

}  // namespace coap
