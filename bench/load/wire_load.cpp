// wire_load.cpp — `wire_load`: the raw load generator of the wire-throughput
// benchmark (issue 11). Keeps --window CoAP GETs (CON, or NON with --non)
// outstanding against one server over loopback UDP, from --sockets
// non-blocking sockets under one epoll, in recvmmsg/sendmmsg batches, and
// prints the rate of 2.xx answers and their latency. Hand-encoded requests:
// it depends on nothing in the library, so it measures servers, not itself.
//
// What it owns:
// - the window: a flat table of W slots; an answered or timed-out slot is
//   re-armed at once with a fresh token and queued on the next socket in turn
//   (so all S sockets share the message ID load even when W < S);
// - matching: every request carries a unique 8-byte token whose low bits are
//   its slot index (no per-request allocation; a token from an earlier
//   occupant of the slot is "stale");
// - message IDs: one sequential 16-bit counter per socket. A strict server
//   deduplicates (peer, message ID) for EXCHANGE_LIFETIME (247 s), so each
//   socket's IDs repeat after 65536 requests: at R requests/s over S sockets
//   that is every 65536 * S / R seconds (7 s at 600k/s over 64 sockets). A
//   run longer than that sends such a server requests it takes as duplicates;
//   choose S (up to 4096) to suit.
//
//   wire_load --port 5683 --path /time --window 256 --sockets 64 --seconds 10
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr const char* usage =
    "usage: wire_load [--host ADDR] [--port N] [--path /a/b] [--window W] [--sockets S]\n"
    "                 [--batch B] [--non] [--spin] [--seconds T] [--warmup-seconds T]\n"
    "                 [--timeout-ms N]\n"
    "\n"
    "Keeps W CoAP GETs outstanding against ADDR:N (an IPv4 or IPv6 literal; default\n"
    "127.0.0.1:5683, path /time, W 256) from S UDP sockets (default 64), B datagrams\n"
    "per recvmmsg/sendmmsg (default 64); CON unless --non. Runs --warmup-seconds\n"
    "(default 1, not counted), then --seconds (default 10, at most 3600). A request\n"
    "unanswered after --timeout-ms (default 1000) is lost and its slot reused.\n"
    "--spin polls epoll without sleeping (the load's CPU then shows 100 %).\n"
    "\n"
    "Counts: ok = 2.xx answers (piggybacked, NON or separate; empty ACKs wait on);\n"
    "errors = any other code for a known token; lost = timed out; stale = a token no\n"
    "longer outstanding. rate = ok per second; p50/p99 = latency of ok answers.\n"
    "\n"
    "Message IDs are sequential per socket and repeat every 65536 requests per\n"
    "socket. A server that deduplicates (peer, MID) for 247 s sees repeats after\n"
    "65536 * S / rate seconds: raise S for long runs against such a server.\n"
    "\n"
    "Prints a human line, then one machine-readable line:\n"
    "  requests=.. ok=.. seconds=.. rate=.. p50_us=.. p99_us=.. errors=.. lost=.. ...\n";

struct Options {
    std::string host = "127.0.0.1";
    int port = 5683;
    std::string path = "/time";
    int window = 256;
    int sockets = 64;
    int batch = 64;
    bool non = false;
    double seconds = 10;
    double warmup_seconds = 1;
    int timeout_ms = 1000;
    bool spin = false;
};

