// coap/request.hpp — Request: the base send descriptors (GET, POST, PUT,
// DELETE, FETCH, PATCH, iPATCH, any method, observe, ping) and which response
// codes count as success for each method. The observe descriptor's rules live
// in Observation (observation.hpp). Combinators (combinators.hpp) wrap
// these; this file owns only the bases.
#pragma once

#include "coap/combinators.hpp"
#include "coap/observation.hpp"
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
    static class ObserveRequest observe(const ObserveClientConfig& config) noexcept;
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

/// GET with Observe: 0 (RFC 7641). Each successful response is a value: awaited,
/// the first one; as a stream, every notification until the server ends the
/// observation or an error. The rules (coap/observation.hpp):
/// - §3.4: a notification older than the newest one delivered is dropped; the
///   answer to a re-registration in the ACK of its request starts a new order.
/// - §3.1, §4.1: a 2.xx without Observe means the server does not (or no longer)
///   keep us as an observer: it is a value, and when its Max-Age passes the GET
///   goes again under the same token (at most max_unobserved_answers times in a
///   row; then, or with reregister_when_unobserved off, it is the last value and
///   the stream ends). A 4.xx/5.xx ends the stream with its error.
/// - §3.3.1: when Max-Age of the latest notification plus a slack passes without
///   another, the GET goes again under the same token and with the same options;
///   a registration (the first one too) that gets no answer is retried under
///   the same token with exponential back-off, and when the retries run out the
///   stream ends with ErrorKind::observation_lost.
/// - §3.6: destroying or cancelling the stream or awaitable (or an awaitable
///   finishing with its first value) deregisters: a GET with Observe 1 under the
///   token (proactive, the default), or nothing, so that the next notification
///   gets RST (reactive).
class ObserveRequest : public Combinators<ObserveRequest> {
  public:
    using value_type = OwnedMessage;
    static constexpr bool is_multicast = false;
    static constexpr bool has_block2 = false;
    static constexpr bool sets_uri = false;
    static constexpr bool many_responses = true;

    explicit ObserveRequest(const ObserveClientConfig& config = {}) noexcept
        : observation_(config) {}

    void configure(RequestOptions& options) const noexcept {
        options.method = codes::get;
        options.confirmable = true;
        // Re-registration and deregistration use the observation's token (§3.3.1, §3.6).
        options.token = observation_.token();
    }
    void write_options(MessageWriter& writer) const noexcept {
        writer.option_uint(OptionNumber::observe, observation_.observe_value());
    }
    void write_payload(MessageWriter&) const noexcept {}
    HandlerResult<OwnedMessage> handle(const InboundResult& response) const {
        if (!response) {
            if (observation_.failed(response.error()) == Observation::AfterFailure::reregister)
                return send_next;
            return Err{observation_.failure_error(response.error())};
        }
        const MessageView& message = response->message();
        if (!is_success_for(codes::get, response->code())) {
            observation_.ended();
            return Err{Error::from_code(response->code())};
        }
        const auto sequence = message.observe();
        if (!sequence) {
            if (observation_.unobserved(message.max_age_or_default(), response->received_at()))
                return done(OwnedMessage(message));
            return done_last(OwnedMessage(message));
        }
        const bool piggybacked = message.type() == MessageType::acknowledgement;
        if (!observation_.accept(*sequence, message.max_age_or_default(), response->received_at(),
                                 piggybacked))
            return keep_waiting;  // §3.4: an older notification is dropped
        return done(OwnedMessage(message));
    }
    /// Until Max-Age plus slack of the latest notification (then re-registration).
    std::optional<Duration> keep_waiting_timeout() const noexcept {
        return observation_.listen_timeout();
    }
    /// The observation's state, for the send operations (deregistration, back-off).
    Observation& observation() const noexcept { return observation_; }

  private:
    /// handle() is const in the contract; the observation changes with each response.
    mutable Observation observation_;
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
inline ObserveRequest Request::observe(const ObserveClientConfig& config) noexcept {
    return ObserveRequest{config};
}
inline PingRequest Request::ping() noexcept {
    return PingRequest{};
}

static_assert(SendDescriptor<Request>);
static_assert(SendDescriptor<ObserveRequest>);
static_assert(SendDescriptor<PingRequest>);

}  // namespace coap
