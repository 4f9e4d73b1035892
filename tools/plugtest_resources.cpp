// plugtest_resources.cpp — `cobalt serve --plugtest`: the resources the ETSI
// CoAP plugtest test descriptions (TD_COAP_CORE, _LINK, _BLOCK, _OBS) expect of
// the server under test, with the behaviour they expect (serve_resources.hpp).
#include "serve_resources.hpp"

#include <coap/content_format.hpp>
#include <coap/etag.hpp>
#include <coap/pending_response.hpp>
#include <coap/request_context.hpp>
#include <coap/resource_tree.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cobalt_cli {
namespace {

namespace cf = coap::content_formats;
using Bytes = std::vector<std::byte>;

Bytes bytes_of(std::string_view text) {
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    return Bytes(first, first + text.size());
}

Bytes bytes_of(gsl::span<const std::byte> payload) {
    return Bytes(payload.begin(), payload.end());
}

std::string_view text_of(const Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

/// A stored representation: its bytes, Content-Format and a version for ETags.
struct Representation {
    Bytes body;
    std::uint16_t format = cf::text_plain;
    std::uint64_t version = 1;
    bool exists = true;

    coap::ETag etag() const noexcept { return coap::ETag::from_uint64(version); }
    void replace(const coap::RequestContext& ctx) {
        body = bytes_of(ctx.payload());
        format = ctx.message().content_format().value_or(cf::text_plain);
        ++version;
        exists = true;
    }
};

bool etag_listed(coap::OptionRange options, const coap::ETag& etag) {
    for (const auto& option : options)
        if (coap::ETag::from_bytes(option.value) == etag) return true;
    return false;
}

/// RFC 7252 §5.10.8: If-Match (any listed ETag, or empty for "exists") and
/// If-None-Match (only when absent) against `current`.
bool preconditions_hold(const coap::RequestContext& ctx, const Representation& current) {
    bool has_if_match = false;
    bool matched = false;
    for (const auto& option : ctx.message().if_match()) {
        has_if_match = true;
        if (current.exists &&
            (option.value.empty() || coap::ETag::from_bytes(option.value) == current.etag()))
            matched = true;
    }
    if (has_if_match && !matched) return false;
    return !(ctx.message().if_none_match() && current.exists);
}

/// The request's message type, code and message ID as /test reports them.
std::string describe_request(const coap::RequestContext& ctx) {
    const auto code = coap::dotted(ctx.method());
    return std::string("Type: ") + (ctx.confirmable() ? "CON" : "NON") +
           ", Code: " + std::string(code.begin(), code.end()) +
           ", MID: " + std::to_string(ctx.message().message_id());
}

/// Everything the plugtest resources keep between requests.
struct PlugtestState {
    Representation test;
    Representation validate;
    Representation create1{.body = {}, .format = cf::text_plain, .version = 1, .exists = false};
    Representation large_update;
    std::map<unsigned, Bytes> large_created;
    unsigned next_created = 1;
    /// /obs and /obs-non: a counter that advances every period; PUT replaces
    /// the state, DELETE removes it (observers get 4.04).
    Representation obs;
    Representation obs_non;
    std::uint64_t tick_count = 0;
    std::vector<coap::Resource*> ticking;
};

/// GET of an observable counter resource: 4.04 once deleted, 4.06 when the
/// Accept of the request is not its format; Max-Age spans two periods.
void answer_observable(coap::RequestContext& ctx, const Representation& state,
                       std::uint32_t max_age) {
    if (!state.exists) {
        (void)ctx.respond(coap::codes::not_found);
        return;
    }
    if (const auto accept = ctx.message().accept(); accept && *accept != state.format) {
        (void)ctx.respond(coap::codes::not_acceptable);
        return;
    }
    (void)ctx.respond(coap::codes::content, [&](coap::MessageWriter& w) {
        w.option(coap::OptionNumber::etag, state.etag().bytes());
        w.option_uint(coap::OptionNumber::content_format, state.format);
        w.option_uint(coap::OptionNumber::max_age, max_age);
        w.payload(gsl::span<const std::byte>(state.body));
    });
}

/// PUT and DELETE of an observable resource: a PUT notifies the new state
/// (2.01 when it recreates a deleted one) or, when it changes the Content-Format,
/// ends every observation with 4.06 Not Acceptable; a DELETE ends every
/// observation with 4.04 Not Found (RFC 7641 §3.2).
void add_observable_updates(coap::Resource& resource, Representation& state) {
    resource
        .put([&resource, &state](coap::RequestContext& ctx) {
            const bool created = !state.exists;
            const auto format = ctx.message().content_format().value_or(cf::text_plain);
            if (format != cf::text_plain && format != cf::xml) {
                (void)ctx.respond(coap::codes::unsupported_content_format);
                return;
            }
            const bool format_changed = state.exists && format != state.format;
            state.replace(ctx);
            (void)ctx.respond(created ? coap::codes::created : coap::codes::changed);
            // OBS_08: observers of the old format cannot follow (4.06); OBS_09:
            // the others get the new state.
            if (format_changed)
                resource.end_observation(coap::codes::not_acceptable, "content format changed");
            else
                resource.notify();
        })
        .delete_([&resource, &state](coap::RequestContext& ctx) {
            state.exists = false;
            ++state.version;
            (void)ctx.respond(coap::codes::deleted);
            resource.end_observation(coap::codes::not_found, "deleted");
        });
}

std::string counter_text(std::uint64_t count) {
    return "plugtest counter " + std::to_string(count);
}

}  // namespace

void add_plugtest_resources(coap::ResourceTree& tree, coap::Driver& driver,
                            const ServeOptions& options, DemoState& timers) {
    auto state_owner = std::make_shared<PlugtestState>();
    PlugtestState& state = *state_owner;
    timers.plugtest = state_owner;

    // ---- TD_COAP_CORE ----
    state.test.body = bytes_of("plugtest /test: GET, POST, PUT and DELETE");
    tree.add("/test")
        .rt("test")
        .ct(cf::text_plain)
        .title("Default test resource")
        .get([&state](coap::RequestContext& ctx) {
            // The representation, and which request asked (CORE_01/05: type and MID).
            std::string body(text_of(state.test.body));
            body += "\n" + describe_request(ctx);
            (void)ctx.respond(coap::codes::content, [&](coap::MessageWriter& w) {
                w.option_uint(coap::OptionNumber::content_format, cf::text_plain);
                w.option_uint(coap::OptionNumber::max_age, 30);
                w.payload(body);
            });
        })
        .post([](coap::RequestContext& ctx) {
            // CORE_04/08/18: 2.01 Created at location1/location2/location3.
            (void)ctx.respond(coap::codes::created, [](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::location_path, std::string_view("location1"));
                w.option(coap::OptionNumber::location_path, std::string_view("location2"));
                w.option(coap::OptionNumber::location_path, std::string_view("location3"));
            });
        })
        .put([&state](coap::RequestContext& ctx) {
            if (!preconditions_hold(ctx, state.test)) {
                (void)ctx.respond(coap::codes::precondition_failed);
                return;
            }
            state.test.replace(ctx);
            (void)ctx.respond(coap::codes::changed);
        })
        .delete_([](coap::RequestContext& ctx) { (void)ctx.respond(coap::codes::deleted); });