bool parse(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--non" || flag == "--spin") {
            (flag == "--non" ? options.non : options.spin) = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        const char* value = argv[++i];
        if (flag == "--host") {
            options.host = value;
        } else if (flag == "--port") {
            options.port = std::atoi(value);
        } else if (flag == "--path") {
            options.path = value;
        } else if (flag == "--window") {
            options.window = std::atoi(value);
        } else if (flag == "--sockets") {
            options.sockets = std::atoi(value);
        } else if (flag == "--batch") {
            options.batch = std::atoi(value);
        } else if (flag == "--seconds") {
            options.seconds = std::atof(value);
        } else if (flag == "--warmup-seconds") {
            options.warmup_seconds = std::atof(value);
        } else if (flag == "--timeout-ms") {
            options.timeout_ms = std::atoi(value);
        } else {
            return false;
        }
    }
    return options.port > 0 && options.port < 65536 && options.window >= 1 &&
           options.window <= 65536 && options.sockets >= 1 && options.sockets <= 4096 &&
           options.batch >= 1 && options.batch <= 1024 && options.seconds > 0 &&
           options.seconds <= 3600 && options.warmup_seconds >= 0 && options.warmup_seconds <= 60 &&
           options.timeout_ms >= 1 && options.timeout_ms <= 60000;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Log-linear histogram of nanoseconds: 64 sub-buckets per power of two (at
/// most 1.6 % error). Fixed size; add() never allocates.
class Histogram {
  public:
    void add(std::uint64_t ns) {
        ++counts_[static_cast<std::size_t>(index(ns))];
        ++total_;
    }
    void clear() {
        counts_.fill(0);
        total_ = 0;
    }
    /// The lower bound of the bucket holding quantile q (0 < q <= 1); 0 when empty.
    std::uint64_t quantile(double q) const {
        const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total_));
        std::uint64_t seen = 0;
        for (int b = 0; b < buckets; ++b) {
            seen += counts_[static_cast<std::size_t>(b)];
            if (seen > rank || (seen == total_ && seen > 0)) return lower(b);
        }
        return 0;
    }

  private:
    static constexpr int sub_bits = 6;
    static constexpr int sub = 1 << sub_bits;
    static constexpr int buckets = (64 - sub_bits + 1) * sub;  // up to bit_width 64
    static int index(std::uint64_t v) {
        if (v < 2 * sub) return static_cast<int>(v);
        const int shift = static_cast<int>(std::bit_width(v)) - sub_bits - 1;
        return (shift + 1) * sub + static_cast<int>(v >> shift) - sub;
    }
    static std::uint64_t lower(int b) {
        if (b < 2 * sub) return static_cast<std::uint64_t>(b);
        const int shift = b / sub - 1;
        return static_cast<std::uint64_t>(b % sub + sub) << shift;
    }
    std::array<std::uint64_t, buckets> counts_{};
    std::uint64_t total_ = 0;
};

enum class SlotState : std::uint8_t { queued, outstanding };

struct Slot {
    std::uint64_t token = 0;
    std::int64_t sent_ns = 0;
    SlotState state = SlotState::queued;
};

struct Socket {
    int fd = -1;
    std::uint16_t next_mid = 0;
    /// Requests sent over the whole run, warmup included: past 65536 its MIDs repeat.
    std::uint64_t sent_total = 0;
    /// Slots armed but not yet sent, oldest first; at most the window.
    std::vector<std::uint32_t> pending;
};

struct Counts {
    std::uint64_t sent = 0;
    std::uint64_t ok = 0;
    std::uint64_t errors = 0;
    std::uint64_t lost = 0;
    std::uint64_t stale = 0;
    std::uint64_t empty_acks = 0;
    std::uint64_t other = 0;
    std::uint64_t send_failures = 0;
    std::array<std::uint64_t, 256> by_code{};
};

/// The request template: header, 8 token bytes, Uri-Path options. Empty on a
/// path too long for the fixed slot size.
std::vector<std::uint8_t> request_template(const std::string& path, bool non) {
    std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(0x48 | (non ? 0x10 : 0x00)), 0x01, 0,
                                    0};
    bytes.resize(12);
    unsigned previous = 0;
    std::size_t start = 0;
    while (start < path.size()) {
        if (path[start] == '/') {
            ++start;
            continue;
        }
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::size_t length = end - start;
        const unsigned delta = 11 - previous;  // Uri-Path
        previous = 11;
        if (length < 13) {
            bytes.push_back(static_cast<std::uint8_t>(delta << 4 | length));
        } else if (length < 269) {
            bytes.push_back(static_cast<std::uint8_t>(delta << 4 | 13));
            bytes.push_back(static_cast<std::uint8_t>(length - 13));
        } else {
            return {};
        }
        bytes.insert(bytes.end(), path.begin() + static_cast<std::ptrdiff_t>(start),
                     path.begin() + static_cast<std::ptrdiff_t>(end));
        start = end;
    }
    return bytes;
}

bool resolve(const Options& options, sockaddr_storage& target, socklen_t& length) {
    std::memset(&target, 0, sizeof target);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&target);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&target);
    if (inet_pton(AF_INET, options.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<std::uint16_t>(options.port));
        length = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, options.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(options.port));
        length = sizeof *v6;
        return true;
    }
    return false;
}

class Load {
  public:
    Load(const Options& options, std::vector<std::uint8_t> request)
        : options_(options),
          request_length_(request.size()),
          table_bits_(static_cast<int>(std::bit_width(static_cast<unsigned>(options.window - 1)))),
          mask_((std::uint64_t{1} << table_bits_) - 1),
          slots_(std::size_t{1} << table_bits_),
          wire_(request.size() * static_cast<std::size_t>(options.window)),
          sockets_(static_cast<std::size_t>(options.sockets)),
          messages_(static_cast<std::size_t>(options.batch)),
          vectors_(static_cast<std::size_t>(options.batch)),
          buffers_(static_cast<std::size_t>(options.batch)) {
        for (int i = 0; i < options.window; ++i)
            std::memcpy(bytes(static_cast<std::uint32_t>(i)), request.data(), request.size());
        token_sequence_ = static_cast<std::uint64_t>(now_ns());
    }

