// coap/send_operation.hpp — the three ways to get results from one send
// descriptor: SendAwaitable (co_await, one Result<T, Error>), SendStream
// (co_await next(), every value, none dropped when the exchange ends) and a
// callback (send_with). Each is the one PendingSend the Driver sees for the
// send; the descriptor lives inside it, so a send allocates nothing of its own
// (a callback send excepted). Destroying an awaitable or stream that is still
// running abandons its exchange (the Endpoint closes it silently); an
// observation that ends so, or is cancelled, deregisters (RFC 7641 §3.6).
#pragma once

#include "coap/driver.hpp"
#include "coap/request_target.hpp"
#include "coap/send_descriptor.hpp"

#include <coroutine>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

namespace coap {

/// The descriptor-facing half shared by the three forms: configures and writes
/// requests, runs the handler and keeps what it decided.
template <SendDescriptor D>
class SendOperation : public PendingSend {
  public:
    using value_type = typename D::value_type;

    SendOperation(Driver& driver, const Address& peer, std::shared_ptr<const RequestTarget> target,
                  D descriptor)
        : driver_(&driver),
          peer_(peer),
          target_(std::move(target)),
          descriptor_(std::move(descriptor)) {}
    SendOperation(const SendOperation&) = delete;
    SendOperation& operator=(const SendOperation&) = delete;

    RequestOptions request_options() const override {
        RequestOptions options;
        descriptor_.configure(options);
        return options;
    }
    void write_request(MessageWriter& writer) override {
        if constexpr (!D::sets_uri)
            if (target_) target_->write(writer);
        descriptor_.write_options(writer);
        descriptor_.write_payload(writer);
    }
    std::optional<Duration> keep_waiting_timeout() const override {
        return descriptor_.keep_waiting_timeout();
    }
    std::optional<Duration> restart_delay() const override {
        if constexpr (ObservingDescriptor<D>)
            return descriptor_.observation().retry_delay();
        else
            return std::nullopt;
    }
    Verdict on_response(const InboundContext* response, const Error* failure) override {
        auto result = response != nullptr ? descriptor_.handle(InboundResult(*response))
                                          : descriptor_.handle(InboundResult(Err{*failure}));
        if (!result) {
            if constexpr (D::is_multicast) {
                // §8.2: one member's error response is that member's answer, not
                // the end of a multicast request; the others may still answer. When
                // the window closes, a member's error already kept is the outcome.
                if (response != nullptr) return member_error(result.error());
                if (failure_) return Verdict::done;
            }
            failure_ = result.error();
            return Verdict::done;
        }
        if (!result->is_done()) return result->verdict();
        // A handler that turns the failure into a value has the last word.
        if (response == nullptr) failure_handled_ = true;
        return emit(std::move(result->value()), result->is_last());
    }

    bool running() const noexcept { return running_; }
    RequestId request() const noexcept { return request_; }
    Driver& driver() const noexcept { return *driver_; }

  protected:
    ~SendOperation() = default;

    /// A value the handler finished with (`last`: no more follow): keep it, and
    /// say whether to go on.
    virtual Verdict emit(value_type&& value, bool last) = 0;
    /// One multicast member's response the handler turned into an error.
    virtual Verdict member_error(const Error& error) = 0;

    void restarted(RequestId request) override {
        request_ = request;
        note_sent();
    }

    /// Starts the send; false (with `failure_` set) when the Driver refused it.
    bool begin() {
        // An empty code is a ping, which only Request::ping() may send.
        if (request_options().method.is_empty() && !is_ping_descriptor<D>()) {
            failure_ = Error::of(ErrorKind::invalid_argument);
            return false;
        }
        auto id = driver_->start(peer_, *this);
        if (!id) {
            failure_ = id.error();
            return false;
        }
        request_ = *id;
        running_ = true;
        note_sent();
        return true;
    }
    /// Stops a running send without calling it again (an observation deregisters).
    void abandon() {
        if (!running_) return;
        driver_->abandon(request_);
        running_ = false;
        farewell();
    }
    /// An observation (RFC 7641 §3.6) that ends while the server may still count
    /// us as an observer: the GET with Observe 1 under its token and with the
    /// registration's options (proactive), run by the Driver on its own; or
    /// nothing, and the next notification gets RST (reactive). Call once the
    /// send's exchange is closed, so that its token is free.
    void farewell() {
        if constexpr (ObservingDescriptor<D>) {
            Observation& observation = descriptor_.observation();
            if (!observation.server_may_have_us()) return;
            if (observation.config().cancellation == ObserveCancellation::proactive) {
                observation.begin_deregistration();
                driver_->deregister(peer_, request_options(),
                                    [this](MessageWriter& writer) { write_request(writer); });
            }
            observation.end_deregistration();
        }
    }
    /// The error that ended the send: the handler's own, else the Driver's.
    Error final_error(const std::optional<Error>& failure) const {
        if (failure_) return *failure_;
        return failure.value_or(Error::of(ErrorKind::cancelled));
    }

