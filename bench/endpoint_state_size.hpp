// bench/endpoint_state_size.hpp — bytes of state an Endpoint holds, measured
// with the allocation counter: Endpoints are constructed with different
// capacities and the bytes their constructor allocates are compared, which
// gives the bytes per slot of each table (the slope) and the fixed rest.
// Untimed; owns the table printed after the benchmarks.
#pragma once

#include <coap/endpoint_config.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace bench {

/// What one Endpoint constructor allocated (the Endpoint object itself is on the stack).
struct ConstructorBytes {
    std::uint64_t bytes = 0;
    std::uint64_t allocations = 0;
};

/// One table grown from `low` to `high` slots, every other capacity at its default.
struct TableSlope {
    std::string table;  ///< the EndpointCapacities field: "exchanges", "dedup_entries"…
    std::size_t low = 0;
    std::size_t high = 0;
    ConstructorBytes at_low;
    ConstructorBytes at_high;
    /// Both capacities are powers of two times the same load factor: the slope
    /// is the true cost of one slot, and is used for the fixed overhead.
    bool exact = false;
    std::string note;  ///< why a non-exact pair differs

    double bytes_per_slot() const noexcept {
        return (static_cast<double>(at_high.bytes) - static_cast<double>(at_low.bytes)) /
               static_cast<double>(high - low);
    }
};

struct StateSize {
    std::size_t max_message_size = 0;
    std::vector<TableSlope> slopes;
    ConstructorBytes at_defaults;  ///< every capacity at its default
    /// at_defaults minus (exact slope × default capacity) for every table.
    double fixed_bytes = 0;
};

/// Measures each message size in turn. Empty when the allocation counter is
/// not available in this build.
std::vector<StateSize> measure_state_sizes(const std::vector<std::size_t>& max_message_sizes);

/// The table, as aligned text or as Markdown (with its notes).
void print_state_sizes(std::ostream& out, const std::vector<StateSize>& sizes, bool markdown);

}  // namespace bench
