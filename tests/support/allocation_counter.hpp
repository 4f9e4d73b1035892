// tests/support/allocation_counter.hpp — counts every global operator new in the
// test binary that links allocation_counter.cpp (which replaces operator new/delete).
#pragma once

namespace coap::test {

/// Calls of global operator new so far in this process.
long allocations_so_far() noexcept;

}  // namespace coap::test
