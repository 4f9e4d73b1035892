// load_scenarios.hpp — the mixed load one simulated user puts on a server:
// a loop of request scenarios until a deadline, every answer checked. Two
// profiles: `mixed` (a `cobalt serve DIR` whose DIR holds hello.txt: files,
// /echo, block-wise /large, CON and NON) and `common` (what both `cobalt serve`
// and libcoap's coap-server-notls -d N answer alike: each user PUTs its own
// resource and reads it back over CON and NON), for side-by-side figures.
#pragma once

#include "load_tally.hpp"

#include <coap/remote_endpoint.hpp>
#include <coap/task.hpp>

#include <cstdint>
#include <string>

namespace cobalt_load {

/// What `cobalt serve` answers for /hello.txt in the load directory.
inline constexpr std::string_view hello_body = "hello from the cobalt load generator\n";

enum class Profile { mixed, common };

struct UserPlan {
    Profile profile = Profile::mixed;
    int user = 0;
    coap::Instant deadline{};
    std::uint64_t seed = 1;
};

/// One user's loop: scenario after scenario until plan.deadline.
coap::Task<void> run_user(coap::RemoteEndpoint server, UserPlan plan, Tally& tally);

}  // namespace cobalt_load
