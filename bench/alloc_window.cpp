// bench/alloc_window.cpp — the startup check of the allocation counter.
#include "alloc_window.hpp"

#include <ostream>

namespace bench {

bool verify_alloc_counter(std::ostream& err, void (*libcoap_probe)()) {
    if (!alloc_counter::available()) return true;
    const std::uint64_t before_new = alloc_counter::allocations();
    {
        // Passing the pointer through a volatile keeps the new/delete pair from being elided.
        static int* volatile sink = nullptr;
        sink = new int(7);
        delete sink;
    }
    const std::uint64_t before_libcoap = alloc_counter::allocations();
    libcoap_probe();
    const std::uint64_t after = alloc_counter::allocations();
    if (before_libcoap == before_new || after == before_libcoap) {
        err << "the allocation counter missed "
            << (before_libcoap == before_new ? "operator new" : "libcoap's malloc") << "\n";
        return false;
    }
    return true;
}

}  // namespace bench
