// udp_socket_io.cpp — UdpSocket's batched I/O: recvmmsg (with pktinfo on a
// wildcard or group bind: the multicast flag and the route to answer by),
// sendmmsg with the remembered pktinfo, and the ICMP error queue (see
// udp_socket.hpp).
#include "batch_headers.hpp"
#include "coap/udp/socket_address.hpp"
#include "coap/udp/udp_socket.hpp"

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace coap::udp {
namespace {

constexpr std::size_t control_size = 256;

Address ipv4_of(const in_addr& a, std::uint16_t port) {
    std::array<std::uint8_t, 4> ip{};
    std::memcpy(ip.data(), &a, 4);
    return Address::ipv4(ip, port);
}

Address ipv6_of(const in6_addr& a, std::uint16_t port, std::uint32_t scope) {
    std::array<std::uint8_t, 16> ip{};
    std::memcpy(ip.data(), &a, 16);
    return unmapped(Address::ipv6(ip, port, scope));
}

bool unreachable_error(int error) {
    return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH;
}

}  // namespace

void UdpSocket::prepare_receive_headers() noexcept {
    const std::size_t size = config_.max_datagram_size;
    const std::size_t stride = receive_stride(size);
    for (std::size_t i = 0; i < config_.batch_size; ++i) {
        headers_->receive[i] = {};
        headers_->receive_vectors[i] = {receive_buffers_.data() + i * stride, size};
        msghdr& h = headers_->receive[i].msg_hdr;
        h.msg_name = &headers_->receive_names[i];
        h.msg_iov = &headers_->receive_vectors[i];
        h.msg_iovlen = 1;
        h.msg_control = control_buffers_.data() + i * control_size;
    }
}

gsl::span<const ReceivedDatagram> UdpSocket::receive_batch() {
    received_.clear();
    const std::size_t batch = config_.batch_size;
    const std::size_t stride = receive_stride(config_.max_datagram_size);
    auto& headers = headers_->receive;
    auto& names = headers_->receive_names;
    // The kernel shortens these three per datagram; the rest stays as prepared.
    for (std::size_t i = 0; i < batch; ++i) {
        msghdr& h = headers[i].msg_hdr;
        h.msg_namelen = sizeof names[i];
        h.msg_controllen = pktinfo_ ? control_size : 0;
        h.msg_flags = 0;
    }
    int count = -1;
    // A pending ICMP error fails one call (it stays in the error queue): try again.
    for (int attempt = 0; attempt < 4 && count < 0; ++attempt) {
        ++stats_.receive_calls;
        count =
            ::recvmmsg(fd_, headers.data(), static_cast<unsigned>(batch), MSG_DONTWAIT, nullptr);
        if (count < 0 && !unreachable_error(errno)) break;
        if (count < 0) errors_pending_ = true;
    }
    last_batch_full_ = count == static_cast<int>(batch);
    if (count <= 0) return {};
    for (std::size_t i = 0; i < static_cast<std::size_t>(count); ++i) {
        msghdr& h = headers[i].msg_hdr;
        if ((h.msg_flags & MSG_TRUNC) != 0) {
            ++stats_.dropped_oversize;
            continue;
        }
        const auto peer =
            from_socket_address(reinterpret_cast<const sockaddr*>(&names[i]), h.msg_namelen);
        if (!peer) continue;
        ReceivedDatagram d;
        d.peer = *peer;
        d.bytes = {receive_buffers_.data() + i * stride, headers[i].msg_len};
        if (!pktinfo_) d.destination = local_;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                d.destination = ipv4_of(info.ipi_addr, local_.port());
                d.interface_index = static_cast<unsigned>(info.ipi_ifindex);
            } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo info{};
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                d.destination = ipv6_of(info.ipi6_addr, local_.port(), 0);
                d.interface_index = info.ipi6_ifindex;
            }
        }
        d.multicast = d.destination && d.destination->is_multicast();
        ++stats_.received;
        remember_route(d);
        received_.push_back(d);
    }
    return received_;
}

void UdpSocket::remember_route(const ReceivedDatagram& datagram) {
    if (!wildcard_ || datagram.interface_index == 0) return;
    if (routes_.size() >= config_.max_routes && routes_.find(datagram.peer) == routes_.end())
        routes_.clear();
    Route& route = routes_[datagram.peer];
    route.interface_index = datagram.interface_index;
    route.local.reset();
    if (datagram.destination && !datagram.multicast) route.local = datagram.destination;
}

