// device.hpp — Device: the application of a small CoAP node, as it would run on
// a microcontroller: one Endpoint living in a caller's static block, a radio
// driver and a millisecond tick. step(now_ms) is one pass of the main loop.
// Features are chosen at compile time, so that each size-report program links
// only what it uses (each defaults to on):
//   EXAMPLE_SERVER    /temp (GET), /led (GET, PUT)  and  /.well-known/core
//   EXAMPLE_CLIENT    reads the peer's /temp every 2 s
//   EXAMPLE_BLOCKWISE server: /log, a 300-byte body in Block2 blocks (RFC 7959);
//                     client: fetches the peer's /log block by block
//   EXAMPLE_OBSERVE   server: /temp is observable, one observer, notified every
//                     3 s (RFC 7641);
//                     client: observes the peer's /temp
// Never allocates, reads no clock and touches no OS: the example's rules are the
// engine's.
#pragma once

#include "coap/endpoint.hpp"
#include "fake_radio.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>

#ifndef EXAMPLE_SERVER
#define EXAMPLE_SERVER 1
#endif
#ifndef EXAMPLE_CLIENT
#define EXAMPLE_CLIENT 1
#endif
#ifndef EXAMPLE_BLOCKWISE
#define EXAMPLE_BLOCKWISE 1
#endif
#ifndef EXAMPLE_OBSERVE
#define EXAMPLE_OBSERVE 1
#endif

namespace example {

/// The small capacities of a microcontroller node: a handful of exchanges,
/// one or two peers, 128-byte messages.
coap::EndpointConfig small_config(std::uint64_t seed) noexcept;

/// Bytes of the static block the Endpoint lives in: Endpoint::required_memory
/// (small_config()) rounded up to 8, as measured where the example runs. On the
/// Cortex-M4 (the embedded profile, ILP32) embedded/target/on_target.cpp
/// measures it under QEMU; on the 64-bit host (hosted profile: 8-byte pointers
/// and sizes, 32-byte addresses) tests/embedded does. Both fail when the
/// figure here is not the measurement rounded up. A block too small is a
/// contract violation in the Endpoint's constructor, at startup.
#if defined(COAP_EMBEDDED) && COAP_EMBEDDED
inline constexpr std::size_t endpoint_memory_bytes = 4064;
#else
inline constexpr std::size_t endpoint_memory_bytes = 4576;
#endif

/// The body of /log (served block-wise).
inline constexpr std::size_t log_size = 300;

class Device {
  public:
    /// `memory`: endpoint_memory_bytes aligned to coap::Endpoint::memory_alignment.
    /// `peer`: the link address of the node this one's client talks to.
    Device(FakeRadio& radio, gsl::span<std::byte> memory, std::uint8_t peer,
           std::uint64_t seed) noexcept;

    /// One pass of the main loop: received frames in, expired timers, frames
    /// out, events handled, application timers. Returns the tick at which it
    /// wants to run again at the latest (the loop may sleep until then or
    /// until the radio interrupts).
    std::uint32_t step(std::uint32_t now_ms) noexcept;

    /// The sensor the server reports (set by the application).
    void set_temperature(std::int16_t tenths) noexcept { temperature_ = tenths; }
    bool led() const noexcept { return led_; }

    // What the client side learned, for tests and a debugger.
    std::int32_t peer_temperature() const noexcept { return peer_temperature_; }
    std::uint32_t readings() const noexcept { return readings_; }
    std::uint32_t notifications_received() const noexcept { return notifications_; }
    std::uint32_t failures() const noexcept { return failures_; }
    /// The peer's /log once fetched whole (empty before).
    gsl::span<const std::byte> peer_log() const noexcept {
        return {log_.data(), log_complete_ ? log_length_ : 0};
    }
    const coap::Endpoint& endpoint() const noexcept { return endpoint_; }

  private:
    void drain(coap::Instant now) noexcept;
    void on_request(coap::Instant now, const coap::Event& event) noexcept;
    void on_response(coap::Instant now, const coap::Event& event) noexcept;
    void on_failure(const coap::Event& event) noexcept;
    void client_tick(coap::Instant now) noexcept;
    void server_tick(coap::Instant now) noexcept;
    void request_log_block(coap::Instant now, std::uint32_t num) noexcept;

    FakeRadio& radio_;
    coap::Endpoint endpoint_;
    coap::Address peer_;
    std::array<std::byte, radio_mtu> buffer_{};
    std::int64_t wraps_ = 0;
    std::uint32_t last_ms_ = 0;
    std::uint32_t next_client_tick_ = 0;
    std::uint32_t next_server_tick_ = 0;

    // server
    std::int16_t temperature_ = 215;
    bool led_ = false;
    bool observed_ = false;
    coap::Address observer_{};
    std::array<std::byte, 8> observer_token_{};
    std::uint8_t observer_token_length_ = 0;
    std::uint32_t observe_sequence_ = 2;
    coap::NotificationId last_notification_{};

    // client
    coap::RequestId reading_{};
    coap::RequestId observation_{};
    coap::RequestId log_request_{};
    bool observing_ = false;
    std::int32_t peer_temperature_ = 0;
    std::uint32_t readings_ = 0;
    std::uint32_t notifications_ = 0;
    std::uint32_t failures_ = 0;
    std::array<std::byte, log_size> log_{};
    std::size_t log_length_ = 0;
    bool log_complete_ = false;
};

}  // namespace example
