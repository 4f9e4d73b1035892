// tests/support/heap_peak.hpp — live and peak heap bytes of the test binary that
// links heap_peak.cpp (which replaces global operator new/delete with versions
// that remember each block's size). For tests that bound memory, not speed.
#pragma once

#include <cstddef>

namespace coap::test {

/// Bytes allocated through global operator new and not yet freed.
std::size_t heap_live_bytes() noexcept;
/// The largest heap_live_bytes() since the last reset_heap_peak().
std::size_t heap_peak_bytes() noexcept;
/// Calls of global operator new so far.
long heap_allocations() noexcept;
/// Starts a new peak from the bytes live now.
void reset_heap_peak() noexcept;

}  // namespace coap::test
