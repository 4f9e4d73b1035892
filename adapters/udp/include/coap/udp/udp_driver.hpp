// coap/udp/udp_driver.hpp — UdpDriver: a coap::Driver over its own
// UdpTransport, wired so that ICMP errors reach the Endpoint, with the hooks an
// event loop needs to run it (epoll, asio, libuv, …):
//   watch fd() for readability → on_readable();
//   arm one timer for next_timeout() → on_timeout() when it fires;
//   after calling the Driver from outside those (starting a send) → service().
// Every hook services the Driver once and sends what it produced in one
// sendmmsg batch. Owns nothing else; never blocks (except resolving names).
#pragma once

#include "coap/driver.hpp"
#include "coap/udp/udp_transport.hpp"

#include <chrono>
#include <optional>

namespace coap::udp {

class UdpDriver {
  public:
    /// Throws std::system_error when the socket cannot be opened.
    explicit UdpDriver(const SocketConfig& socket = {}, const EndpointConfig& endpoint = {});
    UdpDriver(const UdpDriver&) = delete;
    UdpDriver& operator=(const UdpDriver&) = delete;

    Driver& driver() noexcept { return driver_; }
    Endpoint& endpoint() noexcept { return driver_.endpoint(); }
    UdpTransport& transport() noexcept { return transport_; }
    UdpSocket& socket() noexcept { return transport_.socket(); }
    Address local_address() const { return transport_.local_address(); }

    // ---- embedding ----
    int fd() const noexcept { return transport_.fd(); }
    /// The descriptor is readable (or reports an error): service the Driver.
    void on_readable() { service(); }
    /// The timer armed for next_timeout() fired.
    void on_timeout() { service(); }
    /// One Driver::service() with its sends batched and flushed.
    void service();
    /// When on_timeout() must run next (transport time); nullopt: only on input.
    std::optional<Instant> next_timeout() const { return driver_.next_wakeup(); }
    /// The same as a duration from now (zero when due), for relative timers.
    std::optional<std::chrono::milliseconds> timeout_from_now() const;

  private:
    UdpTransport transport_;
    Driver driver_;
};

}  // namespace coap::udp
