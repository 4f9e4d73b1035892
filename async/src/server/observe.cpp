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

/// Two requests that ask for the same thing: the same options and payload.
bool same_tail(gsl::span<const std::byte> a, gsl::span<const std::byte> b) {
    const auto x = tail_of(a);
    const auto y = tail_of(b);
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
}

}  // namespace

// ---- Resource ----

Resource& Resource::observable() {
    if (observe_) return *this;
    observe_ = std::make_unique<ObservableState>();
    if (hub_ != nullptr) hub_->observables.push_back(this);
    return obs();
}

Resource& Resource::confirmable_notifications(bool always) {
    observable();
    observe_->always_confirmable = always;
    return *this;
}

std::size_t Resource::notify() {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->notify(*this);
}

std::size_t Resource::notify_if(FunctionRef<bool(const MessageView& registration)> which) {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->notify(*this, &which);
}

std::size_t Resource::end_observation(Code code, std::string_view diagnostic) {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->end(*this, code, diagnostic);
}

std::size_t Resource::drop_observers() {
    if (!observe_ || hub_ == nullptr) return 0;
    return hub_->drop(*this);
}

// ---- ObserveHub ----

bool ObserveHub::add(Resource& resource, const RequestContext& context) {
    ObservableState& state = *resource.observe_state();
    const gsl::span<const std::byte> token = context.message().token();
    const gsl::span<const std::byte> bytes = context.message().bytes();
    // §4.1: the same client registering again replaces its older registration:
    // the same peer and token anywhere, or the same peer with the same request
    // (URI and options) under a new token. A resource serving many targets (a
    // wildcard route) keeps one registration per target and peer.
    if (const auto head = by_peer_.find(context.peer()); head != by_peer_.end()) {
        for (std::uint32_t i = head->second; i != none;) {
            const Observer& o = pool_[i];
            const std::uint32_t next = o.next_of_peer;
            if (same_token(o, token) ||
                (o.state == &state && same_tail(state.requests[o.request].bytes, bytes)))
                erase(i);
            i = next;
        }
    }
    if (total >= config.max_observers || state.members.size() >= config.max_observers_per_resource)
        return false;

    std::size_t request = state.requests.size();
    for (std::size_t i = 0; i < state.requests.size(); ++i) {
        const auto& r = state.requests[i];
        if (r.users == 0) {
            if (request == state.requests.size()) request = i;  // a free entry
            continue;
        }
        if (same_tail(r.bytes, bytes)) {
            request = i;
            break;
        }
    }
    if (request == state.requests.size()) {
        // Observer::request is 16 bits: past that many distinct registration
        // requests the client is answered without Observe (§4.1), as when full.
        if (request > 0xffff) return false;
        state.requests.emplace_back();
    }
    auto& kept = state.requests[request];
    if (kept.users == 0) {
        kept.bytes.assign(bytes.begin(), bytes.end());
        kept.no_response = context.message().no_response().value_or(0);
    }
    ++kept.users;

    std::uint32_t index = 0;
    if (!free_.empty()) {
        index = free_.back();
        free_.pop_back();
    } else {
        index = static_cast<std::uint32_t>(pool_.size());
        pool_.emplace_back();
    }
    Observer& observer = pool_[index];
    observer = Observer{};
    observer.peer = context.peer();
    observer.last_con = context.now();
    observer.state = &state;
    observer.position = static_cast<std::uint32_t>(state.members.size());
    observer.request = static_cast<std::uint16_t>(request);
    observer.token_length = static_cast<std::uint8_t>(std::min<std::size_t>(token.size(), 8));
    std::copy_n(token.begin(), observer.token_length, observer.token.begin());
    if (const auto head = by_peer_.find(observer.peer); head != by_peer_.end()) {
        observer.next_of_peer = head->second;
        head->second = index;
    } else if (!spare_peers_.empty()) {
        // A node given back by erase(): a new peer costs no allocation once the
        // hub has held as many peers before (issue 12: floods of registrations).
        auto node = std::move(spare_peers_.back());
        spare_peers_.pop_back();
        node.key() = observer.peer;
        node.mapped() = index;
        by_peer_.insert(std::move(node));
        observer.next_of_peer = none;
    } else {
        by_peer_.emplace(observer.peer, index);
        observer.next_of_peer = none;
    }
    state.members.push_back(index);
    ++total;
    return true;
}

void ObserveHub::remove(Resource& resource, const Address& peer, gsl::span<const std::byte> token) {
    const ObservableState* state = resource.observe_state();
    const auto head = by_peer_.find(peer);
    if (head == by_peer_.end()) return;
    for (std::uint32_t i = head->second; i != none;) {
        const Observer& o = pool_[i];
        const std::uint32_t next = o.next_of_peer;
        if (o.state == state && same_token(o, token)) erase(i);
        i = next;
    }
}

