// async_multicast_discovery.cpp — async-coap's crate documentation, "Multiple
// Responses": discovery of every CoAP device on the link. A GET of
// coap://[FF02::FD]/.well-known/core (the All-CoAP-Devices group) without
// Uri-Host, sent with
// `CoapRequest::get().multicast().accept(APPLICATION_LINK_FORMAT)
//      .emit_successful_response().include_socket_addr()`
// through send_as_stream; every response is printed with the address of the
// device that sent it ("From {} got {}"), until the stream ends by itself when
// the multicast window closes. Here the link is a simulated network: three
// devices joined to ff02::fd, each serving its own resources, and one device
// that did not join. Checks: each member answered exactly once and was reported
// with its own address and its own /.well-known/core document, the non-member
// was not asked, the stream ended without an error, in bounded virtual time.
#include "async_sim_world.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

using namespace coap;

namespace {

using Responder = std::pair<OwnedMessage, Address>;

Task<std::vector<Responder>> discover(Driver& local_endpoint) {
    auto remote_endpoint = local_endpoint.remote_endpoint("coap://[FF02::FD]/.well-known/core");
    if (!remote_endpoint) throw std::runtime_error("Remote endpoint lookup failed");
    remote_endpoint->remove_host_option();

    auto send_descriptor = Request::get()
                               .multicast()
                               .accept(content_formats::link_format)
                               .emit_successful_response()
                               .include_socket_addr();

    auto stream = remote_endpoint->send_as_stream(std::move(send_descriptor));

    std::vector<Responder> responders;
    while (auto item = co_await stream.next()) {
        if (!*item) throw std::runtime_error("Error on get: " + to_string(item->error()));
        auto& [msg, socket_addr] = **item;
        std::printf("From %s got %s\n", example::address_text(socket_addr).c_str(),
                    example::display(msg).c_str());
        responders.emplace_back(std::move(msg), socket_addr);
    }
    co_return responders;
}

Address ipv6(std::uint8_t last, std::uint16_t port = 5683) {
    return Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last}, port);
}

}  // namespace

int main() {
    const Address all_coap_devices =
        Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, 5683);

    sim::Network net(11);
    net.set_default_link(sim::LinkConditions{.delay = milliseconds(5), .jitter = milliseconds(3)});
    const sim::NodeId client_node = net.add_port(ipv6(1, 49152));
    Driver local_endpoint(net.port(client_node), EndpointConfig{.seed = 101});

    // The devices on the link: three members of the group, one bystander.
    std::vector<std::unique_ptr<example::SimServer>> members;
    const char* const kinds[] = {"temperature-c", "light-lux", "switch"};
    for (std::uint8_t i = 0; i < 3; ++i) {
        auto member = std::make_unique<example::SimServer>(
            net, ipv6(static_cast<std::uint8_t>(0x11 + i)), 200u + i);
        member->tree.add("/sensors/" + std::to_string(i)).rt(kinds[i]).get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "42", content_formats::text_plain);
        });
        member->tree.add("/device")
            .title("Device " + std::to_string(i))
            .get([](RequestContext& ctx) { (void)ctx.respond(codes::content); });
        net.join(member->node, all_coap_devices);
        members.push_back(std::move(member));
    }
    example::SimServer bystander(net, ipv6(0x20), 300);

    const Instant start = net.now();
    const auto responders = run_until(local_endpoint, discover(local_endpoint));
    const Duration elapsed = net.now() - start;
    std::printf("the stream ended after %.3f s of virtual time\n",
                static_cast<double>(elapsed.ms) / 1000.0);

    example::Checks check;
    check(responders.size() == members.size(), "one response per group member");
    for (const auto& member : members) {
        const Address address = net.address(member->node);
        int times = 0;
        for (const auto& [message, from] : responders) {
            if (!(from == address)) continue;
            ++times;
            check(message.code() == codes::content, "each member answers 2.05");
            check(message->content_format() == content_formats::link_format,
                  "each answer is application/link-format");
            check(message.payload_text() == member->tree.links(),
                  "each member is reported with its own resource list");
        }
        check(times == 1, "each member is reported exactly once, with its own address");
        check(member->seen.size() == 1, "each member received the request once");
        for (const auto& seen : member->seen) {
            const MessageView& request = seen.message.view();
            check(seen.multicast, "the request reached the member through the group");
            check(request.type() == MessageType::non_confirmable, "the request is NON");
            check(!request.uri_host(), "no Uri-Host (remove_host_option)");
            check(request.accept() == content_formats::link_format, "Accept is 40");
            check(example::path_of(request) == "/.well-known/core",
                  "the path is /.well-known/core");
        }
    }
    check(bystander.seen.empty(), "a device outside the group is not asked");
    check(elapsed <= seconds(30), "the stream ends by itself, in bounded time");
    check(local_endpoint.pending_sends() == 0, "nothing is left running");
    return check.exit_code();
}
