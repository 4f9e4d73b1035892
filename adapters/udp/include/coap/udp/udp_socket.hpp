// coap/udp/udp_socket.hpp — UdpSocket: one non-blocking UDP socket (IPv4, IPv6
// or dual-stack) with batched receive (recvmmsg) and send (sendmmsg), arrival
// information (IP_PKTINFO / IPV6_RECVPKTINFO), multicast membership and ICMP
// errors read from the error queue (IP_RECVERR / IPV6_RECVERR). Owns the file
// descriptor and its buffers; knows nothing of CoAP and never blocks.
//
// Answering from the right address: when bound to a wildcard address, the
// socket remembers, per peer, the interface and local unicast address its last
// datagram arrived on, and sends to that peer with that pktinfo (for a datagram
// that arrived on a multicast group: that interface, source chosen by the
// kernel, so answers never come from the group address). The table is bounded
// (SocketConfig::max_routes) and cleared when full.
#pragma once

#include "coap/address.hpp"
#include "coap/udp/socket_address.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace coap::udp {

struct SocketConfig {
    /// Where to receive. Port 0: an ephemeral port (local_address() tells which).
    /// The IPv6 wildcard "::" is dual-stack unless v6only.
    Address bind = Address::ipv6({}, 0);
    bool v6only = false;
    /// Datagrams per recvmmsg/sendmmsg call (clamped to 1..1024).
    std::size_t batch_size = 16;
    /// A datagram longer than this is dropped (counted), never truncated.
    std::size_t max_datagram_size = 65535;
    /// SO_RCVBUF / SO_SNDBUF in bytes; 0 keeps the OS default.
    int receive_buffer = 0;
    int send_buffer = 0;
    /// Peers whose arrival interface and address are remembered (see above).
    std::size_t max_routes = 4096;
    /// SO_REUSEPORT: several sockets (one per process or thread) bind the same
    /// address and port, and the kernel spreads arriving datagrams over them
    /// by a hash of the source address and port, so that each client stays
    /// with one socket.
    bool reuse_port = false;
};

struct SocketStats {
    std::uint64_t received = 0;
    std::uint64_t dropped_oversize = 0;  ///< longer than max_datagram_size
    std::uint64_t sent = 0;
    std::uint64_t send_failed = 0;  ///< refused by the kernel (dropped; the engine retransmits)
    std::uint64_t receive_calls = 0;
    std::uint64_t send_calls = 0;
    std::uint64_t icmp_errors = 0;  ///< error-queue entries read
};

/// One datagram of the last receive_batch(); `bytes` stay valid until the next call.
struct ReceivedDatagram {
    Address peer;
    gsl::span<const std::byte> bytes;
    /// Addressed to a multicast group (the IP header's destination).
    bool multicast = false;
    /// The destination address of the datagram (port: the socket's), when known:
    /// from the kernel on a wildcard or group bind, else the bound address.
    std::optional<Address> destination;
    /// The interface it arrived on; 0 (unknown) on a unicast bind.
    unsigned interface_index = 0;
};

/// A peer the network reported unreachable (ICMP port/host/network unreachable).
struct Unreachable {
    Address peer;
    int error = 0;  ///< ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, …
};

class UdpSocket {
  public:
    /// Opens and binds; throws std::system_error when the OS refuses.
    explicit UdpSocket(const SocketConfig& config = {});
    ~UdpSocket();
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    /// The descriptor, for an event loop: readable (POLLIN/EPOLLIN) when datagrams
    /// wait, POLLERR/EPOLLERR when an ICMP error waits in the error queue.
    int fd() const noexcept { return fd_; }
    /// The bound address with the actual port (IPv4 for an IPv4 socket).
    Address local_address() const noexcept { return local_; }
    const SocketConfig& config() const noexcept { return config_; }
    const SocketStats& stats() const noexcept { return stats_; }

    /// One recvmmsg call of up to batch_size datagrams (oversize ones dropped).
    /// Empty when none waits. Invalidates the previous batch.
    gsl::span<const ReceivedDatagram> receive_batch();
    /// Reads the error queue until it is empty: the peers reported unreachable.
    /// Valid until the next call.
    gsl::span<const Unreachable> read_errors();
    /// A receive or send call reported an ICMP error since the last
    /// read_errors(): the error queue holds something (readers call
    /// read_errors() then, and when a batch comes back empty, rather than
    /// spending a system call on every batch).
    bool errors_pending() const noexcept { return errors_pending_; }
    /// The last receive_batch() filled every slot (more may be waiting), counting
    /// datagrams it then dropped (oversize, unreadable address).
    bool last_batch_full() const noexcept { return last_batch_full_; }

    /// Queues a datagram; sends the queue when it holds batch_size datagrams.
    /// False when the datagram cannot be sent at all (too long, wrong family).
    bool send(const Address& peer, gsl::span<const std::byte> datagram);
    /// Room for a datagram of up to `size` bytes in the batch being queued, to
    /// be written in place (no copy on the way to sendmmsg). Valid until the
    /// next call; when the batch has no room left it is sent first.
    gsl::span<std::byte> send_slot(std::size_t size);
    /// Queues the first `length` bytes of the last send_slot() for `peer`, as
    /// send() does. False when they cannot be sent at all.
    bool commit_send_slot(const Address& peer, std::size_t length);
    /// Sends everything queued (sendmmsg, batch_size at a time). A datagram the
    /// kernel refuses (full buffer, no route) is dropped and counted.
    void flush();
    std::size_t queued() const noexcept { return outgoing_.size(); }

    // ---- multicast (RFC 7252 §12.8: 224.0.1.187, ff02::fd, ff05::fd) ----
    /// Joins `group` on the interface with index `interface_index` (0: the
    /// kernel's choice). Throws std::system_error when the OS refuses.
    void join_group(const Address& group, unsigned interface_index);
    void leave_group(const Address& group, unsigned interface_index);
    /// The interface multicast datagrams leave by (IP_MULTICAST_IF / IPV6_MULTICAST_IF).
    void set_multicast_interface(unsigned interface_index);

  private:
    struct Outgoing {
        Address peer;
        SocketAddress name;  ///< `peer` as the sendmmsg header names it
        std::size_t offset = 0;
        std::size_t length = 0;
    };
    struct Route {
        unsigned interface_index = 0;
        std::optional<Address> local;  ///< unicast destination it arrived on
    };
    /// The recvmmsg/sendmmsg headers, sized once (no allocation per call).
    struct BatchHeaders;
    void close() noexcept;
    std::size_t max_payload() const noexcept;
    void remember_route(const ReceivedDatagram& datagram);
    /// Points each recvmmsg header at its buffers, once.
    void prepare_receive_headers() noexcept;

    int fd_ = -1;
    int family_ = 0;
    bool wildcard_ = false;
    bool pktinfo_ = false;  ///< IP_PKTINFO / IPV6_RECVPKTINFO asked for
    SocketConfig config_;
    Address local_;
    SocketStats stats_{};
    std::vector<std::byte> receive_buffers_;
    std::vector<std::byte> control_buffers_;
    std::vector<ReceivedDatagram> received_;
    std::vector<Unreachable> errors_;
    std::vector<std::byte> send_bytes_;  ///< [0, send_used_): the queued datagrams
    std::size_t send_used_ = 0;
    std::vector<Outgoing> outgoing_;
    std::unordered_map<Address, Route> routes_;
    std::unique_ptr<BatchHeaders> headers_;
    bool errors_pending_ = false;
    bool last_batch_full_ = false;
};

}  // namespace coap::udp
