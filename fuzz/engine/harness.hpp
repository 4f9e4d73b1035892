// fuzz/engine/harness.hpp — the engine fuzz harness: Endpoints on an in-memory
// network with one virtual clock, driven step by step by the input. The class is
// defined across one file per job:
//   harness_input.cpp      configuration and operation decoding, the step loop
//   harness_network.cpp    flights, delivery, routing, time, timers, draining
//   harness_forge.cpp      foreign traffic: raw, crafted, mutated, replies
//   harness_api.cpp        the API calls on endpoints and their documented errors
//   harness_held.cpp       held exchanges: send_next, listen, close, index_of, is_live
//   harness_invariants.cpp table and counter checks, events, request-id bookkeeping
//   harness_liveness.cpp   the end: heal, run out the clock, probe with pings
//   harness_faults.cpp     pool acquisitions the input makes fail (engine_faults)
#pragma once

#include "harness_config.hpp"
#include "harness_format.hpp"
#include "harness_model.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace engine_fuzz {

class Harness {
  public:
    /// Draws the endpoints' configurations and the start time.
    explicit Harness(Provider& in);
    /// Runs up to max_operations steps, then the liveness checks.
    void run();

  private:
    enum Operation : std::uint8_t {
        op_deliver,
        op_deliver_at,
        op_drop,
        op_duplicate,
        op_deliver_all,
        op_raw,
        op_craft,
        op_mutate,
        op_reply,
        op_time_small,
        op_time_huge,
        op_timer,
        op_timeout_early,
        op_request,
        op_ping,
        op_cancel,
        op_respond,
        op_acknowledge,
        op_release,
        op_set_parameters,
        op_batch,
        op_move,
        op_send_next,
        op_listen,
        op_close,
        op_query,
        op_unreachable,
        op_notify,
#if defined(COBALT_FAULT_INJECTION)
        op_fault,  ///< target engine_faults: a pool acquisition the input picks fails
#endif
        op_count
    };

    // harness_input.cpp
    void add_node(std::size_t index);
    /// Executes one operation, drains unless batched, and checks the timer rule.
    void one_step();
    void execute(Operation op);
    Node& node_at(std::size_t drawn) {
        return nodes_[drawn % nodes_.size()];
    }
    std::size_t max_message_size(const Node& n) const {
        return n.endpoint.config().capacities.max_message_size;
    }

    // harness_network.cpp
    void deliver(std::size_t k);
    void feed(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
              bool multicast);
    /// A datagram the input made up, from any address: its answers are not checked
    /// against the harness's markers.
    void forge(std::size_t to, std::size_t from, const std::vector<std::byte>& bytes,
               bool multicast);
    /// Checks one emitted datagram and puts it in flight (or in the sender's records).
    void route(Node& n, const coap::Transmit& transmit);
    void drain_all();
    /// Polls in the documented order until the endpoint has nothing left.
    void drain(std::size_t i);
    /// After handle_timeout(now) and a drain, a deadline at or before now means a
    /// full queue blocked progress; with the queues drained, handle_timeout(now)
    /// again must get past it within a few rounds.
    void settle(std::size_t i);
    void advance(Duration step);
    std::optional<Instant> earliest_deadline() const;
    /// Jumps to the earliest deadline and fires every endpoint that is due.
    void timer();

    // harness_forge.cpp
    void raw();
    void craft();
    void mutate();
    void reply();

    // harness_api.cpp
    std::size_t draw_target(Node& n);
    /// Method, type, multicast, hold, parameters and (maybe) a marked body, as
    /// send_request and send_next take them; `body` has a marker when drawn.
    coap::RequestOptions draw_request_options(Body& body);
    void request();
    void ping();
    /// A CON request or ping to a multicast group: refused, or (see
    /// con_to_group_refused) tolerated. True when the call is to be checked as usual.
    bool con_to_group(Node& n, std::size_t group,
                      const coap::Result<RequestId, LocalError>& result);
    void cancel();
    void respond(Node& n, ResponderId responder, const coap::ResponseOptions& options,
                 const Body& body);
    void answer(Operation op);
    void set_parameters();
    /// handle_unreachable for a drawn address: the exchanges it ends, and only
    /// unicast ones to that address, end with peer_unreachable.
    void unreachable();

    // harness_held.cpp
    /// A RequestId drawn for the calls on client exchanges: a live one, a live held
    /// one, a finished or closed one, a made-up value, a ResponderId, or zero.
    std::uint32_t draw_request_id(Node& n);
    void send_next();
    void listen();
    void close();
    /// index_of and is_live of a drawn id, against the model.
    void query();
    /// Endpoint::notify with live, stale and made-up ids to replace (harness_notify.cpp).
    void notify();
    void on_notification_event(Node& n, const Event& event);
    /// Checks index_of and is_live of every live and recently finished id.
    void check_handles(const Node& n) const;
    /// The end of a run, once no flight and no deadline is left: every live request
    /// must be a held exchange whose response was polled, or one listening without end; each is
    /// closed or (every other one) listened to with a zero timeout. False when there was none.
    bool release_held();

    // harness_faults.cpp
    /// Makes the k-th next pool acquisition of a drawn endpoint fail as if its table
    /// were full (engine_faults only; a no-op in the engine target).
    void fault();
    /// Whether the failure fault() asked of `n` happened and has not been forgotten
    /// yet: a "table full" outcome is then allowed with room in the table.
    bool fault_fired(const Node& n) const;
    /// Forgets failures that fired, at the end of each step.
    void forget_fired_faults();
    /// Cancels failures that have not fired, before the probe (which needs every
    /// ping answered).
    void disarm_faults();

    // harness_invariants.cpp
    void check(const Node& n);
    /// Checks the outcome of send_request or ping and records a new live request.
    void started(Node& n, const coap::EndpointStats& stats,
                 const coap::Result<RequestId, LocalError>& result, std::size_t target,
                 std::uint32_t marker, bool multicast, bool is_ping, bool hold);
    void finish(Node& n, std::map<std::uint32_t, Live>::iterator it);
    void on_event(Node& n, const Event& event);
    void on_request(Node& n, const Event& event, std::size_t peer,
                    const std::optional<MessageView>& view);

    // harness_liveness.cpp
    /// Heals the network and runs time to every deadline until nothing is left.
    void converge();
    /// On the healed network, every endpoint pings every other one: each ping must
    /// end with its pong (a leaked NSTART slot or peer reference would stall it).
    void probe();

    Provider& in_;
    std::vector<Node> nodes_;
    std::deque<Flight> flights_;
    std::vector<bool> fired_;
    Instant now_{};
    std::uint32_t next_marker_ = 1;
    int batch_left_ = 0;
    std::set<std::pair<std::size_t, std::uint32_t>> probes_;  ///< (node, ping id)
    int pongs_missing_ = 0;
    std::uint32_t released_ = 0;  ///< held exchanges released by release_held()
};

}  // namespace engine_fuzz
