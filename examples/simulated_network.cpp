// simulated_network.cpp — a client and a server Endpoint on a lossy simulated
// network (adapters/sim) in virtual time: ten CON requests, a NON request and
// a slow resource answered separately, under 30 % loss with duplication and
// reordering. Prints what happened to each request and the packet counts, and
// optionally writes the trace as a pcap (argv[1]) for Wireshark. Exits non-zero
// unless every request ended exactly once.
#include "coap/endpoint.hpp"
#include "coap/render.hpp"
#include "coap/sim/network.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace coap;

namespace {
std::string code_text(Code code) {
    const auto chars = dotted(code);
    return std::string(chars.begin(), chars.end());
}
}  // namespace

int main(int argc, char** argv) {
    sim::Network net(2026);
    const Address client_address = Address::ipv4({192, 0, 2, 1}, 5683);
    const Address server_address = Address::ipv4({192, 0, 2, 2}, 5683);
    const auto client = net.add_endpoint(client_address, EndpointConfig{.seed = 1});
    const auto server = net.add_endpoint(server_address, EndpointConfig{.seed = 2});
    net.set_default_link(sim::LinkConditions{.delay = milliseconds(40),
                                             .jitter = milliseconds(20),
                                             .loss = 0.3,
                                             .duplicate = 0.1,
                                             .reorder = 0.1});

    // The server: /slow is answered five seconds later (an empty ACK first),
    // everything else at once.
    struct Later {
        Instant due;
        ResponderId responder;
    };
    std::vector<Later> later;
    int handler_runs = 0;
    net.on_event(server, [&](const Event& event) {
        if (event.kind != EventKind::request_received) return;
        ++handler_runs;
        std::string path;
        for (const auto& segment : event.message.uri_path())
            path.append("/").append(reinterpret_cast<const char*>(segment.value.data()),
                                    segment.value.size());
        if (path == "/slow") {
            later.push_back({net.now() + seconds(5), event.responder});
            return;
        }
        (void)net.endpoint(server).respond(net.now(), event.responder, {}, [&](MessageWriter& w) {
            w.option_uint(OptionNumber::content_format, 0);
            w.payload("hello from " + path);
        });
    });

    // The client: what ended each request, and when.
    std::map<std::uint32_t, std::string> names;
    std::map<std::uint32_t, int> endings;
    net.on_event(client, [&](const Event& event) {
        const auto id = event.request.value;
        ++endings[id];
        std::printf("  %7.3f s  %-10s ", static_cast<double>(net.now().ms) / 1000.0,
                    names[id].c_str());
        if (event.kind == EventKind::response_received) {
            std::printf("%s %s \"%.*s\"\n", code_text(event.message.code()).c_str(),
                        event.message.type() == MessageType::acknowledgement ? "(piggybacked)"
                        : event.message.type() == MessageType::confirmable   ? "(separate, CON)"
                                                                             : "(NON)",
                        static_cast<int>(event.message.payload().size()),
                        reinterpret_cast<const char*>(event.message.payload().data()));
        } else {
            std::printf("%s: %s\n", std::string(describe(event.kind)).c_str(),
                        std::string(describe(event.reason)).c_str());
        }
    });

    const auto send = [&](const std::string& path, bool confirmable) {
        RequestOptions options;
        options.confirmable = confirmable;
        const auto id = net.with(client, [&](Endpoint& e, Instant now) {
            return e.send_request(now, server_address, options, [&](MessageWriter& w) {
                w.option(OptionNumber::uri_path, path);
            });
        });
        if (id) names[id->value] = (confirmable ? "CON /" : "NON /") + path;
        return id.ok();
    };
    std::printf("client %s, server %s; 30%% loss, 10%% duplication, 10%% reordering\n",
                std::string(client_address.text().view()).c_str(),
                std::string(server_address.text().view()).c_str());
    bool ok = true;
    for (int i = 0; i < 10; ++i)
        ok = send("r" + std::to_string(i), true) && ok;
    ok = send("slow", true) && ok;
    ok = send("non", false) && ok;

    const auto all_ended = [&] { return endings.size() == names.size(); };
    while (!all_ended() && net.now() < Instant{3'600'000}) {
        Instant stop{3'600'000};
        for (const auto& l : later)
            stop = std::min(stop, l.due);
        const std::size_t before = later.size();
        if (!net.run_until([&] { return all_ended() || later.size() != before; }, stop) &&
            net.now() < stop)
            net.run_for(stop - net.now());
        for (auto it = later.begin(); it != later.end();) {
            if (it->due > net.now()) {
                ++it;
                continue;
            }
            const ResponderId responder = it->responder;
            it = later.erase(it);
            (void)net.with(server, [&](Endpoint& e, Instant now) {
                return e.respond(now, responder, {},
                                 [](MessageWriter& w) { w.payload("worth the wait"); });
            });
        }
    }
    net.run_for(seconds(300));

    const auto& stats = net.stats();
    std::printf("network: %llu sent, %llu delivered, %llu lost, %llu duplicated\n",
                static_cast<unsigned long long>(stats.sent),
                static_cast<unsigned long long>(stats.delivered),
                static_cast<unsigned long long>(stats.dropped_loss),
                static_cast<unsigned long long>(stats.duplicated));
    const auto cs = net.endpoint(client).stats();
    const auto ss = net.endpoint(server).stats();
    std::printf(
        "client: %llu retransmissions; server: %llu duplicates answered from the cache, "
        "handler ran %d times for %zu requests\n",
        static_cast<unsigned long long>(cs.retransmissions),
        static_cast<unsigned long long>(ss.duplicates_received), handler_runs, names.size());
    for (const auto& [id, count] : endings)
        ok = ok && count == 1;
    ok = ok && endings.size() == names.size();
    if (argc > 1) {
        net.write_pcap(argv[1]);
        std::printf("trace written to %s (open it with Wireshark or tshark)\n", argv[1]);
    }
    std::printf("%s\n", ok ? "every request ended exactly once" : "FAILED");
    return ok ? 0 : 1;
}
