// mixed_load_test.cpp — a server with a dozen resources (plain, echo, stateful
// counter, items by wildcard, files by prefix, block-wise, deferred answers,
// 4.05, a throwing handler, discovery) under a mixed load from three client
// Drivers over a lossy, duplicating, reordering simulated network: every
// answer that arrives is the right one, no handler runs twice for one request,
// and almost every request succeeds.
#include "async_fixture.hpp"
#include "coap/content_format.hpp"
#include "coap/pending_response.hpp"
#include "coap/request.hpp"
#include "coap/resource_tree.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>

namespace coap {
namespace {

std::string text(Bytes bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string large_body() {
    std::string body;
    for (int i = 0; body.size() < 3000; ++i)
        body += "line " + std::to_string(i) + "\n";
    return body;
}

/// The server under test: its resources and what they have seen.
struct Server {
    explicit Server(Driver& d) : driver(d) {
        tree.add("/hello").rt("greeting").get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "hello", content_formats::text_plain);
        });
        tree.add("/echo").post([this](RequestContext& ctx) {
            note(ctx);
            (void)ctx.respond(codes::changed, text(ctx.message().payload()));
        });
        tree.add("/counter")
            .get([this](RequestContext& ctx) {
                (void)ctx.respond(codes::content, std::to_string(counter));
            })
            .post([this](RequestContext& ctx) {
                note(ctx);
                ++counter;
                (void)ctx.respond(codes::changed, std::to_string(counter));
            });
        tree.add("/items/{id}")
            .get([this](RequestContext& ctx) {
                const auto it = items.find(std::string(ctx.param("id").value_or("")));
                if (it == items.end()) {
                    (void)ctx.respond(codes::not_found);
                    return;
                }
                (void)ctx.respond(codes::content, it->second);
            })
            .put([this](RequestContext& ctx) {
                note(ctx);
                const bool created = items.count(std::string(ctx.param("id").value_or(""))) == 0;
                items[std::string(ctx.param("id").value_or(""))] = text(ctx.message().payload());
                (void)ctx.respond(created ? codes::created : codes::changed);
            })
            .delete_([this](RequestContext& ctx) {
                note(ctx);
                items.erase(std::string(ctx.param("id").value_or("")));
                (void)ctx.respond(codes::deleted);
            });
        tree.add("/files/*").get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "file:" + ctx.rest_path());
        });
        tree.add("/large").get([this](RequestContext& ctx) {
            (void)ctx.respond_body(
                codes::content, body,
                BodyOptions{.content_format = content_formats::text_plain, .max_block_size = 256});
        });
        tree.add("/slow").get([this](RequestContext& ctx) {
            // Answered 1.5 s later: the empty ACK goes first, then a separate response.
            auto pending = std::make_shared<PendingResponse>(ctx.defer());
            driver.schedule(driver.now() + milliseconds(1500),
                            [pending] { (void)pending->respond(codes::content, "slow"); });
        });
        tree.add("/readonly").get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "ro");
        });
        tree.add("/broken").get([](RequestContext&) { throw std::runtime_error("bug"); });
        tree.add("/sensors/temp").rt("temperature-c").obs().get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "21.5");
        });
        tree.add("/sensors/humidity").rt("humidity").get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content, "40");
        });
        tree.serve(driver);
    }

    /// Every state-changing request carries a unique tag in Uri-Query; a
    /// duplicate handler run would see a tag twice.
    void note(RequestContext& ctx) {
        for (const auto& query : ctx.message().uri_query())
            if (!tags.insert(std::string(query.as_string())).second) ++duplicate_runs;
    }

    Driver& driver;
    ResourceTree tree;
    std::string body = large_body();
    int counter = 0;
    std::map<std::string, std::string> items;
    std::set<std::string> tags;
    int duplicate_runs = 0;
};

struct Outcome {
    int ok = 0;
    int timeouts = 0;
    std::vector<std::string> wrong;
};

