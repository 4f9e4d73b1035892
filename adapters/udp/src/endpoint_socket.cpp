// endpoint_socket.cpp — EndpointSocket (see endpoint_socket.hpp).
#include "coap/udp/endpoint_socket.hpp"

namespace coap::udp {

EndpointSocket::EndpointSocket(Endpoint& endpoint, UdpSocket& socket, EventHandler on_event)
    : endpoint_(endpoint),
      socket_(socket),
      on_event_(std::move(on_event)),
      buffer_(endpoint.config().capacities.max_message_size) {}

void EndpointSocket::drain() {
    for (;;) {
        while (const auto t = endpoint_.poll_transmit(buffer_))
            socket_.send(t->peer, {buffer_.data(), t->length});
        const auto event = endpoint_.poll_event();
        if (!event) return;
        if (on_event_) on_event_(endpoint_, *event);
    }
}

void EndpointSocket::on_readable(Instant now, int max_batches) {
    for (const Unreachable& error : socket_.read_errors())
        endpoint_.handle_unreachable(now, error.peer);
    drain();
    for (int round = 0; round < max_batches; ++round) {
        const auto batch = socket_.receive_batch();
        if (batch.empty()) break;
        for (const ReceivedDatagram& d : batch) {
            endpoint_.handle_datagram(now, d.peer, d.bytes, ArrivalInfo{.multicast = d.multicast});
            drain();
        }
    }
    socket_.flush();
}

void EndpointSocket::on_timeout(Instant now) {
    endpoint_.handle_timeout(now);
    flush();
}

void EndpointSocket::flush() {
    drain();
    socket_.flush();
}

}  // namespace coap::udp
