// coap/driver.hpp — Driver: runs one Endpoint over one Transport, the loop
// shape shared by every transport (simulated, UDP, DTLS):
//   receive → handle_datagram, handle_timeout when due, transmit,
//   drain events (resume coroutines, call callbacks and request handlers),
//   transmit, then wait until the Endpoint's next_timeout().
// Owns the Endpoint, the table of sends in progress (type-erased at this
// boundary, indexed by the Endpoint's exchange slot) and the request handler.
// Single-threaded: every call, handler and resumption happens on the thread
// that calls service()/run_*; handlers may call the Driver but never run_*.
#pragma once

#include "coap/endpoint.hpp"
#include "coap/error.hpp"
#include "coap/transport.hpp"

#include <algorithm>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace coap {

class InboundContext;
class RemoteEndpoint;
class RequestContext;

/// What a send decides after a response or a failure (see send_descriptor.hpp).
enum class Verdict : std::uint8_t {
    done,          ///< finished: the exchange is closed, the result is final
    send_next,     ///< send another request in the same exchange (same token)
    keep_waiting,  ///< wait for more responses with the same token
};

/// A send in progress, type-erased at the Driver boundary. Implemented by the
/// awaitables, streams and callbacks of send_operation.hpp.
class PendingSend {
  public:
    /// Method, type, multicast and transmission parameters of the next request.
    virtual RequestOptions request_options() const = 0;
    /// Writes the next request's options and payload.
    virtual void write_request(MessageWriter& writer) = 0;
    /// A response (or the failure of the exchange) for the current request: exactly
    /// one of the two is set. A failure answered with send_next starts over in a
    /// new exchange; with keep_waiting it ends the send.
    virtual Verdict on_response(const InboundContext* response, const Error* failure) = 0;
    /// How long keep_waiting waits for the next response; nullopt: the Endpoint's
    /// non-response timeout.
    virtual std::optional<Duration> keep_waiting_timeout() const = 0;
    /// The Driver acted on a send_next or keep_waiting verdict; the send goes on.
    /// May resume a waiting coroutine (which may abandon the send).
    virtual void progressed() = 0;
    /// A failure answered with send_next started the send over as `request`.
    virtual void restarted(RequestId request) = 0;
    /// After a failure answered with send_next: how long to wait before starting
    /// over (an observation's re-registration backing off); nullopt: at once.
    virtual std::optional<Duration> restart_delay() const { return std::nullopt; }
    /// The send is over and the Driver has forgotten it: after a done verdict
    /// (`failure` empty) or with the failure that ended it. Called once; may
    /// destroy the object.
    virtual void finished(const std::optional<Error>& failure) = 0;

  protected:
    ~PendingSend() = default;
};

class Driver final : private Serviceable {
  public:
    explicit Driver(Transport& transport, const EndpointConfig& config = {});
    ~Driver();
    Driver(const Driver&) = delete;
    Driver& operator=(const Driver&) = delete;

    Endpoint& endpoint() noexcept { return endpoint_; }
    const Endpoint& endpoint() const noexcept { return endpoint_; }
    Transport& transport() noexcept { return transport_; }
    Instant now() const { return transport_.now(); }

    // ---- the loop ----
    /// One turn of the loop without waiting; re-entrant calls only ask for another pass.
    void service() override;
    /// When service() must run next without input (the Endpoint's next timeout or
    /// the first application timer); nullopt: only on input.
    std::optional<Instant> next_wakeup() const override;
    /// service(), then wait for input or the next timeout. False when nothing can
    /// ever happen any more.
    bool run_once();
    /// Runs until `done()` holds (true), nothing can happen, or `limit` passes (false).
    bool run_until(const std::function<bool()>& done, std::optional<Instant> limit = {});

    // ---- timers (for applications: answer later, poll, back off) ----
    struct TimerId {
        Instant at{};
        std::uint64_t sequence = 0;
        friend auto operator<=>(const TimerId&, const TimerId&) = default;
    };
    /// Calls `callback` from service() once `at` has come (in the transport's
    /// time: virtual on the simulated network). Timers due at once run in order.
    TimerId schedule(Instant at, std::function<void()> callback);
    /// Stops a timer that has not fired; false when it already fired or was cancelled.
    bool cancel_timer(TimerId timer);
    /// `co_await driver.sleep_until(at)` / `sleep_for(d)`: resumes from service()
    /// once the time has come. Destroying the waiting coroutine cancels the timer.
    auto sleep_until(Instant at) {
        struct Sleep {
            Driver& driver;
            Instant at;
            std::optional<TimerId> timer{};
            bool await_ready() const { return at <= driver.now(); }
            void await_suspend(std::coroutine_handle<> waiter) {
                timer = driver.schedule(at, [this, waiter] {
                    timer.reset();
                    waiter.resume();
                });
            }
            void await_resume() const noexcept {}
            ~Sleep() {
                if (timer) driver.cancel_timer(*timer);
            }
        };
        return Sleep{*this, at};
    }
    auto sleep_for(Duration duration) { return sleep_until(now() + duration); }

