// session.hpp — one DTLS session of a DtlsEndpoint: an mbedTLS context whose
// I/O and timer callbacks are the endpoint's queues and the caller's clock, so
// that mbedTLS never touches a socket or reads the time. Internal.
#pragma once

#include "library.hpp"
#include "server_flight_scan.hpp"

#include <deque>
#include <vector>

namespace coap::dtls {

struct DtlsEndpoint::Session {
    enum class State : std::uint8_t { handshaking, established };

    Session(DtlsEndpoint& owner, const Address& peer);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    /// Back to a fresh handshake for `peer` (the server's listening context).
    void reset(const Address& peer);
    /// The time mbedTLS sees in this call (its timers compare against it).
    void at(Instant time) noexcept { now = time; }
    /// When mbedTLS's final timer runs out (the flight's retransmission).
    std::optional<Instant> timer_deadline() const noexcept;

    DtlsEndpoint* owner;
    Address peer;
    mbedtls_ssl_context ssl;
    State state = State::handshaking;
    Instant now{};
    Instant last_activity{};
    /// When the handshake began: it fails if not done by started + twice the
    /// last retransmission timeout, whatever state mbedTLS is waiting in.
    Instant started{};
    /// mbedTLS's timer: set at `timer_set`, intermediate and final delays (ms);
    /// final 0 means cancelled.
    Instant timer_set{};
    std::uint32_t intermediate_ms = 0;
    std::uint32_t final_ms = 0;
    /// The datagram mbedTLS may read next (one per receive()).
    gsl::span<const std::byte> inbound{};
    bool inbound_pending = false;
    /// Client: plaintext waiting for the handshake.
    std::deque<std::vector<std::byte>> queued;
    /// Client: the server's first flight as read so far, for its PSK hint.
    ServerFlightScan flight;
    bool hint_answered = false;

    /// Client: sends `chosen` instead of the configured identity and key in
    /// this handshake (a configuration of its own, copied from the shared one).
    void use_identity(const PskIdentity& chosen);

  private:
    static int send_callback(void* self, const unsigned char* data, size_t length);
    static int receive_callback(void* self, unsigned char* buffer, size_t length);
    static void set_timer(void* self, uint32_t intermediate, uint32_t final_delay);
    static int get_timer(void* self);
    void configure();
    /// Back to the endpoint's shared configuration; frees a chosen identity's.
    void drop_own_configuration() noexcept;

    /// Set by use_identity(): the shared configuration with another PSK. Its
    /// other pointers are the shared one's and are never freed through it.
    std::unique_ptr<mbedtls_ssl_config> own_conf;
};

}  // namespace coap::dtls
