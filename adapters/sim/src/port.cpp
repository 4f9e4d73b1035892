// port.cpp — Port: the inbox, sends through the network's routing, waiting by
// running the network, resolution and the owner's servicing (see port.hpp).
#include "coap/sim/port.hpp"

#include "coap/sim/network.hpp"

#include "ip_packet.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace coap::sim {

Instant Port::now() const {
    return network_.now();
}

Address Port::local_address() const {
    return network_.address(id_);
}

void Port::deliver(const Address& peer, gsl::span<const std::byte> datagram,
                   const ArrivalInfo& arrival) {
    ++activity_;
    owed_ = true;
    if (inbox_.size() >= config_.inbox_capacity) {
        ++stats_.dropped_overflow;
        return;
    }
    ++stats_.received;
    inbox_.push_back({peer, {datagram.begin(), datagram.end()}, arrival.multicast});
}

void Port::wake() {
    ++activity_;
    owed_ = true;
}

std::optional<Instant> Port::owner_wakeup() const {
    return owner_ != nullptr ? owner_->next_wakeup() : std::nullopt;
}

bool Port::run_owner() {
    owed_ = false;
    if (owner_ == nullptr) return false;
    owner_->service();
    return true;
}

std::optional<Received> Port::receive(gsl::span<std::byte> buffer) {
    while (!inbox_.empty()) {
        Datagram datagram = std::move(inbox_.front());
        inbox_.pop_front();
        if (datagram.bytes.size() > buffer.size()) {
            ++stats_.dropped_oversize;
            continue;
        }
        if (!datagram.bytes.empty())
            std::memcpy(buffer.data(), datagram.bytes.data(), datagram.bytes.size());
        return Received{datagram.peer, datagram.bytes.size(),
                        ArrivalInfo{.multicast = datagram.multicast}};
    }
    return std::nullopt;
}

bool Port::send(const Address& peer, gsl::span<const std::byte> datagram) {
    const std::size_t max_payload = uses_ipv6(local_address(), peer) ? 65527 : 65507;
    if (datagram.size() > max_payload) return false;
    ++stats_.sent;
    return network_.route(id_, network_.address(id_), peer, datagram) > 0;
}

bool Port::wait(std::optional<Instant> deadline) {
    const std::uint64_t seen = activity_;
    const auto done = [&] { return !inbox_.empty() || activity_ != seen; };
    if (!deadline)
        return network_.run_until(done, Instant{std::numeric_limits<std::int64_t>::max()});
    if (!network_.run_until(done, *deadline) && network_.now() < *deadline)
        network_.advance(*deadline);
    return true;
}

std::optional<Address> Port::resolve(std::string_view host, std::uint16_t port) {
    if (const auto literal = Address::parse(host, port)) return literal;
    const auto named = network_.lookup(host);
    if (!named) return std::nullopt;
    const auto bytes = named->bytes();
    switch (named->family()) {
        case AddressFamily::ipv4: {
            std::array<std::uint8_t, 4> ip{};
            std::copy(bytes.begin(), bytes.end(), ip.begin());
            return Address::ipv4(ip, port);
        }
        case AddressFamily::ipv6: {
            std::array<std::uint8_t, 16> ip{};
            std::copy(bytes.begin(), bytes.end(), ip.begin());
            return Address::ipv6(ip, port, named->scope_id());
        }
        case AddressFamily::none:
        case AddressFamily::opaque:
            break;
    }
    return named;
}

void Port::attach(Serviceable* owner) {
    owner_ = owner;
    if (owner_ != nullptr && !inbox_.empty()) owed_ = true;
}

void Port::join(const Address& group) {
    network_.join(id_, group);
}

void Port::leave(const Address& group) {
    network_.leave(id_, group);
}

}  // namespace coap::sim
