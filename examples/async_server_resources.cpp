// async_server_resources.cpp — async-coap's LocalEndpoint documentation, "Server
// Usage", second example: a handler that serves GET /test ("Successfully
// fetched …!", text/plain) and GET /.well-known/core (`</test>;title="Test
// Resource"`, link-format), answers 4.05 Method Not Allowed to other methods
// on those and 4.04 Not Found to anything else; its hidden test sends three
// requests through a loopback socket, each with uri_host_path(None, …):
//   a) GET test with emit_any_response()            → 2.05, ACK
//   b) POST test with emit_successful_response() and inspect (sees 4.05, ACK)
//                                                    → Err(ClientRequestError)
//   c) GET /foobar with emit_successful_response() and inspect (sees 4.04, ACK)
//                                                    → Err(ResourceNotFound)
// In cobalt the dispatching the doc writes by hand is a ResourceTree: it routes
// by path, answers 4.05 and 4.04 itself, and lists resources in
// /.well-known/core from their attributes. The loopback socket is one port of a
// simulated network (async_sim_world.hpp) the Driver sends to itself through.
// Checks each outcome above, that inspect ran on the error replies, and the
// /.well-known/core document.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

struct Seen {
    Code code{};
    MessageType type = MessageType::confirmable;
    int calls = 0;
};

Task<int> run_requests(RemoteEndpoint remote, example::Checks& check) {
    // a) GET test, any response.
    auto a = co_await remote.send(Request::get().uri_host_path("", "test").emit_any_response());
    std::printf("a) %s\n", a ? example::display(*a).c_str() : to_string(a.error()).c_str());
    check(a && a->code() == codes::content, "a) GET test gives 2.05");
    check(a && a->view().type() == MessageType::acknowledgement, "a) the reply is piggybacked");

    // b) POST test: inspect sees 4.05, the result is an error.
    Seen b_seen;
    auto b = co_await remote.send(
        Request::post()
            .uri_host_path("", "test")
            .emit_successful_response()
            .inspect([&b_seen](const InboundContext& context) {
                b_seen = {context.code(), context.message().type(), b_seen.calls + 1};
            }));
    std::printf("b) %s\n", b ? example::display(*b).c_str() : to_string(b.error()).c_str());
    check(b_seen.calls == 1 && b_seen.code == codes::method_not_allowed &&
              b_seen.type == MessageType::acknowledgement,
          "b) inspect sees 4.05 on an ACK");
    check(!b && b.error().kind == ErrorKind::client_request_error,
          "b) POST test is Err(client request error)");

    // c) GET /foobar: inspect sees 4.04, the result is an error.
    Seen c_seen;
    auto c = co_await remote.send(
        Request::get()
            .emit_successful_response()
            .uri_host_path("", "/foobar")
            .inspect([&c_seen](const InboundContext& context) {
                c_seen = {context.code(), context.message().type(), c_seen.calls + 1};
            }));
    std::printf("c) %s\n", c ? example::display(*c).c_str() : to_string(c.error()).c_str());
    check(c_seen.calls == 1 && c_seen.code == codes::not_found &&
              c_seen.type == MessageType::acknowledgement,
          "c) inspect sees 4.04 on an ACK");
    check(!c && c.error().kind == ErrorKind::resource_not_found,
          "c) GET /foobar is Err(resource not found)");

    // The resource list.
    auto links = co_await remote.send(
        Request::get().uri_host_path("", "/.well-known/core").emit_successful_response());
    std::printf("/.well-known/core: %s\n",
                links ? example::display(*links).c_str() : to_string(links.error()).c_str());
    check(links && links->payload_text() == R"(</test>;title="Test Resource")",
          "/.well-known/core lists </test>;title=\"Test Resource\"");
    check(links && links->view().content_format() == content_formats::link_format,
          "/.well-known/core is link-format");
    co_return 0;
}

}  // namespace

int main() {
    example::Checks check;
    sim::Network net(13);
    const Address loopback = Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5683);
    const sim::NodeId node = net.add_port(loopback);
    Driver local_endpoint(net.port(node), EndpointConfig{.seed = 19});

    ResourceTree tree;
    tree.add("/test").title("Test Resource").get([](RequestContext& context) {
        const std::string text = "Successfully fetched \"" + context.path_string() + "\"!";
        (void)context.respond(codes::content, text, content_formats::text_plain);
    });
    tree.serve(local_endpoint);

    auto remote = local_endpoint.remote_endpoint("coap://[::1]/");
    if (!remote) throw std::runtime_error("Remote endpoint lookup failed");
    (void)run_until(local_endpoint, run_requests(*remote, check));
    return check.exit_code();
}