void ObserveHub::erase(std::uint32_t index) {
    Observer& observer = pool_[index];
    ObservableState& state = *observer.state;
    auto& request = state.requests[observer.request];
    if (request.users > 0 && --request.users == 0) request.bytes.clear();
    // Out of the resource's list (the last member takes its place)...
    const std::uint32_t last = state.members.back();
    state.members[observer.position] = last;
    pool_[last].position = observer.position;
    state.members.pop_back();
    // ...out of its peer's chain...
    const auto head = by_peer_.find(observer.peer);
    if (head != by_peer_.end()) {
        if (head->second == index) {
            if (observer.next_of_peer == none)
                spare_peers_.push_back(by_peer_.extract(head));
            else
                head->second = observer.next_of_peer;
        } else {
            for (std::uint32_t i = head->second; i != none; i = pool_[i].next_of_peer) {
                if (pool_[i].next_of_peer == index) {
                    pool_[i].next_of_peer = observer.next_of_peer;
                    break;
                }
            }
        }
    }
    // ...and back to the pool.
    observer.state = nullptr;
    free_.push_back(index);
    if (total > 0) --total;
}

void ObserveHub::forget(Resource& resource) {
    ObservableState* state = resource.observe_state();
    if (state == nullptr) return;
    while (!state->members.empty())
        erase(state->members.back());
    state->requests.clear();
    std::erase(observables, &resource);
}

std::size_t ObserveHub::drop(Resource& resource) {
    ObservableState* state = resource.observe_state();
    if (state == nullptr) return 0;
    const std::size_t dropped = state->members.size();
    while (!state->members.empty())
        erase(state->members.back());
    return dropped;
}

void ObserveHub::render(Resource& resource, std::size_t request, ResponseCapture& capture,
                        const FunctionRef<bool(const MessageView&)>* which) {
    ObservableState& state = *resource.observe_state();
    // A copy: the handler may register or deregister and so move the kept requests.
    request_copy_.assign(state.requests[request].bytes.begin(),
                         state.requests[request].bytes.end());
    const auto view = MessageView::parse(request_copy_);
    if (!view || (which != nullptr && !(*which)(*view))) return;
    const RequestHandler* handler = resource.handler_for(view->code());
    if (handler == nullptr) return;
    std::uint32_t first = none;
    for (const std::uint32_t index : state.members)
        if (pool_[index].request == request) {
            first = index;
            break;
        }
    if (first == none) return;
    Event event{.kind = EventKind::request_received, .peer = pool_[first].peer, .message = *view};
    RequestContext context(*driver, event);
    context.capture_into(capture);
    RouteMatch match;
    if (resource.pattern().match(context.path(), match)) context.set_route(match);
    try {
        (*handler)(context);
    } catch (const std::exception&) {
        (void)context.respond(codes::internal_server_error);
    }
}

std::size_t ObserveHub::notify(Resource& resource,
                               const FunctionRef<bool(const MessageView&)>* which) {
    ObservableState& state = *resource.observe_state();
    if (driver == nullptr || state.members.empty() || rendering_) return 0;
    state.sequence = (state.sequence + 1) & sequence_mask;
    // Rendered once for every observer that registered with the same request.
    const std::size_t requests = state.requests.size();
    if (renders_.size() < requests) renders_.resize(requests);
    rendering_ = true;
    for (std::size_t r = 0; r < requests; ++r) {
        renders_[r].answered = false;
        if (state.requests[r].users > 0) render(resource, r, renders_[r], which);
    }
    rendering_ = false;
    // One pass over the observers (backwards: a final state removes them).
    std::size_t sent = 0;
    for (std::size_t i = state.members.size(); i-- > 0;) {
        const std::uint32_t index = state.members[i];
        Observer& observer = pool_[index];
        if (observer.request >= requests || !renders_[observer.request].answered) continue;
        const ResponseCapture& capture = renders_[observer.request];
        if (no_response_suppresses(state.requests[observer.request].no_response, capture.code)) {
            // RFC 7967: not sent; a state that ends the observation still ends it.
            if (!capture.code.is_success()) erase(index);
            continue;
        }
        ++sent;
        if (!send(state, observer, capture)) erase(index);
    }
    return sent;
}

bool ObserveHub::send(ObservableState& state, Observer& observer, const ResponseCapture& capture) {
    const bool success = capture.code.is_success();
    const Instant now = driver->now();
    NotifyOptions options;
    options.code = capture.code;
    options.confirmable = config.always_confirmable || state.always_confirmable ||
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
    while (!state.members.empty()) {
        const std::uint32_t index = state.members.back();
        const Observer& observer = pool_[index];
        if (!no_response_suppresses(state.requests[observer.request].no_response, capture.code)) {
            (void)send(state, pool_[index], capture);
            ++sent;
        }
        erase(index);
    }
    return sent;
}

void ObserveHub::on_event(const Event& event) {
    const bool acknowledged = event.kind == EventKind::notification_acknowledged;
    const auto head = by_peer_.find(event.peer);
    if (head == by_peer_.end()) return;
    for (std::uint32_t i = head->second; i != none;) {
        Observer& o = pool_[i];
        const std::uint32_t next = o.next_of_peer;
        if (o.in_flight == event.notification || o.last_sent == event.notification) {
            if (acknowledged) {
                if (o.in_flight == event.notification) o.in_flight = {};
                o.non_since_ack = 0;
            } else {
                erase(i);  // §3.6 RST, §4.5 a CON that timed out: the client is gone
            }
        }
        i = next;
    }
}

}  // namespace coap
