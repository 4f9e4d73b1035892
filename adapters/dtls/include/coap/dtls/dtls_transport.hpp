// coap/dtls/dtls_transport.hpp — DtlsTransport: a coap::Transport that secures
// another one (a UDP socket, a simulated port) with a DtlsEndpoint. A Driver
// on it sends and receives plaintext CoAP; records go below. The DTLS timers
// are folded into wait() and, for a transport that runs several Drivers (the
// simulated network), into the owner's next wakeup. A session that fails is
// reported to the Driver as an unreachable peer (its requests fail at once with
// peer_unreachable) and to the session handler with the reason.
#pragma once

#include "coap/dtls/dtls_endpoint.hpp"
#include "coap/transport.hpp"

#include <functional>
#include <unordered_map>

namespace coap::dtls {

class DtlsTransport final : public Transport, private Serviceable {
  public:
    /// `below` must outlive this transport. Throws like DtlsEndpoint's constructor.
    DtlsTransport(Transport& below, const DtlsConfig& config);
    ~DtlsTransport() override;

    Instant now() const override { return below_.now(); }
    std::optional<Received> receive(gsl::span<std::byte> buffer) override;
    bool send(const Address& peer, gsl::span<const std::byte> datagram) override;
    bool wait(std::optional<Instant> deadline) override;
    std::optional<Address> resolve(std::string_view host, std::uint16_t port) override {
        return below_.resolve(host, port);
    }
    Address local_address() const override { return below_.local_address(); }
    /// The records of a batch leave together below.
    void begin_batch() override { below_.begin_batch(); }
    void end_batch() override { below_.end_batch(); }
    void attach(Serviceable* owner) override;
    void set_unreachable_handler(std::function<void(const Address&)> handler) override;

    /// Every session event (established, failed with its reason, closed).
    void set_session_handler(std::function<void(const SessionEvent&)> handler) {
        session_handler_ = std::move(handler);
    }
    /// Why the last session with `peer` failed (Failure::none if it never did).
    Failure last_failure(const Address& peer) const;
    /// The newest session failure since the last call, and forgets it.
    std::optional<SessionEvent> take_latest_failure() {
        auto latest = latest_failure_;
        latest_failure_.reset();
        return latest;
    }

    DtlsEndpoint& endpoint() noexcept { return endpoint_; }

  private:
    void service() override;
    std::optional<Instant> next_wakeup() const override;
    /// Runs due DTLS timers, sends what the endpoint queued, reports events.
    void pump();

    Transport& below_;
    DtlsEndpoint endpoint_;
    Serviceable* owner_ = nullptr;
    std::function<void(const Address&)> unreachable_;
    std::function<void(const SessionEvent&)> session_handler_;
    std::unordered_map<Address, Failure> failures_;
    std::optional<SessionEvent> latest_failure_;
    std::vector<std::byte> scratch_;
};

}  // namespace coap::dtls
