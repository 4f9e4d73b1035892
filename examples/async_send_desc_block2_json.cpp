// async_send_desc_block2_json.cpp — async-coap's send_desc module
// documentation, its third and fourth examples (marked `ignore` there, so never
// compiled by rustdoc): a per-request path with send_to("/large") and
// `CoapRequest::get().accept(APPLICATION_JSON).block2(None)
//      .emit_successful_collected_response()`, printing "Got reply: …"; then the
// same with `.inspect(|context| println!("Got {:?} from {}", msg, addr))`
// printing each block message and who sent it. (The doc calls
// context.remote_address(), which async-coap does not have; cobalt's
// InboundContext does.) Here coap.me is a look-alike on a simulated network
// (async_sim_world.hpp) whose /large also has a JSON representation. Checks:
// Accept 50 on every request, the reassembled body is the JSON the server
// holds, and inspect saw every block from coap.me's address.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

Task<OwnedMessage> json_block2(RemoteEndpoint remote_endpoint) {
    auto send_desc = Request::get()
                         .accept(content_formats::json)
                         .block2(std::nullopt)
                         .emit_successful_collected_response();
    auto message = co_await remote_endpoint.send_to("/large", std::move(send_desc));
    if (!message) throw std::runtime_error("Request failed: " + to_string(message.error()));
    std::printf("Got reply: %s\n", example::display(*message).c_str());
    co_return std::move(*message);
}

Task<OwnedMessage> json_block2_inspect(RemoteEndpoint remote_endpoint,
                                       std::vector<Address>& senders) {
    auto send_desc = Request::get()
                         .accept(content_formats::json)
                         .block2(std::nullopt)
                         .emit_successful_collected_response()
                         .inspect([&senders](const InboundContext& context) {
                             const Address& addr = context.remote_address();
                             const MessageView& msg = context.message();
                             std::printf("Got %s from %s\n", example::display(msg).c_str(),
                                         example::address_text(addr).c_str());
                             senders.push_back(addr);
                         });
    auto message = co_await remote_endpoint.send_to("/large", std::move(send_desc));
    if (!message) throw std::runtime_error("Request failed: " + to_string(message.error()));
    std::printf("Got reply: %s\n", example::display(*message).c_str());
    co_return std::move(*message);
}

}  // namespace

int main() {
    example::CoapMeWorld world;
    example::Checks check;
    auto remote_endpoint = world.local_endpoint.remote_endpoint("coap://coap.me/test");
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");

    const OwnedMessage first = run_until(world.local_endpoint, json_block2(*remote_endpoint));
    check(first->content_format() == content_formats::json, "the reply is JSON");
    check(first.payload_text() == example::large_json_body(),
          "the reassembled payload is exactly the JSON body the server holds");
    const std::size_t first_requests = world.coap_me.seen.size();
    check(first_requests == 2, "two blocks");

    std::vector<Address> senders;
    const OwnedMessage second =
        run_until(world.local_endpoint, json_block2_inspect(*remote_endpoint, senders));
    check(second.payload_text() == example::large_json_body(), "the same body the second time");
    check(senders.size() == world.coap_me.seen.size() - first_requests, "inspect saw every block");
    for (const Address& sender : senders)
        check(sender == example::CoapMeWorld::coap_me_address(), "every block came from coap.me");

    for (const auto& seen : world.coap_me.seen) {
        check(seen.message->accept() == content_formats::json, "Accept 50 on every request");
        check(example::path_of(seen.message.view()) == "/large",
              "send_to(\"/large\") on every request");
    }
    return check.exit_code();
}
