// loadgen_main.cpp — `loadgen`: puts a minute (or --seconds) of mixed CoAP
// load on a server over UDP from --users concurrent users in one Driver, checks
// every answer, and prints throughput, latency and outcomes. Exits non-zero
// when any answer was wrong, any request failed other than with 5.03, or the
// server no longer answers a ping at the end.
//
//   loadgen --target coap://127.0.0.1:5683 --profile mixed --users 16 --seconds 60
#include "load_scenarios.hpp"
#include "load_tally.hpp"

#include <coap/udp/epoll_loop.hpp>
#include <coap/udp/udp_driver.hpp>

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Options {
    std::string target = "coap://127.0.0.1:5683";
    cobalt_load::Profile profile = cobalt_load::Profile::mixed;
    int users = 16;
    int seconds = 60;
    std::uint64_t seed = 1;
};

constexpr const char* usage =
    "usage: loadgen [--target URI] [--profile mixed|common] [--users N] [--seconds S] "
    "[--seed N]\n";

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) return false;
        const std::string value = argv[++i];
        if (flag == "--target") {
            options.target = value;
        } else if (flag == "--profile" && (value == "mixed" || value == "common")) {
            options.profile =
                value == "mixed" ? cobalt_load::Profile::mixed : cobalt_load::Profile::common;
        } else if (flag == "--users") {
            options.users = std::atoi(value.c_str());
        } else if (flag == "--seconds") {
            options.seconds = std::atoi(value.c_str());
        } else if (flag == "--seed") {
            options.seed = std::strtoull(value.c_str(), nullptr, 10);
        } else {
            return false;
        }
    }
    return options.users > 0 && options.seconds > 0;
}

coap::Address bind_for(const std::string& target) {
    // The client socket's family follows the target's host.
    return target.find('[') != std::string::npos ? coap::Address::ipv6({}, 0)
                                                 : coap::Address::ipv4({}, 0);
}

}  // namespace

int main(int argc, char** argv) try {
    Options options;
    if (!parse(argc, argv, options)) {
        std::cerr << usage;
        return 2;
    }
    // One socket (one Endpoint) per user, as separate clients would have: one
    // endpoint may send a server only about 248 messages a second before it must
    // wait for message IDs older than EXCHANGE_LIFETIME (RFC 7252 §4.4).
    coap::udp::SocketConfig socket;
    socket.bind = bind_for(options.target);
    coap::udp::EpollLoop loop;
    std::vector<std::unique_ptr<coap::udp::UdpDriver>> drivers;
    std::vector<coap::RemoteEndpoint> servers;
    for (int user = 0; user < options.users; ++user) {
        coap::EndpointConfig endpoint;
        endpoint.seed = options.seed * 1000 + static_cast<std::uint64_t>(user);
        drivers.push_back(std::make_unique<coap::udp::UdpDriver>(socket, endpoint));
        auto server = drivers.back()->driver().remote_endpoint(options.target);
        if (!server) {
            std::cerr << "loadgen: bad target " << options.target << ": "
                      << coap::to_string(server.error()) << "\n";
            return 2;
        }
        servers.push_back(*server);
    }

    cobalt_load::Tally tally;
    coap::Driver& first = drivers.front()->driver();
    const coap::Instant start = first.now();
    const coap::Instant deadline = start + coap::seconds(options.seconds);
    std::vector<coap::Task<void>> users;
    for (int user = 0; user < options.users; ++user) {
        cobalt_load::UserPlan plan{options.profile, user, deadline,
                                   options.seed * 1000 + static_cast<std::uint64_t>(user)};
        users.push_back(
            cobalt_load::run_user(servers[static_cast<std::size_t>(user)], plan, tally));
        users.back().start();
    }
    for (auto& driver : drivers)
        loop.add(*driver);  // services each once: the first requests leave
    auto all_done = [&users] {
        for (const auto& user : users)
            if (!user.done()) return false;
        return true;
    };
    loop.run_until(all_done, deadline + coap::seconds(120));
    const coap::Duration elapsed = first.now() - start;
    for (auto& user : users)
        if (user.done()) user.result();  // rethrows what a user threw
    for (auto& driver : drivers)
        loop.remove(*driver);

    const auto& server = servers.front();
    const auto pong = coap::run_until(first, server.ping());
    cobalt_load::print_report(std::cout, tally, elapsed);
    std::cout << "server answers a ping afterwards: " << (pong ? "yes" : "NO") << "\n";
    const bool clean =
        all_done() && tally.wrong == 0 && tally.errors.empty() && pong && tally.right > 0;
    std::cout << (clean ? "load: ok\n" : "load: FAILED\n");
    return clean ? 0 : 1;
} catch (const std::exception& error) {
    std::cerr << "loadgen: " << error.what() << "\n";
    return 1;
}
