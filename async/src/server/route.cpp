// route.cpp — RoutePattern: parsing, matching and the specificity order.
#include "coap/route.hpp"

#include <algorithm>

namespace coap {
namespace {

bool has_wildcard_char(std::string_view text) noexcept {
    return text.find_first_of("*{}") != std::string_view::npos;
}

// Rank of a pattern at path position `i` (see compare_specificity).
int rank_at(const RoutePattern& pattern, std::size_t i) noexcept {
    const auto& segments = pattern.segments();
    if (i >= segments.size()) return 2;  // ended exactly here
    switch (segments[i].kind) {
        case RoutePattern::Kind::literal:
            return 4;
        case RoutePattern::Kind::wildcard:
            return 3;
        case RoutePattern::Kind::rest:
            return 1;
    }
    return 0;
}

}  // namespace

std::string_view describe(RoutePatternError error) noexcept {
    switch (error) {
        case RoutePatternError::not_absolute:
            return "a route pattern must start with '/'";
        case RoutePatternError::bad_wildcard:
            return "'*' or '{name}' must be a whole segment";
        case RoutePatternError::empty_capture_name:
            return "a '{name}' wildcard needs a name";
        case RoutePatternError::duplicate_capture:
            return "two wildcards with the same name";
        case RoutePatternError::too_many_wildcards:
            return "too many wildcards";
        case RoutePatternError::too_many_segments:
            return "too many segments";
    }
    return "unknown route pattern error";
}

std::optional<std::string_view> RouteMatch::param(std::string_view name) const noexcept {
    if (pattern == nullptr || name.empty()) return std::nullopt;
    std::size_t index = 0;
    for (const auto& segment : pattern->segments()) {
        if (segment.kind != RoutePattern::Kind::wildcard) continue;
        if (segment.text == name) return wildcard(index);
        ++index;
    }
    return std::nullopt;
}

std::optional<std::string_view> RouteMatch::wildcard(std::size_t index) const noexcept {
    if (index >= capture_count) return std::nullopt;
    return captures[index];
}

Result<RoutePattern, RoutePatternError> RoutePattern::parse(std::string_view pattern) {
    if (pattern.empty() || pattern.front() != '/') return Err{RoutePatternError::not_absolute};
    RoutePattern out;
    out.text_ = std::string(pattern);
    std::string_view rest = pattern.substr(1);
    if (rest.empty()) return out;  // "/": the root
    for (;;) {
        const std::size_t slash = rest.find('/');
        const std::string_view text = rest.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        Segment segment;
        if (text == "*") {
            segment.kind = last ? Kind::rest : Kind::wildcard;
        } else if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
            segment.kind = Kind::wildcard;
            segment.text = std::string(text.substr(1, text.size() - 2));
            if (segment.text.empty()) return Err{RoutePatternError::empty_capture_name};
            if (has_wildcard_char(segment.text)) return Err{RoutePatternError::bad_wildcard};
            for (const auto& earlier : out.segments_) {
                if (earlier.kind == Kind::wildcard && earlier.text == segment.text)
                    return Err{RoutePatternError::duplicate_capture};
            }
        } else {
            if (has_wildcard_char(text)) return Err{RoutePatternError::bad_wildcard};
            segment.text = std::string(text);
        }
        if (segment.kind == Kind::wildcard && ++out.wildcards_ > max_captures)
            return Err{RoutePatternError::too_many_wildcards};
        if (out.segments_.size() == max_segments) return Err{RoutePatternError::too_many_segments};
        out.segments_.push_back(std::move(segment));
        if (last) break;
        rest = rest.substr(slash + 1);
    }
    return out;
}

std::string RoutePattern::shape() const {
    std::string shape;
    for (const auto& segment : segments_) {
        shape += '/';
        switch (segment.kind) {
            case Kind::literal:
                // A literal "{}" cannot be written, so the markers never collide.
                shape += segment.text;
                break;
            case Kind::wildcard:
                shape += "{}";
                break;
            case Kind::rest:
                shape += '*';
                break;
        }
    }
    return shape.empty() ? "/" : shape;
}

bool RoutePattern::match(gsl::span<const std::string_view> path, RouteMatch& out) const noexcept {
    // A rest wildcard can only be last (parse). The length and the literals
    // decide first, so that a pattern that does not match copies nothing.
    const bool takes_rest = !segments_.empty() && segments_.back().kind == Kind::rest;
    const std::size_t fixed = takes_rest ? segments_.size() - 1 : segments_.size();
    if (takes_rest ? path.size() < fixed : path.size() != fixed) return false;
    for (std::size_t i = 0; i < fixed; ++i)
        if (segments_[i].kind == Kind::literal && path[i] != segments_[i].text) return false;
    out.pattern = this;
    out.capture_count = 0;
    for (std::size_t i = 0; i < fixed; ++i)
        if (segments_[i].kind == Kind::wildcard) out.captures[out.capture_count++] = path[i];
    out.rest = takes_rest ? path.subspan(fixed) : gsl::span<const std::string_view>{};
    return true;
}

int RoutePattern::compare_specificity(const RoutePattern& a, const RoutePattern& b) noexcept {
    const std::size_t length = std::max(a.segments_.size(), b.segments_.size());
    for (std::size_t i = 0; i <= length; ++i) {
        const int rank_a = rank_at(a, i);
        const int rank_b = rank_at(b, i);
        if (rank_a != rank_b) return rank_b - rank_a;
        if (rank_a <= 2) return 0;  // both ended, or both took the rest
    }
    return 0;
}

}  // namespace coap
