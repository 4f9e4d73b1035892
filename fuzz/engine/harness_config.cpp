// fuzz/engine/harness_config.cpp — the engine harness's address table and the
// ENGINE_FUZZ_TRACE switch.
#include "harness_config.hpp"

#include <cstdlib>

namespace engine_fuzz {

const std::array<Address, address_count>& addresses() {
    static const std::array<Address, address_count> table = [] {
        const std::array<std::byte, 3> opaque{std::byte{0x0a}, std::byte{0x0b}, std::byte{0x0c}};
        return std::array<Address, address_count>{
            Address::ipv4({10, 0, 0, 1}, 5683),
            Address::ipv4({10, 0, 0, 2}, 5683),
            Address::ipv4({10, 0, 0, 3}, 5683),
            Address::ipv4({192, 0, 2, 7}, 5683),
            Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 61616),
            Address::opaque(opaque),
            Address::ipv4({224, 0, 1, 187}, 5683),
            Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5683, 3)};
    }();
    return table;
}

std::optional<std::size_t> address_index(const Address& address) {
    for (std::size_t i = 0; i < address_count; ++i)
        if (addresses()[i] == address) return i;
    return std::nullopt;
}

bool is_group(std::size_t address) noexcept {
    return address >= first_group;
}

bool trace_enabled() {
    static const bool enabled = std::getenv("ENGINE_FUZZ_TRACE") != nullptr;
    return enabled;
}

}  // namespace engine_fuzz
