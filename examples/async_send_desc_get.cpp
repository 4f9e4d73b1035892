// async_send_desc_get.cpp — async-coap's send_desc module documentation, its
// first two examples against coap://coap.me:5683/test:
//  1. a bare `CoapRequest::get()`: `assert_eq!(future.await, Ok(()))` — a plain
//     request finishes with success (2.05 or 2.03) and never yields the message;
//  2. `CoapRequest::get().emit_successful_response()`: the reply itself, an
//     owned copy, printed ("Got reply: …"); a 4.xx/5.xx would be an error.
// Here coap.me is a look-alike on a simulated network (async_sim_world.hpp) and
// cobalt's Done is async-coap's (). Also checks the other side of both: a
// missing resource is Err(resource not found (4.04)) for each.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

Task<Result<Done, Error>> bare_get(Driver& local_endpoint, std::string_view uri) {
    auto remote_endpoint = local_endpoint.remote_endpoint(uri);
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");
    auto future = remote_endpoint->send(Request::get());
    co_return co_await future;
}

Task<Result<OwnedMessage, Error>> emit_successful_response(Driver& local_endpoint,
                                                           std::string_view uri) {
    auto remote_endpoint = local_endpoint.remote_endpoint(uri);
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");
    auto send_desc = Request::get().emit_successful_response();
    co_return co_await remote_endpoint->send(std::move(send_desc));
}

}  // namespace

int main() {
    example::CoapMeWorld world;
    example::Checks check;
    Driver& local_endpoint = world.local_endpoint;

    // Example 1: assert_eq!(future.await, Ok(())).
    const auto done =
        run_until(local_endpoint, bare_get(local_endpoint, "coap://coap.me:5683/test"));
    std::printf("bare GET: %s\n", done ? "Ok(Done)" : to_string(done.error()).c_str());
    check(done.ok(), "a bare GET of /test finishes with Ok(Done)");

    // Example 2: .emit_successful_response(), then println!("Got reply: {:?}", message).
    const auto reply = run_until(
        local_endpoint, emit_successful_response(local_endpoint, "coap://coap.me:5683/test"));
    if (!reply) throw std::runtime_error("Request failed: " + to_string(reply.error()));
    std::printf("Got reply: %s\n", example::display(*reply).c_str());
    check(reply->code() == codes::content, "the reply is 2.05");
    check(reply->payload_text() == example::coap_me_test_text, "the reply is coap.me/test's text");

    // The other side: a resource coap.me does not have.
    const auto missing =
        run_until(local_endpoint, bare_get(local_endpoint, "coap://coap.me/nothing"));
    std::printf("bare GET of /nothing: %s\n",
                missing ? "Ok(Done)" : to_string(missing.error()).c_str());
    check(!missing && missing.error().kind == ErrorKind::resource_not_found,
          "a bare GET of a missing resource is Err(resource not found)");
    const auto missing_reply = run_until(
        local_endpoint, emit_successful_response(local_endpoint, "coap://coap.me/nothing"));
    check(!missing_reply && missing_reply.error() == Error::from_code(codes::not_found),
          "emit_successful_response turns 4.04 into Err(resource not found (4.04))");

    check(world.coap_me.seen.size() == 4, "one request each");
    for (const auto& seen : world.coap_me.seen)
        check(!seen.message->uri_port(), "no Uri-Port for the default port 5683");
    return check.exit_code();
}
