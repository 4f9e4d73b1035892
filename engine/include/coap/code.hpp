// coap/code.hpp — CoAP codes (RFC 7252 §3, §12.1; RFC 8132; RFC 7959; RFC 8516;
// RFC 8768; RFC 8323 signals) and their registry of names.
// Owns the `Code` value type and the named constants; never parses messages.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace coap {

/// An 8-bit code: class (3 bits) and detail (5 bits), written "c.dd".
class Code {
  public:
    constexpr Code() noexcept = default;
    constexpr explicit Code(std::uint8_t raw) noexcept : raw_(raw) {}
    /// Builds c.dd; `detail` must be below 32 and `cls` below 8.
    static constexpr Code make(std::uint8_t cls, std::uint8_t detail) noexcept {
        return Code(static_cast<std::uint8_t>(((cls & 0x7u) << 5) | (detail & 0x1fu)));
    }

    constexpr std::uint8_t raw() const noexcept { return raw_; }
    constexpr std::uint8_t code_class() const noexcept {
        return static_cast<std::uint8_t>(raw_ >> 5);
    }
    constexpr std::uint8_t detail() const noexcept {
        return static_cast<std::uint8_t>(raw_ & 0x1fu);
    }

    constexpr bool is_empty() const noexcept { return raw_ == 0; }
    constexpr bool is_request() const noexcept { return code_class() == 0 && raw_ != 0; }
    constexpr bool is_response() const noexcept {
        return code_class() == 2 || code_class() == 4 || code_class() == 5;
    }
    constexpr bool is_success() const noexcept { return code_class() == 2; }
    constexpr bool is_client_error() const noexcept { return code_class() == 4; }
    constexpr bool is_server_error() const noexcept { return code_class() == 5; }
    /// Class 7: signalling codes, only meaningful on reliable transports (RFC 8323).
    constexpr bool is_signal() const noexcept { return code_class() == 7; }
    /// Classes 1, 6 and 7 carry no meaning on UDP (RFC 7252 §3, §12.1).
    constexpr bool is_reserved_class_on_udp() const noexcept {
        return code_class() == 1 || code_class() == 6 || code_class() == 7;
    }

    friend constexpr bool operator==(Code, Code) noexcept = default;
    friend constexpr auto operator<=>(Code, Code) noexcept = default;

  private:
    std::uint8_t raw_ = 0;
};

namespace codes {
inline constexpr Code empty = Code::make(0, 0);
// Methods (RFC 7252 §12.1.1, RFC 8132).
inline constexpr Code get = Code::make(0, 1);
inline constexpr Code post = Code::make(0, 2);
inline constexpr Code put = Code::make(0, 3);
inline constexpr Code delete_ = Code::make(0, 4);
inline constexpr Code fetch = Code::make(0, 5);
inline constexpr Code patch = Code::make(0, 6);
inline constexpr Code ipatch = Code::make(0, 7);
// Responses (RFC 7252 §12.1.2 and later registrations).
inline constexpr Code created = Code::make(2, 1);
inline constexpr Code deleted = Code::make(2, 2);
inline constexpr Code valid = Code::make(2, 3);
inline constexpr Code changed = Code::make(2, 4);
inline constexpr Code content = Code::make(2, 5);
inline constexpr Code continue_ = Code::make(2, 31);
inline constexpr Code bad_request = Code::make(4, 0);
inline constexpr Code unauthorized = Code::make(4, 1);
inline constexpr Code bad_option = Code::make(4, 2);
inline constexpr Code forbidden = Code::make(4, 3);
inline constexpr Code not_found = Code::make(4, 4);
inline constexpr Code method_not_allowed = Code::make(4, 5);
inline constexpr Code not_acceptable = Code::make(4, 6);
inline constexpr Code request_entity_incomplete = Code::make(4, 8);
inline constexpr Code conflict = Code::make(4, 9);
inline constexpr Code precondition_failed = Code::make(4, 12);
inline constexpr Code request_entity_too_large = Code::make(4, 13);
inline constexpr Code unsupported_content_format = Code::make(4, 15);
inline constexpr Code unprocessable_entity = Code::make(4, 22);
inline constexpr Code too_many_requests = Code::make(4, 29);
inline constexpr Code internal_server_error = Code::make(5, 0);
inline constexpr Code not_implemented = Code::make(5, 1);
inline constexpr Code bad_gateway = Code::make(5, 2);
inline constexpr Code service_unavailable = Code::make(5, 3);
inline constexpr Code gateway_timeout = Code::make(5, 4);
inline constexpr Code proxying_not_supported = Code::make(5, 5);
inline constexpr Code hop_limit_reached = Code::make(5, 8);
// Signalling codes (RFC 8323 §5), reliable transports only.
inline constexpr Code csm = Code::make(7, 1);
inline constexpr Code ping = Code::make(7, 2);
inline constexpr Code pong = Code::make(7, 3);
inline constexpr Code release = Code::make(7, 4);
inline constexpr Code abort = Code::make(7, 5);
}  // namespace codes

/// Registered name ("GET", "Content", "Continue"...), or an empty view when the
/// code is not registered.
std::string_view code_name(Code code) noexcept;

/// Dotted form "c.dd" as four characters (no terminator).
constexpr std::array<char, 4> dotted(Code code) noexcept {
    return {static_cast<char>('0' + code.code_class()), '.',
            static_cast<char>('0' + code.detail() / 10),
            static_cast<char>('0' + code.detail() % 10)};
}

}  // namespace coap
