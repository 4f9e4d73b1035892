// startup.cpp — reset for the on-target test program on a Cortex-M4 (QEMU's
// mps2-an386): the two-word vector table (initial stack, reset handler), .bss
// zeroed, the constructors run, target::program() called, its result reported through
// semihosting. Also the semihosting calls of target.hpp.
#include "target.hpp"

#include <cstdint>

extern "C" {
extern std::uint32_t __bss_start;
extern std::uint32_t __bss_end;
extern std::uint32_t __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
}

namespace target {
namespace {

constexpr int sys_write0 = 0x04;
constexpr int sys_exit = 0x18;
constexpr std::uint32_t application_exit = 0x20026;  // ADP_Stopped_ApplicationExit
constexpr std::uint32_t run_time_error = 0x20023;    // ADP_Stopped_RunTimeErrorUnknown

int semihost(int operation, const void* argument) noexcept {
    register int r0 asm("r0") = operation;
    register const void* r1 asm("r1") = argument;
    asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

}  // namespace

void write(const char* text) noexcept {
    semihost(sys_write0, text);
}

void write(std::uint32_t value) noexcept {
    char digits[11];
    char* p = digits + sizeof(digits);
    *--p = '\0';
    do {
        *--p = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    write(p);
}

void exit(bool success) noexcept {
    // On 32-bit ARM the reason code itself is the argument.
    semihost(sys_exit, reinterpret_cast<const void*>(success ? application_exit : run_time_error));
    for (;;) {
    }
}

}  // namespace target

extern "C" [[noreturn]] void reset_handler() {
    for (std::uint32_t* word = &__bss_start; word < &__bss_end; ++word)
        *word = 0;
    for (auto constructor = __init_array_start; constructor < __init_array_end; ++constructor)
        (*constructor)();
    target::exit(target::program() == 0);
}

extern "C" __attribute__((section(".vectors"), used))
const void* const vector_table[2] = {&__stack_top, reinterpret_cast<const void*>(&reset_handler)};
