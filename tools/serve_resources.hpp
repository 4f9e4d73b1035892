// serve_resources.hpp — what `cobalt serve` puts in its ResourceTree: the files
// under a directory (file_resource.cpp) and the demo resources
// (demo_resources.cpp). Internal to cobalt_cli_lib.
#pragma once

#include "network_commands.hpp"

#include <coap/driver.hpp>
#include <gsl/span>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace cobalt_cli {

/// The demo resources' state: the timers of separate responses still to come,
/// cancelled (answering 5.00) when the server goes.
struct DemoState {
    std::map<std::uint64_t, coap::Driver::TimerId> timers;
    std::uint64_t next_timer = 0;
    /// /time's once-a-second notification, armed while it has observers.
    std::optional<coap::Driver::TimerId> time_tick;
    std::function<void()> tick;
    /// The plugtest resources' state (plugtest_resources.cpp), when served.
    std::shared_ptr<void> plugtest;
};

/// Where Uri-Path `segments` lead under `root` (canonical), or nullopt when they
/// would leave it: an empty, "." or ".." segment, one holding '/', '\\' or NUL,
/// or a symbolic link that points outside.
std::optional<std::filesystem::path> path_under(const std::filesystem::path& root,
                                                gsl::span<const std::string_view> segments);

/// GET (Content-Format from the extension, ETag from the content, 2.03 for a
/// matching ETag, Block2 for large files, 4.04), PUT (2.01 / 2.04, If-Match and
/// If-None-Match per RFC 7252 §5.10.8) and DELETE (2.02) of the files under
/// `root`, on every path no other resource claims.
/// The files are observable: a PUT or DELETE through the server, or a change on
/// disk (checked once a second), notifies their observers; a deleted file ends
/// its observations with 4.04 (file_watch.hpp).
void add_file_resources(coap::ResourceTree& tree, coap::Driver& driver,
                        const std::filesystem::path& root);

/// /time, /large, /echo and /separate.
void add_demo_resources(coap::ResourceTree& tree, coap::Driver& driver, const ServeOptions& options,
                        DemoState& state);

/// `cobalt serve --plugtest`: the resources of the ETSI CoAP plugtest test
/// descriptions (TD_COAP_CORE, LINK, BLOCK, OBS) — /test, /separate,
/// /seg1/seg2/seg3, /query, /location-query, /multi-format, /validate,
/// /create1, /large, /large-update, /large-create, /large-post, /obs (CON
/// notifications), /obs-non, /obs-large, /obs-pumping (size varies), /obs-reset
/// (POST "sesame": the observers are forgotten, as by a reboot), /link1..3,
/// /path and /path/sub1..3. The /obs* resources change every
/// options.obs_period while observed.
void add_plugtest_resources(coap::ResourceTree& tree, coap::Driver& driver,
                            const ServeOptions& options, DemoState& state);

/// The body of /large: `size` bytes of numbered text lines.
std::string large_body(std::size_t size);

}  // namespace cobalt_cli
