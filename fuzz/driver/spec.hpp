// fuzz/driver/spec.hpp — what one launch op asks for (LaunchSpec): which Driver
// sends, to which target and resource, which descriptor shape, run how (awaited
// in a Task, as a stream in a Task, or with a callback), with which payload,
// block sizes, handler script, sleeps and hook actions. Every field is drawn by
// draw_spec in a fixed order that depends on nothing but the input
// (fuzz/driver/make_seeds.py mirrors it). Owns no state.
#pragma once

#include "config.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace driver_fuzz {

enum class Form : std::uint8_t { await, stream, callback };

/// Where a send goes: drawn as 0..7.
enum Target : std::uint8_t {
    target_driver0,
    target_driver1,
    target_driver2,
    target_rogue,
    target_group,
    target_nowhere,  ///< an address no node has
    target_name,     ///< "srv.example", a name the network resolves (Driver 1)
    target_bad_name  ///< a name nobody resolves: the send fails at once
};

/// The descriptor shapes of shapes.cpp, in draw order.
enum Shape : std::uint8_t {
    shape_get,
    shape_post_payload,
    shape_put_block1,
    shape_block2_collect,
    shape_block2_any,
    shape_non_code,
    shape_multicast_code_addr,
    shape_multicast_done,
    shape_method_success_addr,
    shape_script,
    shape_block1_script,
    shape_block2_script,
    shape_inspect_success,
    shape_observe,
    shape_ping,
    shape_options,
    shape_multicast_script,
    shape_fetch_transmission,
    shape_uri_host_path,
    shape_non_no_response,
    shape_payload_writer,
    shape_count
};

/// What a hook (an awaited result, a stream item, a callback) does next.
enum ActionKind : std::uint8_t {
    action_none,
    action_cancel_self,
    action_cancel_other,
    action_destroy_other,
    action_resend,
    action_complete_pending,
    action_count
};

struct Action {
    ActionKind kind = action_none;
    std::uint8_t arg = 0;
};

struct LaunchSpec {
    std::uint8_t from = 0;
    std::uint8_t target = 0;
    /// The resource (server.cpp's path table) and two arguments for its query.
    std::uint8_t path = 0;
    std::uint8_t qa = 0;
    std::uint16_t qb = 0;
    Shape shape = shape_get;
    Form form = Form::await;
    /// Block1 SZX (7: no initial size), Block2 SZX (7: none), Block2 NUM.
    std::uint8_t block1_szx = 7;
    std::uint8_t block2_szx = 7;
    std::uint8_t block2_num = 0;
    std::uint16_t payload_length = 0;
    std::uint8_t payload_seed = 0;
    /// use_handler steps, 3 bits each (see Script in tagged.hpp).
    std::uint16_t script = 0;
    /// No-Response value written by the tag (0: none), and the shape's variant.
    std::uint8_t no_response = 0;
    std::uint8_t variant = 0;
    /// Awaits in a row (await), reads before the start (stream: start() first).
    std::uint8_t repeat = 1;
    /// A relative reference for send_to (await) or a direct SendStream with a small
    /// buffer (stream); 0: neither.
    std::uint8_t special = 0;
    std::int64_t sleep_before = 0;
    std::int64_t sleep_between = 0;
    std::array<Action, 3> actions{};
};

LaunchSpec draw_spec(Provider& in);

/// The URI of a spec (scheme, host, path and query), and the reference send_to uses.
std::string target_uri(const LaunchSpec& spec, std::size_t drivers);
std::string resource_path(const LaunchSpec& spec);
const char* relative_reference(std::uint8_t special);

}  // namespace driver_fuzz
