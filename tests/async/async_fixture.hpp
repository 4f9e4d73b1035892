// async_fixture.hpp — the fixture of the async API tests: a client Driver and a
// server Driver on sim Ports of one simulated network (virtual time), the
// server's handler replaceable per test, the requests it saw recorded, and the
// datagrams on the wire readable from the trace. Owns no protocol logic.
#pragma once

#include "coap/driver.hpp"
#include "coap/owned_message.hpp"
#include "coap/remote_endpoint.hpp"
#include "coap/request_context.hpp"
#include "coap/sim/network.hpp"
#include "coap/sim/port.hpp"
#include "coap/task.hpp"

#include <functional>
#include <string>
#include <vector>

namespace coap::test {

/// A request as the server saw it.
struct SeenRequest {
    OwnedMessage message;
    Address peer;
    bool multicast = false;
};

/// A datagram on the wire, parsed.
struct WireDatagram {
    sim::NodeId from{};
    sim::NodeId to{};
    OwnedMessage message;
};

class AsyncPair {
  public:
    static Address client_address() { return Address::ipv4({10, 0, 0, 1}, 5683); }
    static Address server_address() { return Address::ipv4({10, 0, 0, 2}, 5683); }

    /// The server's default configuration: the library's, without the RFC 9175
    /// amplification limit, which would add a 4.01 round trip before every large
    /// response the rules tested here count messages of (tests/endpoint/
    /// amplification_test.cpp and the block tests cover the limit).
    static EndpointConfig unlimited_server() {
        EndpointConfig config;
        config.amplification_factor = 0;
        return config;
    }

    explicit AsyncPair(std::uint64_t seed = 1, EndpointConfig client_config = {},
                       EndpointConfig server_config = unlimited_server())
        : net(seed),
          client_node(net.add_port(client_address())),
          server_node(net.add_port(server_address())),
          client(net.port(client_node), with_seed(client_config, seed * 2 + 1)),
          server(net.port(server_node), with_seed(server_config, seed * 2 + 2)) {
        net.add_name("server.example", server_address());
        // The default answer: 2.05 with the request's path as text.
        on_request = [](RequestContext& ctx) {
            std::string path;
            for (const auto& segment : ctx.message().uri_path()) {
                path += '/';
                path += segment.as_string();
            }
            (void)ctx.respond(codes::content, path);
        };
        server.set_request_handler([this](RequestContext& ctx) {
            seen.push_back({OwnedMessage(ctx.message()), ctx.peer(), ctx.multicast()});
            on_request(ctx);
        });
    }

    /// The server, as a RemoteEndpoint of the client.
    RemoteEndpoint remote(std::string_view uri = "coap://10.0.0.2/") {
        auto r = client.remote_endpoint(uri);
        if (!r) throw std::runtime_error("bad test URI");
        return *r;
    }

    /// Starts `task` and runs the network until it finishes or `limit` passes.
    template <class T>
    bool run(Task<T>& task, Duration limit = seconds(600)) {
        task.start();
        return net.run_until([&] { return task.done(); }, net.now() + limit);
    }

    /// Datagrams `from` sent to `to`, parsed, in order.
    std::vector<WireDatagram> wire(sim::NodeId from, sim::NodeId to) const {
        std::vector<WireDatagram> out;
        for (const auto& record : net.trace().records()) {
            if (record.kind != sim::TraceKind::sent || record.from != from || record.to != to)
                continue;
            auto view = MessageView::parse(record.bytes);
            if (view) out.push_back({from, to, OwnedMessage(*view)});
        }
        return out;
    }

    sim::Network net;
    sim::NodeId client_node;
    sim::NodeId server_node;
    Driver client;
    Driver server;
    std::function<void(RequestContext&)> on_request;
    std::vector<SeenRequest> seen;

  private:
    static EndpointConfig with_seed(EndpointConfig config, std::uint64_t seed) {
        config.seed = seed;
        return config;
    }
};

/// A coroutine that sends `descriptor` to `remote` and returns the result.
template <class D>
Task<Result<typename D::value_type, Error>> send(RemoteEndpoint remote, D descriptor) {
    co_return co_await remote.send(std::move(descriptor));
}

/// `size` bytes of lower-case text that do not repeat with a short period.
inline std::string body_of(std::size_t size) {
    std::string body(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        body[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
    return body;
}

inline std::string path_of(const MessageView& message) {
    std::string path;
    for (const auto& segment : message.uri_path()) {
        path += '/';
        path += segment.as_string();
    }
    return path;
}

}  // namespace coap::test
