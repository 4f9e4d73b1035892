// observe.cpp — ObserveHub and the observe members of Resource (RFC 7641 §3, §4):
// registration and its replacement, deregistration, limits, rendering a
// notification by re-running the GET handler once per registration request, the
// NON/CON policy (§4.5), replacement of a CON in flight (§4.5.2), and removal of
// observers on RST, timeout, a non-2.xx state or end_observation.
#include "coap/observe.hpp"

#include "coap/answer.hpp"
#include "coap/driver.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"

#include <algorithm>
#include <cstring>

namespace coap {
namespace {

constexpr std::uint32_t sequence_mask = 0xffffff;  // Observe values are 24 bits (§4.4)

bool same_token(const Observer& observer, gsl::span<const std::byte> token) {
    return observer.token_length == token.size() &&
           std::equal(token.begin(), token.end(), observer.token.begin());
}

/// The part of a request that decides its representation: everything after the
/// header and token (options and payload).
gsl::span<const std::byte> tail_of(gsl::span<const std::byte> request) {
    const std::size_t token_length = static_cast<std::size_t>(request[0]) & 0x0f;
    return request.subspan(4 + token_length);
}

}  // namespace

// ---- Resource ----

Resource& Resource::observable() {
    if (observe_) return *this;
    observe_ = std::make_unique<ObservableState>();
    if (hub_ != nullptr) hub_->observables.push_back(this);
    return obs();
}

std::size_t Resource::notify() {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->notify(*this);
}

std::size_t Resource::end_observation(Code code, std::string_view diagnostic) {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->end(*this, code, diagnostic);
}

// ---- ObserveHub ----

bool ObserveHub::add(Resource& resource, const RequestContext& context) {
    ObservableState& state = *resource.observe_state();
    const gsl::span<const std::byte> token = context.message().token();
    // §4.1: the same client registering again replaces its older registration:
    // same peer on this resource, or the same peer and token anywhere.
    for (Resource* other : observables) {
        ObservableState& s = *other->observe_state();
        for (std::size_t i = s.observers.size(); i-- > 0;) {
            const Observer& o = s.observers[i];
            if (o.peer == context.peer() && (other == &resource || same_token(o, token)))
                erase(s, i);
        }
    }
    if (total >= config.max_observers ||
        state.observers.size() >= config.max_observers_per_resource)
        return false;

    const gsl::span<const std::byte> bytes = context.message().bytes();
    std::size_t request = state.requests.size();
    for (std::size_t i = 0; i < state.requests.size(); ++i) {
        const auto& r = state.requests[i];
        if (r.users == 0) {
            if (request == state.requests.size()) request = i;  // a free entry
            continue;
        }
        const auto a = tail_of(r.bytes);
        const auto b = tail_of(bytes);
        if (std::equal(a.begin(), a.end(), b.begin(), b.end())) {
            request = i;
            break;
        }
    }
    if (request == state.requests.size()) state.requests.emplace_back();
    auto& kept = state.requests[request];
    if (kept.users == 0) kept.bytes.assign(bytes.begin(), bytes.end());
    ++kept.users;

    Observer observer;
    observer.peer = context.peer();
    observer.last_con = context.now();
    observer.request = static_cast<std::uint16_t>(request);
    observer.token_length = static_cast<std::uint8_t>(std::min<std::size_t>(token.size(), 8));
    std::copy_n(token.begin(), observer.token_length, observer.token.begin());
    state.observers.push_back(observer);
    ++total;
    return true;
}

void ObserveHub::remove(Resource& resource, const Address& peer, gsl::span<const std::byte> token) {
    ObservableState& state = *resource.observe_state();
    for (std::size_t i = state.observers.size(); i-- > 0;)
        if (state.observers[i].peer == peer && same_token(state.observers[i], token))
            erase(state, i);
}

void ObserveHub::erase(ObservableState& state, std::size_t index) {
    auto& request = state.requests[state.observers[index].request];
    if (request.users > 0 && --request.users == 0) request.bytes.clear();
    state.observers[index] = state.observers.back();
    state.observers.pop_back();
    if (total > 0) --total;
}

void ObserveHub::forget(Resource& resource) {
    ObservableState* state = resource.observe_state();
    if (state == nullptr) return;
    total -= std::min(total, state->observers.size());
    state->observers.clear();
    state->requests.clear();
    std::erase(observables, &resource);
}

std::size_t ObserveHub::notify(Resource& resource) {
    ObservableState& state = *resource.observe_state();
    if (driver == nullptr || state.observers.empty()) return 0;
    state.sequence = (state.sequence + 1) & sequence_mask;
    std::size_t sent = 0;
    for (std::size_t r = 0; r < state.requests.size(); ++r) {
        if (state.requests[r].users == 0) continue;
        // Rendered once for every observer that registered with this request.
        const std::vector<std::byte> bytes =
            state.requests[r].bytes;  // the handler may re-register
        const auto view = MessageView::parse(bytes);
        if (!view) continue;
        const Observer* first = nullptr;
        for (const Observer& o : state.observers)
            if (o.request == r) first = first != nullptr ? first : &o;
        if (first == nullptr) continue;
        Event event{.kind = EventKind::request_received, .peer = first->peer, .message = *view};
        RequestContext context(*driver, event);
        ResponseCapture capture;
        context.capture_into(capture);
        RouteMatch match;
        if (resource.pattern().match(context.path(), match)) context.set_route(match);
        const RequestHandler* handler = resource.handler_for(view->code());
        if (handler == nullptr) continue;
        try {
            (*handler)(context);
        } catch (const std::exception&) {
            (void)context.respond(codes::internal_server_error);
        }
        if (!capture.answered) continue;
        for (std::size_t i = state.observers.size(); i-- > 0;) {
            if (state.observers[i].request != r) continue;
            ++sent;
            if (!send(state, state.observers[i], capture)) erase(state, i);
        }
    }
    return sent;
}

bool ObserveHub::send(ObservableState& state, Observer& observer, const ResponseCapture& capture) {
    const bool success = capture.code.is_success();
    const Instant now = driver->now();
    NotifyOptions options;
    options.code = capture.code;
    options.confirmable = config.always_confirmable ||
                          observer.non_since_ack >= config.non_before_con ||
                          now >= observer.last_con + config.con_interval;
    if (observer.in_flight.value != 0 &&
        driver->endpoint().notification_in_flight(observer.in_flight))
        options.replaces = observer.in_flight;  // §4.5.2: the newer state replaces it
    const auto captured = MessageView::parse(capture.message);
    const std::uint32_t sequence = state.sequence;
    auto build = [&](MessageWriter& writer) {
        // §4.2: Observe on a 2.xx only; a final notification goes without it.
        if (success) writer.option_uint(OptionNumber::observe, sequence);
        if (!captured) return;
        for (const OptionView& option : captured->options())
            if (option.number != OptionNumber::observe) writer.option(option.number, option.value);
        if (!captured->payload().empty()) writer.payload(captured->payload());
    };
    auto id = driver->notify(observer.peer, observer.token_bytes(), options, build);
    if (!id && id.error() == LocalError::notifications_full && !options.replaces) {
        options.confirmable = false;  // no CON slot free: NON this time
        id = driver->notify(observer.peer, observer.token_bytes(), options, build);
    }
    if (!id) return success;  // not sent (a full queue): the next state will be
    observer.last_sent = *id;
    if (options.confirmable || options.replaces) {
        if (!options.replaces) observer.last_con = now;
        observer.in_flight = *id;
    } else if (observer.non_since_ack < 0xff) {
        ++observer.non_since_ack;
    }
    return success;
}

std::size_t ObserveHub::end(Resource& resource, Code code, std::string_view diagnostic) {
    ObservableState& state = *resource.observe_state();
    if (driver == nullptr) {
        forget(resource);
        observables.push_back(&resource);
        return 0;
    }
    ResponseCapture capture;
    capture.code = code.is_success() ? codes::service_unavailable : code;
    capture.answered = true;
    capture.message.assign(driver->endpoint().config().capacities.max_message_size, std::byte{0});
    MessageWriter writer(capture.message, MessageType::non_confirmable, capture.code, 0, {});
    if (!diagnostic.empty()) writer.payload(diagnostic);
    capture.message.resize(writer.finish().value_or(4));
    std::size_t sent = 0;
    while (!state.observers.empty()) {
        (void)send(state, state.observers.back(), capture);
        ++sent;
        erase(state, state.observers.size() - 1);
    }
    return sent;
}

void ObserveHub::on_event(const Event& event) {
    const bool acknowledged = event.kind == EventKind::notification_acknowledged;
    for (Resource* resource : observables) {
        ObservableState& state = *resource->observe_state();
        for (std::size_t i = state.observers.size(); i-- > 0;) {
            Observer& o = state.observers[i];
            if (!(o.peer == event.peer) ||
                (o.in_flight != event.notification && o.last_sent != event.notification))
                continue;
            if (acknowledged) {
                if (o.in_flight == event.notification) o.in_flight = {};
                o.non_since_ack = 0;
            } else {
                erase(state, i);  // §3.6 RST, §4.5 a CON that timed out: the client is gone
            }
        }
    }
}

}  // namespace coap
