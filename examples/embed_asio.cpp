// embed_asio.cpp — cobalt inside a standalone asio event loop (Debian
// libasio-dev): a server and a client UdpDriver on loopback, each socket
// watched by an asio::posix::stream_descriptor (async_wait for readability →
// on_readable) and each Driver's next_timeout() armed on an asio::steady_timer
// (→ on_timeout). The client coroutine sends a GET and a POST; the program
// exits 0 once both are answered, non-zero on failure or after 5 s.
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/request_context.hpp"
#include "coap/task.hpp"
#include "coap/udp/udp_driver.hpp"

#include <asio.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace coap;

namespace {

/// Ties one UdpDriver to an io_context: readability and one timer.
class AsioBinding {
  public:
    AsioBinding(asio::io_context& io, udp::UdpDriver& driver)
        : driver_(driver), descriptor_(io, driver.fd()), timer_(io) {
        watch();
        rearm();
    }
    ~AsioBinding() {
        // The UdpSocket owns the descriptor: asio must not close it.
        (void)descriptor_.release();
    }
    AsioBinding(const AsioBinding&) = delete;
    AsioBinding& operator=(const AsioBinding&) = delete;

    /// After calling the Driver from outside a callback (starting a send).
    void poke() {
        driver_.service();
        rearm();
    }

  private:
    void watch() {
        descriptor_.async_wait(asio::posix::stream_descriptor::wait_read,
                               [this](const asio::error_code& error) {
                                   if (error) return;
                                   driver_.on_readable();
                                   rearm();
                                   watch();
                               });
    }
    void rearm() {
        const auto in = driver_.timeout_from_now();
        if (!in) {
            timer_.cancel();
            return;
        }
        timer_.expires_after(*in);
        timer_.async_wait([this](const asio::error_code& error) {
            if (error) return;  // cancelled or re-armed
            driver_.on_timeout();
            rearm();
        });
    }

    udp::UdpDriver& driver_;
    asio::posix::stream_descriptor descriptor_;
    asio::steady_timer timer_;
};

Task<std::vector<std::string>> client_session(Driver& driver, std::string base) {
    std::vector<std::string> answers;
    auto server = driver.remote_endpoint(base);
    if (!server) co_return answers;
    auto got = co_await server->send_to("greeting", Request::get().emit_any_response());
    answers.push_back(got ? std::string(got->payload_text()) : to_string(got.error()));
    auto posted = co_await server->send_to("greeting", Request::post().emit_any_response());
    answers.push_back(posted ? std::string(posted->payload_text()) : to_string(posted.error()));
    co_return answers;
}

}  // namespace

int main() {
    udp::SocketConfig config;
    config.bind = *Address::parse("127.0.0.1");
    udp::UdpDriver server(config, EndpointConfig{.seed = 1});
    udp::UdpDriver client(config, EndpointConfig{.seed = 2});
    server.driver().set_request_handler([](RequestContext& ctx) {
        (void)ctx.respond(ctx.method() == codes::get ? codes::content : codes::changed,
                          ctx.method() == codes::get ? "hello from asio" : "posted");
    });

    asio::io_context io;
    AsioBinding server_binding(io, server);
    AsioBinding client_binding(io, client);

    const std::string base = "coap://" + std::string(server.local_address().text().view()) + "/";
    std::printf("server on %s\n", base.c_str());
    auto session = client_session(client.driver(), base);
    session.start();
    client_binding.poke();

    // Stop once the session is done (checked after every handler) or after 5 s.
    asio::steady_timer give_up(io, std::chrono::seconds(5));
    give_up.async_wait([&](const asio::error_code& error) {
        if (!error) io.stop();
    });
    while (!session.done() && !io.stopped())
        io.run_one();

    if (!session.done()) {
        std::printf("FAIL: no answers within 5 s\n");
        return 1;
    }
    const auto answers = session.result();
    for (const auto& a : answers)
        std::printf("answer: %s\n", a.c_str());
    if (answers != std::vector<std::string>{"hello from asio", "posted"}) {
        std::printf("FAIL: unexpected answers\n");
        return 1;
    }
    std::printf("OK\n");
    return 0;
}
