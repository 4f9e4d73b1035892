// coap/dtls/dtls_endpoint.hpp — DtlsEndpoint: DTLS 1.2 (RFC 6347) for CoAP
// (RFC 7252 §9, RFC 7925) as a sans-IO state machine over mbedTLS 2.28.
// Datagrams from the network and plaintext from the application go in, with the
// time as an argument; records to send, plaintext received and session events
// come out. Its retransmission timers are mbedTLS's, driven by the caller's
// clock through next_timeout()/handle_timeout(), so it runs in virtual time.
//
// Sessions live in a bounded table keyed by peer address, closed after an idle
// timeout. A server answers a ClientHello from an address it has not verified
// with a stateless HelloVerifyRequest cookie (RFC 6347 §4.2.1) made on one
// shared listening context: such an address can make it allocate nothing and
// get back no more than it sent. Datagrams that are not DTLS records, and
// records from peers without a session, are dropped (no plaintext on coaps).
#pragma once

#include "coap/address.hpp"
#include "coap/dtls/dtls_config.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

namespace coap::dtls {

/// A datagram to put on the network, or plaintext for the application.
struct Datagram {
    Address peer;
    std::vector<std::byte> bytes;
};

struct SessionEvent {
    enum class Kind : std::uint8_t { established, failed, closed };
    Kind kind = Kind::established;
    Address peer;
    Failure failure = Failure::none;
};

struct DtlsStats {
    std::uint64_t handshakes_completed = 0;
    std::uint64_t handshakes_failed = 0;
    std::uint64_t hello_verify_requests = 0;  ///< cookies sent (stateless)
    std::uint64_t dropped_not_dtls = 0;       ///< plaintext or garbage on the port
    std::uint64_t dropped_no_session = 0;     ///< records for no session
    std::uint64_t refused_full = 0;           ///< verified clients refused: table full
    std::uint64_t records_out = 0;
    std::uint64_t plaintext_in = 0;
    std::uint64_t psk_hints_received = 0;  ///< client: hints servers sent
    std::uint64_t psk_hints_answered = 0;  ///< client: of those, given their own identity
};

class DtlsEndpoint {
  public:
    /// Reads the credential files; throws std::runtime_error with the reason
    /// when a file or key cannot be used, or the configuration is incomplete.
    explicit DtlsEndpoint(const DtlsConfig& config);
    ~DtlsEndpoint();
    DtlsEndpoint(const DtlsEndpoint&) = delete;
    DtlsEndpoint& operator=(const DtlsEndpoint&) = delete;

    /// A datagram arrived from `peer`.
    void receive(Instant now, const Address& peer, gsl::span<const std::byte> datagram);
    /// Plaintext for `peer`: encrypted at once on an established session;
    /// a client starts a handshake and queues it (bounded) meanwhile. False
    /// when it was dropped (a server without a session, a full queue or table).
    bool send(Instant now, const Address& peer, gsl::span<const std::byte> plaintext);
    /// Client: starts a handshake with `peer` now, without plaintext to send.
    /// False for a server, or when the tables are full; true when a session
    /// exists already.
    bool connect(Instant now, const Address& peer);
    /// Retransmits handshake flights whose timer ran out, fails handshakes
    /// past the last timeout, closes idle sessions.
    void handle_timeout(Instant now);
    /// When handle_timeout() has something to do; nullopt: nothing pending.
    std::optional<Instant> next_timeout() const;
    /// Sends close_notify to `peer` and forgets its session.
    void close(Instant now, const Address& peer);

    // ---- outputs ----
    std::optional<Datagram> next_datagram();
    std::optional<Datagram> next_plaintext();
    std::optional<SessionEvent> next_event();

    // ---- state ----
    bool established(const Address& peer) const;
    std::size_t sessions() const noexcept;
    std::size_t handshakes() const noexcept;
    const DtlsStats& stats() const noexcept { return stats_; }
    const DtlsConfig& config() const noexcept { return config_; }

    struct Session;
    struct Library;

  private:
    Session* find(const Address& peer) const;
    Session* start_client(Instant now, const Address& peer);
    void accept(Instant now, const Address& peer, gsl::span<const std::byte> datagram);
    void drive(Instant now, Session& session);
    void fail(Session& session, Failure failure);
    void erase(Address peer);
    Instant handshake_limit(const Session& session) const noexcept;
    /// False when the session failed (and is gone).
    bool flush_queued(Session& session);
    void read_application_data(Instant now, Session& session);
    /// Client: picks the identity for the server's PSK hint before mbedTLS
    /// reads the flight that carries it (PskCredentials::choose_by_hint).
    void answer_psk_hint(Session& session, gsl::span<const std::byte> datagram);

    DtlsConfig config_;
    std::unique_ptr<Library> library_;
    std::unordered_map<Address, std::unique_ptr<Session>> sessions_;
    /// The server's context for unverified ClientHellos (cookies), reused.
    std::unique_ptr<Session> listener_;
    std::deque<Datagram> out_;
    std::deque<Datagram> plaintext_;
    std::deque<SessionEvent> events_;
    DtlsStats stats_;
    friend struct Session;
};

}  // namespace coap::dtls
