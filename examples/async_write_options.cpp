// async_write_options.cpp — async-coap's send_desc module documentation, the
// `write_options!` example: a hand-written send descriptor
// (`WriteOptionsExample`) whose write_options adds Uri-Host "example.com",
// Uri-Port 1234 and Uri-Path a/b/c, and whose handler finishes with Done(())
// for any response. In cobalt a send descriptor is any type that meets the
// coap::SendDescriptor concept (send_descriptor.hpp); deriving from
// coap::Combinators gives it every combinator (here emit_msg_code()). The
// options are written in ascending number order as the doc requires, though
// cobalt's MessageWriter would also sort them. Here example.com is a server on
// a simulated network (async_sim_world.hpp). Checks: the server saw exactly
// those options, and both the descriptor and its emit_msg_code() form finish.
#include "async_sim_world.hpp"

#include <cstdio>
#include <stdexcept>

using namespace coap;

namespace {

class WriteOptionsExample : public Combinators<WriteOptionsExample> {
  public:
    using value_type = Done;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = true;  // the remote endpoint writes no URI options
    static constexpr bool many_responses = false;

    void configure(RequestOptions& options) const noexcept {
        options.method = codes::get;
        options.confirmable = true;
    }
    void write_options(MessageWriter& msg) const {
        msg.option(OptionNumber::uri_host, "example.com");
        msg.option_uint(OptionNumber::uri_port, 1234);
        for (const std::string_view segment : {"a", "b", "c"})
            msg.option(OptionNumber::uri_path, segment);
    }
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<Done> handle(const InboundResult& context) const {
        if (!context) return Err{context.error()};
        return done();
    }
    std::optional<Duration> keep_waiting_timeout() const noexcept { return std::nullopt; }
};
static_assert(SendDescriptor<WriteOptionsExample>);

Task<Result<Done, Error>> send_example(RemoteEndpoint remote) {
    co_return co_await remote.send(WriteOptionsExample{});
}

Task<Result<Code, Error>> send_example_code(RemoteEndpoint remote) {
    co_return co_await remote.send(WriteOptionsExample{}.emit_msg_code());
}

}  // namespace

int main() {
    example::Checks check;
    sim::Network net(5);
    const sim::NodeId client_node = net.add_port(Address::ipv4({192, 0, 2, 10}, 49152));
    Driver local_endpoint(net.port(client_node), EndpointConfig{.seed = 3});
    const Address example_com = Address::ipv4({192, 0, 2, 80}, 1234);
    example::SimServer server(net, example_com, 4);
    net.add_name("example.com", example_com);
    server.tree.add("/a/b/c").get(
        [](RequestContext& ctx) { (void)ctx.respond(codes::content, "abc"); });

    auto remote = local_endpoint.remote_endpoint("coap://example.com:1234/");
    if (!remote) throw std::runtime_error("Remote endpoint lookup failed");

    const auto result = run_until(local_endpoint, send_example(*remote));
    std::printf("result: %s\n", result ? "Ok(Done)" : to_string(result.error()).c_str());
    check(result.ok(), "the hand-written descriptor finishes with Done");

    const auto code = run_until(local_endpoint, send_example_code(*remote));
    std::printf("with emit_msg_code(): %s\n",
                code ? example::code_text(*code).c_str() : to_string(code.error()).c_str());
    check(code.ok() && *code == codes::content, "emit_msg_code() gives the response code");

    check(server.seen.size() == 2, "the server saw both requests");
    for (const auto& seen : server.seen) {
        const MessageView& request = seen.message.view();
        std::printf("the server saw %s\n", example::display(request).c_str());
        check(request.uri_host() == std::optional<std::string_view>("example.com"),
              "Uri-Host example.com");
        check(request.uri_port() == std::optional<std::uint16_t>(1234), "Uri-Port 1234");
        check(example::path_of(request) == "/a/b/c", "Uri-Path a, b, c");
        check(request.options().size() == 5, "no other option");
    }
    return check.exit_code();
}
