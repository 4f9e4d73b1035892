// timers.cpp — time in the message layer (RFC 7252 §4.2, §4.8): the first
// retransmission timeout, exponential back-off up to MAX_RETRANSMIT, and the
// dispatch of expired exchange deadlines to the client and server sides.
#include "endpoint_state.hpp"

namespace coap {

void Endpoint::State::arm_retransmission(Instant now, detail::Exchange& exchange) {
    const TransmissionParameters p = exchange.parameters.unpack();
    // §4.2: the first timeout is random in [ACK_TIMEOUT, ACK_TIMEOUT × ACK_RANDOM_FACTOR].
    exchange.timeout = Duration{prng.between(p.ack_timeout.ms, p.max_initial_timeout().ms)};
    exchange.retransmissions = 0;
    exchanges.set_deadline(exchange, now + exchange.timeout);
}

bool Endpoint::State::retransmit(Instant now, std::uint32_t slot) {
    detail::Exchange& e = exchanges[slot];
    if (e.retransmissions >= e.parameters.max_retransmit) return false;
    if (fault() || !send(e.peer, exchanges.message(slot))) {
        exchanges.set_deadline(e, now);  // the queue is full; try again on the next timeout
        return true;
    }
    ++e.retransmissions;
    ++stats.retransmissions;
    // §4.2: the timeout doubles with every retransmission.
    e.timeout = e.timeout * 2;
    exchanges.set_deadline(e, now + e.timeout);
    return true;
}

void Endpoint::State::on_timeout(Instant now) {
    // Collect first: handling a deadline may release or start exchanges.
    due.clear();
    exchanges.collect_due(now, due);
    for (const std::uint32_t slot : due) {
        const detail::Exchange& e = exchanges[slot];
        if (e.state == detail::ExchangeState::unused || e.deadline > now) continue;
        if (e.client)
            client_timeout(now, slot);
        else
            server_timeout(now, slot);
    }
}

std::optional<Instant> Endpoint::State::next_deadline() const noexcept {
    return exchanges.earliest_deadline();
}

}  // namespace coap
