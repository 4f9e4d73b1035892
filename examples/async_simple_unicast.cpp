// async_simple_unicast.cpp — async-coap's crate documentation, "Simple Unicast":
// a GET of coap://coap.me/test whose first response, whatever its code, is
// printed. Here coap.me is a look-alike on a simulated network
// (async_sim_world.hpp) and the client is a cobalt Driver: the doc's
// `remote_endpoint.send(CoapRequest::get().emit_any_response())` becomes
// `co_await remote_endpoint.send(Request::get().emit_any_response())` inside a
// coap::Task run with coap::run_until. Checks what the doc example relies on:
// one CON GET carrying Uri-Host "coap.me" and Uri-Path "test" and no Accept,
// answered 2.05 with coap.me's text.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

Task<OwnedMessage> simple_unicast(Driver& local_endpoint) {
    auto remote_endpoint = local_endpoint.remote_endpoint("coap://coap.me/test");
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");

    auto future = remote_endpoint->send(Request::get().emit_any_response());

    auto response = co_await future;
    if (!response) throw std::runtime_error("CoAP request failed: " + to_string(response.error()));

    std::printf("Got response: %s\n", example::display(*response).c_str());
    co_return std::move(*response);
}

}  // namespace

int main() {
    example::CoapMeWorld world;
    example::Checks check;

    const OwnedMessage response =
        run_until(world.local_endpoint, simple_unicast(world.local_endpoint));

    check(response.code() == codes::content, "the response is 2.05 Content");
    check(response->type() == MessageType::acknowledgement,
          "the response is piggybacked on the ACK");
    check(response.payload_text() == example::coap_me_test_text,
          "the payload is coap.me/test's text");
    check(response->content_format() == content_formats::text_plain,
          "Content-Format is text/plain");

    check(world.coap_me.seen.size() == 1, "coap.me saw exactly one request");
    if (!world.coap_me.seen.empty()) {
        const MessageView& request = world.coap_me.seen[0].message.view();
        check(request.type() == MessageType::confirmable, "the request is CON");
        check(request.code() == codes::get, "the request is a GET");
        check(request.uri_host() == std::optional<std::string_view>("coap.me"),
              "the request carries Uri-Host \"coap.me\"");
        check(example::path_of(request) == "/test", "the request carries Uri-Path \"test\"");
        check(!request.accept(), "the request carries no Accept");
    }
    check(world.local_endpoint.pending_sends() == 0, "nothing is left running");
    return check.exit_code();
}
