// discover_command.cpp — `cobalt discover URI`: GET /.well-known/core (RFC 6690)
// and print the links one per line with their attributes.
#include "client_session.hpp"

#include <coap/uri.hpp>

namespace cobalt_cli {

std::string discovery_uri(std::string_view uri) {
    const auto reference = coap::UriRef::parse(uri);
    if (!reference || !reference->has_authority()) return std::string(uri);
    const std::string_view path = reference->path();
    if (!path.empty() && path != "/") return std::string(uri);
    std::string result(reference->scheme());
    result.append("://").append(reference->authority()).append("/.well-known/core");
    if (reference->has_query()) result.append("?").append(reference->query());
    return result;
}

int run_discover(Session& session, std::ostream& out, std::ostream& err) {
    return run_request(session, out, err, true);
}

}  // namespace cobalt_cli
