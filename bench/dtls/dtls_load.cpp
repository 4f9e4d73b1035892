// dtls_load.cpp — a DTLS load generator for any coaps:// server on loopback,
// with cobalt's DtlsEndpoint as the client (the same client for every server
// measured, so that the figures compare the servers). Two measurements:
//   --mode handshakes: C sockets each do PSK handshakes back to back (connect,
//     established, close_notify, again) for the given seconds: handshakes/s;
//   --mode requests: C sessions (each from its own port) keep a window of W
//     confirmable GETs of PATH outstanding in all, matched by token: secured
//     requests/s.
// Prints one line "mode=... rate=... errors=..." for the comparison script.
//
//   dtls_load --port 5684 --psk KEY --identity ID --mode requests --window 32 --seconds 5
#include <coap/dtls/dtls_endpoint.hpp>
#include <coap/message.hpp>
#include <coap/message_writer.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

coap::Instant now_instant() {
    return coap::Instant{
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
            .count()};
}

struct Options {
    std::uint16_t port = 5684;
    std::string psk;
    std::string identity = "load";
    std::string mode = "requests";
    std::string path = "time";
    int seconds = 5;
    int window = 32;
    int concurrency = 16;
};

/// A UDP socket connected to 127.0.0.1:port with its own DtlsEndpoint (client).
struct Client {
    int fd = -1;
    std::unique_ptr<coap::dtls::DtlsEndpoint> dtls;
    bool established = false;
    Client(const Options& options, std::uint64_t seed) {
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(options.port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
            std::perror("socket");
            std::exit(2);
        }
        coap::dtls::DtlsConfig config;
        config.role = coap::dtls::Role::client;
        const auto* key = reinterpret_cast<const std::byte*>(options.psk.data());
        config.psk =
            coap::dtls::PskCredentials{options.identity, {key, key + options.psk.size()}, {}, {}};
        config.deterministic_seed = std::getenv("DTLS_LOAD_SYSTEM_ENTROPY") ? 0 : seed;
        dtls = std::make_unique<coap::dtls::DtlsEndpoint>(config);
    }
    ~Client() {
        if (fd >= 0) close(fd);
    }
    void flush() {
        while (auto datagram = dtls->next_datagram())
            (void)::send(fd, datagram->bytes.data(), datagram->bytes.size(), 0);
    }
    /// Reads what arrived; returns the plaintext datagrams.
    std::vector<std::vector<std::byte>> pump(const coap::Address& server) {
        std::byte buffer[2048];
        for (;;) {
            const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            dtls->receive(now_instant(), server, {buffer, static_cast<std::size_t>(n)});
        }
        if (const auto due = dtls->next_timeout(); due && *due <= now_instant())
            dtls->handle_timeout(now_instant());
        flush();
        std::vector<std::vector<std::byte>> out;
        while (auto plaintext = dtls->next_plaintext())
            out.push_back(std::move(plaintext->bytes));
        return out;
    }
};

int handshakes(const Options& options, const coap::Address& server) {
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < options.concurrency; ++i)
        clients.push_back(std::make_unique<Client>(options, 1000 + static_cast<unsigned>(i)));
    std::vector<pollfd> fds;
    for (auto& c : clients) {
        fds.push_back({c->fd, POLLIN, 0});
        (void)c->dtls->connect(now_instant(), server);
        c->flush();
    }
    long done = 0;
    long failed = 0;
    const auto end = Clock::now() + std::chrono::seconds(options.seconds);
    while (Clock::now() < end) {
        (void)poll(fds.data(), fds.size(), 5);
        for (auto& c : clients) {
            (void)c->pump(server);
            while (const auto event = c->dtls->next_event()) {
                if (event->kind == coap::dtls::SessionEvent::Kind::established) {
                    ++done;
                    c->dtls->close(now_instant(), server);  // close_notify, then again
                } else if (event->kind == coap::dtls::SessionEvent::Kind::failed) {
                    ++failed;
                }
                (void)c->dtls->connect(now_instant(), server);
                c->flush();
            }
        }
    }
    std::printf("mode=handshakes rate=%.0f errors=%ld concurrency=%d\n",
                static_cast<double>(done) / options.seconds, failed, options.concurrency);
    return done > 0 ? 0 : 1;
}

std::vector<std::byte> get_request(std::uint16_t mid, std::uint32_t token,
                                   const std::string& path) {
    std::vector<std::byte> buffer(64);
    const std::byte tok[4] = {std::byte(token >> 24), std::byte(token >> 16), std::byte(token >> 8),
                              std::byte(token)};
    coap::MessageWriter writer(buffer, coap::MessageType::confirmable, coap::codes::get, mid, tok);
    writer.option(coap::OptionNumber::uri_path, std::string_view(path));
    buffer.resize(writer.finish().value());
    return buffer;
}

/// One session's share of the request load: its socket, its outstanding GETs.
struct RequestSession {
    std::unique_ptr<Client> client;
    std::uint16_t mid = 1;
    std::uint32_t next_token = 1;
    std::unordered_map<std::uint32_t, Clock::time_point> outstanding;
};

