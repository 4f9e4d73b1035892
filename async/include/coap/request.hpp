// coap/request.hpp — Request: the base send descriptors (GET, POST, PUT,
// DELETE, FETCH, PATCH, iPATCH, any method, observe, ping) and which response
// codes count as success for each method. Combinators (combinators.hpp) wrap
// these; this file owns only the bases.
#pragma once

#include "coap/combinators.hpp"
#include "coap/owned_message.hpp"
#include "coap/send_descriptor.hpp"

namespace coap {

/// The 2.xx codes that finish a request of `method` successfully: GET and FETCH
/// 2.05 or 2.03; POST 2.01, 2.02, 2.04 or 2.05; PUT 2.01 or 2.04; DELETE 2.02;
/// PATCH and iPATCH 2.04 or 2.01 (RFC 7252 §5.8, RFC 8132 §3); any 2.xx but 2.31
/// for other methods. 2.31 Continue is never final (RFC 7959 §2.9.1).
constexpr bool is_success_for(Code method, Code response) noexcept {
    if (!response.is_success() || response == codes::continue_) return false;
    if (method == codes::get || method == codes::fetch)
        return response == codes::content || response == codes::valid;
    if (method == codes::post)
        return response == codes::created || response == codes::deleted ||
               response == codes::changed || response == codes::content;
    if (method == codes::put) return response == codes::created || response == codes::changed;
    if (method == codes::delete_) return response == codes::deleted;
    if (method == codes::patch || method == codes::ipatch)
        return response == codes::changed || response == codes::created;
    return true;
}

/// The outcome of one response for a plain request: success, or the error its
/// code means (4.04 → resource_not_found, 5.xx → server_error, an unexpected
/// 2.xx → unexpected_response, …).
inline HandlerResult<Done> judge_response(Code method, const InboundResult& response) {
    if (!response) return Err{response.error()};
    if (is_success_for(method, response->code())) return done();
    return Err{Error::from_code(response->code())};
}

/// A request with a method: finishes with Done on success, or an Error.
class Request : public Combinators<Request> {
  public:
    using value_type = Done;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = false;
    static constexpr bool many_responses = false;

    static Request get() noexcept { return Request(codes::get); }
    static Request post() noexcept { return Request(codes::post); }
    static Request put() noexcept { return Request(codes::put); }
    static Request delete_() noexcept { return Request(codes::delete_); }
    static Request fetch() noexcept { return Request(codes::fetch); }
    static Request patch() noexcept { return Request(codes::patch); }
    static Request ipatch() noexcept { return Request(codes::ipatch); }
    /// Any request code (0.01–0.31); sending anything else fails with invalid_argument.
    static Request method(Code code) noexcept { return Request(code); }
    /// GET with Observe: 0 (RFC 7641): every notification is a value (see ObserveRequest).
    static class ObserveRequest observe() noexcept;
    /// A CoAP ping (RFC 7252 §4.3): an empty CON answered by RST.
    static class PingRequest ping() noexcept;

    Code method_code() const noexcept { return method_; }

    void configure(RequestOptions& options) const noexcept {
        options.method = method_;
        options.confirmable = true;
    }
    void write_options(MessageWriter&) const noexcept {}
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<Done> handle(const InboundResult& response) const {
        return judge_response(method_, response);
    }
    std::optional<Duration> keep_waiting_timeout() const noexcept { return std::nullopt; }

  private:
    explicit Request(Code method) noexcept : method_(method) {}
    Code method_;
};

/// RFC 7641 §3.4: a notification with sequence number `v2` received at `t2` is
/// newer than one with `v1` received at `t1` when the 24-bit numbers are in order
/// within half the number space (2^23), or when more than 128 seconds passed.
constexpr bool observe_is_newer(std::uint32_t v1, Instant t1, std::uint32_t v2,
                                Instant t2) noexcept {
    constexpr std::uint32_t half = std::uint32_t{1} << 23;
    return (v1 < v2 && v2 - v1 < half) || (v1 > v2 && v1 - v2 > half) || t2 > t1 + seconds(128);
}

/// GET with Observe: 0. Each successful response is a value: awaited, the first
/// one; as a stream, every notification until the server ends the observation
/// or an error. A notification older than the newest one seen (§3.4) is dropped;
/// a 2.xx without Observe is the last value (§3.2), a 4.xx/5.xx ends the stream
/// with its error. (Re-registration: later.)
class ObserveRequest : public Combinators<ObserveRequest> {
  public:
    using value_type = OwnedMessage;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = false;
    static constexpr bool many_responses = true;

    void configure(RequestOptions& options) const noexcept {
        options.method = codes::get;
        options.confirmable = true;
    }
    void write_options(MessageWriter& writer) const noexcept {
        writer.option_uint(OptionNumber::observe, 0);
    }
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<OwnedMessage> handle(const InboundResult& response) const {
        if (!response) return Err{response.error()};
        if (!is_success_for(codes::get, response->code()))
            return Err{Error::from_code(response->code())};
        // §3.2: a response without Observe means the server does not (or no
        // longer) keep the observation: it is the last value.
        const auto sequence = response->message().observe();
        if (!sequence) return done_last(OwnedMessage(response->message()));
        if (newest_ &&
            !observe_is_newer(newest_->sequence, newest_->at, *sequence, response->received_at()))
            return keep_waiting;  // §3.4: an older notification is dropped
        newest_ = Newest{*sequence, response->received_at()};
        return done(OwnedMessage(response->message()));
    }
    /// Notifications may be far apart: wait a day for the next one.
    std::optional<Duration> keep_waiting_timeout() const noexcept { return seconds(24 * 3600); }

  private:
    struct Newest {
        std::uint32_t sequence = 0;
        Instant at{};
    };
    /// The newest notification delivered (handle() is const in the contract).
    mutable std::optional<Newest> newest_{};
};

/// A CoAP ping: finishes with Done when the peer answers (RST or empty ACK).
class PingRequest : public Combinators<PingRequest> {
  public:
    using value_type = Done;
    static constexpr bool is_ping = true;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = true;  // an empty message carries no options
    static constexpr bool many_responses = false;

    void configure(RequestOptions& options) const noexcept {
        options.method = codes::empty;
        options.confirmable = true;
    }
    void write_options(MessageWriter&) const noexcept {}
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<Done> handle(const InboundResult& response) const {
        if (!response) return Err{response.error()};
        return done();
    }
    std::optional<Duration> keep_waiting_timeout() const noexcept { return std::nullopt; }
};

inline ObserveRequest Request::observe() noexcept {
    return ObserveRequest{};
}
inline PingRequest Request::ping() noexcept {
    return PingRequest{};
}

static_assert(SendDescriptor<Request>);
static_assert(SendDescriptor<ObserveRequest>);
static_assert(SendDescriptor<PingRequest>);

}  // namespace coap
