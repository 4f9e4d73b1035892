// tests/support/allocation_counter.cpp — replaces global operator new/delete with
// counting versions. Link it into a test binary to use allocations_so_far().
#include "allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<long> allocations{0};
}

// noinline: GCC would otherwise inline these into new-expressions and misreport
// -Wmismatched-new-delete for the malloc/free pair inside them.
[[gnu::noinline]] void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace coap::test {

long allocations_so_far() noexcept {
    return allocations.load(std::memory_order_relaxed);
}

}  // namespace coap::test
