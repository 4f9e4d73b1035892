// coap/time.hpp — Instant and Duration: the engine's notion of time.
// Owns integer millisecond arithmetic. The engine never reads a clock: every
// Instant arrives as an argument from the caller (an adapter or a simulation).
#pragma once

#include <compare>
#include <cstdint>

namespace coap {

/// A span of time in whole milliseconds (may be negative as a difference).
struct Duration {
    std::int64_t ms = 0;

    friend constexpr auto operator<=>(Duration, Duration) noexcept = default;
    friend constexpr Duration operator+(Duration a, Duration b) noexcept { return {a.ms + b.ms}; }
    friend constexpr Duration operator-(Duration a, Duration b) noexcept { return {a.ms - b.ms}; }
    friend constexpr Duration operator*(Duration a, std::int64_t k) noexcept { return {a.ms * k}; }
    friend constexpr Duration operator/(Duration a, std::int64_t k) noexcept { return {a.ms / k}; }
};

constexpr Duration milliseconds(std::int64_t n) noexcept {
    return {n};
}
constexpr Duration seconds(std::int64_t n) noexcept {
    return {n * 1000};
}

/// A point on the caller's monotonic timeline, in milliseconds since any origin.
struct Instant {
    std::int64_t ms = 0;

    static constexpr Instant max() noexcept { return {INT64_MAX}; }
    static constexpr Instant min() noexcept { return {INT64_MIN}; }

    friend constexpr auto operator<=>(Instant, Instant) noexcept = default;
    /// Saturating: a deadline past the end of the timeline is the end of the
    /// timeline, whatever Instant the caller passes in (the engine never wraps).
    friend constexpr Instant operator+(Instant t, Duration d) noexcept {
        std::int64_t sum = 0;
        if (__builtin_add_overflow(t.ms, d.ms, &sum)) return d.ms > 0 ? max() : min();
        return {sum};
    }
    friend constexpr Instant operator-(Instant t, Duration d) noexcept {
        std::int64_t difference = 0;
        if (__builtin_sub_overflow(t.ms, d.ms, &difference)) return d.ms > 0 ? min() : max();
        return {difference};
    }
    friend constexpr Duration operator-(Instant a, Instant b) noexcept {
        std::int64_t difference = 0;
        if (__builtin_sub_overflow(a.ms, b.ms, &difference)) return {a > b ? INT64_MAX : INT64_MIN};
        return {difference};
    }
};

}  // namespace coap
