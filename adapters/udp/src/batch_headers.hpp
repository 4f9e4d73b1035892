// batch_headers.hpp — UdpSocket::BatchHeaders: the message headers, I/O vectors,
// addresses and control buffers one recvmmsg or sendmmsg call of batch_size
// datagrams needs, allocated once with the socket. Internal.
#pragma once

#include "coap/udp/socket_address.hpp"
#include "coap/udp/udp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <vector>

namespace coap::udp {

/// The distance between two receive buffers: a whole number of cache lines
/// plus one, so that the starts of a batch's datagrams fall in different cache
/// sets (at a stride of about 64 KiB they all shared one and evicted each other).
constexpr std::size_t receive_stride(std::size_t max_datagram_size) noexcept {
    return (max_datagram_size + 63) / 64 * 64 + 64;
}

struct UdpSocket::BatchHeaders {
    explicit BatchHeaders(std::size_t batch)
        : receive(batch),
          receive_vectors(batch),
          receive_names(batch),
          send(batch),
          send_vectors(batch),
          send_controls(batch) {}

    std::vector<mmsghdr> receive;
    std::vector<iovec> receive_vectors;
    std::vector<sockaddr_storage> receive_names;
    std::vector<mmsghdr> send;
    std::vector<iovec> send_vectors;
    std::vector<std::array<std::byte, CMSG_SPACE(sizeof(in6_pktinfo))>> send_controls;
};

}  // namespace coap::udp
