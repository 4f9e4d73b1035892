// coap/contract.hpp — where a broken precondition or postcondition goes: every
// GSL Expects/Ensures in the engine (and in gsl::span, once this header comes
// first) calls coap::contract_violated, which calls the installed handler.
// Owns the handler; must never throw, allocate or print. Include it before any
// <gsl/...> header: every public coap header does, and the engine's own
// sources get it first through the compiler's -include.
#pragma once

#include <gsl/assert>

namespace coap {

/// What was broken and where.
struct ContractViolation {
    const char* kind;  ///< "Precondition" or "Postcondition"
    const char* file;  ///< nullptr in the embedded profile (no file names in flash)
    int line;
};

/// Must not return (if it does, the engine traps): report, reset, abort.
using ContractViolationHandler = void (*)(const ContractViolation& violation);

/// Installs `handler` (nullptr: the default) and returns the one installed
/// before (nullptr: the default). The default terminates: std::terminate() in
/// the hosted profile (GSL's own behaviour), a trap instruction in the embedded
/// one. Not synchronised: install it once, before any Endpoint runs.
ContractViolationHandler set_contract_violation_handler(ContractViolationHandler handler) noexcept;

/// Reports a violation to the handler; never returns.
[[noreturn]] void contract_violated(const char* kind, const char* file, int line) noexcept;

}  // namespace coap

#if defined(COAP_EMBEDDED) && COAP_EMBEDDED
#define COAP_CONTRACT_FILE nullptr
#else
#define COAP_CONTRACT_FILE __FILE__
#endif

// GSL 4.0 expands Expects(c) and Ensures(c) to GSL_CONTRACT_CHECK at the point of
// use, so redefining it here reroutes every check compiled after this header.
#undef GSL_CONTRACT_CHECK
#define GSL_CONTRACT_CHECK(type, cond)       \
    (GSL_LIKELY(cond) ? static_cast<void>(0) \
                      : ::coap::contract_violated(type, COAP_CONTRACT_FILE, __LINE__))
