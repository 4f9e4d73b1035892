// contract.cpp — the installed contract violation handler and its default.
#include "coap/contract.hpp"

namespace coap {
namespace {

ContractViolationHandler installed = nullptr;

}  // namespace

ContractViolationHandler set_contract_violation_handler(ContractViolationHandler handler) noexcept {
    const ContractViolationHandler previous = installed;
    installed = handler;
    return previous;
}

void contract_violated(const char* kind, const char* file, int line) noexcept {
    if (installed != nullptr) installed(ContractViolation{kind, file, line});
#if defined(COAP_EMBEDDED) && COAP_EMBEDDED
    __builtin_trap();
#else
    if (installed == nullptr) gsl::details::terminate();
    __builtin_trap();
#endif
}

}  // namespace coap
