// load_scenarios.cpp — the request scenarios of one load user and how each
// answer is checked (exact bodies where the server's answer is known; the
// first /large body as the reference for the later ones).
#include "load_scenarios.hpp"

#include <coap/content_format.hpp>

#include <random>
#include <string_view>

namespace cobalt_load {

namespace {

using coap::BlockValue;
using coap::Request;

std::string random_text(std::mt19937_64& random, std::size_t min, std::size_t max) {
    std::uniform_int_distribution<std::size_t> length(min, max);
    std::uniform_int_distribution<int> letter('a', 'z');
    std::string text(length(random), ' ');
    for (char& c : text)
        c = static_cast<char>(letter(random));
    return text;
}

constexpr std::size_t max_body = 1 << 20;

struct User {
    coap::RemoteEndpoint server;
    UserPlan plan;
    Tally& tally;
    std::mt19937_64 random;
    std::string large_reference;
    /// What this user last PUT to its own resource.
    std::string written;

    coap::Duration since(coap::Instant start) const { return server.driver().now() - start; }

    /// A 5.03 seen: the user backs off for a second before its next request,
    /// as a client told the server is busy should.
    bool busy = false;

    template <class Result>
    bool failed(const std::string& scenario, const Result& result, coap::Instant start) {
        if (result) return false;
        tally.error(scenario, result.error(), since(start));
        busy = busy || (result.error().kind == coap::ErrorKind::server_error &&
                        result.error().code == coap::codes::service_unavailable);
        return true;
    }

    template <class Result>
    void check_body(const std::string& scenario, const Result& result, coap::Instant start,
                    std::string_view expected, bool contains) {
        if (failed(scenario, result, start)) return;
        const std::string_view body = result->payload_text();
        const bool right =
            contains ? body.find(expected) != std::string_view::npos : body == expected;
        tally.answer(scenario, right, since(start),
                     "body '" + std::string(body.substr(0, 60)) + "'");
    }

    // (No co_await inside a conditional expression: GCC 12 miscompiles it.)
    coap::Task<void> get_known(const std::string& scenario, std::string_view path,
                               std::string_view expected, bool contains, bool confirmable) {
        const auto start = server.driver().now();
        if (confirmable) {
            auto result = co_await server.send_to(
                path, Request::get().emit_successful_collected_response(max_body));
            check_body(scenario, result, start, expected, contains);
        } else {
            auto result = co_await server.send_to(
                path, Request::get().nonconfirmable().emit_successful_collected_response(max_body));
            check_body(scenario, result, start, expected, contains);
        }
    }

    coap::Task<void> echo() {
        const std::string sent = random_text(random, 1, 300);
        const auto start = server.driver().now();
        auto result =
            co_await server.send_to("/echo", Request::post()
                                                 .payload(std::string_view(sent))
                                                 .emit_successful_collected_response(max_body));
        if (failed("POST /echo", result, start)) co_return;
        tally.answer("POST /echo", result->payload_text() == sent, since(start),
                     "echoed " + std::to_string(result->payload_text().size()) + " of " +
                         std::to_string(sent.size()) + " bytes");
    }

    coap::Task<void> put_then_get(const std::string& path) {
        const std::string sent = random_text(random, 0, 400);
        auto start = server.driver().now();
        auto stored = co_await server.send_to(
            path, Request::put().payload(std::string_view(sent)).emit_successful_response());
        if (failed("PUT own resource", stored, start)) co_return;
        written = sent;
        const auto code = stored->code();
        tally.answer(
            "PUT own resource", code == coap::codes::created || code == coap::codes::changed,
            since(start),
            "code " + std::to_string(code.code_class()) + "." + std::to_string(code.detail()));
        start = server.driver().now();
        auto read = co_await server.send_to(
            path, Request::get().emit_successful_collected_response(max_body));
        if (failed("GET own resource", read, start)) co_return;
        tally.answer("GET own resource", read->payload_text() == sent, since(start),
                     "read " + std::to_string(read->payload_text().size()) + " of " +
                         std::to_string(sent.size()) + " bytes just written");
    }

    coap::Task<void> get_large() {
        const auto start = server.driver().now();
        auto result = co_await server.send_to(
            "/large", Request::get()
                          .block2(BlockValue::with_size(0, false, 1024).value())
                          .emit_successful_collected_response(max_body));
        if (failed("GET /large (Block2)", result, start)) co_return;
        const std::string_view body = result->payload_text();
        if (large_reference.empty()) large_reference = std::string(body);
        tally.answer("GET /large (Block2)", !body.empty() && body == large_reference, since(start),
                     std::to_string(body.size()) + " bytes instead of " +
                         std::to_string(large_reference.size()));
    }
};

}  // namespace

coap::Task<void> run_user(coap::RemoteEndpoint server, UserPlan plan, Tally& tally) {
    User user{server, plan, tally, std::mt19937_64(plan.seed), {}, {}};
    const std::string own = "/load-" + std::to_string(plan.user) + ".txt";
    for (unsigned round = 0; server.driver().now() < plan.deadline; ++round) {
        if (user.busy) {
            user.busy = false;
            co_await server.driver().sleep_for(coap::seconds(1));
            continue;
        }
        if (plan.profile == Profile::mixed) {
            switch (round % 5) {
                case 0:
                    co_await user.get_known("GET /hello.txt", "/hello.txt", hello_body, false,
                                            true);
                    break;
                case 1:
                    co_await user.echo();
                    break;
                case 2:
                    co_await user.put_then_get(own);
                    break;
                case 3:
                    co_await user.get_large();
                    break;
                default:
                    co_await user.get_known("NON GET /hello.txt", "/hello.txt", hello_body, false,
                                            false);
            }
        } else {
            switch (round % 3) {
                case 0:
                    co_await user.put_then_get(own);
                    break;
                case 1:
                    co_await user.get_known("GET own resource", own, user.written, false, true);
                    break;
                default:
                    co_await user.get_known("NON GET own resource", own, user.written, false,
                                            false);
            }
        }
    }
}

}  // namespace cobalt_load
