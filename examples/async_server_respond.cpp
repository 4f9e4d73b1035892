// async_server_respond.cpp — async-coap's LocalEndpoint documentation, "Server
// Usage", first example: a receive handler that answers every request with
// 2.05 Content, Content-Format text/plain and "Successfully fetched!", run on
// a loopback socket so that the same endpoint both serves and sends
// `CoapRequest::get().emit_any_response()` to itself; the hidden test asserts
// the reply is 2.05 and piggybacked (type ACK). In cobalt the receive handler is
// the Driver's request handler (set_request_handler) and RequestContext::respond
// is async-coap's context.respond; the loopback socket is one port of a
// simulated network (async_sim_world.hpp) that the Driver sends to itself
// through. Checks: 2.05, ACK, the text and its Content-Format.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

void receive_handler(RequestContext& context) {
    (void)context.respond(codes::content, "Successfully fetched!", content_formats::text_plain);
}

Task<Result<OwnedMessage, Error>> get_any_response(RemoteEndpoint remote) {
    co_return co_await remote.send(Request::get().emit_any_response());
}

}  // namespace

int main() {
    example::Checks check;
    sim::Network net(9);
    const Address loopback = Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5683);
    const sim::NodeId node = net.add_port(loopback);
    Driver local_endpoint(net.port(node), EndpointConfig{.seed = 17});
    local_endpoint.set_request_handler(receive_handler);

    auto remote = local_endpoint.remote_endpoint("coap://[::1]/");
    if (!remote) throw std::runtime_error("Remote endpoint lookup failed");
    const auto result = run_until(local_endpoint, get_any_response(*remote));
    if (result)
        std::printf("result: Ok(%s)\n", example::display(*result).c_str());
    else
        std::printf("result: Err(%s)\n", to_string(result.error()).c_str());

    check(result.ok(), "a response came back");
    if (result) {
        check(result->code() == codes::content, "msg_code() == SuccessContent");
        check(result->view().type() == MessageType::acknowledgement, "msg_type() == Ack");
        check(result->payload_text() == "Successfully fetched!", "the handler's text");
        check(result->view().content_format() == content_formats::text_plain, "Content-Format 0");
    }
    return check.exit_code();
}
