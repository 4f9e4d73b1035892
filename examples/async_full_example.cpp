// async_full_example.cpp — async-coap's crate documentation, "Full Example"
// (and the RemoteEndpoint trait's example, the same request awaited inside an
// async block): everything shown, nothing hidden. A local endpoint is set up,
// a remote endpoint made from coap://coap.me, and
// `remote_endpoint.send_to(rel_ref!("large"), CoapRequest::get()
//      .accept(TEXT_PLAIN_UTF8).block2(Some(Default::default()))
//      .emit_successful_collected_response())`
// is run to completion and its result printed ("result: Ok(…)").
// Where async-coap binds a UDP socket on [::]:0 and spawns a receive loop on a
// LocalPool, this program builds a simulated network with a coap.me look-alike
// (async_sim_world.hpp); the cobalt Driver is both the local endpoint and its
// receive loop, and coap::run_until(driver, task) is pool.run_until(future).
// Checks: the first request carries Accept 0 and Block2 0/0/1024 (async-coap's
// BlockInfo::default()), the next asks for block 1 at the same size, and the
// reassembled payload is exactly the body the server holds.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

/// async-coap's BlockInfo::default(): block 0, M=0, 1024 bytes (SZX 6).
/// (cobalt's BlockValue{} is SZX 0, 16-byte blocks: spell the size out.)
const BlockValue default_block = BlockValue::with_size(0, false, 1024).value();

void print_result(const Result<OwnedMessage, Error>& result) {
    if (result)
        std::printf("result: Ok(%s)\n", example::display(*result).c_str());
    else
        std::printf("result: Err(%s)\n", to_string(result.error()).c_str());
}

/// Runs one awaitable to completion (async-coap's pool.run_until(future) takes
/// the future itself; coap::run_until takes a Task).
template <class Awaitable>
Task<Result<OwnedMessage, Error>> await(Awaitable future) {
    co_return co_await future;
}

/// The RemoteEndpoint trait's example: the same request awaited in a coroutine.
Task<OwnedMessage> remote_endpoint_example(Driver& local_endpoint) {
    auto remote_endpoint = local_endpoint.remote_endpoint("coap://coap.me");
    if (!remote_endpoint) throw std::runtime_error("Unacceptable scheme or authority in URL");

    auto future = remote_endpoint->send_to("large", Request::get()
                                                        .accept(content_formats::text_plain)
                                                        .block2(default_block)
                                                        .emit_successful_collected_response());

    auto result = co_await future;
    print_result(result);
    if (!result) throw std::runtime_error("request failed");  // .unwrap()
    co_return std::move(*result);
}

}  // namespace

int main() {
    example::Checks check;

    // The socket and the local endpoint: a port on a simulated network, with
    // coap.me on it, and the Driver that runs the endpoint (its receive loop).
    example::CoapMeWorld world;
    Driver& local_endpoint = world.local_endpoint;

    auto remote_endpoint = local_endpoint.remote_endpoint("coap://coap.me");
    if (!remote_endpoint) throw std::runtime_error("bad URI");  // .unwrap()

    auto future_result =
        remote_endpoint->send_to("large", Request::get()
                                              .accept(content_formats::text_plain)
                                              .block2(default_block)
                                              .emit_successful_collected_response());

    const auto result = run_until(local_endpoint, await(std::move(future_result)));

    print_result(result);

    check(result.ok(), "the request succeeded");
    if (result) {
        check(result->code() == codes::content, "2.05 Content");
        check(result->payload_text() == example::large_body(),
              "the reassembled payload is exactly coap.me/large's body");
    }
    const auto& seen = world.coap_me.seen;
    check(seen.size() == 2, "1700 bytes in two 1024-byte blocks");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        const MessageView& request = seen[i].message.view();
        check(request.type() == MessageType::confirmable && request.code() == codes::get,
              "CON GET");
        check(request.uri_host() == std::optional<std::string_view>("coap.me"), "Uri-Host coap.me");
        check(example::path_of(request) == "/large", "Uri-Path large");
        check(request.accept() == content_formats::text_plain, "Accept 0");
        const auto block = request.block2();
        check(block && block->num() == i && !block->more() && block->size() == 1024,
              "Block2 asks for block i at 1024 bytes");
    }

    // The RemoteEndpoint trait's doc example, on the same endpoint.
    const OwnedMessage again = run_until(local_endpoint, remote_endpoint_example(local_endpoint));
    check(again.payload_text() == example::large_body(), "the second transfer gives the same body");
    check(world.coap_me.seen.size() == 4, "the second transfer also took two requests");
    return check.exit_code();
}
