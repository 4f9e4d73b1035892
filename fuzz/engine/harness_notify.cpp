// fuzz/engine/harness_notify.cpp — Endpoint::notify (RFC 7641 notifications)
// from the engine harness: codes, CON and NON, tokens up to one byte too long,
// transmission parameters, and replacement of live, ended and made-up ids; and
// the events that end notifications (exactly one per CON notification; a NON one
// at most one, for an RST).
#include "harness.hpp"

#include "fuzz_support.hpp"

#include <iterator>

namespace engine_fuzz {

void Harness::notify() {
    Node& n = node_at(draw_index(in_, 2));
    const std::size_t target = draw_target(n);
    coap::NotifyOptions options;
    options.code = draw_code(in_);
    options.confirmable = in_.ConsumeBool();
    const std::size_t parameter_choice = draw_index(in_, 2);
    if (parameter_choice == 1) options.parameters = draw_parameters(in_);
    if (parameter_choice == 2) options.parameters = fast_parameters();
    const std::size_t replace_choice = draw_index(in_, 3);
    const std::size_t index = draw_index(in_, max_remembered - 1);
    if (replace_choice == 1 && !n.notifying.empty()) {
        auto it = n.notifying.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(index % n.notifying.size()));
        options.replaces = coap::NotificationId{*it};
    } else if (replace_choice == 2 && !n.notified.empty()) {
        auto it = n.notified.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(index % n.notified.size()));
        options.replaces = coap::NotificationId{*it};
    } else if (replace_choice == 3) {
        options.replaces = coap::NotificationId{in_.ConsumeIntegral<std::uint32_t>()};
    }
    std::array<std::byte, 9> token{};
    const std::size_t token_length = draw_index(in_, 9);
    for (std::size_t i = 0; i < token_length; ++i)
        token[i] = std::byte{in_.ConsumeIntegral<std::uint8_t>()};
    Body body;
    if (in_.ConsumeBool()) body = draw_body(in_);

    const auto stats = n.endpoint.stats();
    const bool was_in_flight =
        options.replaces && n.endpoint.notification_in_flight(*options.replaces);
    const auto result = n.endpoint.notify(now_, addresses()[target], {token.data(), token_length},
                                          options, [&](MessageWriter& w) { body.write(w); });
    TRACE("node %zu: notify %u.%02u to %zu %s -> %s %x\n", n.self, options.code.code_class(),
          options.code.detail(), target, options.confirmable ? "CON" : "NON",
          result ? "ok" : coap::describe(result.error()).data(), result ? result->value : 0);
    FUZZ_REQUIRE(local_error_is(
        result,
        {LocalError::invalid_message, LocalError::message_too_large, LocalError::invalid_request,
         LocalError::invalid_parameters, LocalError::notifications_full, LocalError::peers_full,
         LocalError::transmit_queue_full}));
    if (!options.code.is_response()) FUZZ_REQUIRE(!result);
    if (token_length > 8) FUZZ_REQUIRE(!result);
    if (is_group(target))
        FUZZ_REQUIRE(!result && (result.error() == LocalError::invalid_request ||
                                 !options.code.is_response()));
    if (options.parameters && !options.parameters->valid()) FUZZ_REQUIRE(!result);
    if (!result) {
        if (result.error() == LocalError::notifications_full)
            FUZZ_REQUIRE(stats.notifications_in_flight ==
                             n.endpoint.config().capacities.notifications ||
                         fault_fired(n));
        if (result.error() == LocalError::transmit_queue_full)
            FUZZ_REQUIRE(stats.queued_datagrams ==
                             n.endpoint.config().capacities.queued_datagrams ||
                         fault_fired(n));
        return;
    }
    FUZZ_REQUIRE(result->value != 0);
    const bool replaced =
        was_in_flight && *result == *options.replaces &&
        n.endpoint.stats().notifications_in_flight == stats.notifications_in_flight;
    if (replaced) {
        FUZZ_REQUIRE(n.notifying.count(result->value) == 1);
        return;
    }
    // A new notification: an id never issued before.
    FUZZ_REQUIRE(n.notified.insert(result->value).second);
    if (options.confirmable) {
        FUZZ_REQUIRE(n.endpoint.notification_in_flight(*result));
        n.notifying.insert(result->value);
    }
}

void Harness::on_notification_event(Node& n, const Event& event) {
    const std::uint32_t id = event.notification.value;
    FUZZ_REQUIRE(n.notified.count(id) == 1);
    FUZZ_REQUIRE(event.message.bytes().empty());
    if (event.kind == EventKind::notification_acknowledged) {
        FUZZ_REQUIRE(n.notifying.erase(id) == 1);
    } else {
        FUZZ_REQUIRE(event.reason == FailureReason::reset ||
                     event.reason == FailureReason::timeout);
        if (event.reason == FailureReason::timeout) FUZZ_REQUIRE(n.notifying.count(id) == 1);
        n.notifying.erase(id);
    }
    // One end per notification.
    FUZZ_REQUIRE(n.notification_ended.insert(id).second);
}

}  // namespace engine_fuzz
