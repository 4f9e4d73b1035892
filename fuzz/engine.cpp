// fuzz/engine.cpp — fuzz target `engine`: the whole Endpoint state machine. Two or
// three Endpoints with tiny tables (so that every "full" outcome is reachable) share
// an in-memory network and one virtual clock; the input picks their configuration
// and then up to 200 operations: deliveries (in order, reordered, dropped,
// duplicated, mutated), datagrams from foreign peers (raw bytes, crafted messages,
// replies to what an endpoint sent them), time steps small and huge, timer firings
// (on time and early), and every API call with live, stale and made-up handles,
// including held exchanges (RequestOptions::hold: send_next, listen, close) and the
// handle queries index_of and is_live.
//
// After every step each endpoint is drained in the documented call order
// (poll_transmit until empty, next_timeout, poll_event until empty; a handler may
// respond, then round again) unless the input asked for a batch of undrained steps.
// Checked with FUZZ_REQUIRE:
//  - Endpoint::check_consistency() holds after every step;
//  - table occupancy never exceeds the configured capacities; the stats counters
//    match what the harness fed and polled; wants_poll() matches the queues;
//  - next_transmit_size() is the length of the datagram poll_transmit gives next
//    (0 when it gives none); every emitted datagram fits max_message_size and parses, and goes to
//    an address the endpoint has heard of; only NON requests go to a multicast group;
//  - every event names a known peer; request and response views parse;
//  - RequestIds are never reused; each that is not closed gets exactly one terminal
//    event (response for unicast without hold, pong for a ping, multicast_done,
//    exchange_failed) of a kind that fits the request, cancelled iff cancel()
//    succeeded; nothing arrives for finished ids, and for a closed one only the
//    responses queued before close() (the queue is FIFO, so events are numbered);
//    a response carries the harness's marker of a request sent under its token (a
//    piggybacked one: of the latest sent before it was queued), and an ACK under
//    another token than the request's is never taken for its response;
//  - held exchanges: a response does not end them; once one was polled after the
//    last send_next, send_next and listen are accepted (close always is, for a live
//    id); send_next is refused for multicast, pings, exchanges without hold and
//    multicast options; close() queues nothing and frees exactly one exchange;
//  - index_of of an id never changes and is below the capacity, live ids have
//    distinct slots; is_live holds for every live id once the events are drained,
//    never for a finished, closed, responder or made-up one, nor for zero;
//  - a request reaches the application once: a duplicate (same peer and message ID)
//    arriving within the lifetime of its dedup entry never makes a second
//    request_received (§4.5);
//  - response_failed only for a responder that was answered, at most once;
//  - API calls fail only with the errors they document, and the table/queue errors
//    only when that table or queue is full; stale, foreign and zero handles are refused;
//  - timers (see timers.cpp): an input other than handle_timeout, to an endpoint whose
//    next_timeout() was later than `now`, leaves next_timeout() at or after `now`; a
//    deadline may equal `now` only while a full queue blocks progress, so after
//    handle_timeout(now) and a drain, repeating handle_timeout(now) reaches a
//    next_timeout() later than `now` within a few rounds;
//  - liveness: at the end the network heals and time runs to every deadline; when
//    none is left, only held exchanges whose response was polled may remain, and
//    they are closed or listened to with a zero timeout (alternately); then no
//    timer is left, every request has ended and every table is empty; a ping between
//    two endpoints on the healed network then gets its pong.
//
// Draw order (cobalt_fuzz::DataProvider, integers from the back, bytes from the front)
// is mirrored by fuzz/make_seeds.py; each operation's draws depend only on the values
// drawn, never on the harness state. ENGINE_FUZZ_TRACE=1 prints every step.
//
// The same file is the target engine_faults, built with COBALT_FAULT_INJECTION over
// the engine built that way: the input also makes pool acquisitions fail
// (fuzz/engine/harness_faults.cpp). The harness lives in fuzz/engine/ (harness.hpp
// lists its files).
#include "engine/harness.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    engine_fuzz::Provider in(data, size);
    engine_fuzz::Harness harness(in);
    harness.run();
    return 0;
}
