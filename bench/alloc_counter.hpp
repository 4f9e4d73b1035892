// bench/alloc_counter.hpp — counts heap allocations made anywhere in the
// process (C++ operator new and libcoap's malloc alike), and the bytes they asked for.
#pragma once

#include <cstdint>

namespace bench::alloc_counter {

/// False when this build cannot count (not glibc); counts then stay at 0.
bool available() noexcept;

/// malloc + calloc + realloc calls since the program started.
std::uint64_t allocations() noexcept;

/// Bytes asked for by those calls (calloc: count × size; realloc: the new size,
/// whatever the old block held). Excludes the allocator's own per-block overhead.
std::uint64_t allocated_bytes() noexcept;

}  // namespace bench::alloc_counter
