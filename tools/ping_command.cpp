// ping_command.cpp — `cobalt ping URI`: a CoAP ping (RFC 7252 §4.3, an empty
// CON answered by RST) and the round-trip time.
#include "client_session.hpp"
#include "exit_codes.hpp"

namespace cobalt_cli {
namespace {

coap::Task<coap::Result<coap::Done, coap::Error>> ping(coap::RemoteEndpoint remote) {
    co_return co_await remote.ping();
}

}  // namespace

int run_ping(Session& session, std::ostream& out, std::ostream& err) {
    int failed = exit_code::ok;
    auto remote = session.remote(failed);
    if (!remote) return failed;
    const coap::Instant start = session.driver().now();
    auto task = ping(*remote);
    auto result = session.run(task);
    if (!result) {
        err << "cobalt: " << (session.interrupted() ? "interrupted" : "timeout: no pong from ")
            << (session.interrupted() ? "" : remote->uri()) << "\n";
        return session.interrupted() ? exit_code::failure : exit_code::timeout;
    }
    if (!*result) {
        err << "cobalt: ping " << remote->uri() << ": " << result->error() << "\n";
        return exit_code_for(result->error());
    }
    out << "pong from " << remote->address().text().view() << " in "
        << (session.driver().now() - start).ms << " ms\n";
    return exit_code::ok;
}

}  // namespace cobalt_cli
