// udp_socket.cpp — UdpSocket: opening, options, binding and multicast
// membership (see udp_socket.hpp). The batched I/O is in udp_socket_io.cpp.
#include "coap/udp/udp_socket.hpp"
#include "batch_headers.hpp"
#include "coap/udp/socket_address.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

namespace coap::udp {
namespace {

[[noreturn]] void fail(const char* what) {
    throw std::system_error(errno, std::generic_category(), std::string("coap::udp: ") + what);
}

void set_option(int fd, int level, int name, int value, const char* what) {
    if (::setsockopt(fd, level, name, &value, sizeof value) != 0) fail(what);
}

bool is_wildcard(const Address& address) {
    const auto bytes = address.bytes();
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

UdpSocket::UdpSocket(const SocketConfig& config) : config_(config) {
    config_.batch_size = std::clamp<std::size_t>(config_.batch_size, 1, 1024);
    config_.max_datagram_size = std::clamp<std::size_t>(config_.max_datagram_size, 1, 65535);
    if (config_.bind.family() == AddressFamily::ipv4)
        family_ = AF_INET;
    else if (config_.bind.family() == AddressFamily::ipv6)
        family_ = AF_INET6;
    else
        throw std::system_error(EAFNOSUPPORT, std::generic_category(),
                                "coap::udp: bind to an IPv4 or IPv6 address");
    wildcard_ = is_wildcard(config_.bind);
    // A socket bound to one unicast address knows where its datagrams went; only
    // a wildcard or group bind asks the kernel for each one's destination.
    pktinfo_ = wildcard_ || config_.bind.is_multicast();
    fd_ = ::socket(family_, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket");
    try {
        if (family_ == AF_INET6) {
            set_option(fd_, IPPROTO_IPV6, IPV6_V6ONLY, config_.v6only ? 1 : 0, "IPV6_V6ONLY");
            if (pktinfo_) set_option(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
            set_option(fd_, IPPROTO_IPV6, IPV6_RECVERR, 1, "IPV6_RECVERR");
        }
        // On a dual-stack socket these cover the IPv4 side (Linux accepts them).
        if (family_ == AF_INET || !config_.v6only) {
            if (pktinfo_) set_option(fd_, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO");
            set_option(fd_, IPPROTO_IP, IP_RECVERR, 1, "IP_RECVERR");
        }
        if (config_.receive_buffer > 0)
            set_option(fd_, SOL_SOCKET, SO_RCVBUF, config_.receive_buffer, "SO_RCVBUF");
        if (config_.send_buffer > 0)
            set_option(fd_, SOL_SOCKET, SO_SNDBUF, config_.send_buffer, "SO_SNDBUF");
        if (config_.reuse_port) set_option(fd_, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
        const auto where = to_socket_address(config_.bind, family_);
        if (!where || ::bind(fd_, where->get(), where->length) != 0) fail("bind");
        sockaddr_storage bound{};
        socklen_t length = sizeof bound;
        if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &length) != 0)
            fail("getsockname");
        // The bound address as bound (an IPv4-mapped bind stays IPv6), with the port.
        local_ = config_.bind.with_port(
            from_socket_address(reinterpret_cast<sockaddr*>(&bound), length)->port());
    } catch (...) {
        close();
        throw;
    }
    receive_buffers_.resize(config_.batch_size * receive_stride(config_.max_datagram_size));
    control_buffers_.resize(config_.batch_size * 256);
    received_.reserve(config_.batch_size);
    outgoing_.reserve(config_.batch_size);
    send_bytes_.resize(config_.batch_size * 1280);
    headers_ = std::make_unique<BatchHeaders>(config_.batch_size);
    prepare_receive_headers();
}

UdpSocket::~UdpSocket() {
    close();
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      family_(other.family_),
      wildcard_(other.wildcard_),
      pktinfo_(other.pktinfo_),
      config_(other.config_),
      local_(other.local_),
      stats_(other.stats_),
      receive_buffers_(std::move(other.receive_buffers_)),
      control_buffers_(std::move(other.control_buffers_)),
      received_(std::move(other.received_)),
      errors_(std::move(other.errors_)),
      send_bytes_(std::move(other.send_bytes_)),
      send_used_(std::exchange(other.send_used_, 0)),
      outgoing_(std::move(other.outgoing_)),
      routes_(std::move(other.routes_)),
      headers_(std::move(other.headers_)),
      errors_pending_(other.errors_pending_),
      last_batch_full_(other.last_batch_full_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        family_ = other.family_;
        wildcard_ = other.wildcard_;
        pktinfo_ = other.pktinfo_;
        config_ = other.config_;
        local_ = other.local_;
        stats_ = other.stats_;
        receive_buffers_ = std::move(other.receive_buffers_);
        control_buffers_ = std::move(other.control_buffers_);
        received_ = std::move(other.received_);
        errors_ = std::move(other.errors_);
        send_bytes_ = std::move(other.send_bytes_);
        send_used_ = std::exchange(other.send_used_, 0);
        outgoing_ = std::move(other.outgoing_);
        routes_ = std::move(other.routes_);
        headers_ = std::move(other.headers_);
        errors_pending_ = other.errors_pending_;
        last_batch_full_ = other.last_batch_full_;
    }
    return *this;
}

void UdpSocket::close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void UdpSocket::join_group(const Address& group, unsigned interface_index) {
    if (group.family() == AddressFamily::ipv4) {
        ip_mreqn request{};
        std::memcpy(&request.imr_multiaddr, group.bytes().data(), 4);
        request.imr_ifindex = static_cast<int>(interface_index);
        if (::setsockopt(fd_, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request) != 0)
            fail("IP_ADD_MEMBERSHIP");
        return;
    }
    ipv6_mreq request{};
    std::memcpy(&request.ipv6mr_multiaddr, group.bytes().data(), 16);
    request.ipv6mr_interface = interface_index;
    if (::setsockopt(fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &request, sizeof request) != 0)
        fail("IPV6_JOIN_GROUP");
}

void UdpSocket::leave_group(const Address& group, unsigned interface_index) {
    if (group.family() == AddressFamily::ipv4) {
        ip_mreqn request{};
        std::memcpy(&request.imr_multiaddr, group.bytes().data(), 4);
        request.imr_ifindex = static_cast<int>(interface_index);
        if (::setsockopt(fd_, IPPROTO_IP, IP_DROP_MEMBERSHIP, &request, sizeof request) != 0)
            fail("IP_DROP_MEMBERSHIP");
        return;
    }
    ipv6_mreq request{};
    std::memcpy(&request.ipv6mr_multiaddr, group.bytes().data(), 16);
    request.ipv6mr_interface = interface_index;
    if (::setsockopt(fd_, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &request, sizeof request) != 0)
        fail("IPV6_LEAVE_GROUP");
}

void UdpSocket::set_multicast_interface(unsigned interface_index) {
    if (family_ == AF_INET6) {
        set_option(fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, static_cast<int>(interface_index),
                   "IPV6_MULTICAST_IF");
        if (config_.v6only) return;
    }
    ip_mreqn request{};
    request.imr_ifindex = static_cast<int>(interface_index);
    if (::setsockopt(fd_, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request) != 0)
        fail("IP_MULTICAST_IF");
}

}  // namespace coap::udp
