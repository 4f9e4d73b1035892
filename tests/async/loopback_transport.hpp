// loopback_transport.hpp — a pair of in-memory Transports joined back to back
// with fixed rings and a manual clock: no allocation after construction, so a
// test can count what the async API itself allocates per request. Owns the
// rings and the clock; nothing else. Not a network model (see adapters/sim).
#pragma once

#include "coap/transport.hpp"

#include <array>
#include <cstring>
#include <vector>

namespace coap::test {

class LoopbackClock {
  public:
    Instant now{};
};

class LoopbackTransport final : public Transport {
  public:
    LoopbackTransport(LoopbackClock& clock, const Address& self) : clock_(clock), self_(self) {
        for (auto& slot : ring_)
            slot.bytes.resize(2048);
    }
    void connect(LoopbackTransport& other) noexcept { other_ = &other; }

    Instant now() const override { return clock_.now; }
    std::optional<Received> receive(gsl::span<std::byte> buffer) override {
        if (head_ == tail_) return std::nullopt;
        Slot& slot = ring_[head_ % ring_.size()];
        ++head_;
        if (slot.length > buffer.size()) return receive(buffer);
        std::memcpy(buffer.data(), slot.bytes.data(), slot.length);
        return Received{slot.from, slot.length, {}};
    }
    bool send(const Address&, gsl::span<const std::byte> datagram) override {
        if (other_ == nullptr || datagram.size() > 2048) return false;
        return other_->push(self_, datagram);
    }
    bool wait(std::optional<Instant> deadline) override {
        if (other_ != nullptr && other_->owner_ != nullptr) other_->owner_->service();
        if (head_ != tail_) return true;
        if (!deadline) return false;
        if (*deadline > clock_.now) clock_.now = *deadline;
        return true;
    }
    std::optional<Address> resolve(std::string_view, std::uint16_t) override {
        return other_ ? std::optional<Address>(other_->self_) : std::nullopt;
    }
    Address local_address() const override { return self_; }
    void attach(Serviceable* owner) override { owner_ = owner; }

  private:
    struct Slot {
        std::vector<std::byte> bytes;
        std::size_t length = 0;
        Address from;
    };
    bool push(const Address& from, gsl::span<const std::byte> datagram) {
        if (tail_ - head_ == ring_.size()) return false;
        Slot& slot = ring_[tail_ % ring_.size()];
        ++tail_;
        std::memcpy(slot.bytes.data(), datagram.data(), datagram.size());
        slot.length = datagram.size();
        slot.from = from;
        return true;
    }

    LoopbackClock& clock_;
    Address self_;
    LoopbackTransport* other_ = nullptr;
    Serviceable* owner_ = nullptr;
    std::array<Slot, 64> ring_{};
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

}  // namespace coap::test
