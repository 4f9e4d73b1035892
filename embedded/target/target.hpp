// target.hpp — what startup.cpp gives a program run on an emulated Cortex-M
// (QEMU with `-semihosting-config enable=on`): the entry point it calls after
// reset, and output and exit through ARM semihosting (`bkpt 0xab`), with a
// decimal formatter so that no printf (and no heap) is linked.
#pragma once

#include <cstddef>
#include <cstdint>

namespace target {

/// The program's entry, defined by the program; 0 means success.
int program();

/// Writes a NUL-terminated string to the host's console.
void write(const char* text) noexcept;
/// Writes `value` in decimal.
void write(std::uint32_t value) noexcept;
/// Ends the program: QEMU exits with status 0 when `success`, 1 otherwise.
[[noreturn]] void exit(bool success) noexcept;

}  // namespace target
