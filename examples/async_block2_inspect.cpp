// async_block2_inspect.cpp — async-coap's crate documentation, "Inspection":
// the "Block2 Reconstruction" example with
// `.inspect(|context| println!("inspect: Got {}", MessageDisplay(context.message())))`
// after `.emit_successful_collected_response()`, printing progress: one line
// per block as it arrives, then the reconstructed message. Here coap.me is a
// look-alike on a simulated network (async_sim_world.hpp). Checks: inspect saw
// every block exactly once, in order (offsets 0, 1024), with its own slice of
// the body, and the reassembled payload is exactly the body the server holds.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>
#include <vector>

using namespace coap;

namespace {

/// What inspect saw of one block.
struct Progress {
    std::uint64_t offset = 0;
    bool more = false;
    std::string payload;
};

Task<OwnedMessage> block2_inspect(Driver& local_endpoint, std::vector<Progress>& progress) {
    auto remote_endpoint = local_endpoint.remote_endpoint("coap://coap.me/test");
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");
    auto large = remote_endpoint->clone_using_rel_ref("/large");
    if (!large) throw std::runtime_error("bad reference");

    auto send_descriptor =
        Request::get()
            .block2(std::nullopt)
            .emit_successful_collected_response()
            .inspect([&progress](const InboundContext& context) {
                std::printf("inspect: Got %s\n", example::display(context.message()).c_str());
                const auto block = context.message().block2();
                progress.push_back({block ? block->offset() : 0, block && block->more(),
                                    example::text_of(context.payload())});
            });

    auto response = co_await large->send(std::move(send_descriptor));
    if (!response) throw std::runtime_error("CoAP request failed: " + to_string(response.error()));

    std::printf("Reconstructed response: %s\n", example::display(*response).c_str());
    co_return std::move(*response);
}

}  // namespace

int main() {
    example::CoapMeWorld world;
    example::Checks check;
    std::vector<Progress> progress;

    const OwnedMessage response =
        run_until(world.local_endpoint, block2_inspect(world.local_endpoint, progress));

    const std::string& body = example::large_body();
    check(response.payload_text() == body,
          "the reassembled payload is exactly coap.me/large's body");
    check(progress.size() == 2, "inspect ran once per block (1700 bytes in 1024-byte blocks)");
    check(progress.size() == world.coap_me.seen.size(), "inspect ran once per request sent");
    std::uint64_t expected_offset = 0;
    for (std::size_t i = 0; i < progress.size(); ++i) {
        const Progress& p = progress[i];
        check(p.offset == expected_offset, "blocks arrive in order");
        check(p.more == (i + 1 < progress.size()), "only the last block has M=0");
        check(
            p.offset + p.payload.size() <= body.size() &&
                body.compare(static_cast<std::size_t>(p.offset), p.payload.size(), p.payload) == 0,
            "each block carries its own slice of the body");
        expected_offset += p.payload.size();
    }
    check(expected_offset == body.size(), "the blocks cover the whole body");
    return check.exit_code();
}
