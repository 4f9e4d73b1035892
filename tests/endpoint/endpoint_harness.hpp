// endpoint_harness.hpp — the fixture of the endpoint rule tests: a client and a
// server Endpoint on a simulated network (virtual time), events recorded with
// copies of their messages, and the datagrams on the wire parsed from the
// packet trace. Owns no protocol logic; every assertion is the test's.
#pragma once

#include "coap/endpoint.hpp"
#include "coap/message.hpp"
#include "coap/sim/network.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coap::test {

/// An event with copies of everything its views pointed to.
struct RecordedEvent {
    Instant at{};
    EventKind kind = EventKind::request_received;
    RequestId request{};
    ResponderId responder{};
    NotificationId notification{};
    Address peer{};
    FailureReason reason = FailureReason::timeout;
    bool multicast = false;
    bool has_message = false;
    MessageType type = MessageType::confirmable;
    Code code{};
    std::uint16_t message_id = 0;
    std::vector<std::byte> token;
    std::string payload;
    std::vector<std::byte> bytes;
};

/// One datagram from the trace, parsed when it is a CoAP message.
struct WireMessage {
    Instant at{};
    sim::NodeId from{};
    sim::NodeId to{};
    std::vector<std::byte> bytes;
    bool parsed = false;
    MessageType type = MessageType::confirmable;
    Code code{};
    std::uint16_t message_id = 0;
    std::vector<std::byte> token;
    std::string payload;
    std::optional<std::uint32_t> max_age;
    std::optional<std::uint32_t> size1;
    bool is(MessageType t, Code c) const { return parsed && type == t && code == c; }
};

WireMessage parse_wire(Instant at, sim::NodeId from, sim::NodeId to, std::vector<std::byte> bytes);
std::string text_of(gsl::span<const std::byte> bytes);
std::vector<std::byte> bytes_of(std::string_view text);

class EndpointPair {
  public:
    static Address client_address() { return Address::ipv4({10, 0, 0, 1}, 5683); }
    static Address server_address() { return Address::ipv4({10, 0, 0, 2}, 5683); }

    explicit EndpointPair(std::uint64_t seed = 1, EndpointConfig client_config = {},
                          EndpointConfig server_config = {});

    sim::Network net;
    sim::NodeId client{};
    sim::NodeId server{};
    std::vector<RecordedEvent> client_events;
    std::vector<RecordedEvent> server_events;
    /// Runs on every request the server receives (after it is recorded). The
    /// default answers 2.05 at once with the payload "ok".
    std::function<void(Endpoint&, const Event&)> on_request;
    /// Requests the server's handler saw, by (peer, message ID) of the request.
    std::size_t handler_runs = 0;

    Endpoint& client_endpoint() { return net.endpoint(client); }
    Endpoint& server_endpoint() { return net.endpoint(server); }

    /// Makes the server acknowledge every request with an empty ACK and then send
    /// a separate CON 2.05 at once.
    void answer_separately();

    /// Sends a GET (CON unless told otherwise) for `path` from the client.
    Result<RequestId, LocalError> get(std::string_view path, bool confirmable = true);
    Result<RequestId, LocalError> send(const RequestOptions& options, std::string_view path);

    /// Runs until the client has recorded `count` events (true) or `limit` passes.
    bool run_until_client_events(std::size_t count, Duration limit = seconds(600));
    bool run_until_server_events(std::size_t count, Duration limit = seconds(600));

    /// Terminal client events for `id` (response, pong, failure, multicast_done).
    std::vector<RecordedEvent> client_events_for(RequestId id) const;
    /// Datagrams `from` sent to `to` (unicast), parsed, in order.
    std::vector<WireMessage> sent(sim::NodeId from, sim::NodeId to) const;
};

/// Records `event` with copies of its message.
RecordedEvent record(const Event& event, Instant at);

}  // namespace coap::test