gsl::span<const Unreachable> UdpSocket::read_errors() {
    errors_.clear();
    errors_pending_ = false;
    for (int round = 0; round < 1024; ++round) {
        sockaddr_storage name{};
        std::array<std::byte, 64> data{};
        alignas(cmsghdr) std::array<std::byte, 512> control{};
        iovec vector{data.data(), data.size()};
        msghdr h{};
        h.msg_name = &name;
        h.msg_namelen = sizeof name;
        h.msg_iov = &vector;
        h.msg_iovlen = 1;
        h.msg_control = control.data();
        h.msg_controllen = control.size();
        if (::recvmsg(fd_, &h, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
        ++stats_.icmp_errors;
        const auto peer =
            from_socket_address(reinterpret_cast<const sockaddr*>(&name), h.msg_namelen);
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
            const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
            const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
            if (!v4 && !v6) continue;
            sock_extended_err error{};
            std::memcpy(&error, CMSG_DATA(c), sizeof error);
            const int code = static_cast<int>(error.ee_errno);
            const bool from_network = error.ee_origin == SO_EE_ORIGIN_ICMP ||
                                      error.ee_origin == SO_EE_ORIGIN_ICMP6 ||
                                      error.ee_origin == SO_EE_ORIGIN_LOCAL;
            if (peer && from_network && unreachable_error(code)) errors_.push_back({*peer, code});
        }
    }
    return errors_;
}

bool UdpSocket::send(const Address& peer, gsl::span<const std::byte> datagram) {
    if (datagram.size() > max_payload()) return false;
    const auto slot = send_slot(datagram.size());
    if (!datagram.empty()) std::memcpy(slot.data(), datagram.data(), datagram.size());
    return commit_send_slot(peer, datagram.size());
}

gsl::span<std::byte> UdpSocket::send_slot(std::size_t size) {
    if (send_used_ + size > send_bytes_.size()) {
        // No room left in this batch's bytes: it leaves now (or, for a
        // datagram larger than they are, they grow once).
        if (!outgoing_.empty()) flush();
        if (size > send_bytes_.size()) send_bytes_.resize(size);
    }
    return {send_bytes_.data() + send_used_, size};
}

bool UdpSocket::commit_send_slot(const Address& peer, std::size_t length) {
    if (length > max_payload() || send_used_ + length > send_bytes_.size()) return false;
    auto name = to_socket_address(peer, family_);
    if (!name) return false;
    outgoing_.push_back({peer, *name, send_used_, length});
    send_used_ += length;
    if (outgoing_.size() >= config_.batch_size) flush();
    return true;
}

std::size_t UdpSocket::max_payload() const noexcept {
    return 65507 + (family_ == AF_INET6 ? 20u : 0u);
}

void UdpSocket::flush() {
    std::size_t next = 0;
    while (next < outgoing_.size()) {
        const std::size_t count = std::min(config_.batch_size, outgoing_.size() - next);
        auto& headers = headers_->send;
        auto& vectors = headers_->send_vectors;
        auto& controls = headers_->send_controls;
        for (std::size_t i = 0; i < count; ++i) {
            Outgoing& o = outgoing_[next + i];
            headers[i] = {};
            vectors[i] = {send_bytes_.data() + o.offset, o.length};
            msghdr& h = headers[i].msg_hdr;
            h.msg_name = &o.name.storage;
            h.msg_namelen = o.name.length;
            h.msg_iov = &vectors[i];
            h.msg_iovlen = 1;
            if (routes_.empty()) continue;
            const auto route = routes_.find(o.peer);
            if (route == routes_.end()) continue;
            // Answer by the interface (and unicast address) the peer reached us on.
            h.msg_control = controls[i].data();
            cmsghdr* c = nullptr;
            if (o.peer.family() == AddressFamily::ipv4) {
                h.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
                c = CMSG_FIRSTHDR(&h);
                c->cmsg_level = IPPROTO_IP;
                c->cmsg_type = IP_PKTINFO;
                c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
                in_pktinfo info{};
                info.ipi_ifindex = static_cast<int>(route->second.interface_index);
                if (route->second.local)
                    std::memcpy(&info.ipi_spec_dst, route->second.local->bytes().data(), 4);
                std::memcpy(CMSG_DATA(c), &info, sizeof info);
            } else {
                h.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
                c = CMSG_FIRSTHDR(&h);
                c->cmsg_level = IPPROTO_IPV6;
                c->cmsg_type = IPV6_PKTINFO;
                c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
                in6_pktinfo info{};
                info.ipi6_ifindex = route->second.interface_index;
                if (route->second.local)
                    std::memcpy(&info.ipi6_addr, route->second.local->bytes().data(), 16);
                std::memcpy(CMSG_DATA(c), &info, sizeof info);
            }
        }
        std::size_t done = 0;
        for (int attempt = 0; done < count && attempt < 4 * static_cast<int>(count); ++attempt) {
            ++stats_.send_calls;
            const int sent = ::sendmmsg(fd_, headers.data() + done,
                                        static_cast<unsigned>(count - done), MSG_DONTWAIT);
            if (sent > 0) {
                done += static_cast<std::size_t>(sent);
                stats_.sent += static_cast<std::uint64_t>(sent);
                continue;
            }
            // An ICMP error of an earlier datagram is reported here too: it stays in
            // the error queue; send this one again. Anything else drops it.
            if (sent < 0 && unreachable_error(errno)) {
                errors_pending_ = true;
                continue;
            }
            ++stats_.send_failed;
            ++done;
        }
        stats_.send_failed += count - done;
        next += count;
    }
    outgoing_.clear();
    send_used_ = 0;
}

}  // namespace coap::udp
