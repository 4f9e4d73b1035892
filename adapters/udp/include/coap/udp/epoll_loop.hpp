// coap/udp/epoll_loop.hpp — EpollLoop: the reference event loop for programs
// that have none. Runs any number of UdpDrivers in one thread: epoll_wait on
// their descriptors with the earliest next_timeout() as the deadline, then
// services each one that is readable or due. Owns the epoll descriptor only.
#pragma once

#include "coap/time.hpp"
#include "coap/udp/udp_driver.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace coap::udp {

class EpollLoop {
  public:
    /// Throws std::system_error when epoll_create1 fails.
    EpollLoop();
    ~EpollLoop();
    EpollLoop(const EpollLoop&) = delete;
    EpollLoop& operator=(const EpollLoop&) = delete;

    /// Adds a driver (it must outlive its membership); services it once.
    void add(UdpDriver& driver);
    void remove(UdpDriver& driver);

    /// One wait (until input, the earliest timeout, or `limit`) and the services
    /// it calls for.
    void run_once(std::optional<Instant> limit = {});
    /// Runs until `done()` holds (true) or the monotonic clock reaches `limit` (false).
    bool run_until(const std::function<bool()>& done, std::optional<Instant> limit = {});

    int fd() const noexcept { return epoll_fd_; }

  private:
    int epoll_fd_ = -1;
    std::vector<UdpDriver*> drivers_;
};

}  // namespace coap::udp
