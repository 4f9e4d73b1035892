// bench/alloc_counter.cpp — the allocation counter. On glibc it replaces
// malloc, calloc and realloc with counting forwarders to glibc's own
// allocator (__libc_*), which also catches operator new (it calls malloc) and
// every allocation inside libcoap, and adds up the bytes each call asked for.
// free and the aligned variants stay glibc's: same allocator, so mixing is
// safe; they are just not counted.
#include "alloc_counter.hpp"

#include <atomic>
#include <cstddef>

namespace bench::alloc_counter {
namespace {
std::atomic<std::uint64_t> counter{0};
std::atomic<std::uint64_t> bytes{0};
}  // namespace

#if defined(COBALT_BENCH_COUNT_MALLOC)

bool available() noexcept {
    return true;
}

// A plain load and store, not fetch_add: a locked increment costs several ns
// per call, which would be charged to the side that allocates (libcoap's
// optlists: up to 9 mallocs per URI). The benchmarks allocate from one thread;
// a concurrent allocation elsewhere could at worst be missed, never corrupt.
void count_one(std::size_t size) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    bytes.store(bytes.load(std::memory_order_relaxed) + size, std::memory_order_relaxed);
}

#else

bool available() noexcept {
    return false;
}

#endif

std::uint64_t allocations() noexcept {
    return counter.load(std::memory_order_relaxed);
}

std::uint64_t allocated_bytes() noexcept {
    return bytes.load(std::memory_order_relaxed);
}

}  // namespace bench::alloc_counter

#if defined(COBALT_BENCH_COUNT_MALLOC)

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);

void* malloc(std::size_t size) noexcept {
    bench::alloc_counter::count_one(size);
    return __libc_malloc(size);
}

void* calloc(std::size_t count, std::size_t size) noexcept {
    bench::alloc_counter::count_one(count * size);
    return __libc_calloc(count, size);
}

void* realloc(void* pointer, std::size_t size) noexcept {
    bench::alloc_counter::count_one(size);
    return __libc_realloc(pointer, size);
}
}  // extern "C"

#endif
