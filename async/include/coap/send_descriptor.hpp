// coap/send_descriptor.hpp — the send descriptor contract (the client policy
// of one request, after Rust's async-coap SendDesc): configure the request,
// write its options, write its payload, then handle each response — or the
// failure — and decide: done(value), send_next (same token, new message ID)
// or keep_waiting (more responses with the same token). Descriptors compose at
// compile time (combinators.hpp) and are type-erased only at the Driver.
#pragma once

#include "coap/driver.hpp"
#include "coap/endpoint.hpp"
#include "coap/error.hpp"
#include "coap/inbound_context.hpp"
#include "coap/message_writer.hpp"
#include "coap/observation.hpp"
#include "coap/result.hpp"

#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

namespace coap {

/// A response, or why there is none.
using InboundResult = Result<const InboundContext&, Error>;

struct SendNextTag {};
/// Send another request in the same exchange (e.g. the next block).
inline constexpr SendNextTag send_next{};
struct KeepWaitingTag {};
/// Wait for more responses with the same token (multicast, observe, streams).
inline constexpr KeepWaitingTag keep_waiting{};

template <class T>
struct DoneValue {
    T value;
    /// No more values follow, even where many responses are expected (an
    /// observation the server ended, RFC 7641 §3.2).
    bool last = false;
};
/// Finished, with a value.
template <class T>
DoneValue<std::decay_t<T>> done(T&& value) {
    return {std::forward<T>(value)};
}
/// Finished, with nothing more to say than success.
inline DoneValue<Done> done() {
    return {Done{}};
}
/// Finished with the last value of a send that expected many.
template <class T>
DoneValue<std::decay_t<T>> done_last(T&& value) {
    return {std::forward<T>(value), true};
}

/// A handler's decision (async-coap's ResponseStatus): Done(value), SendNext or Continue.
template <class T>
class ResponseStatus {
    static_assert(std::is_nothrow_move_constructible_v<T>,
                  "a descriptor's value type must be nothrow-movable");

  public:
    ResponseStatus(SendNextTag) noexcept : verdict_(Verdict::send_next) {}
    ResponseStatus(KeepWaitingTag) noexcept : verdict_(Verdict::keep_waiting) {}
    template <class U, class = std::enable_if_t<std::is_constructible_v<T, U&&>>>
    ResponseStatus(DoneValue<U>&& finished) noexcept(std::is_nothrow_constructible_v<T, U&&>)
        : verdict_(Verdict::done),
          value_(std::in_place, std::move(finished.value)),
          last_(finished.last) {}

    Verdict verdict() const noexcept { return verdict_; }
    bool is_done() const noexcept { return verdict_ == Verdict::done; }
    /// done_last(): no more values follow.
    bool is_last() const noexcept { return last_; }
    T& value() noexcept { return *value_; }

  private:
    Verdict verdict_;
    std::optional<T> value_;
    bool last_ = false;
};

/// What a descriptor's handle() returns: a decision, or the error that ends the send.
template <class T>
using HandlerResult = Result<ResponseStatus<T>, Error>;

/// True for a descriptor built on Request::ping() (an empty CON, not a request).
template <class D>
constexpr bool is_ping_descriptor() noexcept {
    if constexpr (requires { D::is_ping; })
        return D::is_ping;
    else
        return false;
}

/// A descriptor that is (or wraps) an observation, Request::observe(): its
/// send operation re-registers after a delay and deregisters when it ends.
template <class D>
concept ObservingDescriptor = requires(const D& d) {
    { d.observation() } -> std::same_as<Observation&>;
};

/// The contract every descriptor (and every combinator around one) meets.
template <class D>
concept SendDescriptor = std::move_constructible<D> &&
    requires(D& d, const D& cd, MessageWriter& writer, RequestOptions& options,
             const InboundResult& response) {
    typename D::value_type;
    /// Method, CON/NON, multicast and transmission parameters of the next request.
    { cd.configure(options) } -> std::same_as<void>;
    { cd.write_options(writer) } -> std::same_as<void>;
    { cd.write_payload(writer) } -> std::same_as<void>;
    { d.handle(response) } -> std::same_as<HandlerResult<typename D::value_type>>;
    /// How long keep_waiting waits; nullopt: the Endpoint's non-response timeout.
    { cd.keep_waiting_timeout() } -> std::same_as<std::optional<Duration>>;
    /// Compile-time facts the combinators check (block2 with multicast, …).
    { D::is_multicast } -> std::convertible_to<bool>;
    { D::has_block2 } -> std::convertible_to<bool>;
    { D::sets_uri } -> std::convertible_to<bool>;
    /// Responses keep coming after a done(value) (multicast, observe): a stream
    /// emits each value and keeps waiting.
    { D::many_responses } -> std::convertible_to<bool>;
};

}  // namespace coap
