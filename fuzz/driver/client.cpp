// fuzz/driver/client.cpp — the client side of the driver harness: the hooks that
// awaited sends, streams and callbacks report to, with their invariants (each
// await resumes once, never after its Task died; a stream yields items then one
// nullopt; a callback's last word comes once; a cancelled send says cancelled;
// responses echo a tag of their own send and come from the right peer), the
// actions a hook runs, and cancelling and destroying sends.
#include "harness.hpp"

#include "fuzz_support.hpp"

namespace driver_fuzz {
namespace {

/// Ends a hook begun with Harness::enter.
struct Leave {
    Record& r;
    int& depth;
    ~Leave() {
        --r.active;
        --depth;
    }
};

bool cancelled(bool ok, const coap::Error* error) {
    return !ok && error->kind == coap::ErrorKind::cancelled;
}

}  // namespace

std::uint32_t Harness::next_tag(std::size_t record) {
    const std::uint32_t tag = next_tag_++;
    tag_owner_[tag] = record;
    records_[record].tags.push_back(tag);
    return tag;
}

void Harness::on_response(std::size_t record, const coap::InboundContext& response) {
    const Record& r = records_[record];
    FUZZ_REQUIRE(response.is_multicast() == (r.multicast || !r.unicast));
    // A response echoing one of our tags answers a request of this very send.
    const auto echo = read_tag(response.message(), echo_option);
    if (echo && tainted_.count(*echo) == 0) {
        const auto owner = tag_owner_.find(*echo);
        FUZZ_REQUIRE(owner != tag_owner_.end());
        FUZZ_REQUIRE(owner->second == record);
    }
    check_responder(record, response.remote_address());
}

void Harness::check_responder(std::size_t record, const coap::Address& responder) {
    const Record& r = records_[record];
    // A unicast request is answered by its peer. One sent with multicast() to a
    // unicast address collects answers as a group request does (from anyone).
    if (r.unicast && !r.multicast) {
        FUZZ_REQUIRE(responder == r.peer);
        return;
    }
    FUZZ_REQUIRE(!responder.is_multicast());
    FUZZ_REQUIRE(world_.driver_at(responder).has_value() || responder == rogue_address());
}

void Harness::check_message(std::size_t record, const coap::OwnedMessage& message) {
    const Record& r = records_[record];
    // A body from /body (with a fixed ETag, nothing forged, from a Driver) is the
    // one served: the whole of it, or the block the message says it is.
    if (r.spec.path != 1 || (r.spec.qa & 0x80) != 0 || rogue_active_ || !r.unicast ||
        !world_.driver_at(r.peer) || message.code() != coap::codes::content)
        return;
    if (r.spec.shape == shape_uri_host_path || r.spec.special != 0) return;
    const auto body = body_of(r.spec.qb % 3000);
    const auto payload = message.payload();
    const auto block = message->block2();
    const std::size_t offset = block ? static_cast<std::size_t>(block->offset()) : 0;
    DRIVER_TRACE("  #%zu body checked: %zu bytes at %zu\n", record, payload.size(), offset);
    FUZZ_REQUIRE(offset + payload.size() <= body.size());
    if (!block) FUZZ_REQUIRE(payload.size() == body.size());
    for (std::size_t i = 0; i < payload.size(); ++i)
        FUZZ_REQUIRE(payload[i] == body[offset + i]);
}

void Harness::enter(Record& r) {
    FUZZ_REQUIRE(!r.destroyed);
    ++r.active;
    ++depth_;
}

void Harness::on_await_start(std::size_t record) {
    Record& r = records_[record];
    FUZZ_REQUIRE(!r.destroyed);
    FUZZ_REQUIRE(r.awaits_started == r.awaits_resumed);
    ++r.awaits_started;
}

void Harness::on_await_result(std::size_t record, bool ok, const coap::Error* error) {
    Record& r = records_[record];
    enter(r);
    Leave leave{r, depth_};
    DRIVER_TRACE("  #%zu await %s\n", record,
                 ok ? "ok" : std::string(coap::describe(error->kind)).c_str());
    FUZZ_REQUIRE(r.awaits_resumed + 1 == r.awaits_started);
    ++r.awaits_resumed;
    if (r.expect_cancel) {
        // A multicast awaitable keeps a member's error response as its outcome.
        FUZZ_REQUIRE(!ok &&
                     (error->kind == coap::ErrorKind::cancelled || r.multicast || !r.unicast));
        r.expect_cancel = false;
    }
    act(record);
}

void Harness::on_stream_item(std::size_t record, bool ok, const coap::Error* error) {
    Record& r = records_[record];
    enter(r);
    Leave leave{r, depth_};
    DRIVER_TRACE("  #%zu item %s\n", record,
                 ok ? "ok" : std::string(coap::describe(error->kind)).c_str());
    FUZZ_REQUIRE(!r.stream_ended);
    FUZZ_REQUIRE(r.many || r.items == 0);
    FUZZ_REQUIRE(!r.last_cancelled);  // cancelled ends a stream
    ++r.items;
    r.last_cancelled = cancelled(ok, error);
    act(record);
}

void Harness::on_stream_end(std::size_t record, bool ended, bool again) {
    Record& r = records_[record];
    enter(r);
    Leave leave{r, depth_};
    DRIVER_TRACE("  #%zu stream end after %d items\n", record, r.items);
    FUZZ_REQUIRE(ended);
    FUZZ_REQUIRE(!again);
    FUZZ_REQUIRE(!r.stream_ended);
    r.stream_ended = true;
    FUZZ_REQUIRE(r.many || r.items == 1);
    if (r.expect_cancel) FUZZ_REQUIRE(r.last_cancelled);
    r.expect_cancel = false;
}

void Harness::on_callback(std::size_t record, bool ok, const coap::Error* error) {
    Record& r = records_[record];
    enter(r);
    Leave leave{r, depth_};
    DRIVER_TRACE("  #%zu callback %s\n", record,
                 ok ? "ok" : std::string(coap::describe(error->kind)).c_str());
    FUZZ_REQUIRE(!r.final_seen);
    FUZZ_REQUIRE(r.many || r.calls == 0);
    ++r.calls;
    if (!r.many || cancelled(ok, error)) r.final_seen = true;
    if (r.expect_cancel) {
        FUZZ_REQUIRE(cancelled(ok, error));
        r.expect_cancel = false;
    }
    act(record);
}

void Harness::on_task_end(std::size_t record) {
    Record& r = records_[record];
    enter(r);
    Leave leave{r, depth_};
    FUZZ_REQUIRE(!r.task_ended);
    r.task_ended = true;
    if (r.spec.form == Form::await) {
        FUZZ_REQUIRE(r.awaits_started == r.spec.repeat);
        FUZZ_REQUIRE(r.awaits_resumed == r.spec.repeat);
    }
    FUZZ_REQUIRE(!r.expect_cancel);
}

void Harness::act(std::size_t record) {
    if (finishing_ || depth_ > 4 || hook_actions_ >= max_hook_actions) return;
    Record& r = records_[record];
    if (r.next_action >= r.spec.actions.size()) return;
    const Action action = r.spec.actions[r.next_action++];
    if (action.kind == action_none) return;
    ++hook_actions_;
    DRIVER_TRACE("  #%zu action %u (%u)\n", record, unsigned{action.kind}, unsigned{action.arg});
    switch (action.kind) {
        case action_cancel_self:
            cancel(record, false);
            return;
        case action_cancel_other:
            cancel(action.arg % records_.size(), false);
            return;
        case action_destroy_other:
            if (action.arg % records_.size() != record) destroy(action.arg % records_.size());
            return;
        case action_resend: {
            LaunchSpec spec = r.spec;
            spec.actions = {};
            if (ended_send_waits_for_its_event) {
                launch(spec);
                return;
            }
            // Once the Driver has drained its events (see ended_send_waits_for_its_event).
            coap::Driver& d = world_.driver(r.driver);
            d.schedule(d.now() + coap::milliseconds(1), [this, spec] { launch(spec); });
            return;
        }
        case action_complete_pending:
            if (!deferred_.empty()) complete(action.arg % deferred_.size(), action.arg);
            return;
        case action_none:
        case action_count:
            return;
    }
}

namespace {

/// The id of a running await or stream send, if any.
std::optional<coap::RequestId> running_id(Record& r) {
    if (!r.probe || r.destroyed) return std::nullopt;
    return r.probe();
}

}  // namespace

void Harness::cancel(std::size_t record, bool top_level) {
    Record& r = records_[record];
    coap::Driver& d = world_.driver(r.driver);
    if (r.spec.form == Form::callback) {
        if (!r.launched) return;
        const int calls = r.calls;
        const bool was_final = r.final_seen;
        if (top_level) r.expect_cancel = true;
        const bool ok = r.handle.cancel();
        DRIVER_TRACE("  cancel #%zu (callback): %d\n", record, ok);
        if (!top_level) return;
        if (ok) {
            // Outside any servicing the callback hears of it at once, and last.
            FUZZ_REQUIRE(!was_final);
            FUZZ_REQUIRE(r.calls == calls + 1);
            FUZZ_REQUIRE(r.final_seen);
        } else {
            r.expect_cancel = false;
            FUZZ_REQUIRE(r.calls == calls);
            // A single-response send that is not running any more has had its say.
            FUZZ_REQUIRE(r.many || r.final_seen);
        }
        return;
    }
    const auto id = running_id(r);
    if (!id) return;
    const int resumed = r.awaits_resumed;
    if (top_level) r.expect_cancel = true;
    const bool ok = d.cancel(*id);
    DRIVER_TRACE("  cancel #%zu: %d\n", record, ok);
    if (!top_level) return;
    FUZZ_REQUIRE(ok);
    if (r.spec.form == Form::await) {
        // The awaiting coroutine resumed at once with the outcome.
        FUZZ_REQUIRE(r.destroyed || r.awaits_resumed > resumed);
        FUZZ_REQUIRE(!r.expect_cancel);
    }
}

bool Harness::destroy(std::size_t record) {
    Record& r = records_[record];
    if (r.spec.form == Form::callback || r.destroyed || !r.task.valid() || r.active > 0)
        return false;
    coap::Driver& d = world_.driver(r.driver);
    DRIVER_TRACE("  destroy #%zu\n", record);
    const std::size_t before = d.pending_sends();
    const std::size_t deregistrations = d.pending_deregistrations();
    const bool running = r.probe && r.probe().has_value();
    r.destroyed = true;
    r.probe = nullptr;
    r.expect_cancel = false;
    r.task = {};
    // Its send (if one ran) is forgotten: nothing of it stays in the Driver, but
    // an observation leaves at most one deregistration (RFC 7641 §3.6) running.
    const std::size_t started = d.pending_deregistrations() - deregistrations;
    FUZZ_REQUIRE(started <= 1);
    FUZZ_REQUIRE(d.pending_sends() == before - (running ? 1 : 0) + started);
    return true;
}

}  // namespace driver_fuzz
