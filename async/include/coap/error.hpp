// coap/error.hpp — Error: why a request sent through the async API failed, as
// one printable value. Owns the mapping from response codes and engine
// failures to errors; never allocates except in to_string().
#pragma once

#include "coap/code.hpp"
#include "coap/endpoint_event.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace coap {

enum class ErrorKind : std::uint8_t {
    response_timeout,           ///< no (further) response in time
    reset,                      ///< the peer answered with RST
    cancelled,                  ///< the request was cancelled locally
    client_request_error,       ///< a 4.xx response other than those below (code)
    resource_not_found,         ///< 4.04
    forbidden,                  ///< 4.03
    unauthorized,               ///< 4.01
    server_error,               ///< a 5.xx response (code)
    unexpected_response,        ///< a code this request does not count as success (code)
    out_of_space,               ///< a local table or buffer is full
    unhandled_critical_option,  ///< the response carried a critical option we do not know
    parse_error,                ///< a response (or its payload) could not be parsed
    invalid_argument,           ///< the request itself is invalid (bad URI, bad option)
    host_not_found,             ///< the URI's host could not be resolved
    peer_unreachable,           ///< the network reported the peer unreachable (ICMP)
    representation_changed,     ///< a block-wise response changed (new ETag) mid-transfer
    observation_lost,  ///< an observation's registration retries all failed (RFC 7641 §3.3.1)
    incomplete_body,   ///< one block of a larger body (Block2 M=1) ended a send that collects
};

std::string_view describe(ErrorKind kind) noexcept;

struct Error {
    ErrorKind kind = ErrorKind::response_timeout;
    /// The response code, for the kinds that come from a response.
    Code code{};

    static constexpr Error of(ErrorKind kind, Code code = {}) noexcept { return {kind, code}; }
    /// The error a response code means, if it is an error (4.xx, 5.xx).
    static Error from_code(Code code) noexcept;
    /// The error an engine failure means.
    static Error from_failure(FailureReason reason) noexcept;
    /// The error a local engine refusal means.
    static Error from_local(LocalError error) noexcept;

    friend constexpr bool operator==(const Error&, const Error&) noexcept = default;
};

/// "response timeout", "resource not found (4.04)", "server error (5.03)", …
std::string to_string(const Error& error);
std::ostream& operator<<(std::ostream& out, const Error& error);

}  // namespace coap
