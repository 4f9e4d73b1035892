// main.cpp — the example's bare-metal main loop for a Cortex-M part: a
// millisecond tick counter incremented by the SysTick interrupt, a fake radio
// whose receive interrupt queues frames, and a Device driven by both. The
// Endpoint lives in a static block: nothing here or in the engine allocates.
// One node talks to itself over the radio's loopback (its client reads its own
// server), so that every part of the engine is exercised and linked.
#include "device.hpp"

#include <cstddef>
#include <cstdint>

namespace {

constexpr std::uint8_t own_address = 1;

volatile std::uint32_t ticks = 0;  // milliseconds since reset

alignas(coap::Endpoint::memory_alignment) std::byte endpoint_memory[example::endpoint_memory_bytes];

// At namespace scope, constructed in this order before main (no guard variables).
example::FakeAir air;
example::FakeRadio radio(air, own_address);
example::Device device(radio, endpoint_memory, own_address, /*seed=*/0x5eed);

void on_contract_violation(const coap::ContractViolation&) {
    // A real device would log the line and reset (e.g. NVIC_SystemReset()).
    for (;;) {
    }
}

}  // namespace

extern "C" {
/// The SysTick interrupt, configured elsewhere for 1 kHz.
void SysTick_Handler() {
    ticks = ticks + 1;
}
}

int main() {
    coap::set_contract_violation_handler(on_contract_violation);
    for (;;) {
        const std::uint32_t wake = device.step(ticks);
        // Sleep until the next tick or interrupt while nothing is due.
        while (static_cast<std::int32_t>(wake - ticks) > 0 && radio.receive() == nullptr) {
#if defined(__arm__)
            __asm volatile("wfi");
#endif
        }
    }
}