    /// Opens and connects the sockets; false (with a message printed) on failure.
    bool open(const sockaddr_storage& target, socklen_t target_length) {
        epoll_ = epoll_create1(0);
        if (epoll_ < 0) return fail("epoll_create1");
        const auto share = static_cast<std::size_t>(options_.window);  // no growth in the loop
        std::uint16_t mid_seed = static_cast<std::uint16_t>(now_ns() >> 10);
        for (std::size_t s = 0; s < sockets_.size(); ++s) {
            Socket& socket = sockets_[s];
            socket.fd = ::socket(target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (socket.fd < 0) return fail("socket");
            const int buffer = 4 << 20;  // capped by net.core.[rw]mem_max
            setsockopt(socket.fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
            setsockopt(socket.fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
            if (connect(socket.fd, reinterpret_cast<const sockaddr*>(&target), target_length) < 0)
                return fail("connect");
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.u32 = static_cast<std::uint32_t>(s);
            if (epoll_ctl(epoll_, EPOLL_CTL_ADD, socket.fd, &event) < 0) return fail("epoll_ctl");
            socket.next_mid = static_cast<std::uint16_t>(mid_seed + s * 7919);
            socket.pending.reserve(share);
        }
        for (std::size_t i = 0; i < buffers_.size(); ++i) {
            vectors_[i] = {buffers_[i].data(), buffers_[i].size()};
            messages_[i] = {};
            messages_[i].msg_hdr.msg_iov = &vectors_[i];
            messages_[i].msg_hdr.msg_iovlen = 1;
        }
        return true;
    }

    void run() {
        const std::int64_t start = now_ns();
        const auto measure_start = start + static_cast<std::int64_t>(options_.warmup_seconds * 1e9);
        const auto end = measure_start + static_cast<std::int64_t>(options_.seconds * 1e9);
        const std::int64_t timeout_ns = std::int64_t{options_.timeout_ms} * 1'000'000;
        const std::int64_t scan_every = std::min<std::int64_t>(timeout_ns / 8, 10'000'000);
        bool measuring = measure_start <= start;
        measuring_ = measuring;
        if (measuring) measured_from_ = start;
        for (int i = 0; i < options_.window; ++i)
            arm(static_cast<std::uint32_t>(i));
        flush_all();  // the whole window leaves at once

        std::vector<epoll_event> events(sockets_.size());
        std::int64_t next_scan = start + scan_every;
        for (;;) {
            const int ready = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                         unsent_ || options_.spin ? 0 : 1);
            for (int e = 0; e < ready; ++e) {
                const std::uint32_t s = events[static_cast<std::size_t>(e)].data.u32;
                receive(s);
            }
            const std::int64_t now = now_ns();
            if (!measuring && now >= measure_start) {
                measuring = measuring_ = true;
                counts_ = {};
                latency_.clear();
                measured_from_ = now;
            }
            if (now >= end) {
                measured_to_ = now;
                break;
            }
            if (now >= next_scan) {
                expire(now - timeout_ns);
                next_scan = now + scan_every;
            }
            flush_all();  // what this round re-armed, spread over the sockets
        }
    }

    void report() const {
        const double seconds = static_cast<double>(measured_to_ - measured_from_) / 1e9;
        const double rate = seconds > 0 ? static_cast<double>(counts_.ok) / seconds : 0;
        const double p50 = static_cast<double>(latency_.quantile(0.50)) / 1e3;
        const double p99 = static_cast<double>(latency_.quantile(0.99)) / 1e3;
        const std::uint64_t requests = counts_.ok + counts_.errors + counts_.lost;
        const char* type = options_.non ? "NON" : "CON";
        const bool v6 = options_.host.find(':') != std::string::npos;
        std::printf(
            "wire_load: %s GET coap://%s%s%s:%d%s, window %d, %d sockets, batch %d: "
            "%.0f ok/s over %.2f s, p50 %.1f us, p99 %.1f us, errors %llu, lost %llu, "
            "stale %llu",
            type, v6 ? "[" : "", options_.host.c_str(), v6 ? "]" : "", options_.port,
            options_.path.c_str(), options_.window, options_.sockets, options_.batch, rate, seconds,
            p50, p99, static_cast<unsigned long long>(counts_.errors),
            static_cast<unsigned long long>(counts_.lost),
            static_cast<unsigned long long>(counts_.stale));
        const char* separator = " (codes";
        for (int code = 0; code < 256; ++code) {
            if (code >> 5 == 2 || counts_.by_code[static_cast<std::size_t>(code)] == 0) continue;
            std::printf(
                "%s %d.%02d x%llu", separator, code >> 5, code & 31,
                static_cast<unsigned long long>(counts_.by_code[static_cast<std::size_t>(code)]));
            separator = ",";
        }
        std::uint64_t per_socket = 0;
        for (const Socket& socket : sockets_)
            per_socket = std::max(per_socket, socket.sent_total);
        std::printf("%s%s\n", separator[0] == ',' ? ")" : "",
                    per_socket > 65536 ? "; message IDs wrapped (raise --sockets)" : "");
        std::printf(
            "requests=%llu ok=%llu seconds=%.3f rate=%.0f p50_us=%.1f p99_us=%.1f errors=%llu "
            "lost=%llu stale=%llu empty_acks=%llu other=%llu sent=%llu send_failures=%llu "
            "window=%d sockets=%d batch=%d type=%s max_socket_requests=%llu\n",
            static_cast<unsigned long long>(requests), static_cast<unsigned long long>(counts_.ok),
            seconds, rate, p50, p99, static_cast<unsigned long long>(counts_.errors),
            static_cast<unsigned long long>(counts_.lost),
            static_cast<unsigned long long>(counts_.stale),
            static_cast<unsigned long long>(counts_.empty_acks),
            static_cast<unsigned long long>(counts_.other),
            static_cast<unsigned long long>(counts_.sent),
            static_cast<unsigned long long>(counts_.send_failures), options_.window,
            options_.sockets, options_.batch, type, static_cast<unsigned long long>(per_socket));
    }

    bool answered() const { return counts_.ok > 0; }

  private:
    static constexpr std::size_t max_datagram = 1536;

    std::uint8_t* bytes(std::uint32_t slot) {
        return wire_.data() + static_cast<std::size_t>(slot) * request_length_;
    }

    /// Gives the slot a fresh token and queues it on its socket.
    void arm(std::uint32_t slot) {
        Slot& entry = slots_[slot];
        entry.token = (++token_sequence_ << table_bits_) | slot;
        entry.state = SlotState::queued;
        std::memcpy(bytes(slot) + 4, &entry.token, 8);
        sockets_[next_socket_].pending.push_back(slot);
        if (++next_socket_ == sockets_.size()) next_socket_ = 0;
    }

    void flush_all() {
        unsent_ = false;
        for (Socket& socket : sockets_)
            flush(socket);
    }

    /// Sends the socket's queued requests in batches, numbering them as they leave.
    void flush(Socket& socket) {
        std::size_t done = 0;
        int refusals = 0;
        while (done < socket.pending.size()) {
            const std::size_t count =
                std::min(socket.pending.size() - done, static_cast<std::size_t>(options_.batch));
            const std::int64_t stamp = now_ns();
            for (std::size_t i = 0; i < count; ++i) {
                const std::uint32_t slot = socket.pending[done + i];
                std::uint8_t* datagram = bytes(slot);
                const std::uint16_t mid = socket.next_mid++;
                datagram[2] = static_cast<std::uint8_t>(mid >> 8);
                datagram[3] = static_cast<std::uint8_t>(mid);
                slots_[slot].sent_ns = stamp;
                send_vectors_[i] = {datagram, request_length_};
                send_messages_[i] = {};
                send_messages_[i].msg_hdr.msg_iov = &send_vectors_[i];
                send_messages_[i].msg_hdr.msg_iovlen = 1;
            }
            const int sent = sendmmsg(socket.fd, send_messages_.data(),
                                      static_cast<unsigned>(count), MSG_DONTWAIT);
            if (sent < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                    unsent_ = true;  // full: the main loop tries again at once
                    break;
                }
                if (++refusals <= 2) continue;  // a socket error (ECONNREFUSED) is reported once
                // Still refused (the server is gone): these time out as lost.
                counts_.send_failures += count;
                for (std::size_t i = 0; i < count; ++i)
                    slots_[socket.pending[done + i]].state = SlotState::outstanding;
                done += count;
                continue;
            }
            for (int i = 0; i < sent; ++i)
                slots_[socket.pending[done + static_cast<std::size_t>(i)]].state =
                    SlotState::outstanding;
            counts_.sent += static_cast<std::uint64_t>(sent);
            socket.sent_total += static_cast<std::uint64_t>(sent);
            done += static_cast<std::size_t>(sent);
        }
        socket.pending.erase(socket.pending.begin(),
                             socket.pending.begin() + static_cast<std::ptrdiff_t>(done));
    }

    /// Reads one batch from the socket (level-triggered epoll calls again if more wait).
    void receive(std::uint32_t s) {
        Socket& socket = sockets_[s];
        for (auto& vector : vectors_)
            vector.iov_len = max_datagram;
        const int got = recvmmsg(socket.fd, messages_.data(),
                                 static_cast<unsigned>(messages_.size()), MSG_DONTWAIT, nullptr);
        if (got <= 0) return;
        const std::int64_t now = now_ns();
        for (int i = 0; i < got; ++i) {
            const auto& message = messages_[static_cast<std::size_t>(i)];
            on_datagram(socket, buffers_[static_cast<std::size_t>(i)].data(), message.msg_len, now);
        }
    }

    void on_datagram(Socket& socket, const std::uint8_t* p, std::size_t n, std::int64_t now) {
        if (n < 4 || p[0] >> 6 != 1) {
            ++counts_.other;
            return;
        }
        const unsigned type = p[0] >> 4 & 3;
        const unsigned token_length = p[0] & 15;
        if (type == 0) {  // a CON (separate) response: acknowledge it
            const std::uint8_t ack[4] = {0x60, 0x00, p[2], p[3]};
            (void)send(socket.fd, ack, sizeof ack, MSG_DONTWAIT);
        }
        if (p[1] == 0) {  // empty ACK (the answer follows separately), RST or ping
            if (type == 2)
                ++counts_.empty_acks;
            else
                ++counts_.other;
            return;
        }
        if (token_length != 8 || n < 12) {
            ++counts_.other;
            return;
        }
        std::uint64_t token;
        std::memcpy(&token, p + 4, 8);
        const auto slot = static_cast<std::uint32_t>(token & mask_);
        Slot& entry = slots_[slot];
        if (slot >= static_cast<std::uint32_t>(options_.window) ||
            entry.state != SlotState::outstanding || entry.token != token) {
            ++counts_.stale;
            return;
        }
        if (p[1] >> 5 == 2) {
            ++counts_.ok;
            if (measuring_) latency_.add(static_cast<std::uint64_t>(now - entry.sent_ns));
        } else {
            ++counts_.errors;
            ++counts_.by_code[p[1]];
        }
        arm(slot);
    }

    /// Re-arms every request sent before `sent_before` that is still unanswered.
    void expire(std::int64_t sent_before) {
        for (std::uint32_t slot = 0; slot < static_cast<std::uint32_t>(options_.window); ++slot) {
            const Slot& entry = slots_[slot];
            if (entry.state == SlotState::outstanding && entry.sent_ns <= sent_before) {
                ++counts_.lost;
                arm(slot);
                unsent_ = true;
            }
        }
    }

    bool fail(const char* what) {
        std::fprintf(stderr, "wire_load: %s: %s\n", what, std::strerror(errno));
        return false;
    }

    const Options& options_;
    std::size_t request_length_;
    int table_bits_;
    std::uint64_t mask_;
    std::vector<Slot> slots_;
    std::vector<std::uint8_t> wire_;
    std::vector<Socket> sockets_;
    std::vector<mmsghdr> messages_;
    std::vector<iovec> vectors_;
    std::vector<std::array<std::uint8_t, max_datagram>> buffers_;
    std::array<mmsghdr, 1024> send_messages_{};
    std::array<iovec, 1024> send_vectors_{};
    int epoll_ = -1;
    std::size_t next_socket_ = 0;
    std::uint64_t token_sequence_ = 0;
    bool unsent_ = false;
    bool measuring_ = false;
    std::int64_t measured_from_ = 0;
    std::int64_t measured_to_ = 0;
    Counts counts_;
    Histogram latency_;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(usage, stdout);
            return 0;
        }
    }
    if (!parse(argc, argv, options)) {
        std::fputs(usage, stderr);
        return 2;
    }
    sockaddr_storage target;
    socklen_t target_length = 0;
    if (!resolve(options, target, target_length)) {
        std::fprintf(stderr, "wire_load: --host wants an IPv4 or IPv6 literal, not %s\n",
                     options.host.c_str());
        return 2;
    }
    auto request = request_template(options.path, options.non);
    if (request.empty()) {
        std::fprintf(stderr, "wire_load: a path segment of --path is too long\n");
        return 2;
    }
    // Big member arrays: keep them off the stack.
    auto load = std::make_unique<Load>(options, std::move(request));
    if (!load->open(target, target_length)) return 1;
    load->run();
    load->report();
    return load->answered() ? 0 : 1;
}
