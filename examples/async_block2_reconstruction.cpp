// async_block2_reconstruction.cpp — async-coap's crate documentation, "Block2
// Reconstruction": the remote endpoint of the "Simple Unicast" example is cloned
// onto /large with clone_using_rel_ref, and
// `CoapRequest::get().block2(None).emit_successful_collected_response()` fetches
// every block of coap.me/large and hands back one message holding the whole
// body. Here coap.me is a look-alike on a simulated network
// (async_sim_world.hpp) serving a 1700-byte text in Block2 blocks, as the real
// one does. Checks: the first request carries no Block2 (the server picks the
// size), each later one asks for the next block, and the reassembled payload is
// exactly the body the server holds.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

Task<OwnedMessage> block2_reconstruction(Driver& local_endpoint) {
    // As in "Simple Unicast" (hidden in the doc example).
    auto remote_endpoint = local_endpoint.remote_endpoint("coap://coap.me/test");
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");

    auto large = remote_endpoint->clone_using_rel_ref("/large");
    if (!large) throw std::runtime_error("bad reference");

    auto send_descriptor = Request::get().block2(std::nullopt).emit_successful_collected_response();

    auto response = co_await large->send(std::move(send_descriptor));
    if (!response) throw std::runtime_error("CoAP request failed: " + to_string(response.error()));

    std::printf("Reconstructed response: %s\n", example::display(*response).c_str());
    co_return std::move(*response);
}

}  // namespace

int main() {
    example::CoapMeWorld world;
    example::Checks check;

    const OwnedMessage response =
        run_until(world.local_endpoint, block2_reconstruction(world.local_endpoint));

    check(response.code() == codes::content, "the response is 2.05 Content");
    check(response.payload_text() == example::large_body(),
          "the reassembled payload is exactly coap.me/large's body");
    check(response.payload().size() == 1700, "the body is 1700 bytes");
    check(response->content_format() == content_formats::text_plain,
          "Content-Format is text/plain");

    const auto& seen = world.coap_me.seen;
    std::printf("coap.me saw %zu requests\n", seen.size());
    check(seen.size() == 2, "two blocks of 1024 bytes were fetched");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        const MessageView& request = seen[i].message.view();
        check(example::path_of(request) == "/large", "every request is for /large");
        check(request.uri_host() == std::optional<std::string_view>("coap.me"),
              "every request carries Uri-Host \"coap.me\"");
        const auto block = request.block2();
        if (i == 0) {
            check(!block, "the first request carries no Block2 (block2(None))");
        } else {
            check(block && block->num() == i && !block->more(),
                  "a later request asks for the next block");
        }
    }
    return check.exit_code();
}
