// endpoint_harness.cpp — EndpointPair: the client/server fixture on the sim.
#include "endpoint_harness.hpp"

namespace coap::test {

std::string text_of(gsl::span<const std::byte> bytes) {
    std::string text;
    for (const std::byte b : bytes)
        text.push_back(static_cast<char>(b));
    return text;
}

std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> bytes;
    for (const char c : text)
        bytes.push_back(static_cast<std::byte>(c));
    return bytes;
}

RecordedEvent record(const Event& event, Instant at) {
    RecordedEvent r;
    r.at = at;
    r.kind = event.kind;
    r.request = event.request;
    r.responder = event.responder;
    r.notification = event.notification;
    r.peer = event.peer;
    r.reason = event.reason;
    r.multicast = event.multicast;
    const Bytes bytes = event.message.bytes();
    r.has_message = !bytes.empty();
    if (r.has_message) {
        r.type = event.message.type();
        r.code = event.message.code();
        r.message_id = event.message.message_id();
        r.token.assign(event.message.token().begin(), event.message.token().end());
        r.payload = text_of(event.message.payload());
        r.bytes.assign(bytes.begin(), bytes.end());
    }
    return r;
}

WireMessage parse_wire(Instant at, sim::NodeId from, sim::NodeId to, std::vector<std::byte> bytes) {
    WireMessage m;
    m.at = at;
    m.from = from;
    m.to = to;
    m.bytes = std::move(bytes);
    const auto view = MessageView::parse(m.bytes);
    if (!view) return m;
    m.parsed = true;
    m.type = view->type();
    m.code = view->code();
    m.message_id = view->message_id();
    m.token.assign(view->token().begin(), view->token().end());
    m.payload = text_of(view->payload());
    m.max_age = view->max_age();
    if (auto size1 = view->find(OptionNumber::size1)) m.size1 = size1->as_uint();
    return m;
}

EndpointPair::EndpointPair(std::uint64_t seed, EndpointConfig client_config,
                           EndpointConfig server_config)
    : net(seed) {
    if (client_config.seed == 0) client_config.seed = seed * 2 + 1;
    if (server_config.seed == 0) server_config.seed = seed * 2 + 2;
    client = net.add_endpoint(client_address(), client_config);
    server = net.add_endpoint(server_address(), server_config);
    net.set_default_link(sim::LinkConditions{.delay = milliseconds(10)});
    on_request = [this](Endpoint& endpoint, const Event& event) {
        (void)endpoint.respond(net.now(), event.responder, ResponseOptions{},
                               [](MessageWriter& w) { w.payload("ok"); });
    };
    net.on_event(client,
                 [this](const Event& event) { client_events.push_back(record(event, net.now())); });
    net.on_event(server, [this](const Event& event) {
        server_events.push_back(record(event, net.now()));
        if (event.kind == EventKind::request_received) {
            ++handler_runs;
            if (on_request) on_request(server_endpoint(), event);
        }
    });
}

void EndpointPair::answer_separately() {
    on_request = [this](Endpoint& endpoint, const Event& event) {
        (void)endpoint.acknowledge(net.now(), event.responder);
        (void)endpoint.respond(net.now(), event.responder, {});
    };
}

Result<RequestId, LocalError> EndpointPair::get(std::string_view path, bool confirmable) {
    RequestOptions options;
    options.confirmable = confirmable;
    return send(options, path);
}

Result<RequestId, LocalError> EndpointPair::send(const RequestOptions& options,
                                                 std::string_view path) {
    const Address target = server_address();
    return net.with(client, [&](Endpoint& endpoint, Instant now) {
        return endpoint.send_request(now, target, options, [&](MessageWriter& w) {
            if (!path.empty()) w.option(OptionNumber::uri_path, path);
        });
    });
}

bool EndpointPair::run_until_client_events(std::size_t count, Duration limit) {
    return net.run_until([&] { return client_events.size() >= count; }, net.now() + limit);
}

bool EndpointPair::run_until_server_events(std::size_t count, Duration limit) {
    return net.run_until([&] { return server_events.size() >= count; }, net.now() + limit);
}

std::vector<RecordedEvent> EndpointPair::client_events_for(RequestId id) const {
    std::vector<RecordedEvent> out;
    for (const auto& e : client_events)
        if (e.request == id) out.push_back(e);
    return out;
}

std::vector<WireMessage> EndpointPair::sent(sim::NodeId from, sim::NodeId to) const {
    std::vector<WireMessage> out;
    for (const auto& r : net.trace().records()) {
        if (r.kind != sim::TraceKind::sent || r.from != from || r.to != to) continue;
        out.push_back(parse_wire(r.time, r.from, r.to, r.bytes));
    }
    return out;
}

}  // namespace coap::test
