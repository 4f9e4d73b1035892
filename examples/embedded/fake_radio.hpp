// fake_radio.hpp — FakeRadio: a stand-in for a microcontroller's radio driver,
// shaped like a real one: frames land in a small receive ring from the radio's
// interrupt, and the main loop takes them out and transmits. Radios that share
// one FakeAir hear each other by one-byte link address (a radio may send to its
// own address: a loopback). Owns its frames only; no heap, no clock, no OS.
#pragma once

#include "coap/contract.hpp"  // before any GSL header: contracts go to coap's handler

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace example {

/// The largest frame the radio carries (a CoAP datagram with its options).
inline constexpr std::size_t radio_mtu = 128;

struct Frame {
    std::uint8_t from = 0;
    std::uint16_t length = 0;
    std::array<std::byte, radio_mtu> bytes{};
    gsl::span<const std::byte> payload() const noexcept { return {bytes.data(), length}; }
};

class FakeRadio;

/// The medium: at most four radios; `drop_every` > 0 loses every n-th frame.
struct FakeAir {
    std::array<FakeRadio*, 4> radios{};
    std::uint32_t drop_every = 0;
    std::uint32_t frames = 0;
    std::uint32_t dropped = 0;
};

class FakeRadio {
  public:
    FakeRadio(FakeAir& air, std::uint8_t address) noexcept : air_(air), address_(address) {
        for (FakeRadio*& slot : air.radios) {
            if (slot == nullptr) {
                slot = this;
                break;
            }
        }
    }
    std::uint8_t address() const noexcept { return address_; }

    /// What the receive interrupt does: copies the frame into the ring (a full
    /// ring or an oversized frame loses it, as a real radio would).
    void on_receive_interrupt(std::uint8_t from, gsl::span<const std::byte> bytes) noexcept {
        if (count_ == ring_.size() || bytes.size() > radio_mtu) {
            ++overruns_;
            return;
        }
        Frame& frame = ring_[(head_ + count_) % ring_.size()];
        frame.from = from;
        frame.length = static_cast<std::uint16_t>(bytes.size());
        if (!bytes.empty()) std::memcpy(frame.bytes.data(), bytes.data(), bytes.size());
        ++count_;
    }

    /// The oldest received frame, or nullptr; release() it once handled.
    const Frame* receive() const noexcept { return count_ == 0 ? nullptr : &ring_[head_]; }
    void release() noexcept {
        head_ = (head_ + 1) % ring_.size();
        --count_;
    }

    /// Puts a frame on the air: the radio at `to` receives it at once.
    void transmit(std::uint8_t to, gsl::span<const std::byte> bytes) noexcept {
        ++air_.frames;
        if (air_.drop_every != 0 && air_.frames % air_.drop_every == 0) {
            ++air_.dropped;
            return;
        }
        for (FakeRadio* radio : air_.radios)
            if (radio != nullptr && radio->address_ == to)
                radio->on_receive_interrupt(address_, bytes);
    }

    std::uint32_t overruns() const noexcept { return overruns_; }

  private:
    FakeAir& air_;
    std::uint8_t address_;
    std::array<Frame, 4> ring_{};
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::uint32_t overruns_ = 0;
};

}  // namespace example
