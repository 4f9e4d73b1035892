// server_harness.hpp — the fixture of the server-side async tests: a server
// Driver serving a ResourceTree on a sim::Port, and a plain client Endpoint on
// the same simulated network (virtual time) that sends raw requests, so that the
// tests depend on nothing but the engine on the client side. Records the
// client's events with copies of their messages and parses the server's
// datagrams from the packet trace. Owns no protocol logic.
#pragma once

#include "coap/driver.hpp"
#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/pending_response.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/sim/network.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coap::test {

inline std::string text_of(gsl::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// A message with its own copy of the bytes.
struct Copy {
    Instant at{};
    std::vector<std::byte> bytes;

    MessageView view() const { return MessageView::parse(bytes).value(); }
    MessageType type() const { return view().type(); }
    Code code() const { return view().code(); }
    std::string payload() const { return text_of(view().payload()); }
    bool is(MessageType t, Code c) const { return type() == t && code() == c; }
};

/// A client event; `message` is set for responses.
struct ClientEvent {
    Instant at{};
    EventKind kind = EventKind::response_received;
    RequestId request{};
    Address peer{};
    FailureReason reason = FailureReason::timeout;
    std::optional<Copy> message;
};

/// Writes extra options (and payload) into a request.
using Extra = std::function<void(MessageWriter&)>;

class ServerFixture {
  public:
    static Address client_address() { return Address::ipv4({10, 0, 0, 1}, 5683); }
    static Address server_address() { return Address::ipv4({10, 0, 0, 2}, 5683); }
    static Address group() { return Address::ipv4({224, 0, 1, 187}, 5683); }

    /// The library's configuration without the RFC 9175 amplification limit
    /// (tests/endpoint/amplification_test.cpp covers it): the rules tested here
    /// count requests and handler runs, which a 4.01 challenge would change.
    static EndpointConfig unlimited_server() {
        EndpointConfig config;
        config.amplification_factor = 0;
        return config;
    }

    explicit ServerFixture(EndpointConfig server_config = unlimited_server(),
                           std::uint64_t seed = 1)
        : net(seed),
          client(net.add_endpoint(client_address(), EndpointConfig{.seed = seed * 2 + 1})),
          port(net.add_port(server_address())),
          driver(net.port(port), with_seed(server_config, seed * 2 + 2)) {
        net.set_default_link(sim::LinkConditions{.delay = milliseconds(10)});
        net.on_event(client, [this](const Event& event) {
            ClientEvent e{net.now(), event.kind, event.request, event.peer, event.reason, {}};
            if (!event.message.bytes().empty())
                e.message =
                    Copy{net.now(), {event.message.bytes().begin(), event.message.bytes().end()}};
            events.push_back(std::move(e));
        });
        tree.serve(driver);
    }

    /// Sends a request for `path` ("/a/b"; each segment one Uri-Path) from the client.
    RequestId send(Code method, std::string_view path, const Extra& extra = {},
                   bool confirmable = true) {
        RequestOptions options;
        options.method = method;
        options.confirmable = confirmable;
        return send_to(server_address(), options, path, extra);
    }
    RequestId get(std::string_view path, const Extra& extra = {}, bool confirmable = true) {
        return send(codes::get, path, extra, confirmable);
    }
    /// A NON GET to the group the server joined (join_group() first).
    RequestId multicast_get(std::string_view path, const Extra& extra = {}) {
        RequestOptions options;
        options.confirmable = false;
        options.multicast = true;
        return send_to(group(), options, path, extra);
    }
    void join_group() { net.join(port, group()); }

    RequestId send_to(const Address& target, const RequestOptions& options, std::string_view path,
                      const Extra& extra) {
        auto id = net.with(client, [&](Endpoint& endpoint, Instant now) {
            return endpoint.send_request(now, target, options, [&](MessageWriter& w) {
                write_path(w, path);
                if (extra) extra(w);
            });
        });
        EXPECT_TRUE(id.ok());
        return id.value_or(RequestId{});
    }

    static void write_path(MessageWriter& w, std::string_view path) {
        if (!path.empty() && path.front() == '/') path.remove_prefix(1);
        if (path.empty()) return;
        for (;;) {
            const std::size_t slash = path.find('/');
            w.option(OptionNumber::uri_path, path.substr(0, slash));
            if (slash == std::string_view::npos) break;
            path.remove_prefix(slash + 1);
        }
    }

    /// Runs until the client has recorded `count` events (true) or `limit` passes.
    bool run_until_events(std::size_t count, Duration limit = seconds(300)) {
        return net.run_until([&] { return events.size() >= count; }, net.now() + limit);
    }
    void run_for(Duration duration) { net.run_for(duration); }

    /// The first response the client got for `id`.
    std::optional<Copy> response_to(RequestId id) const {
        for (const auto& e : events)
            if (e.request == id && e.kind == EventKind::response_received) return e.message;
        return std::nullopt;
    }
    /// Runs until a response (or the end of the exchange) for `id` arrives.
    std::optional<Copy> await(RequestId id, Duration limit = seconds(300)) {
        (void)net.run_until(
            [&] {
                for (const auto& e : events)
                    if (e.request == id) return true;
                return false;
            },
            net.now() + limit);
        return response_to(id);
    }

    /// Datagrams the server sent to the client, parsed, in order.
    std::vector<Copy> server_sent() const {
        std::vector<Copy> out;
        for (const auto& r : net.trace().records()) {
            if (r.kind != sim::TraceKind::sent || r.from != port) continue;
            out.push_back(Copy{r.time, r.bytes});
        }
        return out;
    }

    sim::Network net;
    sim::NodeId client{};
    sim::NodeId port{};
    Driver driver;
    ResourceTree tree;
    std::vector<ClientEvent> events;

  private:
    static EndpointConfig with_seed(EndpointConfig config, std::uint64_t seed) {
        if (config.seed == 0) config.seed = seed;
        return config;
    }
};

}  // namespace coap::test
