// coap/observation.hpp — the client side of one RFC 7641 observation: its
// configuration (how it is cancelled, when and how often it re-registers),
// its token, the freshness of its notifications (§3.4), the Max-Age deadline
// after which it re-registers (§3.3.1) and the back-off of re-registrations
// that fail. Pure bookkeeping: it decides, Request::observe() and the send
// operations act (send, wait, deregister). Never sends, never reads a clock.
#pragma once

#include "coap/error.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap {

/// RFC 7641 §3.4: a notification with sequence number `v2` received at `t2` is
/// newer than one with `v1` received at `t1` when the 24-bit numbers are in order
/// within half the number space (2^23), or when more than 128 seconds passed.
constexpr bool observe_is_newer(std::uint32_t v1, Instant t1, std::uint32_t v2,
                                Instant t2) noexcept {
    constexpr std::uint32_t half = std::uint32_t{1} << 23;
    return (v1 < v2 && v2 - v1 < half) || (v1 > v2 && v1 - v2 > half) || t2 > t1 + seconds(128);
}

/// How an observation ends when its stream or awaitable is destroyed or
/// cancelled (RFC 7641 §3.6).
enum class ObserveCancellation : std::uint8_t {
    /// A GET with Observe 1 under the observation's token and with the
    /// registration's options: the server stops at once. Its response is
    /// swallowed by the Driver.
    proactive,
    /// Forget the token: the next notification matches nothing and gets RST (a
    /// CON one always; a NON one when EndpointConfig::reset_unexpected_non_responses
    /// is set, otherwise the server learns at its next CON notification).
    reactive,
};

/// Client options of one observation (Request::observe(config)).
struct ObserveClientConfig {
    ObserveCancellation cancellation = ObserveCancellation::proactive;
    /// §3.3.1: when Max-Age of the latest notification (60 s when absent) has
    /// passed, plus `max_age_slack`, without a newer one, send the GET with
    /// Observe 0 again under the same token. Off: the stream waits a day for the
    /// next notification and then ends quietly.
    bool reregister = true;
    /// Added to Max-Age before re-registering: room for the network's delay and
    /// a CON notification's retransmissions.
    Duration max_age_slack = seconds(5);
    /// A registration that gets no answer within the request's transmission
    /// parameters (the first one, or a re-registration; a re-registration also
    /// when the peer is reported unreachable) is sent again under the same token
    /// after `retry_delay`, doubled each time up to `max_retry_delay`, at most
    /// this many times in a row; then the stream ends with
    /// ErrorKind::observation_lost. Zero: the first failure ends it.
    std::uint8_t max_registration_retries = 5;
    /// §3.1, §4.1: a 2.xx without Observe says that the server does not keep us
    /// as an observer (it forgot us, or cannot take another observer now). It is
    /// delivered as a value and, with this set (and `reregister`), the GET with
    /// Observe 0 goes again under the same token when its Max-Age (plus slack)
    /// passes, at most `max_unobserved_answers` times in a row; after that the
    /// answer is the last value and the stream ends. Off: the first such answer
    /// ends the stream.
    bool reregister_when_unobserved = true;
    std::uint8_t max_unobserved_answers = 3;
    Duration retry_delay = seconds(4);
    Duration max_retry_delay = seconds(256);
};

/// The state of one observation, kept by the ObserveRequest descriptor.
class Observation {
  public:
    /// What to do after the exchange of the observation failed.
    enum class AfterFailure : std::uint8_t {
        reregister,  ///< send the registration again (after retry_delay(), if any)
        end,         ///< end the stream with the error failure_error() gives
    };

    explicit Observation(const ObserveClientConfig& config = {}) noexcept : config_(config) {}

    const ObserveClientConfig& config() const noexcept { return config_; }

    /// The Observe value of the request being written: 0 (register), or 1 while
    /// the deregistration is written.
    std::uint32_t observe_value() const noexcept { return deregistering_ ? 1u : 0u; }
    /// The token a new exchange of this observation must carry; empty before
    /// the first registration went out (any fresh token will do).
    gsl::span<const std::byte> token() const noexcept { return {token_.data(), token_length_}; }

    /// A request of the observation went out in an exchange with `token`.
    void sent(gsl::span<const std::byte> token) noexcept;
    /// A 2.xx response with Observe `sequence` and Max-Age `max_age` arrived at
    /// `at`; `piggybacked`: in the ACK of our request, so surely its answer.
    /// True when it is to be delivered; false when it is older than the newest
    /// one delivered (§3.4) and must be dropped.
    bool accept(std::uint32_t sequence, std::uint32_t max_age, Instant at,
                bool piggybacked) noexcept;
    /// A 2.xx without Observe and with Max-Age `max_age` arrived at `at` (see
    /// ObserveClientConfig::reregister_when_unobserved). True when the
    /// observation goes on (a re-registration when that Max-Age passes); false
    /// when this answer ends it.
    bool unobserved(std::uint32_t max_age, Instant at) noexcept;
    /// Any other response arrived at `at` (dropped or final): keeps the clock.
    void seen(Instant at) noexcept { last_seen_ = at; }
    /// The server ended the observation (a response without Observe, or an error
    /// response): nothing to deregister.
    void ended() noexcept { phase_ = Phase::ended; }
    /// The exchange failed with `error`.
    AfterFailure failed(const Error& error) noexcept;
    /// The error that ends the stream after failed() returned `end`.
    Error failure_error(const Error& error) const noexcept;

    /// How long to listen for the next notification after the one just handled:
    /// until Max-Age plus slack (re-registration), or a day without it.
    Duration listen_timeout() const noexcept;
    /// How long to wait before the re-registration failed() asked for; nullopt:
    /// at once.
    std::optional<Duration> retry_delay() const noexcept { return retry_delay_; }
    /// The server may still count us as an observer: a registration went out and
    /// nothing ended it. Cancelling must then deregister (§3.6).
    bool server_may_have_us() const noexcept { return token_length_ > 0 && phase_ != Phase::ended; }
    /// Brackets the writing of the deregistration (Observe 1); the observation
    /// is over afterwards.
    void begin_deregistration() noexcept { deregistering_ = true; }
    void end_deregistration() noexcept {
        deregistering_ = false;
        phase_ = Phase::ended;
    }

    /// Registrations retried since the last response (for tests and logs).
    std::uint8_t retries() const noexcept { return retries_; }

  private:
    enum class Phase : std::uint8_t { registering, observing, reregistering, ended };
    struct Newest {
        std::uint32_t sequence = 0;
        Instant at{};
    };

    ObserveClientConfig config_;
    std::optional<Newest> newest_{};
    Instant deadline_{};   ///< re-register when no notification came by then
    Instant last_seen_{};  ///< when the last response was handled
    std::optional<Duration> retry_delay_{};
    std::array<std::byte, 8> token_{};
    std::uint8_t token_length_ = 0;
    std::uint8_t retries_ = 0;
    std::uint8_t unobserved_ = 0;  ///< 2.xx answers without Observe in a row
    Phase phase_ = Phase::registering;
    bool deregistering_ = false;
    bool lost_ = false;  ///< the re-registrations ran out
};

}  // namespace coap