Task<void> client_script(RemoteEndpoint remote, int client, int rounds, Outcome& out) {
    auto expect = [&](bool good, const std::string& what) {
        if (!good) out.wrong.push_back("client " + std::to_string(client) + ": " + what);
    };
    for (int i = 0; i < rounds; ++i) {
        const std::string tag = "tag=" + std::to_string(client) + "." + std::to_string(i);
        const std::string item = "/items/c" + std::to_string(client) + "i" + std::to_string(i);
        auto count = [&](const auto& result, const std::string& what) {
            if (result) {
                ++out.ok;
                return true;
            }
            if (result.error().kind == ErrorKind::response_timeout) {
                ++out.timeouts;
                return false;
            }
            expect(false, what + ": " + to_string(result.error()));
            return false;
        };
        switch (i % 10) {
            case 0: {
                auto r =
                    co_await remote.send_to("/hello", Request::get().emit_successful_response());
                if (count(r, "hello")) expect(r->payload_text() == "hello", "hello payload");
                break;
            }
            case 1: {
                const std::string payload = "echo " + tag;
                auto r = co_await remote.send_to(
                    "/echo?" + tag, Request::post().payload(payload).emit_successful_response());
                if (count(r, "echo")) expect(r->payload_text() == payload, "echo payload");
                break;
            }
            case 2: {
                auto r = co_await remote.send_to("/counter?" + tag,
                                                 Request::post().emit_successful_response());
                if (count(r, "counter"))
                    expect(std::stoi(std::string(r->payload_text())) > 0, "counter");
                break;
            }
            case 3: {
                const std::string value = "value " + tag;
                auto put = co_await remote.send_to(item + "?" + tag, Request::put().payload(value));
                if (!count(put, "put")) break;
                auto get = co_await remote.send_to(item, Request::get().emit_successful_response());
                if (count(get, "get item")) expect(get->payload_text() == value, "item value");
                auto del = co_await remote.send_to(item + "?del" + tag, Request::delete_());
                if (!count(del, "delete")) break;
                auto gone = co_await remote.send_to(item, Request::get());
                if (gone) {
                    expect(false, "deleted item still there");
                } else if (gone.error().kind != ErrorKind::response_timeout) {
                    ++out.ok;
                    expect(gone.error().kind == ErrorKind::resource_not_found, "deleted → 4.04");
                }
                break;
            }
            case 4: {
                auto r = co_await remote.send_to("/files/a/b.txt",
                                                 Request::get().emit_successful_response());
                if (count(r, "files")) expect(r->payload_text() == "file:a/b.txt", "prefix route");
                break;
            }
            case 5: {
                auto r = co_await remote.send_to(
                    "/large", Request::get().block2().emit_successful_collected_response());
                if (count(r, "large")) expect(r->payload_text() == large_body(), "block2 body");
                break;
            }
            case 6: {
                auto r =
                    co_await remote.send_to("/slow", Request::get().emit_successful_response());
                if (count(r, "slow")) expect(r->payload_text() == "slow", "deferred payload");
                break;
            }
            case 7: {
                auto r = co_await remote.send_to("/readonly", Request::put().payload("x"));
                if (!r && r.error().kind != ErrorKind::response_timeout) {
                    ++out.ok;
                    expect(r.error().code == codes::method_not_allowed, "4.05");
                } else if (r) {
                    expect(false, "PUT on a read-only resource succeeded");
                } else {
                    ++out.timeouts;
                }
                auto missing = co_await remote.send_to("/nowhere", Request::get());
                if (!missing && missing.error().kind != ErrorKind::response_timeout) {
                    ++out.ok;
                    expect(missing.error().kind == ErrorKind::resource_not_found, "4.04");
                }
                break;
            }
            case 8: {
                auto r = co_await remote.send_to("/broken", Request::get());
                if (!r && r.error().kind != ErrorKind::response_timeout) {
                    ++out.ok;
                    expect(r.error().code == codes::internal_server_error,
                           "throwing handler → 5.00");
                }
                break;
            }
            case 9: {
                auto r = co_await remote.send_to(
                    "/.well-known/core?rt=temperature-c",
                    Request::get().accept(content_formats::link_format).emit_successful_response());
                if (count(r, "discovery"))
                    expect(r->payload_text().find("</sensors/temp>") != std::string_view::npos &&
                               r->payload_text().find("humidity") == std::string_view::npos,
                           "filtered discovery: " + std::string(r->payload_text()));
                break;
            }
        }
    }
}

TEST(MixedLoad, TwelveResourcesServeThreeClientsCorrectlyOverALossyNetwork) {
    sim::Network net(2024);
    net.set_default_link(sim::LinkConditions{.delay = milliseconds(20),
                                             .jitter = milliseconds(30),
                                             .loss = 0.15,
                                             .duplicate = 0.05,
                                             .reorder = 0.1,
                                             .reorder_delay = milliseconds(200)});
    const Address server_address = Address::ipv4({10, 0, 0, 100}, 5683);
    const auto server_node = net.add_port(server_address);
    Driver server_driver(net.port(server_node), EndpointConfig{.seed = 1});
    Server server(server_driver);

    constexpr int clients = 3;
    constexpr int rounds = 40;
    std::vector<std::unique_ptr<Driver>> drivers;
    std::vector<Outcome> outcomes(clients);
    std::vector<Task<void>> tasks;
    for (int c = 0; c < clients; ++c) {
        const auto node =
            net.add_port(Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(c + 1)}, 5683));
        drivers.push_back(std::make_unique<Driver>(
            net.port(node), EndpointConfig{.seed = 10u + static_cast<std::uint64_t>(c)}));
        auto remote = drivers.back()->remote_endpoint("coap://10.0.0.100/");
        ASSERT_TRUE(remote.ok());
        tasks.push_back(client_script(*remote, c, rounds, outcomes[static_cast<std::size_t>(c)]));
        tasks.back().start();
    }
    ASSERT_TRUE(net.run_until(
        [&] { return std::all_of(tasks.begin(), tasks.end(), [](auto& t) { return t.done(); }); },
        net.now() + seconds(24 * 3600)));
    int ok = 0;
    int timeouts = 0;
    for (auto& task : tasks)
        task.result();
    for (const auto& outcome : outcomes) {
        for (const auto& wrong : outcome.wrong)
            ADD_FAILURE() << wrong;
        ok += outcome.ok;
        timeouts += outcome.timeouts;
    }
    EXPECT_EQ(server.duplicate_runs, 0);
    EXPECT_GE(static_cast<double>(ok) / (ok + timeouts), 0.97)
        << ok << " ok, " << timeouts << " timeouts";
    EXPECT_GT(net.stats().dropped_loss, 100u);
    EXPECT_GT(net.stats().duplicated, 10u);
    EXPECT_GT(server_driver.endpoint().stats().duplicates_received, 0u);
    RecordProperty("requests_ok", ok);
    RecordProperty("timeouts", timeouts);
    std::printf("mixed load: %d answers right, %d timeouts, %llu datagrams lost\n", ok, timeouts,
                static_cast<unsigned long long>(net.stats().dropped_loss));
}

}  // namespace
}  // namespace coap
