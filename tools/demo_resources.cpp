// demo_resources.cpp — the demo resources of `cobalt serve`: /time, /large,
// /echo and /separate (see serve_resources.hpp).
#include "serve_resources.hpp"

#include <coap/content_format.hpp>
#include <coap/pending_response.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

namespace cobalt_cli {
namespace {

/// The wall-clock time as "2026-11-25T01:45:00Z" (the demo's only use of a
/// clock), formatted once a second: a server under load answers /time often.
const std::string& current_time_text() {
    static std::time_t formatted_at = -1;
    static std::string text;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (now == formatted_at) return text;
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    const std::size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    text.assign(buffer, length);
    formatted_at = now;
    return text;
}

}  // namespace

std::string large_body(std::size_t size) {
    std::string text;
    text.reserve(size + 64);
    for (int line = 1; text.size() < size; ++line) {
        char row[64];
        std::snprintf(row, sizeof row, "%04d: cobalt serves this body block by block\n", line);
        text += row;
    }
    text.resize(size);
    return text;
}

void add_demo_resources(coap::ResourceTree& tree, coap::Driver& driver, const ServeOptions& options,
                        DemoState& state) {
    namespace cf = coap::content_formats;

    // /time is observable (RFC 7641): one notification a second while anyone
    // observes. The tick is a Driver timer armed by a registration and not
    // re-armed once the last observer is gone, so an idle server has no timer.
    coap::Resource& time = tree.add("/time").rt("time").ct(cf::text_plain).observable();
    state.tick = [&driver, &time, &state] {
        state.time_tick.reset();
        if (time.observer_count() == 0) return;
        time.notify();
        state.time_tick = driver.schedule(driver.now() + coap::seconds(1), state.tick);
    };
    time.get([&driver, &state](coap::RequestContext& ctx) {
        (void)ctx.respond(coap::codes::content, current_time_text(), cf::text_plain);
        if (!ctx.rendering_notification() && ctx.message().observe() == 0u && !state.time_tick)
            state.time_tick = driver.schedule(driver.now() + coap::seconds(1), state.tick);
    });

    const auto large = std::make_shared<const std::string>(large_body(options.large_size));
    tree.add("/large")
        .rt("block")
        .ct(cf::text_plain)
        .sz(static_cast<std::uint32_t>(large->size()))
        .title("A large body served with Block2")
        .get([large](coap::RequestContext& ctx) {
            (void)ctx.respond_body(coap::codes::content, *large,
                                   {.content_format = cf::text_plain});
        });

    const auto echo = [](coap::RequestContext& ctx) {
        // The whole body, however many Block1 blocks it came in; a large echo
        // goes back in Block2 blocks (RFC 7959 §3.3 for a POST).
        const coap::Code code =
            ctx.method() == coap::codes::post ? coap::codes::content : coap::codes::changed;
        (void)ctx.respond_body(code, ctx.payload(),
                               {.content_format = ctx.message().content_format()});
    };
    tree.add("/echo").rt("echo").title("POST or PUT: answers the payload").post(echo).put(echo);

    const coap::Duration delay = options.separate_delay;
    tree.add("/separate")
        .rt("separate")
        .ct(cf::text_plain)
        .get([&driver, &state, delay](coap::RequestContext& ctx) {
            auto pending = std::make_shared<coap::PendingResponse>(ctx.defer());
            const std::uint64_t key = state.next_timer++;
            state.timers[key] = driver.schedule(ctx.now() + delay, [pending, delay, &state, key] {
                state.timers.erase(key);
                (void)pending->respond(
                    coap::codes::content,
                    "separate response after " + std::to_string(delay.ms) + " ms", cf::text_plain);
            });
        });
}

}  // namespace cobalt_cli
