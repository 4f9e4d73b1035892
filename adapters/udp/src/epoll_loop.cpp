// epoll_loop.cpp — EpollLoop (see epoll_loop.hpp).
#include "coap/udp/epoll_loop.hpp"

#include "coap/udp/clock.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <system_error>

namespace coap::udp {

EpollLoop::EpollLoop() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

EpollLoop::~EpollLoop() {
    ::close(epoll_fd_);
}

void EpollLoop::add(UdpDriver& driver) {
    epoll_event event{};
    event.events = EPOLLIN;  // EPOLLERR (an ICMP error waiting) is always reported
    event.data.ptr = &driver;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, driver.fd(), &event) != 0)
        throw std::system_error(errno, std::generic_category(), "epoll_ctl");
    drivers_.push_back(&driver);
    driver.service();
}

void EpollLoop::remove(UdpDriver& driver) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, driver.fd(), nullptr);
    drivers_.erase(std::remove(drivers_.begin(), drivers_.end(), &driver), drivers_.end());
}

void EpollLoop::run_once(std::optional<Instant> limit) {
    std::optional<Instant> deadline = limit;
    for (const UdpDriver* d : drivers_)
        if (const auto at = d->next_timeout(); at && (!deadline || *at < *deadline)) deadline = at;
    int timeout = -1;
    if (deadline) {
        const std::int64_t left = std::max<std::int64_t>(0, deadline->ms - monotonic_now().ms);
        timeout = static_cast<int>(std::min<std::int64_t>(left, INT_MAX));
    }
    std::array<epoll_event, 16> events{};
    const int ready =
        ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    for (int i = 0; i < ready; ++i)
        static_cast<UdpDriver*>(events[static_cast<std::size_t>(i)].data.ptr)->on_readable();
    const Instant now = monotonic_now();
    for (UdpDriver* d : drivers_)
        if (const auto at = d->next_timeout(); at && *at <= now) d->on_timeout();
}

bool EpollLoop::run_until(const std::function<bool()>& done, std::optional<Instant> limit) {
    for (;;) {
        if (done()) return true;
        if (limit && monotonic_now() >= *limit) return false;
        run_once(limit);
    }
}

}  // namespace coap::udp
