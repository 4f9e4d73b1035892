// observation.cpp — Observation: the client-side rules of one RFC 7641
// observation (freshness §3.4, re-registration §3.3.1 with back-off, what a
// failure means in each phase). Decides only; never sends.
#include "coap/observation.hpp"

#include <algorithm>
#include <cstring>

namespace coap {

void Observation::sent(gsl::span<const std::byte> token) noexcept {
    token_length_ = static_cast<std::uint8_t>(std::min(token.size(), token_.size()));
    if (token_length_ > 0) std::memcpy(token_.data(), token.data(), token_length_);
    retry_delay_.reset();
}

bool Observation::accept(std::uint32_t sequence, std::uint32_t max_age, Instant at,
                         bool piggybacked) noexcept {
    last_seen_ = at;
    // §3.4 orders the notifications of one registration. The answer to a
    // (re-)registration is the server's current state and may start a new
    // sequence (a restarted server counts from anywhere): in the ACK of our
    // request it surely is that answer, and it starts the order afresh. A
    // separate response might be a late notification of the old registration,
    // so it must be newer as usual.
    const bool restart = phase_ == Phase::reregistering && piggybacked;
    if (newest_ && !restart && !observe_is_newer(newest_->sequence, newest_->at, sequence, at))
        return false;
    newest_ = Newest{sequence, at};
    phase_ = Phase::observing;
    retries_ = 0;
    unobserved_ = 0;
    deadline_ = at + seconds(max_age) + config_.max_age_slack;
    return true;
}

bool Observation::unobserved(std::uint32_t max_age, Instant at) noexcept {
    last_seen_ = at;
    retries_ = 0;
    if (!config_.reregister || !config_.reregister_when_unobserved ||
        unobserved_ >= config_.max_unobserved_answers) {
        phase_ = Phase::ended;
        return false;
    }
    // The server keeps nothing of us: ask again once this answer is stale
    // (§3.3.1), through the same path as a notification whose Max-Age passed.
    ++unobserved_;
    phase_ = Phase::observing;
    deadline_ = at + seconds(max_age) + config_.max_age_slack;
    return true;
}

Observation::AfterFailure Observation::failed(const Error& error) noexcept {
    retry_delay_.reset();
    const bool no_answer =
        error.kind == ErrorKind::response_timeout || error.kind == ErrorKind::peer_unreachable;
    if (phase_ == Phase::observing && error.kind == ErrorKind::response_timeout &&
        config_.reregister) {
        // §3.3.1: Max-Age (plus slack) passed without a newer notification: the
        // server may have forgotten us, ask again under the same token.
        phase_ = Phase::reregistering;
        retries_ = 0;
        return AfterFailure::reregister;
    }
    // A registration that got no answer: the first one (unless the network
    // said the peer is unreachable: a wrong address fails fast), or a
    // re-registration (an outage, an unreachable peer included).
    const bool unanswered =
        (phase_ == Phase::registering && error.kind == ErrorKind::response_timeout) ||
        (phase_ == Phase::reregistering && no_answer);
    if (unanswered && token_length_ > 0) {
        if (retries_ >= config_.max_registration_retries) {
            phase_ = Phase::ended;  // unreachable: nothing to deregister either
            lost_ = true;
            return AfterFailure::end;
        }
        // Back off exponentially before asking again.
        Duration delay = config_.retry_delay;
        for (std::uint8_t i = 0; i < retries_ && delay < config_.max_retry_delay; ++i)
            delay = delay + delay;
        retry_delay_ = std::min(delay, config_.max_retry_delay);
        ++retries_;
        return AfterFailure::reregister;
    }
    // A reset means the server rejected the request: it keeps nothing of us.
    if (error.kind == ErrorKind::reset) phase_ = Phase::ended;
    return AfterFailure::end;
}

Error Observation::failure_error(const Error& error) const noexcept {
    return lost_ ? Error::of(ErrorKind::observation_lost) : error;
}

Duration Observation::listen_timeout() const noexcept {
    if (!config_.reregister) return seconds(24 * 3600);
    if (phase_ != Phase::observing) {
        // Waiting for the answer to a re-registration after a response we
        // dropped: give it the default Max-Age.
        return seconds(60) + config_.max_age_slack;
    }
    const Duration left = deadline_ - last_seen_;
    return left.ms > 0 ? left : Duration{};
}

}  // namespace coap
