// driver.cpp — Driver: the loop shape (receive, handle, time out, transmit,
// dispatch events), the table of sends in progress, and request dispatch.
#include "coap/driver.hpp"

#include "coap/inbound_context.hpp"
#include "coap/request_context.hpp"
#include "deregistration.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

namespace coap {

struct Driver::Slot {
    RequestId id{};
    PendingSend* send = nullptr;
    Address peer{};
    bool multicast = false;
    /// cancel() was called during service(): the send ends with cancelled
    /// whatever event comes first.
    bool cancelling = false;
};

namespace {

// Large enough for any UDP payload: an oversized request still reaches the
// Endpoint, which answers 4.13 instead of the transport dropping it unseen.
constexpr std::size_t receive_buffer_size = 65535;

}  // namespace

Driver::Driver(Transport& transport, const EndpointConfig& config)
    : transport_(transport), endpoint_(config) {
    receive_buffer_.resize(receive_buffer_size);
    transmit_buffer_.resize(endpoint_.config().capacities.max_message_size);
    slots_.resize(endpoint_.config().capacities.exchanges);
    transport_.attach(this);
    transport_.set_unreachable_handler(
        [this](const Address& peer) { endpoint_.handle_unreachable(engine_time(), peer); });
}

Driver::~Driver() {
    transport_.set_unreachable_handler({});
    transport_.attach(nullptr);
}

void Driver::service() {
    if (servicing_) {
        service_again_ = true;
        return;
    }
    servicing_ = true;
    pass_time_ = transport_.now();
    // Every datagram this pass sends leaves in one batch at its end.
    transport_.begin_batch();
    struct Reset {
        bool& flag;
        Transport& transport;
        ~Reset() {
            flag = false;
            transport.end_batch();
        }
    } reset{servicing_, transport_};
    do {
        service_again_ = false;
        // One datagram at a time, each followed by its transmits and events, so
        // that neither queue of the Endpoint overflows during a burst.
        while (const auto received = transport_.receive_view(receive_buffer_)) {
            // The batch's time, not a clock read per datagram (never backwards).
            pass_time_ = std::max(pass_time_, received->at);
            endpoint_.handle_datagram(pass_time_, received->peer, received->bytes,
                                      received->arrival);
            flush();
            drain_events();
        }
        const Instant now = pass_time_ = std::max(pass_time_, transport_.now());
        if (const auto due = endpoint_.next_timeout(); due && *due <= now)
            endpoint_.handle_timeout(now);
        flush();
        drain_events();
        run_cancels();
        run_timers();
    } while (service_again_ || endpoint_.wants_poll() || !cancels_.empty());
}

void Driver::flush() {
    for (;;) {
        const std::size_t size = endpoint_.next_transmit_size();
        if (size == 0) return;
        // Straight into the transport's send batch when it offers room.
        const auto slot = transport_.transmit_slot(size);
        if (!slot.empty()) {
            const auto transmit = endpoint_.poll_transmit(slot);
            if (!transmit) return;
            transport_.commit_transmit(transmit->peer, transmit->length);
            continue;
        }
        const auto transmit = endpoint_.poll_transmit(transmit_buffer_);
        if (!transmit) return;
        transport_.send(transmit->peer, {transmit_buffer_.data(), transmit->length});
    }
}

void Driver::drain_events() {
    while (const auto event = endpoint_.poll_event()) {
        dispatch(*event);
        flush();
    }
}

bool Driver::run_once() {
    service();
    return transport_.wait(next_wakeup());
}

bool Driver::run_until(const std::function<bool()>& done, std::optional<Instant> limit) {
    for (;;) {
        service();
        if (done()) return true;
        if (limit && transport_.now() >= *limit) return false;
        std::optional<Instant> deadline = next_wakeup();
        if (limit && (!deadline || *deadline > *limit)) deadline = limit;
        if (!transport_.wait(deadline)) {
            service();
            return done();
        }
    }
}

void run_until(Driver& driver, const std::function<bool()>& done) {
    if (!driver.run_until(done))
        throw std::runtime_error(
            "coap::run_until: nothing can happen any more, and the "
            "awaited condition never held");
}

// ---- timers ----

std::optional<Instant> Driver::next_wakeup() const {
    auto wakeup = endpoint_.next_timeout();
    if (!timers_.empty() && (!wakeup || timers_.begin()->first.at < *wakeup))
        wakeup = timers_.begin()->first.at;
    return wakeup;
}

Driver::TimerId Driver::schedule(Instant at, std::function<void()> callback) {
    const TimerId id{at, ++timer_sequence_};
    timers_.emplace(id, std::move(callback));
    return id;
}

bool Driver::cancel_timer(TimerId timer) {
    return timers_.erase(timer) != 0;
}

void Driver::run_timers() {
    const Instant now = pass_time_ = std::max(pass_time_, transport_.now());
    while (!timers_.empty() && timers_.begin()->first.at <= now) {
        auto callback = std::move(timers_.begin()->second);
        timers_.erase(timers_.begin());
        callback();
        flush();
        service_again_ = true;  // the callback may have called the API
    }
}

// ---- dispatch ----

void Driver::dispatch(const Event& event) {
    switch (event.kind) {
        case EventKind::request_received:
            on_request(event);
            return;
        case EventKind::response_received:
        case EventKind::pong:
        case EventKind::multicast_done:
        case EventKind::exchange_failed:
            on_client_event(event);
            return;
        case EventKind::response_failed:
            // A separate response was never acknowledged: nothing to resume.
            return;
        case EventKind::notification_acknowledged:
        case EventKind::notification_failed:
            if (notification_handler_) notification_handler_(event);
            return;
    }
}

Driver::Slot* Driver::find(RequestId request) {
    if (const auto index = endpoint_.index_of(request)) {
        Slot& slot = slots_[*index];
        if (slot.send != nullptr && slot.id == request) return &slot;
    }
    for (Slot& slot : parked_)
        if (slot.send != nullptr && slot.id == request) return &slot;
    return nullptr;
}

void Driver::on_client_event(const Event& event) {
    // Parked sends that ended are dropped once this event is handled (never
    // during: act() holds a reference into the deque).
    struct Tidy {
        std::deque<Slot>& parked;
        ~Tidy() {
            std::erase_if(parked, [](const Slot& slot) { return slot.send == nullptr; });
        }
    } tidy{parked_};
    Slot* found = find(event.request);
    if (found == nullptr) return;  // abandoned
    Slot& slot = *found;
    if (slot.cancelling) {
        if (endpoint_.is_live(event.request)) (void)endpoint_.close(engine_time(), slot.id);
        end(slot, Error::of(ErrorKind::cancelled));
        return;
    }
    PendingSend& send = *slot.send;
    switch (event.kind) {
        case EventKind::response_received:
        case EventKind::pong: {
            const InboundContext context(event.peer, event.message, slot.multicast, engine_time());
            const Verdict verdict = send.on_response(&context, nullptr);
            act(slot, verdict, endpoint_.is_live(event.request), std::nullopt);
            return;
        }
        case EventKind::multicast_done: {
            const Error timeout = Error::of(ErrorKind::response_timeout);
            act(slot, send.on_response(nullptr, &timeout), false, timeout);
            return;
        }
        case EventKind::exchange_failed: {
            const Error failure = Error::from_failure(event.reason);
            act(slot, send.on_response(nullptr, &failure), false, failure);
            return;
        }
        default:
            return;
    }
}

void Driver::act(Slot& slot, Verdict verdict, bool live, const std::optional<Error>& failure) {
    // The handler (an inspect callback, say) may have abandoned the send.
    if (slot.send == nullptr) return;
    PendingSend& send = *slot.send;
    const RequestId id = slot.id;
    switch (verdict) {
        case Verdict::done:
            if (live) (void)endpoint_.close(engine_time(), id);
            end(slot, failure);
            return;
        case Verdict::send_next: {
            if (live && !slot.multicast) {
                const auto next = endpoint_.send_next(
                    engine_time(), id, send.request_options(),
                    [&send](MessageWriter& writer) { send.write_request(writer); });
                if (!next) {
                    (void)endpoint_.close(engine_time(), id);
                    end(slot, Error::from_local(next.error()));
                    return;
                }
                send.progressed();
                return;
            }
            // The exchange is over (or multicast): start again in a new one,
            // at once or after the delay the send asks for.
            if (live) (void)endpoint_.close(engine_time(), id);
            const Address peer = slot.peer;
            slot.send = nullptr;
            if (const auto delay = send.restart_delay(); delay && delay->ms > 0) {
                const TimerId timer =
                    schedule(transport_.now() + *delay, [this, id] { restart_delayed(id); });
                delayed_.push_back(Delayed{id, &send, peer, timer});
                return;
            }
            restart(peer, send);
            return;
        }
        case Verdict::keep_waiting:
            if (!live) {
                end(slot, failure.value_or(Error::of(ErrorKind::response_timeout)));
                return;
            }
            if (!slot.multicast) {
                const Duration timeout = send.keep_waiting_timeout().value_or(
                    endpoint_.config().effective_non_response_timeout());
                (void)endpoint_.listen(engine_time(), id, timeout);
            }
            send.progressed();
            return;
    }
}

void Driver::end(Slot& slot, const std::optional<Error>& failure) {
    PendingSend* send = slot.send;
    slot.send = nullptr;
    if (send != nullptr) send->finished(failure);
}

// ---- sending ----

Result<RequestId, Error> Driver::start(const Address& peer, PendingSend& send) {
    RequestOptions options = send.request_options();
    options.hold = true;
    const Instant now = engine_time();
    const bool ping = options.method.is_empty();
    auto id = ping ? endpoint_.ping(now, peer)
                   : endpoint_.send_request(now, peer, options, [&send](MessageWriter& writer) {
                         send.write_request(writer);
                     });
    if (!id) return Err{Error::from_local(id.error())};
    const auto index = endpoint_.index_of(*id);
    Expects(index.has_value());
    // The slot's previous send may still wait for its terminal event (queued,
    // not yet dispatched): it moves aside instead of being forgotten.
    if (slots_[*index].send != nullptr) parked_.push_back(slots_[*index]);
    slots_[*index] = Slot{*id, &send, peer, options.multicast || peer.is_multicast()};
    if (!servicing_) flush();
    return *id;
}

void Driver::restart_delayed(RequestId request) {
    const auto found = std::find_if(delayed_.begin(), delayed_.end(),
                                    [&](const Delayed& d) { return d.id == request; });
    if (found == delayed_.end()) return;
    PendingSend& send = *found->send;
    const Address peer = found->peer;
    delayed_.erase(found);
    restart(peer, send);
}

void Driver::restart(const Address& peer, PendingSend& send) {
    const auto restarted = start(peer, send);
    if (!restarted) {
        send.finished(restarted.error());
        return;
    }
    send.restarted(*restarted);
    send.progressed();
}

PendingSend* Driver::take_delayed(RequestId request) {
    const auto found = std::find_if(delayed_.begin(), delayed_.end(),
                                    [&](const Delayed& d) { return d.id == request; });
    if (found == delayed_.end()) return nullptr;
    PendingSend* send = found->send;
    cancel_timer(found->timer);
    delayed_.erase(found);
    return send;
}

void Driver::abandon(RequestId request) {
    if (take_delayed(request) != nullptr) return;
    Slot* slot = find(request);
    if (slot == nullptr) return;
    slot->send = nullptr;
    if (endpoint_.is_live(request)) (void)endpoint_.close(engine_time(), request);
    if (!servicing_) flush();
}

bool Driver::cancel(RequestId request) {
    if (servicing_ && std::any_of(delayed_.begin(), delayed_.end(),
                                  [&](const Delayed& d) { return d.id == request; })) {
        cancels_.push_back(request);
        service_again_ = true;
        return true;
    }
    if (PendingSend* send = take_delayed(request)) {
        send->finished(Error::of(ErrorKind::cancelled));
        return true;
    }
    Slot* slot = find(request);
    if (slot == nullptr) return false;
    if (servicing_) {
        slot->cancelling = true;
        cancels_.push_back(request);
        service_again_ = true;
        return true;
    }
    if (endpoint_.is_live(request)) (void)endpoint_.close(engine_time(), request);
    end(*slot, Error::of(ErrorKind::cancelled));
    flush();
    return true;
}

void Driver::run_cancels() {
    while (!cancels_.empty()) {
        const RequestId request = cancels_.front();
        cancels_.erase(cancels_.begin());
        if (PendingSend* send = take_delayed(request)) {
            send->finished(Error::of(ErrorKind::cancelled));
            continue;
        }
        Slot* slot = find(request);
        if (slot == nullptr) continue;
        if (endpoint_.is_live(request)) (void)endpoint_.close(engine_time(), request);
        end(*slot, Error::of(ErrorKind::cancelled));
        flush();
    }
    std::erase_if(parked_, [](const Slot& slot) { return slot.send == nullptr; });
    std::erase_if(deregistrations_, [](const auto& d) { return d->over(); });
}

std::size_t Driver::pending_sends() const noexcept {
    const auto running = [](const Slot& slot) { return slot.send != nullptr; };
    return static_cast<std::size_t>(std::count_if(slots_.begin(), slots_.end(), running) +
                                    std::count_if(parked_.begin(), parked_.end(), running)) +
           delayed_.size();
}

void Driver::deregister(const Address& peer, const RequestOptions& options, MessageBuilder build) {
    auto deregistration = std::make_unique<Deregistration>(options, build);
    if (!start(peer, *deregistration)) return;
    deregistration->started();
    deregistrations_.push_back(std::move(deregistration));
}

std::size_t Driver::pending_deregistrations() const noexcept {
    return static_cast<std::size_t>(std::count_if(deregistrations_.begin(), deregistrations_.end(),
                                                  [](const auto& d) { return !d->over(); }));
}

// ---- serving ----

void Driver::set_request_handler(std::function<void(RequestContext&)> handler) {
    request_handler_ = std::move(handler);
}

void Driver::on_request(const Event& event) {
    RequestContext context(*this, event);
    if (!request_handler_) {
        (void)context.respond(codes::not_found);
        return;
    }
    try {
        request_handler_(context);
    } catch (const std::exception&) {
        // A failing handler costs its request a 5.00, not the whole loop.
        if (!context.answered() && !context.deferred())
            (void)context.respond(codes::internal_server_error);
    }
    context.finish();
}

Result<Done, LocalError> Driver::respond(ResponderId responder, const ResponseOptions& options,
                                         MessageBuilder build) {
    auto result = endpoint_.respond(engine_time(), responder, options, build);
    if (!servicing_) flush();
    return result;
}

void Driver::set_notification_handler(std::function<void(const Event&)> handler) {
    notification_handler_ = std::move(handler);
}

Result<NotificationId, LocalError> Driver::notify(const Address& peer,
                                                  gsl::span<const std::byte> token,
                                                  const NotifyOptions& options,
                                                  MessageBuilder build) {
    auto result = endpoint_.notify(engine_time(), peer, token, options, build);
    flush();  // always: a notify() to many observers must not fill the transmit queue
    return result;
}

Result<Done, LocalError> Driver::acknowledge(ResponderId responder) {
    auto result = endpoint_.acknowledge(engine_time(), responder);
    if (!servicing_) flush();
    return result;
}

void Driver::release(ResponderId responder) {
    (void)endpoint_.release(responder);
}

}  // namespace coap
