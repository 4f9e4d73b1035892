// tests/support/heap_peak.cpp — replaces global operator new/delete with
// versions that keep each block's size in a header in front of it, so that the
// bytes live and their peak are known. Link it into a test binary to use
// heap_peak.hpp. Aligned (align_val_t) forms are left to the library.
#include "heap_peak.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> live{0};
std::atomic<std::size_t> peak{0};
std::atomic<long> calls{0};
constexpr std::size_t header = alignof(std::max_align_t);

void* allocate(std::size_t size) {
    auto* block = static_cast<unsigned char*>(std::malloc(size + header));
    if (block == nullptr) throw std::bad_alloc();
    *reinterpret_cast<std::size_t*>(block) = size;
    calls.fetch_add(1, std::memory_order_relaxed);
    const std::size_t now = live.fetch_add(size, std::memory_order_relaxed) + size;
    std::size_t seen = peak.load(std::memory_order_relaxed);
    while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
    return block + header;
}

void release(void* p) noexcept {
    if (p == nullptr) return;
    auto* block = static_cast<unsigned char*>(p) - header;
    live.fetch_sub(*reinterpret_cast<std::size_t*>(block), std::memory_order_relaxed);
    std::free(block);
}

}  // namespace

// noinline: GCC would otherwise inline these into new-expressions and misreport
// -Wmismatched-new-delete for the malloc/free pair inside them.
[[gnu::noinline]] void* operator new(std::size_t size) {
    return allocate(size);
}
[[gnu::noinline]] void* operator new[](std::size_t size) {
    return allocate(size);
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    release(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    release(p);
}
[[gnu::noinline]] void operator delete[](void* p) noexcept {
    release(p);
}
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept {
    release(p);
}

namespace coap::test {

std::size_t heap_live_bytes() noexcept {
    return live.load(std::memory_order_relaxed);
}
std::size_t heap_peak_bytes() noexcept {
    return peak.load(std::memory_order_relaxed);
}
long heap_allocations() noexcept {
    return calls.load(std::memory_order_relaxed);
}
void reset_heap_peak() noexcept {
    peak.store(live.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

}  // namespace coap::test
