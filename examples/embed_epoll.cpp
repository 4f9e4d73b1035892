// embed_epoll.cpp — cobalt inside a plain epoll loop that the program owns:
// a server that is a bare coap::Endpoint (EndpointSocket: readable → on_readable,
// timer → on_timeout) and a client that is a coap::Driver running a coroutine
// (UdpDriver: readable → on_readable, timer → on_timeout), both on loopback
// UDP with ephemeral ports. The loop waits in epoll_wait until the earliest of
// the two next_timeout()s. Exits 0 once the client has its three answers,
// non-zero on any failure or after 5 s.
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/task.hpp"
#include "coap/udp/clock.hpp"
#include "coap/udp/endpoint_socket.hpp"
#include "coap/udp/udp_driver.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

using namespace coap;

namespace {

Task<std::vector<std::string>> client_session(Driver& driver, std::string base) {
    std::vector<std::string> answers;
    auto server = driver.remote_endpoint(base);
    if (!server) co_return answers;
    for (const char* path : {"hello", "time", "bye"}) {
        auto response = co_await server->send_to(path, Request::get().emit_any_response());
        answers.push_back(response ? std::string(response->payload_text())
                                   : "error: " + to_string(response.error()));
    }
    co_return answers;
}

/// Milliseconds until the earliest deadline (-1: none), for epoll_wait.
int wait_ms(std::initializer_list<std::optional<Instant>> deadlines, Instant now) {
    std::optional<Instant> earliest;
    for (const auto& d : deadlines)
        if (d && (!earliest || *d < *earliest)) earliest = d;
    if (!earliest) return -1;
    return static_cast<int>(std::clamp<std::int64_t>(earliest->ms - now.ms, 0, 1000));
}

}  // namespace

int main() {
    // The server: a bare Endpoint that answers every request with its path.
    udp::SocketConfig server_config;
    server_config.bind = *Address::parse("127.0.0.1");
    udp::UdpSocket server_socket(server_config);
    Endpoint server(EndpointConfig{.seed = 1});
    udp::EndpointSocket server_io(server, server_socket, [](Endpoint& ep, const Event& event) {
        if (event.kind != EventKind::request_received) return;
        std::string path;
        for (const auto& segment : event.message.uri_path())
            path += "/" + std::string(segment.as_string());
        (void)ep.respond(udp::monotonic_now(), event.responder, {.code = codes::content},
                         [&](MessageWriter& w) { w.payload("you asked for " + path); });
    });

    // The client: a Driver on its own socket.
    udp::SocketConfig client_config;
    client_config.bind = *Address::parse("127.0.0.1");
    udp::UdpDriver client(client_config, EndpointConfig{.seed = 2});

    const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event server_event{.events = EPOLLIN, .data = {.u32 = 1}};
    epoll_event client_event{.events = EPOLLIN, .data = {.u32 = 2}};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, server_socket.fd(), &server_event);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, client.fd(), &client_event);

    const std::string base =
        "coap://" + std::string(server_socket.local_address().text().view()) + "/";
    std::printf("server on %s\n", base.c_str());
    auto session = client_session(client.driver(), base);
    session.start();
    client.service();  // the first request leaves now

    const Instant give_up = udp::monotonic_now() + seconds(5);
    while (!session.done() && udp::monotonic_now() < give_up) {
        epoll_event ready[4];
        const int n = ::epoll_wait(
            epoll_fd, ready, 4,
            wait_ms({server.next_timeout(), client.next_timeout(), give_up}, udp::monotonic_now()));
        for (int i = 0; i < n; ++i) {
            if (ready[i].data.u32 == 1) server_io.on_readable(udp::monotonic_now());
            if (ready[i].data.u32 == 2) client.on_readable();
        }
        const Instant now = udp::monotonic_now();
        if (const auto at = server.next_timeout(); at && *at <= now) server_io.on_timeout(now);
        if (const auto at = client.next_timeout(); at && *at <= now) client.on_timeout();
    }
    ::close(epoll_fd);

    if (!session.done()) {
        std::printf("FAIL: no answers within 5 s\n");
        return 1;
    }
    const std::vector<std::string> answers = session.result();
    const std::vector<std::string> expected = {"you asked for /hello", "you asked for /time",
                                               "you asked for /bye"};
    for (const auto& a : answers)
        std::printf("answer: %s\n", a.c_str());
    if (answers != expected) {
        std::printf("FAIL: unexpected answers\n");
        return 1;
    }
    std::printf("OK\n");
    return 0;
}
