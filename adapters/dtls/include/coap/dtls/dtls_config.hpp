// coap/dtls/dtls_config.hpp — what a DTLS endpoint (dtls_endpoint.hpp) is
// configured with: its role, credentials (pre-shared keys, X.509
// certificates), cipher suites and the limits of its session table. Plain
// data; the files named here are read when the endpoint is made.
#pragma once

#include "coap/time.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coap::dtls {

enum class Role : std::uint8_t { client, server };

/// An identity and the key that goes with it.
struct PskIdentity {
    std::string identity;
    std::vector<std::byte> key;
};

/// Pre-shared keys (RFC 4279; RFC 7925 §4.2 for CoAP).
struct PskCredentials {
    /// Client: the identity sent and its key (also offered when no hint comes).
    std::string identity;
    std::vector<std::byte> key;
    /// Client: the identity and key for the PSK identity hint a server sends in
    /// its ServerKeyExchange (RFC 4279 §5.2), asked once per handshake; nullopt
    /// keeps `identity` and `key`. A server that sends no hint never asks it.
    std::function<std::optional<PskIdentity>(std::string_view hint)> choose_by_hint;
    /// Server: the key of an identity, or nullopt for an unknown one (the
    /// handshake then fails with the unknown_psk_identity alert). Without it,
    /// the server accepts `identity` with `key` only. A server sends no identity
    /// hint: mbedTLS 2.28 has no way to (its ServerKeyExchange for PSK suites is
    /// left out or carries an empty hint).
    std::function<std::optional<std::vector<std::byte>>(std::string_view identity)> lookup;
};

/// X.509 certificates (RFC 7925 §4.4), PEM or DER files.
struct CertificateCredentials {
    /// This side's certificate chain and private key (a server needs them; a
    /// client only for client authentication).
    std::string certificate_file;
    std::string private_key_file;
    /// Trusted CA certificates the peer's chain must lead to.
    std::string ca_file;
    /// Verify the peer's certificate (a client always should; a server asks
    /// clients for one only when this is set).
    bool verify_peer = true;
    /// The name the server's certificate must carry (client); empty: the host
    /// of the URI is not checked against it.
    std::string server_name;
};

/// Why a session failed, as the application is told.
enum class Failure : std::uint8_t {
    none,
    handshake_timeout,      ///< no answer within the handshake timeouts (RFC 6347 §4.2.4)
    wrong_key,              ///< the PSKs differ (the Finished MAC did not verify)
    unknown_identity,       ///< the server knows no key for the client's identity
    untrusted_certificate,  ///< the peer's chain does not lead to a trusted CA
    expired_certificate,    ///< the peer's certificate is expired or not yet valid
    name_mismatch,          ///< the server's certificate is not for server_name
    certificate_rejected,   ///< the peer did not accept this side's certificate
    no_common_cipher,       ///< no cipher suite both sides allow
    peer_alert,             ///< the peer ended the handshake with another fatal alert
    protocol_error,         ///< a malformed or unexpected message
    closed,                 ///< the peer sent close_notify
    idle,                   ///< no traffic for the idle timeout
    table_full,             ///< no room for another session
};

std::string_view describe(Failure failure) noexcept;

struct DtlsConfig {
    Role role = Role::client;
    std::optional<PskCredentials> psk;
    std::optional<CertificateCredentials> certificates;
    /// IANA cipher suite numbers allowed, most preferred first. Empty: the RFC
    /// 7925 suites (TLS_PSK_WITH_AES_128_CCM_8, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)
    /// first, then AES-GCM/CCM suites of the same kinds for peers without CCM_8.
    std::vector<int> cipher_suites;

    // ---- limits ----
    /// Sessions held at once (handshaking or established); further clients are
    /// refused until one ends.
    std::size_t max_sessions = 256;
    /// Of those, handshakes in progress.
    std::size_t max_handshakes = 32;
    /// An established session without traffic for this long is closed.
    Duration idle_timeout = seconds(600);
    /// RFC 6347 §4.2.4.1: the first retransmission timeout of a flight, doubled
    /// up to the last; after that the handshake fails (handshake_timeout).
    Duration handshake_timeout_min = seconds(1);
    Duration handshake_timeout_max = seconds(32);
    /// Largest datagram sent (records are fragmented to fit).
    std::uint16_t mtu = 1280;
    /// Plaintext datagrams a client queues for a peer while its handshake runs.
    std::size_t max_queued_per_peer = 16;

    /// Seeds the DRBG: 0 takes entropy from the system (production); any other
    /// value makes every handshake reproducible (tests, the simulated network).
    std::uint64_t deterministic_seed = 0;
};

}  // namespace coap::dtls
