// udp_transport.cpp — UdpTransport: receive, send, wait, time and batching
// (see udp_transport.hpp). Name resolution is in resolve.cpp.
#include "coap/udp/udp_transport.hpp"

#include "coap/udp/clock.hpp"

#include <poll.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace coap::udp {

UdpTransport::UdpTransport(const SocketConfig& config) : socket_(config) {}

Instant UdpTransport::now() const {
    return monotonic_now();
}

bool UdpTransport::refill() {
    batch_ = {};
    next_ = 0;
    if (drained_) {
        // The last batch was short, so the socket was empty then: this pass
        // ends here without another system call (wait() polls before blocking).
        drained_ = false;
        return false;
    }
    batch_ = socket_.receive_batch();
    if (!batch_.empty()) batch_time_ = monotonic_now();
    drained_ = !batch_.empty() && !socket_.last_batch_full();
    // The error queue costs a system call: read it when a call reported an
    // ICMP error, or when nothing else came (so that it never stays full).
    if (socket_.errors_pending() || batch_.empty())
        for (const Unreachable& error : socket_.read_errors())
            if (on_unreachable_) on_unreachable_(error.peer);
    return !batch_.empty();
}

std::optional<Received> UdpTransport::receive(gsl::span<std::byte> buffer) {
    for (;;) {
        if (next_ >= batch_.size() && !refill()) return std::nullopt;
        const ReceivedDatagram& d = batch_[next_++];
        if (d.bytes.size() > buffer.size()) {
            ++dropped_short_buffer_;
            continue;
        }
        if (!d.bytes.empty()) std::memcpy(buffer.data(), d.bytes.data(), d.bytes.size());
        return Received{d.peer, d.bytes.size(), ArrivalInfo{.multicast = d.multicast}};
    }
}

std::optional<ReceivedView> UdpTransport::receive_view(gsl::span<std::byte> scratch) {
    (void)scratch;
    if (next_ >= batch_.size() && !refill()) return std::nullopt;
    const ReceivedDatagram& d = batch_[next_++];
    return ReceivedView{d.peer, d.bytes, ArrivalInfo{.multicast = d.multicast}, batch_time_};
}

bool UdpTransport::send(const Address& peer, gsl::span<const std::byte> datagram) {
    if (!socket_.send(peer, datagram)) return false;
    if (batching_ == 0) socket_.flush();
    return true;
}

bool UdpTransport::commit_transmit(const Address& peer, std::size_t length) {
    if (!socket_.commit_send_slot(peer, length)) return false;
    if (batching_ == 0) socket_.flush();
    return true;
}

void UdpTransport::end_batch() {
    if (batching_ > 0 && --batching_ == 0) socket_.flush();
}

bool UdpTransport::wait(std::optional<Instant> deadline) {
    socket_.flush();
    if (next_ < batch_.size()) return true;
    int timeout = -1;
    if (deadline) {
        const std::int64_t left = std::max<std::int64_t>(0, deadline->ms - now().ms);
        timeout = static_cast<int>(std::min<std::int64_t>(left, INT_MAX));
    }
    pollfd p{socket_.fd(), POLLIN, 0};
    (void)::poll(&p, 1, timeout);
    return true;
}

}  // namespace coap::udp