    const coap::Duration delay = options.separate_delay;
    tree.add("/separate")
        .rt("separate")
        .ct(cf::text_plain)
        .title("Resource which cannot be served immediately")
        .get([&driver, &timers, delay](coap::RequestContext& ctx) {
            // CORE_09/15/16: an empty ACK first (CON), the response later, CON
            // for a CON request and NON for a NON one.
            const std::string body = describe_request(ctx);
            auto pending = std::make_shared<coap::PendingResponse>(ctx.defer());
            const std::uint64_t key = timers.next_timer++;
            timers.timers[key] = driver.schedule(ctx.now() + delay, [pending, body, &timers, key] {
                timers.timers.erase(key);
                (void)pending->respond(coap::codes::content, body, cf::text_plain);
            });
        });

    for (const char* path : {"/seg1", "/seg1/seg2", "/seg1/seg2/seg3"}) {
        tree.add(path).ct(cf::text_plain).get([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::content, "path " + ctx.path_string(), cf::text_plain);
        });
    }

    tree.add("/query")
        .rt("query")
        .ct(cf::text_plain)
        .title("Resource accepting query parameters")
        .get([](coap::RequestContext& ctx) {
            std::string body = "queries:";
            for (const std::string_view query : ctx.queries())
                body.append(" ").append(query);
            (void)ctx.respond(coap::codes::content, body, cf::text_plain);
        });

    tree.add("/location-query")
        .rt("location-query")
        .title("Resource creating a location with a query")
        .post([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::created, [](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::location_query, std::string_view("first=1"));
                w.option(coap::OptionNumber::location_query, std::string_view("second=2"));
            });
        });

    tree.add("/multi-format")
        .rt("multi-format")
        .ct(cf::text_plain)
        .ct(cf::xml)
        .ct(cf::json)
        .title("Resource that exists in several formats")
        .get([](coap::RequestContext& ctx) {
            // CORE_20: text/plain by default or for Accept 0, XML for Accept 41,
            // JSON for 50, 4.06 for any other Accept.
            const auto accept = ctx.message().accept().value_or(cf::text_plain);
            const std::string text = describe_request(ctx);
            if (accept == cf::text_plain) {
                (void)ctx.respond(coap::codes::content, text, cf::text_plain);
            } else if (accept == cf::xml) {
                (void)ctx.respond(coap::codes::content, "<msg>" + text + "</msg>", cf::xml);
            } else if (accept == cf::json) {
                (void)ctx.respond(coap::codes::content, "{\"msg\":\"" + text + "\"}", cf::json);
            } else {
                (void)ctx.respond(coap::codes::not_acceptable);
            }
        });

    state.validate.body = bytes_of("plugtest /validate: GET with ETag, PUT with If-Match");
    tree.add("/validate")
        .rt("validate")
        .ct(cf::text_plain)
        .title("Resource which varies")
        .get([&state](coap::RequestContext& ctx) {
            // CORE_21: 2.03 Valid (ETag, no payload) when an ETag is current.
            const coap::ETag etag = state.validate.etag();
            if (etag_listed(ctx.message().etags(), etag)) {
                (void)ctx.respond(coap::codes::valid, [&](coap::MessageWriter& w) {
                    w.option(coap::OptionNumber::etag, etag.bytes());
                });
                return;
            }
            (void)ctx.respond(coap::codes::content, [&](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::etag, etag.bytes());
                w.option_uint(coap::OptionNumber::content_format, state.validate.format);
                w.payload(gsl::span<const std::byte>(state.validate.body));
            });
        })
        .put([&state](coap::RequestContext& ctx) {
            // CORE_22: If-Match with a stale ETag gets 4.12; a change gets a new ETag.
            if (!preconditions_hold(ctx, state.validate)) {
                (void)ctx.respond(coap::codes::precondition_failed);
                return;
            }
            state.validate.replace(ctx);
            (void)ctx.respond(coap::codes::changed, [&](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::etag, state.validate.etag().bytes());
            });
        });

    tree.add("/create1")
        .rt("create1")
        .title("Resource which does not exist yet (to perform atomic PUT)")
        .get([&state](coap::RequestContext& ctx) {
            if (!state.create1.exists) {
                (void)ctx.respond(coap::codes::not_found);
                return;
            }
            (void)ctx.respond_body(
                coap::codes::content, state.create1.body,
                {.content_format = state.create1.format, .etag = state.create1.etag()});
        })
        .put([&state](coap::RequestContext& ctx) {
            // CORE_23: If-None-Match creates once (2.01), then 4.12.
            if (!preconditions_hold(ctx, state.create1)) {
                (void)ctx.respond(coap::codes::precondition_failed);
                return;
            }
            const bool created = !state.create1.exists;
            state.create1.replace(ctx);
            (void)ctx.respond(created ? coap::codes::created : coap::codes::changed);
        })
        .delete_([&state](coap::RequestContext& ctx) {
            state.create1.exists = false;
            ++state.create1.version;
            (void)ctx.respond(coap::codes::deleted);
        });

    // ---- TD_COAP_BLOCK ----
    // 1280 bytes, as the reference server's: two blocks of 1024, twenty of 64.
    const auto large = std::make_shared<const std::string>(large_body(1280));
    tree.add("/large")
        .rt("block")
        .ct(cf::text_plain)
        .sz(static_cast<std::uint32_t>(large->size()))
        .title("Large resource")
        .get([large](coap::RequestContext& ctx) {
            (void)ctx.respond_body(coap::codes::content, *large,
                                   {.content_format = cf::text_plain});
        });

    state.large_update.body = bytes_of(*large);
    tree.add("/large-update")
        .rt("block")
        .ct(cf::text_plain)
        .title("Large resource that can be updated using PUT method")
        .get([&state](coap::RequestContext& ctx) {
            (void)ctx.respond_body(
                coap::codes::content, state.large_update.body,
                {.content_format = state.large_update.format, .etag = state.large_update.etag()});
        })
        .put([&state](coap::RequestContext& ctx) {
            // BLOCK_03: the body arrives in Block1 blocks, 2.31 for each but the last.
            if (!preconditions_hold(ctx, state.large_update)) {
                (void)ctx.respond(coap::codes::precondition_failed);
                return;
            }
            state.large_update.replace(ctx);
            (void)ctx.respond(coap::codes::changed);
        });

    tree.add("/large-create")
        .rt("block")
        .title("Large resource that can be created using POST method")
        .get([&state](coap::RequestContext& ctx) {
            std::string links;
            for (const auto& [number, body] : state.large_created)
                links += (links.empty() ? "" : ",") + std::string("</large-create/") +
                         std::to_string(number) + ">";
            (void)ctx.respond(coap::codes::content, links, cf::link_format);
        })
        .post([&state](coap::RequestContext& ctx) {
            // BLOCK_04: 2.01 with the Location-Path of the new resource.
            const unsigned number = state.next_created++;
            state.large_created[number] = bytes_of(ctx.payload());
            const std::string name = std::to_string(number);
            (void)ctx.respond(coap::codes::created, [&](coap::MessageWriter& w) {
                w.option(coap::OptionNumber::location_path, std::string_view("large-create"));
                w.option(coap::OptionNumber::location_path, std::string_view(name));
            });
        });
    tree.add("/large-create/{number}")
        .get([&state](coap::RequestContext& ctx) {
            const std::string number(ctx.param("number").value_or(""));
            const auto found = state.large_created.find(
                static_cast<unsigned>(std::strtoul(number.c_str(), nullptr, 10)));
            if (found == state.large_created.end() || number.empty()) {
                (void)ctx.respond(coap::codes::not_found);
                return;
            }
            (void)ctx.respond_body(coap::codes::content, found->second, {});
        })
        .delete_([&state](coap::RequestContext& ctx) {
            const std::string number(ctx.param("number").value_or(""));
            state.large_created.erase(
                static_cast<unsigned>(std::strtoul(number.c_str(), nullptr, 10)));
            (void)ctx.respond(coap::codes::deleted);
        });

    tree.add("/large-post")
        .rt("block")
        .title("Handle POST with two-way blockwise transfer")
        .post([](coap::RequestContext& ctx) {
            // BLOCK_05: the body back, upper-cased, in Block2 blocks (RFC 7959 §3.3).
            std::string body(reinterpret_cast<const char*>(ctx.payload().data()),
                             ctx.payload().size());
            for (char& c : body)
                if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            (void)ctx.respond_body(coap::codes::changed, body,
                                   {.content_format = ctx.message().content_format()});
        });

    // ---- TD_COAP_OBS ----
    const auto period_s = static_cast<std::uint32_t>((options.obs_period.ms + 999) / 1000);
    const std::uint32_t max_age = 2 * std::max<std::uint32_t>(1, period_s);
    state.obs.body = bytes_of(counter_text(0));
    state.obs_non.body = state.obs.body;
    coap::Resource& obs = tree.add("/obs")
                              .rt("observe")
                              .ct(cf::text_plain)
                              .title("Observable resource which changes periodically")
                              .confirmable_notifications();
    obs.get([&state, max_age](coap::RequestContext& ctx) {
        answer_observable(ctx, state.obs, max_age);
    });
    add_observable_updates(obs, state.obs);
    coap::Resource& obs_non = tree.add("/obs-non")
                                  .rt("observe")
                                  .ct(cf::text_plain)
                                  .title("Observable resource which changes periodically (NON)")
                                  .observable();
    obs_non.get([&state, max_age](coap::RequestContext& ctx) {
        answer_observable(ctx, state.obs_non, max_age);
    });
    add_observable_updates(obs_non, state.obs_non);
    const auto large_state = std::make_shared<std::string>();
    coap::Resource& obs_large = tree.add("/obs-large")
                                    .rt("observe")
                                    .ct(cf::text_plain)
                                    .title("Large observable resource (Block2 notifications)")
                                    .observable();
    obs_large.get([&state, large, max_age](coap::RequestContext& ctx) {
        const std::string body = counter_text(state.tick_count) + "\n" + *large;
        (void)ctx.respond_body(coap::codes::content, body,
                               {.content_format = cf::text_plain,
                                .etag = coap::ETag::from_uint64(state.tick_count + 1),
                                .max_age = max_age});
    });
    // OBS_14: a representation whose size changes with every state (from one
    // line to two Block2 blocks of 1024).
    coap::Resource& obs_pumping = tree.add("/obs-pumping")
                                      .rt("observe")
                                      .ct(cf::text_plain)
                                      .title("Observable resource of varying size")
                                      .observable();
    obs_pumping.get([&state, max_age](coap::RequestContext& ctx) {
        constexpr std::array<std::size_t, 3> padding{0, 700, 1500};
        const std::string body = counter_text(state.tick_count) + "\n" +
                                 std::string(padding[state.tick_count % padding.size()], '-');
        (void)ctx.respond_body(coap::codes::content, body,
                               {.content_format = cf::text_plain,
                                .etag = coap::ETag::from_uint64(state.tick_count + 1),
                                .max_age = max_age});
    });
    state.ticking = {&obs, &obs_non, &obs_large, &obs_pumping};

    // OBS_04: the server loses its observers (as after a reboot): POST "sesame"
    // forgets them silently, or with ?notfound ends them with 4.04.
    tree.add("/obs-reset")
        .title("POST sesame: forget every observer")
        .post([&state](coap::RequestContext& ctx) {
            const auto body = ctx.payload();
            if (std::string_view(reinterpret_cast<const char*>(body.data()), body.size()) !=
                "sesame") {
                (void)ctx.respond(coap::codes::forbidden);
                return;
            }
            const bool not_found = ctx.has_query("notfound");
            for (coap::Resource* resource : state.ticking) {
                if (not_found)
                    resource->end_observation(coap::codes::not_found, "observers reset");
                else
                    resource->drop_observers();
            }
            (void)ctx.respond(coap::codes::changed);
        });

    // Every period while anyone observes: the counters advance and observers hear.
    const coap::Duration period = options.obs_period;
    timers.tick = [&driver, &timers, &state, period] {
        timers.time_tick.reset();
        std::size_t observers = 0;
        for (const coap::Resource* resource : state.ticking)
            observers += resource->observer_count();
        if (observers == 0) return;
        ++state.tick_count;
        for (Representation* changing : {&state.obs, &state.obs_non}) {
            if (!changing->exists || changing->format != cf::text_plain) continue;
            changing->body = bytes_of(counter_text(state.tick_count));
            ++changing->version;
        }
        for (coap::Resource* resource : state.ticking)
            if (resource->observer_count() > 0) resource->notify();
        timers.time_tick = driver.schedule(driver.now() + period, timers.tick);
    };
    const auto start_ticking = [&driver, &timers, period](coap::RequestContext& ctx) {
        if (!ctx.rendering_notification() && ctx.observing() && !timers.time_tick)
            timers.time_tick = driver.schedule(driver.now() + period, timers.tick);
    };
    for (coap::Resource* resource : state.ticking) {
        const coap::RequestHandler* get = resource->handler_for(coap::codes::get);
        resource->get([get = *get, start_ticking](coap::RequestContext& ctx) {
            get(ctx);
            start_ticking(ctx);
        });
    }

    // ---- TD_COAP_LINK: typed links, and /path with sub-resources ----
    tree.add("/link1")
        .rt("Type1")
        .rt("Type2")
        .if_("If1")
        .title("Link test resource")
        .get([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::content, "link1", cf::text_plain);
        });
    tree.add("/link2")
        .rt("Type2")
        .rt("Type3")
        .if_("If2")
        .title("Link test resource")
        .get([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::content, "link2", cf::text_plain);
        });
    tree.add("/link3")
        .rt("Type1")
        .rt("Type3")
        .if_("foo")
        .title("Link test resource")
        .get([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::content, "link3", cf::text_plain);
        });
    tree.add("/path")
        .ct(cf::link_format)
        .title("Hierarchical link description entry")
        .get([](coap::RequestContext& ctx) {
            (void)ctx.respond(coap::codes::content, "</path/sub1>,</path/sub2>,</path/sub3>",
                              cf::link_format);
        });
    for (const char* sub : {"/path/sub1", "/path/sub2", "/path/sub3"}) {
        tree.add(sub)
            .title("Hierarchical link description sub-resource")
            .get([](coap::RequestContext& ctx) {
                (void)ctx.respond(coap::codes::content, ctx.path_string(), cf::text_plain);
            });
    }
}

}  // namespace cobalt_cli
