// fuzz/driver/harness.hpp — the driver fuzz harness: the async layer's whole state
// machine (Drivers, sends as awaitables, streams and callbacks, resources with
// deferred answers) on a simulated network, driven by the input. The class is
// defined across one file per job:
//   input.cpp    the constructor, operation decoding, links, time, the step checks
//   shapes.cpp   building the descriptor of each shape and launching it
//   client.cpp   the hooks sends report to, their invariants, actions, cancel, destroy
//   server.cpp   resources, the request handler, deferred answers, the wire checks
//   rogue.cpp    foreign traffic: raw, replayed, mutated and forged datagrams
//   final.cpp    the end: settle, heal, run to idle, the liveness checks
// Templates shared by shapes.cpp and the hooks live in tagged.hpp and tasks.hpp.
#pragma once

#include "spec.hpp"
#include "world.hpp"

#include "coap/error.hpp"
#include "coap/owned_message.hpp"
#include "coap/pending_response.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/send_operation.hpp"
#include "coap/task.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace driver_fuzz {

/// One launched send and everything observed of it.
struct Record {
    LaunchSpec spec;
    std::size_t index = 0;
    std::size_t driver = 0;
    /// The resolved destination; `unicast` unless it is the group.
    coap::Address peer{};
    bool unicast = true;
    /// The descriptor's many_responses and is_multicast.
    bool many = false;
    bool multicast = false;
    /// Tags written by this send's requests.
    std::vector<std::uint32_t> tags;

    // ---- await and stream forms: the Task and what it reports ----
    coap::Task<void> task;
    bool destroyed = false;
    bool task_ended = false;
    /// Hooks of this record on the stack: its coroutine must not be destroyed.
    int active = 0;
    /// The id of the running send (await, stream), empty when none runs.
    std::function<std::optional<coap::RequestId>()> probe;
    int awaits_started = 0;
    int awaits_resumed = 0;

    // ---- stream and callback forms ----
    int items = 0;
    bool last_cancelled = false;
    bool stream_ended = false;
    coap::SendHandle handle{};
    int calls = 0;
    bool final_seen = false;
    bool launched = false;

    /// cancel() returned true outside any servicing: the next outcome is cancelled.
    bool expect_cancel = false;
    std::size_t next_action = 0;
};

/// A deferred answer the harness holds.
struct Deferred {
    std::size_t driver = 0;
    coap::PendingResponse response;
    std::optional<std::uint32_t> tag;
};

/// The body /body?s=`size` serves.
std::vector<std::byte> body_of(std::size_t size);

/// What the request handler saw of one tagged request.
struct Handled {
    std::uint8_t no_response = 0;
    bool multicast = false;
};

class Harness {
  public:
    explicit Harness(Provider& in);
    ~Harness();
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;

    /// Up to max_operations operations, then the end (final.cpp).
    void run();

    // ---- for the templates (tagged.hpp, tasks.hpp) ----
    Record& record(std::size_t index) { return records_[index]; }
    coap::Driver& driver(std::size_t i) { return world_.driver(i); }
    std::size_t drivers() const noexcept { return world_.size(); }
    /// A fresh tag for a request `record` writes now.
    std::uint32_t next_tag(std::size_t record);
    /// A response reached `record`'s descriptor: checks its echo and responder.
    void on_response(std::size_t record, const coap::InboundContext& response);
    void on_await_start(std::size_t record);
    void on_await_result(std::size_t record, bool ok, const coap::Error* error);
    void on_stream_item(std::size_t record, bool ok, const coap::Error* error);
    void on_stream_end(std::size_t record, bool ended, bool again);
    void on_callback(std::size_t record, bool ok, const coap::Error* error);
    void on_task_end(std::size_t record);
    /// Checks a value a send finished with: the responder's address, and a body
    /// from /body against the one the resource serves.
    void check_responder(std::size_t record, const coap::Address& responder);
    void check_message(std::size_t record, const coap::OwnedMessage& message);
    /// A payload that lives as long as the harness.
    gsl::span<const std::byte> payload(const LaunchSpec& spec);
    void count_inspect() { ++inspected_; }
    /// Completes deferred answer `index` as a Driver timer or server task does.
    void complete_deferred(std::size_t index, std::uint8_t how);

  private:
    enum Operation : std::uint8_t {
        op_launch,
        op_destroy,
        op_cancel,
        op_complete,
        op_drop_deferred,
        op_raw,
        op_replay,
        op_forge_response,
        op_forge_request,
        op_link,
        op_partition,
        op_time,
        op_steps,
        op_join,
        op_destroy_server_task,
        op_count
    };

    // input.cpp
    void execute(Operation op);
    void link();
    void partition();
    void advance_time();
    void steps();
    /// Table bounds and the Drivers' send counts against the records, after each op.
    void check_all();

    // shapes.cpp
    /// Launches `spec` as a new record (nothing past max_records).
    void launch(const LaunchSpec& spec);
    void launch_shape(std::size_t record);

    // client.cpp
    /// Runs the next of the record's actions (from a hook).
    void act(std::size_t record);
    /// Cancels a record's send (callback: SendHandle; else Driver::cancel); at top
    /// level, checks that the outcome came at once.
    void cancel(std::size_t record, bool top_level);
    /// Destroys a record's Task unless its coroutine is on the stack.
    bool destroy(std::size_t record);
    /// Begins a hook of `record` (counts it as active) and checks it may run.
    void enter(Record& r);

    // server.cpp
    void build_trees();
    void on_request(std::size_t driver, coap::RequestContext& context);
    void on_sent(std::size_t driver, const coap::Address& to, gsl::span<const std::byte> bytes);
    void serve(std::size_t driver, coap::Resource& resource, std::uint8_t path);
    void answer_now(std::size_t driver, coap::RequestContext& context);
    void answer_body(coap::RequestContext& context);
    void answer_deferred(std::size_t driver, coap::RequestContext& context);
    void answer_upload(coap::RequestContext& context);
    void complete(std::size_t index, std::uint8_t how);

    // rogue.cpp
    void raw();
    void replay();
    void forge_response();
    void forge_request();
    /// Sends `bytes` as node `from` (a Driver, or the rogue) to `to`; taints its tags.
    void inject(std::size_t from, const coap::Address& to, const std::vector<std::byte>& bytes);
    const Ring* ring(std::size_t choice);

    // final.cpp
    void converge();
    void final_checks();

    Provider& in_;
    World world_;
    std::vector<std::unique_ptr<coap::ResourceTree>> trees_;
    std::deque<std::vector<std::byte>> payloads_;
    std::unordered_map<std::uint32_t, std::size_t> tag_owner_;
    std::unordered_set<std::uint32_t> tainted_;
    std::map<std::pair<std::size_t, std::uint32_t>, Handled> handled_;
    std::uint32_t next_tag_ = 1;
    std::uint64_t handler_runs_ = 0;
    std::uint64_t inspected_ = 0;
    std::uint32_t etag_version_ = 0;
    std::int64_t time_spent_ = 0;
    int hook_actions_ = 0;
    int depth_ = 0;
    bool finishing_ = false;
    /// The rogue injected something: bodies may be forged.
    bool rogue_active_ = false;
    // Destroyed before the world (their sends and answers need the Drivers).
    std::deque<Deferred> deferred_;
    std::vector<coap::Task<void>> server_tasks_;
    std::deque<Record> records_;
};

}  // namespace driver_fuzz
