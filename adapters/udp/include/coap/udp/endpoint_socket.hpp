// coap/udp/endpoint_socket.hpp — EndpointSocket: a bare coap::Endpoint (no
// Driver, no coroutines) over one UdpSocket, for embedders with their own
// event loop. Follows the Endpoint's call order: after each input it drains
// poll_transmit into the socket, then hands each event to the handler (which
// may call the Endpoint: respond, send_request), draining again after each.
// Sends leave in sendmmsg batches at the end of every entry point.
//   watch socket.fd() → on_readable(now); one timer for next_timeout() →
//   on_timeout(now); after calling the Endpoint yourself → flush().
// Owns neither the Endpoint nor the socket.
#pragma once

#include "coap/endpoint.hpp"
#include "coap/udp/udp_socket.hpp"

#include <functional>
#include <vector>

namespace coap::udp {

class EndpointSocket {
  public:
    using EventHandler = std::function<void(Endpoint&, const Event&)>;

    EndpointSocket(Endpoint& endpoint, UdpSocket& socket, EventHandler on_event);

    /// Reads every waiting datagram (recvmmsg batches, at most `max_batches`)
    /// and ICMP error (handle_unreachable), then flushes.
    void on_readable(Instant now, int max_batches = 64);
    /// The timer fired: handle_timeout, then flush.
    void on_timeout(Instant now);
    /// Drains datagrams and events, then sends the batch.
    void flush();
    std::optional<Instant> next_timeout() const noexcept { return endpoint_.next_timeout(); }

  private:
    void drain();

    Endpoint& endpoint_;
    UdpSocket& socket_;
    EventHandler on_event_;
    std::vector<std::byte> buffer_;
};

}  // namespace coap::udp
