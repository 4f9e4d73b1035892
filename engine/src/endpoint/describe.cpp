// describe.cpp — human-readable names of the Endpoint's enumerations.
#include "coap/endpoint_event.hpp"

namespace coap {

std::string_view describe(LocalError error) noexcept {
    switch (error) {
        case LocalError::exchanges_full:
            return "every exchange slot is in use";
        case LocalError::peers_full:
            return "every peer slot is busy";
        case LocalError::transmit_queue_full:
            return "the transmit queue is full";
        case LocalError::message_too_large:
            return "the message exceeds max_message_size";
        case LocalError::invalid_message:
            return "the message could not be encoded";
        case LocalError::stale_handle:
            return "the handle names no live exchange";
        case LocalError::already_answered:
            return "the request was already answered";
        case LocalError::invalid_request:
            return "not a valid request for this call";
        case LocalError::invalid_parameters:
            return "invalid transmission parameters";
        case LocalError::events_full:
            return "the event queue is full";
        case LocalError::notifications_full:
            return "every CON notification slot is in flight";
    }
    return "unknown local error";
}

std::string_view describe(FailureReason reason) noexcept {
    switch (reason) {
        case FailureReason::timeout:
            return "timeout";
        case FailureReason::reset:
            return "reset by peer";
        case FailureReason::cancelled:
            return "cancelled";
        case FailureReason::rejected_response:
            return "response rejected";
        case FailureReason::peer_unreachable:
            return "peer unreachable";
    }
    return "unknown failure";
}

std::string_view describe(EventKind kind) noexcept {
    switch (kind) {
        case EventKind::request_received:
            return "request received";
        case EventKind::response_received:
            return "response received";
        case EventKind::pong:
            return "pong";
        case EventKind::multicast_done:
            return "multicast done";
        case EventKind::exchange_failed:
            return "exchange failed";
        case EventKind::response_failed:
            return "response failed";
        case EventKind::notification_acknowledged:
            return "notification acknowledged";
        case EventKind::notification_failed:
            return "notification failed";
    }
    return "unknown event";
}

}  // namespace coap
