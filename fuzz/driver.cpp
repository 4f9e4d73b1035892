// fuzz/driver.cpp — fuzz target `driver`: the async layer's whole state machine.
// Two or three coap::Drivers on a simulated network (virtual time), each serving
// a ResourceTree (immediate answers of any code, a Block2 body, deferred answers
// completed by a Driver timer, a server coroutine or an op, a throwing handler,
// ignore, no answer, Block1 uploads; No-Response honoured), and a rogue node.
// The input picks the Drivers' configurations and group memberships, then up to
// 96 operations:
//  - launch a send of one of 21 descriptor shapes (GET/POST/PUT/DELETE/FETCH/any
//    method, payloads, payload_writer, NON, multicast to the group, block2 with a
//    random first size, block1, options, uri_host_path, transmission, emit_*,
//    include_socket_addr, inspect, use_handler answering done / send_next /
//    keep_waiting / errors as the input says, observe, ping) from any Driver to
//    a Driver, the rogue, the group, a dead address or a (bad) name, awaited in a
//    Task (also via send_to a relative reference, twice in a row), read as a
//    stream in a Task (with sleeps between reads, or a tiny buffer), or with a
//    callback; each hook may cancel, destroy another Task, resend, or complete a
//    deferred answer;
//  - destroy a Task (cancellation in mid-exchange), cancel a send (SendHandle or
//    Driver::cancel), complete or drop a deferred answer, destroy a server task;
//  - inject raw, replayed, mutated or forged datagrams (responses with real,
//    altered or guessed tokens; requests) from the rogue or under a Driver's
//    address; change link conditions, partitions and group membership; advance
//    virtual time by small and huge steps.
// Checked with FUZZ_REQUIRE (see client.cpp, server.cpp, input.cpp, final.cpp):
//  - every awaited send resumes exactly once, never after its Task was destroyed;
//    a stream yields items (one for a single-response send) then nullopt, and
//    nullopt again; a callback's last word comes once and nothing after it; a
//    send cancelled outside servicing ends at once with cancelled;
//  - a response reaches only the send whose request it echoes, from the peer
//    asked (any node for a group), flagged multicast as the send was; a body
//    from /body is the one served (whole, or the block it says it is);
//  - no tagged request runs a handler twice (unless the rogue replayed it);
//    every datagram a Driver sends parses and fits; an answer honours the
//    request's No-Response and sends no error to a multicast request;
//  - RequestContext and PendingResponse answer once, as documented;
//  - pending_sends() stays within the exchanges in use and matches the running
//    sends; destroying a Task removes its send at once;
//  - the end: healed and settled, the network idles; every Task finished, no
//    send, exchange or wakeup is left in any Driver.
// DRIVER_FUZZ_TRACE=1 prints every step. The harness lives in fuzz/driver/
// (harness.hpp lists its files); make_seeds.py there writes the seeds.
#include "driver/harness.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    driver_fuzz::Provider in(data, size);
    driver_fuzz::Harness harness(in);
    harness.run();
    return 0;
}
