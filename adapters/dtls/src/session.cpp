// session.cpp — a DTLS session's mbedTLS context and its callbacks (see
// session.hpp): records go to the endpoint's output queue as whole datagrams,
// reads take the one datagram being processed, timers run on the caller's time.
#include "session.hpp"

#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>

#include <cstring>
#include <stdexcept>

namespace coap::dtls {

DtlsEndpoint::Session::Session(DtlsEndpoint& endpoint, const Address& address)
    : owner(&endpoint), peer(address) {
    mbedtls_ssl_init(&ssl);
    if (mbedtls_ssl_setup(&ssl, &owner->library_->conf) != 0)
        throw std::runtime_error("DTLS: cannot set up a session");
    configure();
}

DtlsEndpoint::Session::~Session() {
    drop_own_configuration();
    mbedtls_ssl_free(&ssl);
}

void DtlsEndpoint::Session::use_identity(const PskIdentity& chosen) {
    drop_own_configuration();
    auto copy = std::make_unique<mbedtls_ssl_config>(owner->library_->conf);
    // The copy must not free the shared key when it takes its own.
    copy->psk = nullptr;
    copy->psk_len = 0;
    copy->psk_identity = nullptr;
    copy->psk_identity_len = 0;
    if (mbedtls_ssl_conf_psk(copy.get(), reinterpret_cast<const unsigned char*>(chosen.key.data()),
                             chosen.key.size(),
                             reinterpret_cast<const unsigned char*>(chosen.identity.data()),
                             chosen.identity.size()) != 0)
        return;  // keeps the configured identity; the server decides
    own_conf = std::move(copy);
    ssl.conf = own_conf.get();
}

void DtlsEndpoint::Session::drop_own_configuration() noexcept {
    if (!own_conf) return;
    ssl.conf = &owner->library_->conf;
    if (own_conf->psk != nullptr) {
        mbedtls_platform_zeroize(own_conf->psk, own_conf->psk_len);
        mbedtls_free(own_conf->psk);
    }
    mbedtls_free(own_conf->psk_identity);
    own_conf.reset();
}

void DtlsEndpoint::Session::configure() {
    mbedtls_ssl_set_bio(&ssl, this, send_callback, receive_callback, nullptr);
    mbedtls_ssl_set_timer_cb(&ssl, this, set_timer, get_timer);
    mbedtls_ssl_set_mtu(&ssl, owner->config_.mtu);
    const auto& certificates = owner->config_.certificates;
    if (owner->config_.role == Role::client && certificates && !certificates->server_name.empty())
        (void)mbedtls_ssl_set_hostname(&ssl, certificates->server_name.c_str());
    if (owner->config_.role == Role::server) {
        // The cookie binds the client's address and port (RFC 6347 §4.2.1).
        const auto ip = peer.bytes();
        unsigned char id[18];
        std::memcpy(id, ip.data(), ip.size());
        id[ip.size()] = static_cast<unsigned char>(peer.port() >> 8);
        id[ip.size() + 1] = static_cast<unsigned char>(peer.port());
        (void)mbedtls_ssl_set_client_transport_id(&ssl, id, ip.size() + 2);
    }
}

void DtlsEndpoint::Session::reset(const Address& address) {
    peer = address;
    drop_own_configuration();
    (void)mbedtls_ssl_session_reset(&ssl);
    state = State::handshaking;
    intermediate_ms = final_ms = 0;
    inbound = {};
    inbound_pending = false;
    queued.clear();
    flight = {};
    hint_answered = false;
    configure();
}

std::optional<Instant> DtlsEndpoint::Session::timer_deadline() const noexcept {
    if (final_ms == 0) return std::nullopt;
    return timer_set + milliseconds(final_ms);
}

int DtlsEndpoint::Session::send_callback(void* self, const unsigned char* data, size_t length) {
    auto& session = *static_cast<Session*>(self);
    const auto* first = reinterpret_cast<const std::byte*>(data);
    session.owner->out_.push_back({session.peer, std::vector<std::byte>(first, first + length)});
    ++session.owner->stats_.records_out;
    return static_cast<int>(length);
}

int DtlsEndpoint::Session::receive_callback(void* self, unsigned char* buffer, size_t length) {
    auto& session = *static_cast<Session*>(self);
    if (!session.inbound_pending) return MBEDTLS_ERR_SSL_WANT_READ;
    session.inbound_pending = false;
    // A datagram larger than mbedTLS's buffer is dropped whole (never truncated).
    if (session.inbound.size() > length) return MBEDTLS_ERR_SSL_WANT_READ;
    std::memcpy(buffer, session.inbound.data(), session.inbound.size());
    return static_cast<int>(session.inbound.size());
}

void DtlsEndpoint::Session::set_timer(void* self, uint32_t intermediate, uint32_t final_delay) {
    auto& session = *static_cast<Session*>(self);
    session.timer_set = session.now;
    session.intermediate_ms = intermediate;
    session.final_ms = final_delay;
}

int DtlsEndpoint::Session::get_timer(void* self) {
    const auto& session = *static_cast<const Session*>(self);
    if (session.final_ms == 0) return -1;
    const std::int64_t elapsed = (session.now - session.timer_set).ms;
    if (elapsed >= static_cast<std::int64_t>(session.final_ms)) return 2;
    if (elapsed >= static_cast<std::int64_t>(session.intermediate_ms)) return 1;
    return 0;
}

}  // namespace coap::dtls
