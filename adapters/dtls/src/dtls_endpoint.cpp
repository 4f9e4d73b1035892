// dtls_endpoint.cpp — DtlsEndpoint (see dtls_endpoint.hpp): the session table,
// the server's stateless cookie exchange, handshakes driven by datagrams and by
// the caller's timeouts, application data both ways, idle expiry.
#include "session.hpp"

#include <mbedtls/ssl_ciphersuites.h>

#include <algorithm>
#include <array>

namespace coap::dtls {
namespace {

constexpr std::uint8_t content_handshake = 22;

/// A DTLS record header (RFC 6347 §4.1): a known content type, DTLS's 0xFE major
/// version, and the 13-byte header present. Anything else is not for us.
bool looks_like_dtls(gsl::span<const std::byte> datagram) noexcept {
    if (datagram.size() < 13) return false;
    const auto type = static_cast<std::uint8_t>(datagram[0]);
    return type >= 20 && type <= 25 && static_cast<std::uint8_t>(datagram[1]) == 0xfe;
}

/// A ClientHello can only come in an epoch-0 handshake record.
bool may_be_client_hello(gsl::span<const std::byte> datagram) noexcept {
    return static_cast<std::uint8_t>(datagram[0]) == content_handshake &&
           datagram[3] == std::byte{0} && datagram[4] == std::byte{0} && datagram.size() > 13 &&
           static_cast<std::uint8_t>(datagram[13]) == 1;  // HandshakeType client_hello
}

}  // namespace

Instant DtlsEndpoint::handshake_limit(const Session& session) const noexcept {
    return session.started + config_.handshake_timeout_max + config_.handshake_timeout_max;
}

DtlsEndpoint::DtlsEndpoint(const DtlsConfig& config)
    : config_(config), library_(std::make_unique<Library>(config)) {}

DtlsEndpoint::~DtlsEndpoint() {
    // Sessions and the listener use the library's configuration: they go first.
    sessions_.clear();
    listener_.reset();
}

DtlsEndpoint::Session* DtlsEndpoint::find(const Address& peer) const {
    const auto found = sessions_.find(peer);
    return found == sessions_.end() ? nullptr : found->second.get();
}

std::size_t DtlsEndpoint::sessions() const noexcept {
    return sessions_.size();
}

std::size_t DtlsEndpoint::handshakes() const noexcept {
    return static_cast<std::size_t>(std::count_if(
        sessions_.begin(), sessions_.end(),
        [](const auto& entry) { return entry.second->state == Session::State::handshaking; }));
}

bool DtlsEndpoint::established(const Address& peer) const {
    const Session* session = find(peer);
    return session != nullptr && session->state == Session::State::established;
}

void DtlsEndpoint::receive(Instant now, const Address& peer, gsl::span<const std::byte> datagram) {
    if (!looks_like_dtls(datagram)) {
        ++stats_.dropped_not_dtls;
        return;
    }
    Session* session = find(peer);
    if (session == nullptr) {
        if (config_.role == Role::server && may_be_client_hello(datagram))
            accept(now, peer, datagram);
        else
            ++stats_.dropped_no_session;
        return;
    }
    session->at(now);
    if (session->state == Session::State::handshaking) answer_psk_hint(*session, datagram);
    session->inbound = datagram;
    session->inbound_pending = true;
    drive(now, *session);
}

void DtlsEndpoint::answer_psk_hint(Session& session, gsl::span<const std::byte> datagram) {
    if (config_.role != Role::client || !config_.psk || !config_.psk->choose_by_hint ||
        session.hint_answered)
        return;
    scan_server_flight(datagram, session.flight);
    // Both the suite (ServerHello) and the ServerKeyExchange are needed; they
    // may come in separate datagrams, in either order.
    if (!session.flight.key_exchange_seen || !session.flight.cipher_suite) return;
    session.hint_answered = true;
    // A certificate suite's ServerKeyExchange carries no hint.
    const auto* suite = session.flight.cipher_suite
                            ? mbedtls_ssl_ciphersuite_from_id(*session.flight.cipher_suite)
                            : nullptr;
    if (suite == nullptr || mbedtls_ssl_ciphersuite_uses_psk(suite) == 0 ||
        !session.flight.psk_hint)
        return;
    ++stats_.psk_hints_received;
    if (auto chosen = config_.psk->choose_by_hint(*session.flight.psk_hint)) {
        session.use_identity(*chosen);
        ++stats_.psk_hints_answered;
    }
}

void DtlsEndpoint::accept(Instant now, const Address& peer, gsl::span<const std::byte> datagram) {
    if (!listener_)
        listener_ = std::make_unique<Session>(*this, peer);
    else
        listener_->reset(peer);
    Session& listener = *listener_;
    listener.at(now);
    listener.inbound = datagram;
    listener.inbound_pending = true;
    const std::size_t queued_before = out_.size();
    const int result = mbedtls_ssl_handshake(&listener.ssl);
    if (result == MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED) {
        // A HelloVerifyRequest went out (smaller than the ClientHello); nothing kept.
        ++stats_.hello_verify_requests;
        return;
    }
    if (result != MBEDTLS_ERR_SSL_WANT_READ && result != MBEDTLS_ERR_SSL_WANT_WRITE &&
        result != 0) {
        // Not a usable ClientHello: dropped, nothing kept, nothing said.
        out_.resize(queued_before);
        ++stats_.dropped_no_session;
        return;
    }
    // The address is verified (the cookie was right): this is a session now,
    // if there is room for it.
    if (sessions_.size() >= config_.max_sessions || handshakes() >= config_.max_handshakes) {
        out_.resize(queued_before);
        ++stats_.refused_full;
        return;
    }
    listener.last_activity = now;
    listener.started = now;
    sessions_.emplace(peer, std::move(listener_));
}

DtlsEndpoint::Session* DtlsEndpoint::start_client(Instant now, const Address& peer) {
    if (sessions_.size() >= config_.max_sessions || handshakes() >= config_.max_handshakes) {
        events_.push_back({SessionEvent::Kind::failed, peer, Failure::table_full});
        return nullptr;
    }
    auto created = std::make_unique<Session>(*this, peer);
    Session* session = created.get();
    session->last_activity = now;
    session->started = now;
    sessions_.emplace(peer, std::move(created));
    session->at(now);
    drive(now, *session);  // the ClientHello
    return find(peer);     // gone again when the handshake could not start
}

bool DtlsEndpoint::connect(Instant now, const Address& peer) {
    if (find(peer) != nullptr) return true;
    if (config_.role == Role::server) return false;
    return start_client(now, peer) != nullptr;
}

bool DtlsEndpoint::send(Instant now, const Address& peer, gsl::span<const std::byte> plaintext) {
    Session* session = find(peer);
    if (session == nullptr) {
        if (config_.role == Role::server) return false;  // a server never initiates
        session = start_client(now, peer);
        if (session == nullptr) return false;
    }
    session->at(now);
    if (session->state == Session::State::handshaking) {
        if (session->queued.size() >= config_.max_queued_per_peer) return false;
        session->queued.emplace_back(plaintext.begin(), plaintext.end());
        return true;
    }
    const int written = mbedtls_ssl_write(
        &session->ssl, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size());
    if (written < 0) {
        fail(*session, failure_of(written, session->ssl));
        return false;
    }
    session->last_activity = now;
    return static_cast<std::size_t>(written) == plaintext.size();
}

void DtlsEndpoint::drive(Instant now, Session& session) {
    if (session.state == Session::State::handshaking) {
        const int result = mbedtls_ssl_handshake(&session.ssl);
        if (result == MBEDTLS_ERR_SSL_WANT_READ || result == MBEDTLS_ERR_SSL_WANT_WRITE) return;
        if (result != 0) {
            fail(session, failure_of(result, session.ssl));
            return;
        }
        session.state = Session::State::established;
        session.last_activity = now;
        ++stats_.handshakes_completed;
        events_.push_back({SessionEvent::Kind::established, session.peer, Failure::none});
        if (!flush_queued(session)) return;
    }
    read_application_data(now, session);
}

bool DtlsEndpoint::flush_queued(Session& session) {
    while (!session.queued.empty()) {
        const std::vector<std::byte> plaintext = std::move(session.queued.front());
        session.queued.pop_front();
        const int written = mbedtls_ssl_write(
            &session.ssl, reinterpret_cast<const unsigned char*>(plaintext.data()),
            plaintext.size());
        if (written < 0) {
            fail(session, failure_of(written, session.ssl));
            return false;
        }
    }
    return true;
}

void DtlsEndpoint::read_application_data(Instant now, Session& session) {
    std::array<unsigned char, 16384> buffer;
    for (;;) {
        const int read = mbedtls_ssl_read(&session.ssl, buffer.data(), buffer.size());
        if (read > 0) {
            const auto* first = reinterpret_cast<const std::byte*>(buffer.data());
            plaintext_.push_back(
                {session.peer,
                 std::vector<std::byte>(first, first + static_cast<std::size_t>(read))});
            ++stats_.plaintext_in;
            session.last_activity = now;
            continue;
        }
        if (read == MBEDTLS_ERR_SSL_WANT_READ || read == MBEDTLS_ERR_SSL_WANT_WRITE) return;
        if (read == MBEDTLS_ERR_SSL_CLIENT_RECONNECT) {
            // The client started over from the same address with a valid cookie
            // (it lost its session): the old session goes, the new one starts.
            const Address peer = session.peer;
            const std::vector<std::byte> hello(session.inbound.begin(), session.inbound.end());
            events_.push_back({SessionEvent::Kind::closed, peer, Failure::closed});
            erase(peer);
            accept(now, peer, hello);
            return;
        }
        if (read == 0 || read == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            events_.push_back({SessionEvent::Kind::closed, session.peer, Failure::closed});
            erase(session.peer);
            return;
        }
        fail(session, failure_of(read, session.ssl));
        return;
    }
}

void DtlsEndpoint::fail(Session& session, Failure failure) {
    if (session.state == Session::State::handshaking) ++stats_.handshakes_failed;
    events_.push_back({SessionEvent::Kind::failed, session.peer, failure});
    erase(session.peer);
}

void DtlsEndpoint::erase(Address peer) {
    sessions_.erase(peer);
}

void DtlsEndpoint::handle_timeout(Instant now) {
    std::vector<Address> due;
    for (const auto& [peer, session] : sessions_) {
        if (session->state == Session::State::handshaking) {
            const auto deadline = session->timer_deadline();
            if ((deadline && *deadline <= now) || now >= handshake_limit(*session))
                due.push_back(peer);
        } else if (now - session->last_activity >= config_.idle_timeout) {
            due.push_back(peer);
        }
    }
    for (const Address& peer : due) {
        Session* session = find(peer);
        if (session == nullptr) continue;
        session->at(now);
        if (session->state == Session::State::handshaking) {
            if (now >= handshake_limit(*session))
                fail(*session, Failure::handshake_timeout);
            else
                drive(now, *session);  // mbedTLS retransmits the flight, or gives up
        } else {
            (void)mbedtls_ssl_close_notify(&session->ssl);
            events_.push_back({SessionEvent::Kind::closed, peer, Failure::idle});
            erase(peer);
        }
    }
}

std::optional<Instant> DtlsEndpoint::next_timeout() const {
    std::optional<Instant> next;
    const auto earliest = [&next](Instant at) {
        if (!next || at < *next) next = at;
    };
    for (const auto& [peer, session] : sessions_) {
        if (session->state == Session::State::handshaking) {
            if (const auto deadline = session->timer_deadline()) earliest(*deadline);
            earliest(handshake_limit(*session));
        } else {
            earliest(session->last_activity + config_.idle_timeout);
        }
    }
    return next;
}

void DtlsEndpoint::close(Instant now, const Address& peer) {
    Session* session = find(peer);
    if (session == nullptr) return;
    session->at(now);
    if (session->state == Session::State::established)
        (void)mbedtls_ssl_close_notify(&session->ssl);
    erase(peer);
}

std::optional<Datagram> DtlsEndpoint::next_datagram() {
    if (out_.empty()) return std::nullopt;
    Datagram datagram = std::move(out_.front());
    out_.pop_front();
    return datagram;
}

std::optional<Datagram> DtlsEndpoint::next_plaintext() {
    if (plaintext_.empty()) return std::nullopt;
    Datagram datagram = std::move(plaintext_.front());
    plaintext_.pop_front();
    return datagram;
}

std::optional<SessionEvent> DtlsEndpoint::next_event() {
    if (events_.empty()) return std::nullopt;
    SessionEvent event = events_.front();
    events_.pop_front();
    return event;
}

}  // namespace coap::dtls