    // ---- serving ----
    /// Called for every request received; answer through the context, at once
    /// or later (RequestContext::defer). A request left unanswered and not
    /// deferred gets 5.00. Without a handler every request gets 4.04.
    void set_request_handler(std::function<void(RequestContext&)> handler);
    /// Answers a received request now (used by RequestContext and PendingResponse).
    Result<Done, LocalError> respond(ResponderId responder, const ResponseOptions& options,
                                     MessageBuilder build);
    /// Sends a notification (RFC 7641) now: Endpoint::notify.
    Result<NotificationId, LocalError> notify(const Address& peer, gsl::span<const std::byte> token,
                                              const NotifyOptions& options, MessageBuilder build);
    /// Called for notification_acknowledged and notification_failed events (the
    /// observers of a ResourceTree).
    void set_notification_handler(std::function<void(const Event&)> handler);
    /// Sends the empty ACK of a received CON request now (a separate response or
    /// nothing follows).
    Result<Done, LocalError> acknowledge(ResponderId responder);
    /// Forgets a received request without answering it.
    void release(ResponderId responder);

    // ---- sending ----
    /// A remote endpoint for an absolute coap:// URI whose host the transport resolves.
    Result<RemoteEndpoint, Error> remote_endpoint(std::string_view uri);
    /// Starts `send` to `peer` (a ping when its method is empty): the Driver calls it
    /// back until it is finished. The object must stay put until finished() or
    /// abandon(); the Driver must outlive every send it runs.
    Result<RequestId, Error> start(const Address& peer, PendingSend& send);
    /// Forgets a send without calling it again and ends its exchange silently.
    void abandon(RequestId request);
    /// Ends a send: its exchange closes and it finishes with Error cancelled —
    /// at once, or (called from a handler or callback) right after it returns.
    /// False when the send was not running.
    bool cancel(RequestId request);
    /// Sends in progress (deregistrations included).
    std::size_t pending_sends() const noexcept;
    /// Of those, the sends waiting to start over after a delay (an observation's
    /// registration retried with back-off): they hold no exchange meanwhile.
    std::size_t delayed_sends() const noexcept { return delayed_.size(); }
    /// The send that ran as `request` is waiting to start over after a delay.
    bool waiting_to_restart(RequestId request) const noexcept {
        return std::any_of(delayed_.begin(), delayed_.end(),
                           [&](const Delayed& d) { return d.id == request; });
    }
    /// Ends an observation at the server (RFC 7641 §3.6): sends the request that
    /// `build` writes (a GET with Observe 1; `options.token` the observation's)
    /// as a send of the Driver's own, whose response or failure nobody sees. It
    /// ends with the first response without Observe (or with an error code), or
    /// when the exchange fails. Nothing is sent when the Endpoint refuses it.
    void deregister(const Address& peer, const RequestOptions& options, MessageBuilder build);
    /// Deregistrations still waiting for their answer.
    std::size_t pending_deregistrations() const noexcept;

  private:
    struct Slot;
    class Deregistration;
    /// A send waiting to start over (PendingSend::restart_delay); `id` is the
    /// exchange it ran in, by which abandon() and cancel() still find it.
    struct Delayed {
        RequestId id{};
        PendingSend* send = nullptr;
        Address peer{};
        TimerId timer{};
    };
    void flush();
    void drain_events();
    void dispatch(const Event& event);
    void on_client_event(const Event& event);
    void on_request(const Event& event);
    /// The running send of `request` (in its slot, or parked), or nullptr.
    Slot* find(RequestId request);
    /// Acts on a verdict for the send in `slot`; `live`: its exchange is still open.
    void act(Slot& slot, Verdict verdict, bool live, const std::optional<Error>& failure);
    void end(Slot& slot, const std::optional<Error>& failure);
    void run_cancels();
    void run_timers();
    /// Starts a delayed send over (its timer fired).
    void restart_delayed(RequestId request);
    /// Starts `send` over (SendNext with a new exchange); a refusal ends it.
    void restart(const Address& peer, PendingSend& send);
    /// Takes a delayed send out of the waiting list (and its timer); nullptr if none.
    PendingSend* take_delayed(RequestId request);

    Transport& transport_;
    Endpoint endpoint_;
    std::vector<std::byte> receive_buffer_;
    std::vector<std::byte> transmit_buffer_;
    std::vector<Slot> slots_;
    /// Sends whose exchange slot the Endpoint reused while their terminal event
    /// was still queued: they wait here for that event (at most one per queued
    /// event). A deque, so that references stay valid while it grows.
    std::deque<Slot> parked_;
    std::vector<RequestId> cancels_;
    std::vector<Delayed> delayed_;
    std::vector<std::unique_ptr<Deregistration>> deregistrations_;
    std::map<TimerId, std::function<void()>> timers_;
    std::uint64_t timer_sequence_ = 0;
    std::function<void(RequestContext&)> request_handler_;
    std::function<void(const Event&)> notification_handler_;
    /// The time the Endpoint is given: during a service() pass, the pass's
    /// time (taken at its start, at each received datagram's batch and before
    /// the timers run, never going back); outside one, the transport's clock.
    Instant engine_time() const { return servicing_ ? pass_time_ : transport_.now(); }

    bool servicing_ = false;
    bool service_again_ = false;
    Instant pass_time_{};
};

/// Runs `driver` until `done()` holds; throws std::runtime_error when nothing can
/// happen any more before that (a deadlock in a simulation).
void run_until(Driver& driver, const std::function<bool()>& done);

}  // namespace coap
