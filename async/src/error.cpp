// error.cpp — Error: mapping from response codes, engine failures and local
// refusals, and the printable forms.
#include "coap/error.hpp"

#include <ostream>

namespace coap {

std::string_view describe(ErrorKind kind) noexcept {
    switch (kind) {
        case ErrorKind::response_timeout:
            return "response timeout";
        case ErrorKind::reset:
            return "reset by peer";
        case ErrorKind::cancelled:
            return "cancelled";
        case ErrorKind::client_request_error:
            return "client request error";
        case ErrorKind::resource_not_found:
            return "resource not found";
        case ErrorKind::forbidden:
            return "forbidden";
        case ErrorKind::unauthorized:
            return "unauthorized";
        case ErrorKind::server_error:
            return "server error";
        case ErrorKind::unexpected_response:
            return "unexpected response";
        case ErrorKind::out_of_space:
            return "out of space";
        case ErrorKind::unhandled_critical_option:
            return "unhandled critical option";
        case ErrorKind::parse_error:
            return "parse error";
        case ErrorKind::invalid_argument:
            return "invalid argument";
        case ErrorKind::host_not_found:
            return "host not found";
        case ErrorKind::peer_unreachable:
            return "peer unreachable";
        case ErrorKind::representation_changed:
            return "representation changed during a block-wise transfer";
        case ErrorKind::observation_lost:
            return "observation lost: the server could not be reached to register";
        case ErrorKind::incomplete_body:
            return "incomplete body: a block-wise response's other blocks were not fetched";
    }
    return "unknown error";
}

Error Error::from_code(Code code) noexcept {
    if (code == codes::not_found) return of(ErrorKind::resource_not_found, code);
    if (code == codes::forbidden) return of(ErrorKind::forbidden, code);
    if (code == codes::unauthorized) return of(ErrorKind::unauthorized, code);
    if (code.code_class() == 4) return of(ErrorKind::client_request_error, code);
    if (code.code_class() == 5) return of(ErrorKind::server_error, code);
    return of(ErrorKind::unexpected_response, code);
}

Error Error::from_failure(FailureReason reason) noexcept {
    switch (reason) {
        case FailureReason::timeout:
            return of(ErrorKind::response_timeout);
        case FailureReason::reset:
            return of(ErrorKind::reset);
        case FailureReason::cancelled:
            return of(ErrorKind::cancelled);
        case FailureReason::rejected_response:
            return of(ErrorKind::unhandled_critical_option);
        case FailureReason::peer_unreachable:
            return of(ErrorKind::peer_unreachable);
    }
    return of(ErrorKind::response_timeout);
}

Error Error::from_local(LocalError error) noexcept {
    switch (error) {
        case LocalError::exchanges_full:
        case LocalError::peers_full:
        case LocalError::transmit_queue_full:
        case LocalError::message_too_large:
        case LocalError::events_full:
        case LocalError::notifications_full:
            return of(ErrorKind::out_of_space);
        case LocalError::stale_handle:
            return of(ErrorKind::cancelled);
        case LocalError::invalid_message:
        case LocalError::already_answered:
        case LocalError::invalid_request:
        case LocalError::invalid_parameters:
            return of(ErrorKind::invalid_argument);
    }
    return of(ErrorKind::invalid_argument);
}

std::string to_string(const Error& error) {
    std::string text(describe(error.kind));
    if (!error.code.is_empty()) {
        const auto dotted_code = dotted(error.code);
        text += " (";
        text.append(dotted_code.data(), dotted_code.size());
        text += ')';
    }
    return text;
}

std::ostream& operator<<(std::ostream& out, const Error& error) {
    return out << to_string(error);
}

}  // namespace coap
