// bench/alloc_window.hpp — per-benchmark allocation counting on top of the
// process-wide counter: the `allocs_per_iter` counter and the startup check
// that the counter sees both operator new and libcoap's malloc.
#pragma once

#include "alloc_counter.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <iosfwd>

namespace bench {

inline constexpr const char* allocs_counter_name = "allocs_per_iter";

/// Counts the allocations made between its construction and report().
class AllocationWindow {
  public:
    AllocationWindow() noexcept : start_(alloc_counter::allocations()) {}

    /// Sets `allocs_per_iter` (-1 when this build cannot count).
    void report(benchmark::State& state) const {
        const std::uint64_t made = alloc_counter::allocations() - start_;
        state.counters[allocs_counter_name] =
            alloc_counter::available()
                ? benchmark::Counter(static_cast<double>(made), benchmark::Counter::kAvgIterations)
                : benchmark::Counter(-1.0);
    }

  private:
    std::uint64_t start_;
};

/// When allocation counting is available: it must see operator new and the
/// allocation(s) `libcoap_probe` makes inside libcoap, or every "0 allocs" is
/// worthless. Explains a failure on `err`.
bool verify_alloc_counter(std::ostream& err, void (*libcoap_probe)());

}  // namespace bench