int requests(const Options& options, const coap::Address& server) {
    // Several sessions, each from its own port: one CoAP endpoint may not reuse
    // a message ID within EXCHANGE_LIFETIME (247 s; RFC 7252 §4.4), so one
    // session would wrap its 65,536 IDs after two seconds at this rate, and the
    // server would rightly answer the repeats as duplicates.
    std::vector<RequestSession> sessions(static_cast<std::size_t>(options.concurrency));
    std::vector<pollfd> fds;
    for (std::size_t i = 0; i < sessions.size(); ++i) {
        sessions[i].client = std::make_unique<Client>(options, 7 + i);
        fds.push_back({sessions[i].client->fd, POLLIN, 0});
        (void)sessions[i].client->dtls->connect(now_instant(), server);
        sessions[i].client->flush();
    }
    const auto all_established = [&] {
        return std::all_of(sessions.begin(), sessions.end(), [&](const RequestSession& s) {
            return s.client->dtls->established(server);
        });
    };
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (!all_established() && Clock::now() < give_up) {
        (void)poll(fds.data(), fds.size(), 5);
        for (auto& s : sessions)
            (void)s.client->pump(server);
    }
    if (!all_established()) {
        std::printf("mode=requests rate=0 errors=1 (no handshake)\n");
        return 1;
    }
    long answered = 0;
    long errors = 0;
    const auto start = Clock::now();
    const auto send_one = [&](RequestSession& s) {
        if (s.mid == 0xffff) {
            if (++errors <= 3) std::fprintf(stderr, "dtls_load: message IDs used up\n");
            return;
        }
        const auto request = get_request(s.mid++, s.next_token, options.path);
        s.outstanding.emplace(s.next_token++, Clock::now());
        (void)s.client->dtls->send(now_instant(), server, request);
    };
    const int per_session = std::max(1, options.window / options.concurrency);
    for (auto& s : sessions) {
        for (int i = 0; i < per_session; ++i)
            send_one(s);
        s.client->flush();
    }
    const auto end = start + std::chrono::seconds(options.seconds);
    while (Clock::now() < end) {
        (void)poll(fds.data(), fds.size(), 5);
        for (auto& s : sessions) {
            for (const auto& plaintext : s.client->pump(server)) {
                const auto message = coap::MessageView::parse(plaintext);
                if (!message || message->token().size() != 4) {
                    ++errors;
                    continue;
                }
                const auto t = message->token();
                const std::uint32_t token = (std::to_integer<std::uint32_t>(t[0]) << 24) |
                                            (std::to_integer<std::uint32_t>(t[1]) << 16) |
                                            (std::to_integer<std::uint32_t>(t[2]) << 8) |
                                            std::to_integer<std::uint32_t>(t[3]);
                if (s.outstanding.erase(token) == 0) continue;  // a duplicate
                if (message->code().code_class() == 2) {
                    ++answered;
                } else if (++errors <= 3) {
                    const auto code = coap::dotted(message->code());
                    std::fprintf(stderr, "dtls_load: answered %.*s\n",
                                 static_cast<int>(code.size()), code.data());
                }
                send_one(s);
            }
            // A request lost for a second is counted and replaced (no retransmission).
            for (auto it = s.outstanding.begin(); it != s.outstanding.end();) {
                if (Clock::now() - it->second > std::chrono::seconds(1)) {
                    it = s.outstanding.erase(it);
                    if (++errors <= 3)
                        std::fprintf(stderr, "dtls_load: a request went unanswered\n");
                    send_one(s);
                } else {
                    ++it;
                }
            }
            s.client->flush();
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("mode=requests rate=%.0f errors=%ld window=%d sessions=%d\n",
                static_cast<double>(answered) / elapsed, errors, per_session * options.concurrency,
                options.concurrency);
    return answered > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--port")
            options.port = static_cast<std::uint16_t>(std::stoi(value));
        else if (flag == "--psk")
            options.psk = value;
        else if (flag == "--identity")
            options.identity = value;
        else if (flag == "--mode")
            options.mode = value;
        else if (flag == "--path")
            options.path = value;
        else if (flag == "--seconds")
            options.seconds = std::stoi(value);
        else if (flag == "--window")
            options.window = std::stoi(value);
        else if (flag == "--concurrency")
            options.concurrency = std::stoi(value);
        else {
            std::fprintf(stderr, "unknown flag %s\n", argv[i]);
            return 2;
        }
    }
    if (options.psk.empty() || options.seconds < 1 || options.seconds > 60) {
        std::fprintf(stderr,
                     "usage: dtls_load --port N --psk KEY [--identity ID] --mode "
                     "handshakes|requests [--seconds 1..60] [--window W] [--concurrency C]\n");
        return 2;
    }
    const coap::Address server = coap::Address::ipv4({127, 0, 0, 1}, options.port);
    return options.mode == "handshakes" ? handshakes(options, server) : requests(options, server);
}
