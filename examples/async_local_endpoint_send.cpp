// async_local_endpoint_send.cpp — async-coap's LocalEndpoint documentation, the
// two examples of sending straight to a socket address:
//   local_pool.run_until(local_endpoint.send("coap.me:5683",
//                                            CoapRequest::get().emit_any_response()))
// and the same awaited inside an async block, each printing "result: {:?}".
// The doctests run on a NullLocalEndpoint, which never delivers anything, so
// they print `result: Err(ResponseTimeout)`; on a real network the first
// response comes back, whatever its code. This program shows both on a
// simulated network (async_sim_world.hpp): first with coap.me cut off (the
// request is retransmitted, then times out, in virtual time), then with coap.me
// reachable (its root answers with its resource list). In cobalt a destination
// is a RemoteEndpoint; remove_host_option() makes it a bare address (no
// Uri-Host, no Uri-Path, as a socket address has none). Checks: Err(response
// timeout) within MAX_TRANSMIT_WAIT, then Ok(2.05 link-format) from a request
// carrying no URI options.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

void print_result(const Result<OwnedMessage, Error>& result) {
    if (result)
        std::printf("result: Ok(%s)\n", example::display(*result).c_str());
    else
        std::printf("result: Err(%s)\n", to_string(result.error()).c_str());
}

/// The destination "coap.me:5683": an address, no URI.
RemoteEndpoint socket_address(Driver& local_endpoint) {
    auto remote = local_endpoint.remote_endpoint("coap://coap.me:5683");
    if (!remote) throw std::runtime_error("host lookup failed");
    remote->remove_host_option();
    return *remote;
}

/// Runs one awaitable to completion (as local_pool.run_until(future) does).
template <class Awaitable>
Task<Result<OwnedMessage, Error>> await(Awaitable future) {
    co_return co_await future;
}

/// The async-block form.
Task<Result<OwnedMessage, Error>> async_block(Driver& local_endpoint) {
    auto future = socket_address(local_endpoint).send(Request::get().emit_any_response());
    auto result = co_await future;
    print_result(result);
    co_return result;
}

}  // namespace

int main() {
    example::Checks check;
    example::CoapMeWorld world;
    Driver& local_endpoint = world.local_endpoint;

    // Nothing answers (the doctests' NullLocalEndpoint): coap.me is cut off.
    world.net.partition(world.client_node, world.coap_me.node);
    const Instant start = world.net.now();
    const auto timed_out =
        run_until(local_endpoint,
                  await(socket_address(local_endpoint).send(Request::get().emit_any_response())));
    print_result(timed_out);
    const Duration waited = world.net.now() - start;
    std::printf("(after %.1f s of virtual time)\n", static_cast<double>(waited.ms) / 1000.0);
    check(!timed_out && timed_out.error().kind == ErrorKind::response_timeout,
          "no answer: Err(response timeout)");
    check(waited <= seconds(93), "the timeout comes within MAX_TRANSMIT_WAIT (93 s)");

    // coap.me reachable: the first response, whatever its code.
    world.net.heal(world.client_node, world.coap_me.node);
    const auto answered = run_until(local_endpoint, async_block(local_endpoint));
    check(answered.ok(), "coap.me answers");
    if (answered) {
        check(answered->code() == codes::content, "GET / gives 2.05");
        check(answered->view().content_format() == content_formats::link_format,
              "coap.me's root is its resource list");
    }
    check(!world.coap_me.seen.empty(), "coap.me saw the request");
    for (const auto& seen : world.coap_me.seen)
        check(seen.message->options().empty(), "a bare address: no Uri-Host, no Uri-Path");
    return check.exit_code();
}
