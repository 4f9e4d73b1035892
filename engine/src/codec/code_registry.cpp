// code_registry.cpp — names of the registered CoAP method, response and
// signalling codes (RFC 7252 §12.1, RFC 7959, RFC 8132, RFC 8516, RFC 8768, RFC 8323).
#include "coap/code.hpp"

namespace coap {

std::string_view code_name(Code code) noexcept {
    switch (code.raw()) {
        case codes::empty.raw():
            return "Empty";
        case codes::get.raw():
            return "GET";
        case codes::post.raw():
            return "POST";
        case codes::put.raw():
            return "PUT";
        case codes::delete_.raw():
            return "DELETE";
        case codes::fetch.raw():
            return "FETCH";
        case codes::patch.raw():
            return "PATCH";
        case codes::ipatch.raw():
            return "iPATCH";
        case codes::created.raw():
            return "Created";
        case codes::deleted.raw():
            return "Deleted";
        case codes::valid.raw():
            return "Valid";
        case codes::changed.raw():
            return "Changed";
        case codes::content.raw():
            return "Content";
        case codes::continue_.raw():
            return "Continue";
        case codes::bad_request.raw():
            return "Bad Request";
        case codes::unauthorized.raw():
            return "Unauthorized";
        case codes::bad_option.raw():
            return "Bad Option";
        case codes::forbidden.raw():
            return "Forbidden";
        case codes::not_found.raw():
            return "Not Found";
        case codes::method_not_allowed.raw():
            return "Method Not Allowed";
        case codes::not_acceptable.raw():
            return "Not Acceptable";
        case codes::request_entity_incomplete.raw():
            return "Request Entity Incomplete";
        case codes::conflict.raw():
            return "Conflict";
        case codes::precondition_failed.raw():
            return "Precondition Failed";
        case codes::request_entity_too_large.raw():
            return "Request Entity Too Large";
        case codes::unsupported_content_format.raw():
            return "Unsupported Content-Format";
        case codes::unprocessable_entity.raw():
            return "Unprocessable Entity";
        case codes::too_many_requests.raw():
            return "Too Many Requests";
        case codes::internal_server_error.raw():
            return "Internal Server Error";
        case codes::not_implemented.raw():
            return "Not Implemented";
        case codes::bad_gateway.raw():
            return "Bad Gateway";
        case codes::service_unavailable.raw():
            return "Service Unavailable";
        case codes::gateway_timeout.raw():
            return "Gateway Timeout";
        case codes::proxying_not_supported.raw():
            return "Proxying Not Supported";
        case codes::hop_limit_reached.raw():
            return "Hop Limit Reached";
        case codes::csm.raw():
            return "CSM";
        case codes::ping.raw():
            return "Ping";
        case codes::pong.raw():
            return "Pong";
        case codes::release.raw():
            return "Release";
        case codes::abort.raw():
            return "Abort";
        default:
            return {};
    }
}

}  // namespace coap
