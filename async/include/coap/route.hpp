// coap/route.hpp — RoutePattern and RouteMatch: the path patterns a ResourceTree
// routes by, and what matching one against a request's Uri-Path captured.
// Owns the pattern grammar and the "most specific pattern wins" order; knows
// nothing about requests, handlers or the network.
//
// Grammar: '/'-separated segments, each compared with one Uri-Path option value
// (so segments are written decoded, as the options carry them):
//   literal   "sensors"      that exact segment
//   wildcard  "*" or "{id}"  exactly one segment, captured (by name for "{id}")
//   rest      "*" as the LAST segment: zero or more remaining segments
// "/" is the root (no segment). "/things/{id}/state", "/files/*".
#pragma once

#include "coap/result.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coap {

enum class RoutePatternError : std::uint8_t {
    not_absolute,        ///< does not start with '/'
    bad_wildcard,        ///< '*', '{' or '}' mixed with other text in one segment
    empty_capture_name,  ///< "{}"
    duplicate_capture,   ///< two "{name}" with the same name
    too_many_wildcards,  ///< more than RoutePattern::max_captures wildcards
    too_many_segments,   ///< more than RoutePattern::max_segments segments
};

std::string_view describe(RoutePatternError error) noexcept;

class RoutePattern;

/// What a successful match captured: views into the request's path segments,
/// valid as long as those are (the handler call).
struct RouteMatch {
    static constexpr std::size_t max_captures = 8;

    const RoutePattern* pattern = nullptr;
    /// The segments matched by wildcards, in pattern order.
    std::array<std::string_view, max_captures> captures{};
    std::uint8_t capture_count = 0;
    /// The segments matched by a trailing rest wildcard (empty otherwise).
    gsl::span<const std::string_view> rest{};

    /// The segment a "{name}" wildcard captured; nullopt for an unknown name.
    std::optional<std::string_view> param(std::string_view name) const noexcept;
    /// The segment the i-th wildcard captured; nullopt past the last one.
    std::optional<std::string_view> wildcard(std::size_t index) const noexcept;
};

class RoutePattern {
  public:
    static constexpr std::size_t max_captures = RouteMatch::max_captures;
    static constexpr std::size_t max_segments = 64;

    enum class Kind : std::uint8_t { literal, wildcard, rest };
    struct Segment {
        Kind kind = Kind::literal;
        std::string text;  ///< the literal, or the capture name ("" for '*')
    };

    static Result<RoutePattern, RoutePatternError> parse(std::string_view pattern);

    /// The pattern as written.
    const std::string& text() const noexcept { return text_; }
    const std::vector<Segment>& segments() const noexcept { return segments_; }
    /// No wildcard: the pattern names one path.
    bool is_exact() const noexcept { return wildcards_ == 0 && !has_rest(); }
    bool has_rest() const noexcept {
        return !segments_.empty() && segments_.back().kind == Kind::rest;
    }
    /// The pattern with capture names erased: two patterns of the same shape
    /// match exactly the same paths.
    std::string shape() const;

    /// Matches `path` (the Uri-Path values); fills `out` on success.
    bool match(gsl::span<const std::string_view> path, RouteMatch& out) const noexcept;

    /// For two patterns that both match one path: negative when `a` is more
    /// specific, positive when `b` is, 0 for the same shape. Compared segment by
    /// segment from the left: a literal beats a wildcard, which beats the rest,
    /// and ending exactly beats a rest that matched nothing.
    static int compare_specificity(const RoutePattern& a, const RoutePattern& b) noexcept;

  private:
    std::string text_;
    std::vector<Segment> segments_;
    std::size_t wildcards_ = 0;
};

}  // namespace coap
