// fuzz/fuzz_support.hpp — helpers shared by the fuzz targets: the invariant
// check macro (report and abort, so libFuzzer and the replay driver both see a
// crash) and byte-span conversions. Owns nothing of the engine.
#pragma once

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

/// Aborts with the failed condition and its location when `cond` is false.
#define FUZZ_REQUIRE(cond)                                                                    \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                     \
        }                                                                                     \
    } while (false)

namespace cobalt_fuzz {

inline gsl::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) noexcept {
    return {reinterpret_cast<const std::byte*>(data), size};
}

inline gsl::span<const std::byte> as_bytes(std::string_view text) noexcept {
    return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

/// Byte-wise equality of two spans (contents, not addresses).
inline bool same_bytes(gsl::span<const std::byte> a, gsl::span<const std::byte> b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

/// True when `inner` lies within `outer` (an empty `inner` may sit at its end).
inline bool lies_within(gsl::span<const std::byte> inner,
                        gsl::span<const std::byte> outer) noexcept {
    const auto* begin = outer.data();
    const auto* end = outer.data() + outer.size();
    if (inner.empty())
        return inner.data() == nullptr || (inner.data() >= begin && inner.data() <= end);
    return inner.data() >= begin && inner.data() + inner.size() <= end;
}

}  // namespace cobalt_fuzz
