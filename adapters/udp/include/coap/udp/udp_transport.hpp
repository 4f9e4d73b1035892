// coap/udp/udp_transport.hpp — UdpTransport: a coap::Transport over one
// UdpSocket, so that coap::Driver runs unchanged over real UDP. Owns the socket,
// the batch being handed out datagram by datagram, and the report of ICMP
// errors (unreachable peers) to whoever runs the Endpoint. Time is
// CLOCK_MONOTONIC in milliseconds; wait() is poll(2) with the deadline.
//
// Sends go out at once, except between begin_batch() and end_batch(), where
// they are queued and leave together through sendmmsg (a Driver does that
// around every service()). Receives are always batched (recvmmsg).
#pragma once

#include "coap/transport.hpp"
#include "coap/udp/udp_socket.hpp"

#include <cstddef>
#include <functional>

namespace coap::udp {

class UdpTransport final : public Transport {
  public:
    /// Opens the socket; throws std::system_error when the OS refuses.
    explicit UdpTransport(const SocketConfig& config = {});

    UdpSocket& socket() noexcept { return socket_; }
    const UdpSocket& socket() const noexcept { return socket_; }
    int fd() const noexcept { return socket_.fd(); }

    // ---- Transport ----
    Instant now() const override;
    /// The next datagram of the current batch, or of a new recvmmsg batch (the
    /// error queue is read first: each unreachable peer goes to the handler).
    /// One longer than `buffer` is dropped, not truncated.
    std::optional<Received> receive(gsl::span<std::byte> buffer) override;
    bool send(const Address& peer, gsl::span<const std::byte> datagram) override;
    /// The datagram where recvmmsg put it: no copy.
    std::optional<ReceivedView> receive_view(gsl::span<std::byte> scratch) override;
    /// Room in the sendmmsg batch itself (UdpSocket::send_slot).
    gsl::span<std::byte> transmit_slot(std::size_t size) override {
        return socket_.send_slot(size);
    }
    bool commit_transmit(const Address& peer, std::size_t length) override;
    /// Flushes, then poll(2)s the socket until it is readable (or has an error)
    /// or `deadline` passes. Always true: a real network can always deliver.
    bool wait(std::optional<Instant> deadline) override;
    /// An IP literal (Address::parse), else a name through getaddrinfo
    /// ("localhost"), of a family this socket can reach.
    std::optional<Address> resolve(std::string_view host, std::uint16_t port) override;
    Address local_address() const override { return socket_.local_address(); }
    void attach(Serviceable* owner) override { owner_ = owner; }
    Serviceable* owner() const noexcept { return owner_; }

    // ---- ICMP errors ----
    /// Called (from receive()) with each peer the network reported unreachable;
    /// typically `endpoint.handle_unreachable(now, peer)` (UdpDriver sets it).
    void set_unreachable_handler(std::function<void(const Address&)> handler) override {
        on_unreachable_ = std::move(handler);
    }

    // ---- batched sending ----
    void begin_batch() noexcept override { ++batching_; }
    /// Ends a batch; the outermost one flushes.
    void end_batch() override;
    void flush() { socket_.flush(); }

    /// Datagrams dropped because the caller's buffer was too short.
    std::uint64_t dropped_short_buffer() const noexcept { return dropped_short_buffer_; }

  private:
    /// Reads the error queue and a new batch; false when nothing waits.
    bool refill();

    UdpSocket socket_;
    gsl::span<const ReceivedDatagram> batch_{};
    std::size_t next_ = 0;
    Instant batch_time_{};  ///< when batch_ was received
    /// The last batch was short: the next refill reports "nothing" at once.
    bool drained_ = false;
    int batching_ = 0;
    Serviceable* owner_ = nullptr;
    std::function<void(const Address&)> on_unreachable_;
    std::uint64_t dropped_short_buffer_ = 0;
};

}  // namespace coap::udp