    Driver* driver_;
    Address peer_;
    std::shared_ptr<const RequestTarget> target_;
    D descriptor_;
    std::optional<Error> failure_;
    /// The handler answered the exchange's failure with a value.
    bool failure_handled_ = false;
    RequestId request_{};
    bool running_ = false;

  private:
    /// An observation remembers the token its requests went out with.
    void note_sent() {
        if constexpr (ObservingDescriptor<D>)
            descriptor_.observation().sent(driver_->endpoint().token_of(request_));
    }
};

/// `co_await remote.send(descriptor)`: the first value, or the Error.
template <SendDescriptor D>
class [[nodiscard]] SendAwaitable final : public SendOperation<D> {
  public:
    using value_type = typename D::value_type;
    using SendOperation<D>::SendOperation;
    /// An awaitable that fails at once (an invalid URI, an unknown host).
    SendAwaitable(Driver& driver, D descriptor, const Error& error)
        : SendOperation<D>(driver, Address{}, nullptr, std::move(descriptor)) {
        this->failure_ = error;
        result_.emplace(Err{error});
    }
    SendAwaitable(SendAwaitable&& other) noexcept(std::is_nothrow_move_constructible_v<D>)
        : SendOperation<D>(*other.driver_, other.peer_, std::move(other.target_),
                           std::move(other.descriptor_)) {
        Expects(!other.running_);
        this->failure_ = other.failure_;
        if (other.result_) result_.emplace(std::move(*other.result_));
    }
    ~SendAwaitable() { this->abandon(); }

    bool await_ready() const noexcept { return result_.has_value(); }
    bool await_suspend(std::coroutine_handle<> waiter) {
        waiter_ = waiter;
        if (this->begin()) return true;
        result_.emplace(Err{*this->failure_});
        return false;
    }
    Result<value_type, Error> await_resume() { return std::move(*result_); }

    void progressed() override {}
    void finished(const std::optional<Error>& failure) override {
        this->running_ = false;
        this->farewell();  // an observation awaited for its first value deregisters
        if (!result_) result_.emplace(Err{this->final_error(failure)});
        if (waiter_) std::exchange(waiter_, {}).resume();
    }

  private:
    Verdict emit(value_type&& value, bool) override {
        result_.emplace(std::move(value));
        return Verdict::done;
    }
    /// The first value wins; a member's error is the outcome only if none comes.
    Verdict member_error(const Error& error) override {
        if (!this->failure_) this->failure_ = error;
        return Verdict::keep_waiting;
    }

    std::optional<Result<value_type, Error>> result_;
    std::coroutine_handle<> waiter_{};
};

/// `co_await stream.next()` until it returns nullopt: every value the handler
/// finished with (one per multicast responder or notification; a member's
/// error response is an error item and the stream goes on), then the error that
/// ended the send unless it was the natural end of many responses (the
/// multicast window closing, or a wait for more running out). Values wait in the stream, at most
/// `max_buffered`, until read; a full buffer ends the send with out_of_space.
template <SendDescriptor D>
class [[nodiscard]] SendStream final : public SendOperation<D> {
  public:
    using value_type = typename D::value_type;
    using Item = Result<value_type, Error>;

    SendStream(Driver& driver, const Address& peer, std::shared_ptr<const RequestTarget> target,
               D descriptor, std::size_t max_buffered = 4096)
        : SendOperation<D>(driver, peer, std::move(target), std::move(descriptor)),
          max_buffered_(max_buffered) {}
    SendStream(Driver& driver, D descriptor, const Error& error)
        : SendOperation<D>(driver, Address{}, nullptr, std::move(descriptor)) {
        items_.emplace_back(Err{error});
        started_ = true;  // nothing to start: it failed before it began
        ended_ = true;
    }
    SendStream(SendStream&& other) noexcept(std::is_nothrow_move_constructible_v<D>)
        : SendOperation<D>(*other.driver_, other.peer_, std::move(other.target_),
                           std::move(other.descriptor_)),
          items_(std::move(other.items_)),
          max_buffered_(other.max_buffered_),
          started_(other.started_),
          ended_(other.ended_) {
        Expects(!other.running_);
    }
    ~SendStream() { this->abandon(); }

    /// Starts the send if needed; resumes with the next item, or nullopt at the end.
    auto next() {
        struct Awaiter {
            SendStream& stream;
            bool await_ready() {
                stream.start();
                return !stream.items_.empty() || stream.ended_;
            }
            void await_suspend(std::coroutine_handle<> waiter) noexcept { stream.waiter_ = waiter; }
            std::optional<Item> await_resume() {
                if (stream.items_.empty()) return std::nullopt;
                Item item = std::move(stream.items_.front());
                stream.items_.pop_front();
                return item;
            }
        };
        return Awaiter{*this};
    }
    /// Starts the send without waiting (next() does it too).
    void start() {
        if (started_) return;
        started_ = true;
        if (!this->begin()) {
            items_.emplace_back(Err{*this->failure_});
            ended_ = true;
        }
    }
    bool ended() const noexcept { return ended_; }
    std::size_t buffered() const noexcept { return items_.size(); }

