// udp_echo.cpp — `udp_echo`: the physical-limit reference of the wire
// benchmark (issue 11). A UDP server doing the least work a CoAP answer needs:
// each request becomes an ACK 2.05 with the same message ID and token and no
// options or payload; an empty message (a ping) becomes an RST; anything not
// CoAP-shaped is dropped. One blocking socket, recvmmsg/sendmmsg batches.
// Runs until SIGINT or SIGTERM.
//
//   udp_echo --bind 127.0.0.1 --port 5683 [--batch 64]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr const char* usage =
    "usage: udp_echo [--bind ADDR] [--port N] [--batch B]\n"
    "Answers each CoAP request on ADDR:N (default 127.0.0.1:5683) with an ACK 2.05\n"
    "carrying its message ID and token, each ping with an RST; B datagrams per\n"
    "recvmmsg/sendmmsg (default 64). Runs until SIGINT or SIGTERM.\n";

volatile std::sig_atomic_t stopping = 0;

void on_signal(int) {
    stopping = 1;
}

constexpr std::size_t max_datagram = 1536;

/// Rewrites the request in place into its answer; its new length, or 0 to drop it.
std::size_t answer(std::uint8_t* p, std::size_t n) {
    if (n < 4 || p[0] >> 6 != 1) return 0;
    const std::size_t token_length = p[0] & 15;
    if (token_length > 8 || n < 4 + token_length) return 0;
    if (p[1] == 0) {  // ping (or an empty ACK/RST, answered alike: harmless here)
        p[0] = 0x70;  // version 1, RST, no token
        return 4;
    }
    p[0] = static_cast<std::uint8_t>(0x60 | token_length);  // version 1, ACK
    p[1] = 0x45;                                            // 2.05 Content
    return 4 + token_length;
}

}  // namespace

int main(int argc, char** argv) {
    std::string bind_address = "127.0.0.1";
    int port = 5683;
    int batch = 64;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--help" || flag == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            std::fputs(usage, stderr);
            return 2;
        }
        const char* value = argv[++i];
        if (flag == "--bind") {
            bind_address = value;
        } else if (flag == "--port") {
            port = std::atoi(value);
        } else if (flag == "--batch") {
            batch = std::atoi(value);
        } else {
            std::fputs(usage, stderr);
            return 2;
        }
    }
    if (port <= 0 || port > 65535 || batch < 1 || batch > 1024) {
        std::fputs(usage, stderr);
        return 2;
    }

    sockaddr_storage local{};
    socklen_t local_length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&local);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&local);
    if (inet_pton(AF_INET, bind_address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<std::uint16_t>(port));
        local_length = sizeof *v4;
    } else if (inet_pton(AF_INET6, bind_address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(port));
        local_length = sizeof *v6;
    } else {
        std::fprintf(stderr, "udp_echo: --bind wants an IPv4 or IPv6 literal, not %s\n",
                     bind_address.c_str());
        return 2;
    }
    const int fd = socket(local.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        std::perror("udp_echo: socket");
        return 1;
    }
    const int buffer = 4 << 20;  // capped by net.core.[rw]mem_max
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    if (bind(fd, reinterpret_cast<const sockaddr*>(&local), local_length) < 0) {
        std::perror("udp_echo: bind");
        return 1;
    }

    struct sigaction action {};
    action.sa_handler = on_signal;  // no SA_RESTART: recvmmsg returns EINTR
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    const auto count = static_cast<std::size_t>(batch);
    std::vector<std::array<std::uint8_t, max_datagram>> buffers(count);
    std::vector<sockaddr_storage> peers(count);
    std::vector<iovec> in(count), out(count);
    std::vector<mmsghdr> received(count), replies(count);
    std::uint64_t answered = 0;
    while (!stopping) {
        for (std::size_t i = 0; i < count; ++i) {
            in[i] = {buffers[i].data(), max_datagram};
            received[i] = {};
            received[i].msg_hdr.msg_name = &peers[i];
            received[i].msg_hdr.msg_namelen = sizeof peers[i];
            received[i].msg_hdr.msg_iov = &in[i];
            received[i].msg_hdr.msg_iovlen = 1;
        }
        const int got =
            recvmmsg(fd, received.data(), static_cast<unsigned>(count), MSG_WAITFORONE, nullptr);
        if (got < 0) {
            if (errno == EINTR) continue;
            std::perror("udp_echo: recvmmsg");
            return 1;
        }
        unsigned ready = 0;
        for (int i = 0; i < got; ++i) {
            const auto k = static_cast<std::size_t>(i);
            const std::size_t length = answer(buffers[k].data(), received[k].msg_len);
            if (length == 0) continue;
            out[ready] = {buffers[k].data(), length};
            replies[ready] = {};
            replies[ready].msg_hdr.msg_name = &peers[k];
            replies[ready].msg_hdr.msg_namelen = received[k].msg_hdr.msg_namelen;
            replies[ready].msg_hdr.msg_iov = &out[ready];
            replies[ready].msg_hdr.msg_iovlen = 1;
            ++ready;
        }
        unsigned done = 0;
        while (done < ready && !stopping) {
            const int sent = sendmmsg(fd, replies.data() + done, ready - done, 0);
            if (sent < 0) {
                if (errno == EINTR) continue;
                ++done;  // e.g. ECONNREFUSED for a peer gone: skip that one
                continue;
            }
            done += static_cast<unsigned>(sent);
        }
        answered += done;
    }
    std::fprintf(stderr, "udp_echo: answered %llu datagrams\n",
                 static_cast<unsigned long long>(answered));
    close(fd);
    return 0;
}
