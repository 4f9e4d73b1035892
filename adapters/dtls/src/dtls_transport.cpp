// dtls_transport.cpp — DtlsTransport (see dtls_transport.hpp): plaintext
// above, records below, the DtlsEndpoint in between.
#include "coap/dtls/dtls_transport.hpp"

#include <algorithm>
#include <cstring>

namespace coap::dtls {

DtlsTransport::DtlsTransport(Transport& below, const DtlsConfig& config)
    : below_(below), endpoint_(config), scratch_(65536) {
    below_.set_unreachable_handler([this](const Address& peer) {
        if (unreachable_) unreachable_(peer);
    });
}

DtlsTransport::~DtlsTransport() {
    below_.attach(nullptr);
    below_.set_unreachable_handler({});
}

void DtlsTransport::attach(Serviceable* owner) {
    owner_ = owner;
    // Below sees this transport as its owner, so that DTLS timers wake it too.
    below_.attach(owner != nullptr ? static_cast<Serviceable*>(this) : nullptr);
}

void DtlsTransport::set_unreachable_handler(std::function<void(const Address&)> handler) {
    unreachable_ = std::move(handler);
}

void DtlsTransport::service() {
    pump();
    if (owner_ != nullptr) owner_->service();
}

std::optional<Instant> DtlsTransport::next_wakeup() const {
    std::optional<Instant> wakeup = owner_ != nullptr ? owner_->next_wakeup() : std::nullopt;
    if (const auto dtls = endpoint_.next_timeout(); dtls && (!wakeup || *dtls < *wakeup))
        wakeup = dtls;
    return wakeup;
}

void DtlsTransport::pump() {
    const Instant now = below_.now();
    if (const auto due = endpoint_.next_timeout(); due && *due <= now)
        endpoint_.handle_timeout(now);
    while (auto datagram = endpoint_.next_datagram())
        (void)below_.send(datagram->peer, datagram->bytes);
    while (const auto event = endpoint_.next_event()) {
        if (event->kind == SessionEvent::Kind::failed) {
            failures_[event->peer] = event->failure;
            latest_failure_ = *event;
            // The Endpoint above fails its requests to that peer at once.
            if (unreachable_) unreachable_(event->peer);
        }
        if (session_handler_) session_handler_(*event);
    }
}

std::optional<Received> DtlsTransport::receive(gsl::span<std::byte> buffer) {
    for (;;) {
        if (auto plaintext = endpoint_.next_plaintext()) {
            if (plaintext->bytes.size() > buffer.size()) continue;  // dropped, not truncated
            std::memcpy(buffer.data(), plaintext->bytes.data(), plaintext->bytes.size());
            // Application data flows only after a completed handshake, whose
            // round trips showed that the peer receives at its address.
            return Received{plaintext->peer, plaintext->bytes.size(),
                            ArrivalInfo{.source_verified = true}};
        }
        const auto record = below_.receive(scratch_);
        if (!record) {
            pump();
            return std::nullopt;
        }
        endpoint_.receive(below_.now(), record->peer, {scratch_.data(), record->length});
        pump();
    }
}

bool DtlsTransport::send(const Address& peer, gsl::span<const std::byte> datagram) {
    const bool accepted = endpoint_.send(below_.now(), peer, datagram);
    pump();
    return accepted;
}

bool DtlsTransport::wait(std::optional<Instant> deadline) {
    if (const auto dtls = endpoint_.next_timeout(); dtls && (!deadline || *dtls < *deadline))
        deadline = dtls;
    const bool more = below_.wait(deadline);
    pump();
    return more || endpoint_.next_timeout().has_value();
}

Failure DtlsTransport::last_failure(const Address& peer) const {
    const auto found = failures_.find(peer);
    return found == failures_.end() ? Failure::none : found->second;
}

}  // namespace coap::dtls