    void progressed() override { wake(); }
    void finished(const std::optional<Error>& failure) override {
        this->running_ = false;
        ended_ = true;
        this->farewell();
        if ((failure && !this->failure_handled_) || this->failure_) {
            const Error error = this->final_error(failure);
            if (!natural_end(error)) items_.emplace_back(Err{error});
        }
        wake();
    }

  private:
    Verdict emit(value_type&& value, bool last) override {
        if (items_.size() >= max_buffered_) {
            this->failure_ = Error::of(ErrorKind::out_of_space);
            return Verdict::done;
        }
        items_.emplace_back(std::move(value));
        return D::many_responses && !last ? Verdict::keep_waiting : Verdict::done;
    }
    Verdict member_error(const Error& error) override {
        if (items_.size() >= max_buffered_) {
            this->failure_ = Error::of(ErrorKind::out_of_space);
            return Verdict::done;
        }
        items_.emplace_back(Err{error});
        return Verdict::keep_waiting;
    }
    /// A stream of many responses (multicast, observe) ends quietly when no more
    /// come, as async-coap's streams do; a single-response stream reports it.
    bool natural_end(const Error& error) const noexcept {
        return D::many_responses && error.kind == ErrorKind::response_timeout;
    }
    void wake() {
        if (waiter_ && (!items_.empty() || ended_)) std::exchange(waiter_, {}).resume();
    }

    std::deque<Item> items_;
    std::size_t max_buffered_ = 4096;
    std::coroutine_handle<> waiter_{};
    bool started_ = false;
    bool ended_ = false;
};

/// Cancels a callback send: the callback then gets Error cancelled, once.
class SendHandle {
  public:
    SendHandle() noexcept = default;
    SendHandle(Driver& driver, std::shared_ptr<const RequestId> request) noexcept
        : driver_(&driver), request_(std::move(request)) {}
    /// False when the send had already finished.
    bool cancel() const { return driver_ != nullptr && request_ && driver_->cancel(*request_); }
    /// The exchange the send runs in now (a retry after a failure starts another).
    RequestId request() const noexcept { return request_ ? *request_ : RequestId{}; }

  private:
    Driver* driver_ = nullptr;
    std::shared_ptr<const RequestId> request_;
};

/// send_with(): `callback(Result<T, Error>)` for every value (once, unless the
/// descriptor has many responses) and for the error that ends the send, as in
/// SendStream. Values are delivered after the Driver has acted on them, so the
/// callback may send or cancel freely. Owns itself until finished.
template <SendDescriptor D, class F>
class CallbackSend final : public SendOperation<D> {
  public:
    using value_type = typename D::value_type;
    using Item = Result<value_type, Error>;

    static SendHandle launch(Driver& driver, const Address& peer,
                             std::shared_ptr<const RequestTarget> target, D descriptor,
                             F callback) {
        auto* send = new CallbackSend(driver, peer, std::move(target), std::move(descriptor),
                                      std::move(callback));
        if (!send->begin()) {
            const Error error = *send->failure_;
            F f = std::move(send->callback_);
            delete send;
            f(Item(Err{error}));
            return {};
        }
        *send->current_ = send->request_;
        return SendHandle(driver, send->current_);
    }

    void restarted(RequestId request) override {
        SendOperation<D>::restarted(request);
        *current_ = request;
    }

    void progressed() override {
        if (!pending_) return;
        Item item = std::move(*pending_);
        pending_.reset();
        callback_(std::move(item));
    }
    void finished(const std::optional<Error>& failure) override {
        this->running_ = false;
        std::unique_ptr<CallbackSend> self(this);
        this->farewell();
        F callback = std::move(callback_);
        if (pending_) callback(std::move(*pending_));
        if ((!failure || this->failure_handled_) && !this->failure_) return;
        const Error error = this->final_error(failure);
        // Many responses (multicast, observe) end quietly when no more come.
        const bool natural = D::many_responses && error.kind == ErrorKind::response_timeout;
        if (!natural) callback(Item(Err{error}));
    }

  private:
    CallbackSend(Driver& driver, const Address& peer, std::shared_ptr<const RequestTarget> target,
                 D descriptor, F callback)
        : SendOperation<D>(driver, peer, std::move(target), std::move(descriptor)),
          callback_(std::move(callback)) {}

    Verdict emit(value_type&& value, bool last) override {
        pending_.emplace(std::move(value));
        return D::many_responses && !last ? Verdict::keep_waiting : Verdict::done;
    }
    Verdict member_error(const Error& error) override {
        pending_.emplace(Err{error});
        return Verdict::keep_waiting;
    }

    F callback_;
    std::optional<Item> pending_;
    /// The exchange the send runs in, shared with its SendHandle.
    std::shared_ptr<RequestId> current_ = std::make_shared<RequestId>();
};

}  // namespace coap
