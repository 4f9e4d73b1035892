// coap/transport.hpp — Transport: what a Driver needs from the network below
// it (a simulated port now, UDP and DTLS sockets later): the time, datagrams
// in and out, a way to wait, and name resolution. Owns no protocol logic.
#pragma once

#include "coap/address.hpp"
#include "coap/endpoint.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace coap {

/// One datagram taken from a transport: `length` bytes at the start of the
/// caller's buffer.
struct Received {
    Address peer;
    std::size_t length = 0;
    ArrivalInfo arrival{};
};

/// One datagram lent by a transport: `bytes` stay valid until the next call
/// on the transport. `at`: when it was taken from the network (UDP: when its
/// recvmmsg batch returned), so that a Driver needs no clock read per datagram.
struct ReceivedView {
    Address peer;
    gsl::span<const std::byte> bytes;
    ArrivalInfo arrival{};
    Instant at{};
};

/// Something a transport can wake: a Driver. A transport that runs several of
/// them in one thread (the simulated network) services each when a datagram
/// arrives for it or its next_wakeup() passes, even while another one waits.
class Serviceable {
  public:
    virtual void service() = 0;
    virtual std::optional<Instant> next_wakeup() const = 0;

  protected:
    ~Serviceable() = default;
};

class Transport {
  public:
    virtual ~Transport() = default;

    /// Monotonic time, in the Endpoint's unit.
    virtual Instant now() const = 0;
    /// The next received datagram copied into `buffer`, or nullopt when none is
    /// waiting. A datagram longer than the buffer is dropped, not truncated.
    virtual std::optional<Received> receive(gsl::span<std::byte> buffer) = 0;
    /// Sends one datagram; false when the transport dropped it (the Endpoint's
    /// retransmission covers that, as it covers loss).
    virtual bool send(const Address& peer, gsl::span<const std::byte> datagram) = 0;
    /// Like receive(), but the datagram may be lent where the transport already
    /// holds it (UDP: its recvmmsg batch), saving a copy; valid until the next
    /// call on the transport. By default it is received into `scratch`.
    virtual std::optional<ReceivedView> receive_view(gsl::span<std::byte> scratch) {
        const auto received = receive(scratch);
        if (!received) return std::nullopt;
        return ReceivedView{received->peer, scratch.first(received->length), received->arrival,
                            now()};
    }
    /// Room for at least `size` bytes in which to write the next datagram where
    /// it will be sent from (UDP: the sendmmsg batch), so that it is not copied
    /// again; commit_transmit() then sends its first `length` bytes. An empty
    /// span (the default) means the transport has none: use send().
    virtual gsl::span<std::byte> transmit_slot(std::size_t size) {
        (void)size;
        return {};
    }
    virtual bool commit_transmit(const Address& peer, std::size_t length) {
        (void)peer;
        (void)length;
        return false;
    }
    /// Blocks (a simulated transport advances its virtual time instead) until a
    /// datagram may be waiting or `deadline` passes; nullopt: no deadline. False
    /// when nothing can ever happen any more (a simulated network gone idle).
    virtual bool wait(std::optional<Instant> deadline) = 0;
    /// The address of `host` (an IP literal, or a name the transport knows) with
    /// `port`; nullopt when it cannot be resolved.
    virtual std::optional<Address> resolve(std::string_view host, std::uint16_t port) = 0;
    /// The address this transport receives on.
    virtual Address local_address() const = 0;
    /// Between begin_batch() and the matching end_batch() a transport may hold
    /// its sends and put them on the network together at the outermost
    /// end_batch() (UDP: one sendmmsg). A Driver brackets each service() pass
    /// with them. By default sends leave at once.
    virtual void begin_batch() {}
    virtual void end_batch() {}
    /// Registers (or, with nullptr, removes) the one Serviceable that owns this
    /// transport; see Serviceable.
    virtual void attach(Serviceable* owner) { (void)owner; }
    /// Where the transport reports a peer the network says is unreachable (an
    /// ICMP error on a socket); a Driver registers its Endpoint's
    /// handle_unreachable here, and an empty function removes it. Transports
    /// that cannot tell ignore it.
    virtual void set_unreachable_handler(std::function<void(const Address&)> handler) {
        (void)handler;
    }
};

}  // namespace coap
