// udp_test.cpp — the UDP adapter on loopback (127.0.0.1, 127.0.0.2, ::1):
// request and response through a Driver on each side (IPv4, IPv6, dual-stack),
// answers from the unicast address a request was sent to, batched receive and
// send, socket buffer sizes, ICMP port unreachable failing an awaited send at
// once, the multicast arrival flag on 224.0.1.187, ff02::fd and ff05::fd,
// leaving a group, oversize datagrams dropped, name resolution and a bare
// Endpoint embedded with EndpointSocket. Every wait is bounded (poll or epoll
// with a deadline); nothing sleeps.
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/request_context.hpp"
#include "coap/task.hpp"
#include "coap/udp/clock.hpp"
#include "coap/udp/endpoint_socket.hpp"
#include "coap/udp/epoll_loop.hpp"
#include "coap/udp/udp_driver.hpp"

#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace coap::udp {
namespace {

const Address ipv4_loopback = *Address::parse("127.0.0.1");
const Address ipv6_loopback = *Address::parse("::1");
const Address ipv6_any = *Address::parse("::");
const Address ipv4_any = *Address::parse("0.0.0.0");

SocketConfig bound_to(const Address& address) {
    SocketConfig config;
    config.bind = address;
    return config;
}

/// A driver that can be opened, or nullptr when the OS has no such family.
std::unique_ptr<UdpDriver> open_driver(const SocketConfig& config) {
    try {
        return std::make_unique<UdpDriver>(config);
    } catch (const std::system_error&) {
        return nullptr;
    }
}

Task<Result<OwnedMessage, Error>> get(Driver& driver, std::string uri) {
    auto remote = driver.remote_endpoint(uri);
    if (!remote) co_return Err{remote.error()};
    co_return co_await remote->send(Request::get().emit_any_response());
}

/// The server answers 2.05 with the request's path; remembers the peers.
struct Server {
    explicit Server(UdpDriver& d) : driver(d) {
        driver.driver().set_request_handler([this](RequestContext& ctx) {
            peers.push_back(ctx.peer());
            multicast.push_back(ctx.multicast());
            std::string path;
            for (const auto& segment : ctx.message().uri_path())
                path += "/" + std::string(segment.as_string());
            (void)ctx.respond(codes::content, path);
        });
    }
    UdpDriver& driver;
    std::vector<Address> peers;
    std::vector<bool> multicast;
};

std::string uri_of(const Address& server, std::string_view path) {
    std::string text(server.text().view());
    return "coap://" + text + std::string(path);
}

/// Runs `task` on `loop` for at most `limit_ms` of wall-clock time.
template <class T>
bool run(EpollLoop& loop, UdpDriver& client, Task<T>& task, std::int64_t limit_ms = 5000) {
    task.start();
    client.service();  // the request leaves now
    return loop.run_until([&] { return task.done(); }, monotonic_now() + milliseconds(limit_ms));
}

void request_response(const Address& server_bind, const Address& client_bind,
                      const Address& target) {
    auto server_driver = open_driver(bound_to(server_bind));
    auto client = open_driver(bound_to(client_bind));
    if (!server_driver || !client) GTEST_SKIP() << "the OS refused the address family";
    Server server(*server_driver);
    EpollLoop loop;
    loop.add(*server_driver);
    loop.add(*client);
    const Address to = target.with_port(server_driver->local_address().port());
    auto task = get(client->driver(), uri_of(to, "/hello/udp"));
    ASSERT_TRUE(run(loop, *client, task));
    const auto result = task.result();
    ASSERT_TRUE(result.ok()) << to_string(result.error());
    EXPECT_EQ(result->code(), codes::content);
    EXPECT_EQ(result->payload_text(), "/hello/udp");
    ASSERT_EQ(server.peers.size(), 1u);
    EXPECT_EQ(server.peers[0], client->local_address().family() == AddressFamily::ipv6 &&
                                       target.family() == AddressFamily::ipv4
                                   ? server.peers[0]
                                   : target.with_port(client->local_address().port()));
    EXPECT_FALSE(server.multicast[0]);
    EXPECT_EQ(client->driver().pending_sends(), 0u);
}

TEST(UdpLoopback, Ipv4RequestAndResponseThroughDrivers) {
    request_response(ipv4_loopback, ipv4_loopback, ipv4_loopback);
}

TEST(UdpLoopback, Ipv6RequestAndResponseThroughDrivers) {
    request_response(ipv6_loopback, ipv6_loopback, ipv6_loopback);
}

TEST(UdpLoopback, DualStackServerAnswersIpv4AndIpv6Clients) {
    auto server_driver = open_driver(bound_to(ipv6_any));
    auto client4 = open_driver(bound_to(ipv4_loopback));
    auto client6 = open_driver(bound_to(ipv6_loopback));
    if (!server_driver || !client4 || !client6) GTEST_SKIP() << "no IPv6 on this machine";
    EXPECT_EQ(server_driver->local_address().family(), AddressFamily::ipv6);
    Server server(*server_driver);
    EpollLoop loop;
    loop.add(*server_driver);
    loop.add(*client4);
    loop.add(*client6);
    const std::uint16_t port = server_driver->local_address().port();
    auto over4 = get(client4->driver(), uri_of(ipv4_loopback.with_port(port), "/v4"));
    auto over6 = get(client6->driver(), uri_of(ipv6_loopback.with_port(port), "/v6"));
    ASSERT_TRUE(run(loop, *client4, over4));
    ASSERT_TRUE(run(loop, *client6, over6));
    const auto result4 = over4.result();
    const auto result6 = over6.result();
    ASSERT_TRUE(result4.ok());
    ASSERT_TRUE(result6.ok());
    EXPECT_EQ(result4->payload_text(), "/v4");
    EXPECT_EQ(result6->payload_text(), "/v6");
    ASSERT_EQ(server.peers.size(), 2u);
    // The IPv4 client is seen as IPv4 (unmapped), so the engine keys it as it sends to it.
    EXPECT_EQ(server.peers[0], client4->local_address());
    EXPECT_EQ(server.peers[1], client6->local_address());
}

/// A CON GET of `path` with message ID `id` and a two-byte token.
std::vector<std::byte> raw_get(std::uint16_t id, std::string_view path) {
    std::array<std::byte, 64> buffer{};
    const std::byte token[2] = {std::byte{0x5e}, static_cast<std::byte>(id & 0xff)};
    MessageWriter writer(buffer, MessageType::confirmable, codes::get, id, token);
    writer.option(OptionNumber::uri_path, path);
    const std::size_t length = writer.finish().value();
    return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(length)};
}

/// Sends a raw CON GET from `client` to `to` and returns the address its
/// answer came from (nullopt when none came within 3 s), with the server's
/// Driver serviced by `loop`.
std::optional<Address> answered_from(EpollLoop& loop, UdpSocket& client, const Address& to,
                                     std::uint16_t id) {
    client.send(to, raw_get(id, "where"));
    client.flush();
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (monotonic_now() < limit) {
        loop.run_once(monotonic_now() + milliseconds(20));
        for (const ReceivedDatagram& d : client.receive_batch()) {
            const auto answer = MessageView::parse(d.bytes);
            if (answer && answer->message_id() == id) return d.peer;
        }
    }
    return std::nullopt;
}

void answers_from_the_address_asked(const Address& server_bind) {
    const Address second = *Address::parse("127.0.0.2");
    auto server_driver = open_driver(bound_to(server_bind));
    if (!server_driver) GTEST_SKIP() << "the OS refused the address family";
    Server server(*server_driver);
    EpollLoop loop;
    loop.add(*server_driver);
    const std::uint16_t port = server_driver->local_address().port();
    UdpSocket client(bound_to(ipv4_loopback));
    // Without pktinfo the kernel would pick 127.0.0.1 (lo's address) for every answer.
    const auto first = answered_from(loop, client, second.with_port(port), 0x1001);
    ASSERT_TRUE(first) << "no answer to a request sent to 127.0.0.2";
    EXPECT_EQ(*first, second.with_port(port)) << first->text().view();
    const auto then = answered_from(loop, client, ipv4_loopback.with_port(port), 0x1002);
    ASSERT_TRUE(then);
    EXPECT_EQ(*then, ipv4_loopback.with_port(port)) << then->text().view();
    const auto again = answered_from(loop, client, second.with_port(port), 0x1003);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, second.with_port(port)) << again->text().view();
    ASSERT_EQ(server.peers.size(), 3u);
    EXPECT_EQ(server.peers[0], client.local_address());

    // A Driver as the client only matches an answer from the address it asked.
    auto driver_client = open_driver(bound_to(ipv4_loopback));
    ASSERT_TRUE(driver_client);
    loop.add(*driver_client);
    auto task = get(driver_client->driver(), uri_of(second.with_port(port), "/via/second"));
    ASSERT_TRUE(run(loop, *driver_client, task, 3000)) << "no answer from 127.0.0.2";
    const auto result = task.result();
    ASSERT_TRUE(result.ok()) << to_string(result.error());
    EXPECT_EQ(result->payload_text(), "/via/second");
}

TEST(UdpLoopback, AWildcardSocketAnswersFromTheAddressTheRequestWasSentTo) {
    answers_from_the_address_asked(ipv4_any);
}

TEST(UdpLoopback, ADualStackSocketAnswersIpv4FromTheAddressTheRequestWasSentTo) {
    answers_from_the_address_asked(ipv6_any);
}

TEST(UdpLoopback, ManyConcurrentRequestsAllAnswered) {
    EndpointConfig config;
    config.transmission.nstart = 64;
    config.capacities.exchanges = 128;
    UdpDriver server_driver(bound_to(ipv4_loopback));
    UdpDriver client(bound_to(ipv4_loopback), config);
    Server server(server_driver);
    EpollLoop loop;
    loop.add(server_driver);
    loop.add(client);
    const Address to = ipv4_loopback.with_port(server_driver.local_address().port());
    std::vector<Task<Result<OwnedMessage, Error>>> tasks;
    for (int i = 0; i < 60; ++i)
        tasks.push_back(get(client.driver(), uri_of(to, "/n/" + std::to_string(i))));
    // Started together in one batch: the requests leave through sendmmsg.
    client.transport().begin_batch();
    for (auto& task : tasks)
        task.start();
    client.transport().end_batch();
    client.service();
    ASSERT_TRUE(loop.run_until(
        [&] {
            for (auto& task : tasks)
                if (!task.done()) return false;
            return true;
        },
        monotonic_now() + milliseconds(10000)));
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        const auto result = tasks[i].result();
        ASSERT_TRUE(result.ok());
        EXPECT_EQ(result->payload_text(), "/n/" + std::to_string(i));
    }
    EXPECT_EQ(server.peers.size(), 60u);
    // The 60 requests left in a few sendmmsg calls, not one call each.
    EXPECT_LT(client.socket().stats().send_calls, 30u);
}

bool cobalt_equal(gsl::span<const std::byte> a, gsl::span<const std::byte> b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
}

TEST(UdpSocket, BatchesOfManyDatagramsInFewCalls) {
    SocketConfig config = bound_to(ipv4_loopback);
    config.batch_size = 32;
    config.receive_buffer = 1 << 20;
    config.send_buffer = 1 << 20;
    UdpSocket sender(config);
    UdpSocket receiver(config);
    constexpr int count = 200;
    for (int i = 0; i < count; ++i) {
        const std::byte payload[2] = {std::byte{static_cast<unsigned char>(i)},
                                      std::byte{static_cast<unsigned char>(i >> 8)}};
        ASSERT_TRUE(sender.send(receiver.local_address(), payload));
    }
    sender.flush();
    EXPECT_EQ(sender.stats().sent, static_cast<std::uint64_t>(count));
    EXPECT_LE(sender.stats().send_calls, 8u) << "sendmmsg: 32 datagrams per call";
    std::vector<int> seen;
    const Instant limit = monotonic_now() + milliseconds(5000);
    while (seen.size() < count && monotonic_now() < limit) {
        const auto batch = receiver.receive_batch();
        if (batch.empty()) {
            readable(receiver.fd(), 100);
            continue;
        }
        EXPECT_LE(batch.size(), 32u);
        for (const ReceivedDatagram& d : batch) {
            ASSERT_EQ(d.bytes.size(), 2u);
            EXPECT_EQ(d.peer, sender.local_address());
            EXPECT_FALSE(d.multicast);
            // Bound to one unicast address, the socket asks the kernel for no
            // pktinfo: the destination is that address, the interface unknown.
            ASSERT_TRUE(d.destination);
            EXPECT_EQ(*d.destination, receiver.local_address());
            EXPECT_EQ(d.interface_index, 0u);
            seen.push_back(std::to_integer<int>(d.bytes[0]) | std::to_integer<int>(d.bytes[1])
                                                                  << 8);
        }
    }
    ASSERT_EQ(seen.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
    EXPECT_LT(receiver.stats().receive_calls, 100u) << "recvmmsg reads batches";
}

TEST(UdpSocket, ADatagramLargerThanTheBufferIsDroppedNotTruncated) {
    SocketConfig small = bound_to(ipv4_loopback);
    small.max_datagram_size = 512;
    UdpSocket receiver(small);
    UdpSocket sender(bound_to(ipv4_loopback));
    const std::vector<std::byte> big(513, std::byte{0x41});
    const std::vector<std::byte> fits(512, std::byte{0x42});
    ASSERT_TRUE(sender.send(receiver.local_address(), big));
    ASSERT_TRUE(sender.send(receiver.local_address(), fits));
    sender.flush();
    std::vector<std::size_t> sizes;
    const Instant limit = monotonic_now() + milliseconds(5000);
    while (receiver.stats().received + receiver.stats().dropped_oversize < 2 &&
           monotonic_now() < limit) {
        for (const ReceivedDatagram& d : receiver.receive_batch())
            sizes.push_back(d.bytes.size());
        readable(receiver.fd(), 100);
    }
    EXPECT_EQ(sizes, std::vector<std::size_t>{512});
    EXPECT_EQ(receiver.stats().dropped_oversize, 1u);
}

int socket_option(int fd, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(fd, SOL_SOCKET, name, &value, &length) != 0) return -1;
    return value;
}

/// What SO_RCVBUF / SO_SNDBUF read back after setting `asked` on Linux: the
/// value capped at the sysctl's maximum, then doubled (socket(7): the kernel
/// keeps room for its bookkeeping).
int linux_buffer_size(int asked, const char* sysctl_max) {
    std::ifstream file(sysctl_max);
    long maximum = 0;
    if (!(file >> maximum)) return 2 * asked;
    return 2 * static_cast<int>(std::min<long>(asked, maximum));
}

TEST(UdpSocket, ConfiguredBufferSizesAreSetOnTheSocket) {
    SocketConfig config = bound_to(ipv4_loopback);
    config.receive_buffer = 81920;
    config.send_buffer = 49152;
    UdpSocket configured(config);
    EXPECT_EQ(socket_option(configured.fd(), SO_RCVBUF),
              linux_buffer_size(config.receive_buffer, "/proc/sys/net/core/rmem_max"));
    EXPECT_EQ(socket_option(configured.fd(), SO_SNDBUF),
              linux_buffer_size(config.send_buffer, "/proc/sys/net/core/wmem_max"));
    // Zero keeps the OS default: what a socket of our own gets.
    const int plain = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(plain, 0);
    UdpSocket defaults(bound_to(ipv4_loopback));
    EXPECT_EQ(socket_option(defaults.fd(), SO_RCVBUF), socket_option(plain, SO_RCVBUF));
    EXPECT_EQ(socket_option(defaults.fd(), SO_SNDBUF), socket_option(plain, SO_SNDBUF));
    ::close(plain);
    // The same through a Driver on a dual-stack socket.
    SocketConfig dual = bound_to(ipv6_any);
    dual.receive_buffer = 65536;
    dual.send_buffer = 32768;
    auto driver = open_driver(dual);
    if (!driver) GTEST_SKIP() << "no IPv6 on this machine";
    EXPECT_EQ(socket_option(driver->fd(), SO_RCVBUF),
              linux_buffer_size(dual.receive_buffer, "/proc/sys/net/core/rmem_max"));
    EXPECT_EQ(socket_option(driver->fd(), SO_SNDBUF),
              linux_buffer_size(dual.send_buffer, "/proc/sys/net/core/wmem_max"));
}

TEST(UdpTransport, ADatagramLongerThanTheCallersBufferIsDropped) {
    UdpTransport receiver(bound_to(ipv4_loopback));
    UdpSocket sender(bound_to(ipv4_loopback));
    const std::vector<std::byte> big(100, std::byte{1});
    const std::vector<std::byte> small(10, std::byte{2});
    sender.send(receiver.local_address(), big);
    sender.send(receiver.local_address(), small);
    sender.flush();
    std::array<std::byte, 50> buffer{};
    std::optional<Received> got;
    const Instant limit = monotonic_now() + milliseconds(5000);
    while (!got && monotonic_now() < limit) {
        receiver.wait(monotonic_now() + milliseconds(100));
        got = receiver.receive(buffer);
    }
    ASSERT_TRUE(got);
    EXPECT_EQ(got->length, 10u);
    EXPECT_EQ(buffer[0], std::byte{2});
    EXPECT_EQ(receiver.dropped_short_buffer(), 1u);
}

TEST(UdpTransport, DatagramsAreWrittenIntoTheSendBatchAndLentFromTheReceiveBatch) {
    SocketConfig config = bound_to(ipv4_loopback);
    config.batch_size = 8;
    UdpTransport sender(config);
    UdpTransport receiver(config);
    // 20 datagrams written in place, inside one batch: they leave by sendmmsg,
    // 8 at a time, and the last 4 at end_batch().
    sender.begin_batch();
    for (int i = 0; i < 20; ++i) {
        const auto slot = sender.transmit_slot(1152);
        ASSERT_GE(slot.size(), 1152u);
        slot[0] = std::byte{static_cast<unsigned char>(i)};
        slot[1] = std::byte{0x5a};
        ASSERT_TRUE(sender.commit_transmit(receiver.local_address(), 2));
    }
    EXPECT_EQ(sender.socket().stats().sent, 16u);
    sender.end_batch();
    EXPECT_EQ(sender.socket().stats().sent, 20u);
    EXPECT_EQ(sender.socket().stats().send_calls, 3u);
    // A slot larger than the batch's bytes grows them once, after sending what waits.
    const std::vector<std::byte> big(20000, std::byte{0x33});
    ASSERT_TRUE(sender.send(receiver.local_address(), big));

    std::vector<int> seen;
    std::size_t big_seen = 0;
    std::array<std::byte, 4> scratch{};  // unused: the datagrams are lent
    const Instant limit = monotonic_now() + milliseconds(5000);
    while (seen.size() + big_seen < 21 && monotonic_now() < limit) {
        receiver.wait(monotonic_now() + milliseconds(100));
        const Instant before = monotonic_now();
        while (const auto view = receiver.receive_view(scratch)) {
            // Stamped once per recvmmsg batch, after this loop began.
            EXPECT_GE(view->at, before);
            EXPECT_LE(view->at, monotonic_now());
            EXPECT_EQ(view->peer, sender.local_address());
            EXPECT_FALSE(view->bytes.data() >= scratch.data() &&
                         view->bytes.data() < scratch.data() + scratch.size());
            if (view->bytes.size() == big.size()) {
                EXPECT_TRUE(cobalt_equal(view->bytes, big));
                ++big_seen;
                continue;
            }
            ASSERT_EQ(view->bytes.size(), 2u);
            EXPECT_EQ(view->bytes[1], std::byte{0x5a});
            seen.push_back(std::to_integer<int>(view->bytes[0]));
        }
    }
    EXPECT_EQ(big_seen, 1u);
    ASSERT_EQ(seen.size(), 20u);
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
}

/// A port on `address` that nothing listens on (bound, then closed).
std::uint16_t closed_port(const Address& address) {
    return UdpSocket(bound_to(address)).local_address().port();
}

void unreachable_fails_fast(const Address& loopback) {
    auto client = open_driver(bound_to(loopback));
    if (!client) GTEST_SKIP() << "the OS refused the address family";
    EpollLoop loop;
    loop.add(*client);
    const Address nobody = loopback.with_port(closed_port(loopback));
    const Instant started = monotonic_now();
    auto task = get(client->driver(), uri_of(nobody, "/x"));
    ASSERT_TRUE(run(loop, *client, task, 10000));
    const auto result = task.result();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::peer_unreachable) << to_string(result.error());
    // Well before the first retransmission (ACK_TIMEOUT is 2 s).
    EXPECT_LT((monotonic_now() - started).ms, 1500);
    EXPECT_GE(client->socket().stats().icmp_errors, 1u);
}

TEST(UdpIcmp, PortUnreachableFailsTheAwaitedSendAtOnceOverIpv4) {
    unreachable_fails_fast(ipv4_loopback);
}

TEST(UdpIcmp, PortUnreachableFailsTheAwaitedSendAtOnceOverIpv6) {
    unreachable_fails_fast(ipv6_loopback);
}

TEST(UdpIcmp, APlainDriverOnAUdpTransportHearsOfIt) {
    // The shape a command-line client uses: Driver::run_until over UdpTransport
    // (wait() is poll(2)); the Driver registers for unreachable reports itself
    // (Transport::set_unreachable_handler).
    UdpTransport transport(bound_to(ipv4_loopback));
    Driver driver(transport, EndpointConfig{.seed = 9});
    const Address nobody = ipv4_loopback.with_port(closed_port(ipv4_loopback));
    const Instant started = monotonic_now();
    auto task = get(driver, uri_of(nobody, "/x"));
    task.start();
    ASSERT_TRUE(driver.run_until([&] { return task.done(); }, started + milliseconds(10000)));
    const auto result = task.result();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::peer_unreachable);
    EXPECT_LT((monotonic_now() - started).ms, 1500);
}

TEST(UdpIcmp, ABareEndpointHearsOfItThroughEndpointSocket) {
    Endpoint endpoint(EndpointConfig{.seed = 5});
    UdpSocket socket(bound_to(ipv4_loopback));
    std::vector<Event> events;
    EndpointSocket glue(endpoint, socket, [&](Endpoint&, const Event& e) { events.push_back(e); });
    const Address nobody = ipv4_loopback.with_port(closed_port(ipv4_loopback));
    const auto id = endpoint.send_request(monotonic_now(), nobody, {});
    ASSERT_TRUE(id.ok());
    glue.flush();
    const Instant limit = monotonic_now() + milliseconds(1500);
    while (events.empty() && monotonic_now() < limit) {
        pollfd p{socket.fd(), POLLIN, 0};
        ::poll(&p, 1, 100);
        glue.on_readable(monotonic_now());
    }
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, EventKind::exchange_failed);
    EXPECT_EQ(events[0].reason, FailureReason::peer_unreachable);
    EXPECT_EQ(events[0].request, id.value());
}

TEST(UdpEmbedding, BareEndpointsAnswerEachOtherThroughEndpointSocket) {
    Endpoint server_endpoint(EndpointConfig{.seed = 1});
    Endpoint client_endpoint(EndpointConfig{.seed = 2});
    UdpSocket server_socket(bound_to(ipv4_loopback));
    UdpSocket client_socket(bound_to(ipv4_loopback));
    EndpointSocket server(server_endpoint, server_socket, [](Endpoint& ep, const Event& e) {
        if (e.kind == EventKind::request_received)
            (void)ep.respond(monotonic_now(), e.responder, {.code = codes::content},
                             [](MessageWriter& w) { w.payload("pong"); });
    });
    std::string answer;
    EndpointSocket client(client_endpoint, client_socket, [&](Endpoint&, const Event& e) {
        if (e.kind == EventKind::response_received) {
            const auto payload = e.message.payload();
            answer.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
        }
    });
    ASSERT_TRUE(
        client_endpoint.send_request(monotonic_now(), server_socket.local_address(), {}).ok());
    client.flush();
    const Instant limit = monotonic_now() + milliseconds(5000);
    while (answer.empty() && monotonic_now() < limit) {
        pollfd p[2] = {{server_socket.fd(), POLLIN, 0}, {client_socket.fd(), POLLIN, 0}};
        ::poll(p, 2, 100);
        server.on_readable(monotonic_now());
        client.on_readable(monotonic_now());
    }
    EXPECT_EQ(answer, "pong");
}

TEST(UdpMulticast, ArrivalOnAGroupIsFlaggedIpv4) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    UdpSocket receiver(bound_to(ipv4_any));
    const Address group = *Address::parse("224.0.1.187");
    try {
        receiver.join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join 224.0.1.187 on lo: " << e.what();
    }
    UdpSocket sender(bound_to(ipv4_any));
    sender.set_multicast_interface(lo);
    const std::byte hello[3] = {std::byte{1}, std::byte{2}, std::byte{3}};
    sender.send(group.with_port(receiver.local_address().port()), hello);
    sender.send(ipv4_loopback.with_port(receiver.local_address().port()), hello);
    sender.flush();
    if (sender.stats().sent != 2) GTEST_SKIP() << "the OS refused to send to 224.0.1.187 on lo";
    std::vector<ReceivedDatagram> got;
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (got.size() < 2 && monotonic_now() < limit) {
        readable(receiver.fd(), 100);
        for (const ReceivedDatagram& d : receiver.receive_batch())
            got.push_back(d);
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TRUE(got[0].multicast);
    ASSERT_TRUE(got[0].destination);
    EXPECT_EQ(*got[0].destination, group.with_port(receiver.local_address().port()));
    EXPECT_EQ(got[0].interface_index, lo);
    EXPECT_FALSE(got[1].multicast) << "a unicast arrival is not flagged";
    receiver.leave_group(group, lo);
}

TEST(UdpMulticast, ADualStackSocketJoinsAnIpv4Group) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    std::unique_ptr<UdpSocket> receiver;
    try {
        receiver = std::make_unique<UdpSocket>(bound_to(ipv6_any));
    } catch (const std::system_error&) {
        GTEST_SKIP() << "no IPv6 on this machine";
    }
    const Address group = *Address::parse("224.0.1.187");
    try {
        receiver->join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join 224.0.1.187 on lo: " << e.what();
    }
    UdpSocket sender(bound_to(ipv4_any));
    sender.set_multicast_interface(lo);
    const std::byte hello[1] = {std::byte{9}};
    sender.send(group.with_port(receiver->local_address().port()), hello);
    sender.flush();
    if (sender.stats().sent != 1) GTEST_SKIP() << "the OS refused to send to 224.0.1.187 on lo";
    std::vector<ReceivedDatagram> got;
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (got.empty() && monotonic_now() < limit) {
        readable(receiver->fd(), 100);
        for (const ReceivedDatagram& d : receiver->receive_batch())
            got.push_back(d);
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].multicast);
    EXPECT_EQ(got[0].peer.family(), AddressFamily::ipv4) << "IPv4-mapped peers are unmapped";
    ASSERT_TRUE(got[0].destination);
    EXPECT_EQ(got[0].destination->family(), AddressFamily::ipv4);
}

TEST(UdpMulticast, ADriverSeesAMulticastRequestAndAnswersFromItsUnicastAddress) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    EndpointConfig config;
    config.transmission.default_leisure = milliseconds(10);  // §8.2: answer after a short leisure
    UdpDriver server_driver(bound_to(ipv4_any), config);
    const Address group = *Address::parse("224.0.1.187");
    try {
        server_driver.socket().join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join 224.0.1.187 on lo: " << e.what();
    }
    Server server(server_driver);
    EpollLoop loop;
    loop.add(server_driver);
    UdpSocket client(bound_to(ipv4_any));
    client.set_multicast_interface(lo);
    std::array<std::byte, 64> request{};
    const std::byte token[2] = {std::byte{0xab}, std::byte{0xcd}};
    MessageWriter writer(request, MessageType::non_confirmable, codes::get, 0x4242, token);
    writer.option(OptionNumber::uri_path, "all");
    const std::size_t length = writer.finish().value();
    const std::uint16_t port = server_driver.local_address().port();
    client.send(group.with_port(port), {request.data(), length});
    client.flush();
    if (client.stats().sent != 1) GTEST_SKIP() << "the OS refused to send to 224.0.1.187 on lo";
    ASSERT_TRUE(loop.run_until([&] { return !server.peers.empty(); },
                               monotonic_now() + milliseconds(3000)));
    ASSERT_EQ(server.multicast.size(), 1u);
    EXPECT_TRUE(server.multicast[0]) << "the arrival on the group reached the request handler";
    // The answer comes back from the server's unicast address, never from the group.
    std::optional<ReceivedDatagram> answer;
    std::vector<std::byte> copy;
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (!answer && monotonic_now() < limit) {
        loop.run_once(monotonic_now() + milliseconds(20));
        for (const ReceivedDatagram& d : client.receive_batch()) {
            answer = d;
            copy.assign(d.bytes.begin(), d.bytes.end());
        }
    }
    ASSERT_TRUE(answer) << "no response to the multicast request";
    // (Which unicast address the kernel picks depends on the host: 127.0.0.1 or
    // its primary address.)
    EXPECT_FALSE(answer->peer.is_multicast()) << answer->peer.text().view();
    EXPECT_EQ(answer->peer.family(), AddressFamily::ipv4);
    EXPECT_EQ(answer->peer.port(), port);
    const auto response = MessageView::parse(copy);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->code(), codes::content);
    EXPECT_TRUE(cobalt_equal(response->token(), token));
}

TEST(UdpMulticast, ArrivalOnAGroupIsFlaggedIpv6) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    std::unique_ptr<UdpSocket> receiver;
    try {
        receiver = std::make_unique<UdpSocket>(bound_to(ipv6_any));
    } catch (const std::system_error&) {
        GTEST_SKIP() << "no IPv6 on this machine";
    }
    const Address group = *Address::parse("ff02::fd");
    try {
        receiver->join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join ff02::fd on lo: " << e.what();
    }
    UdpSocket sender(bound_to(ipv6_any));
    sender.set_multicast_interface(lo);
    const std::byte hello[1] = {std::byte{7}};
    const std::uint16_t port = receiver->local_address().port();
    sender.send(Address::ipv6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd}, port, lo),
                hello);
    sender.flush();
    // Linux refuses (ENETUNREACH) when lo lacks the MULTICAST flag, as in most sandboxes.
    if (sender.stats().sent != 1)
        GTEST_SKIP() << "the OS refused to send to ff02::fd on lo (no MULTICAST flag on lo?)";
    std::vector<ReceivedDatagram> got;
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (got.empty() && monotonic_now() < limit) {
        readable(receiver->fd(), 100);
        for (const ReceivedDatagram& d : receiver->receive_batch())
            got.push_back(d);
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].multicast);
}

/// How many memberships of the IPv6 `group` the kernel holds on the interface
/// (/proc/net/igmp6's users column; 0 when not listed); nullopt when the file
/// cannot be read.
std::optional<int> ipv6_group_users(unsigned interface_index, const Address& group) {
    std::ifstream file("/proc/net/igmp6");
    if (!file) return std::nullopt;
    std::string hex;
    for (const std::uint8_t b : group.bytes()) {
        static constexpr char digits[] = "0123456789abcdef";
        hex += digits[b >> 4];
        hex += digits[b & 0xf];
    }
    unsigned index = 0;
    std::string name;
    std::string address;
    int users = 0;
    std::string rest;
    while (file >> index >> name >> address >> users && std::getline(file, rest))
        if (index == interface_index && address == hex) return users;
    return 0;
}

TEST(UdpMulticast, TheSiteLocalGroupFf05FdIsJoinedAndLeftOnLo) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    auto driver = open_driver(bound_to(ipv6_any));
    if (!driver) GTEST_SKIP() << "no IPv6 on this machine";
    const Address group = *Address::parse("ff05::fd");
    const auto before = ipv6_group_users(lo, group);
    try {
        driver->socket().join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join ff05::fd on lo: " << e.what();
    }
    const auto joined = ipv6_group_users(lo, group);
    EXPECT_THROW(driver->socket().join_group(group, lo), std::system_error)
        << "joining a group twice on one interface is refused (EADDRINUSE)";
    driver->socket().leave_group(group, lo);
    const auto left = ipv6_group_users(lo, group);
    if (!before || !joined || !left) GTEST_SKIP() << "/proc/net/igmp6 cannot be read";
    EXPECT_EQ(*joined, *before + 1) << "the kernel lists the membership on lo";
    EXPECT_EQ(*left, *joined - 1) << "and drops it again after leave_group";
    EXPECT_THROW(driver->socket().leave_group(group, lo), std::system_error)
        << "leaving a group not joined is refused";
}

TEST(UdpMulticast, ArrivalOnTheSiteLocalGroupFf05FdIsFlagged) {
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    std::unique_ptr<UdpSocket> receiver;
    try {
        receiver = std::make_unique<UdpSocket>(bound_to(ipv6_any));
    } catch (const std::system_error&) {
        GTEST_SKIP() << "no IPv6 on this machine";
    }
    const Address group = *Address::parse("ff05::fd");
    try {
        receiver->join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join ff05::fd on lo: " << e.what();
    }
    UdpSocket sender(bound_to(ipv6_any));
    sender.set_multicast_interface(lo);
    const std::uint16_t port = receiver->local_address().port();
    const std::byte hello[1] = {std::byte{5}};
    sender.send(group.with_port(port), hello);
    sender.flush();
    // Linux refuses (ENETUNREACH) when lo lacks the MULTICAST flag, as in most sandboxes.
    if (sender.stats().sent != 1) {
        receiver->leave_group(group, lo);
        GTEST_SKIP() << "joined ff05::fd on lo, but the OS refused to send to it (no MULTICAST "
                        "flag on lo?)";
    }
    std::vector<ReceivedDatagram> got;
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (got.empty() && monotonic_now() < limit) {
        readable(receiver->fd(), 100);
        for (const ReceivedDatagram& d : receiver->receive_batch())
            got.push_back(d);
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0].multicast);
    ASSERT_TRUE(got[0].destination);
    EXPECT_EQ(*got[0].destination, group.with_port(port));
    EXPECT_EQ(got[0].interface_index, lo);
    receiver->leave_group(group, lo);
}

/// Membership filtering by this socket alone: Linux's default IP_MULTICAST_ALL
/// would also deliver datagrams for groups other sockets (a test running in
/// parallel) joined on the interface.
void only_own_memberships(const UdpSocket& socket, AddressFamily family) {
    const int off = 0;
    if (family == AddressFamily::ipv4) {
        ASSERT_EQ(::setsockopt(socket.fd(), IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off), 0);
        return;
    }
#ifdef IPV6_MULTICAST_ALL
    ASSERT_EQ(::setsockopt(socket.fd(), IPPROTO_IPV6, IPV6_MULTICAST_ALL, &off, sizeof off), 0);
#endif
}

/// Sends datagram `number` to the group and then `number + 1` to the
/// receiver's unicast address (a marker: loopback keeps their order), and
/// collects the numbers that arrived, with their multicast flag, until the
/// marker did (at most 3 s). nullopt when the OS refused to send to the group.
std::optional<std::vector<std::pair<int, bool>>> send_to_group_then_marker(UdpSocket& sender,
                                                                           UdpSocket& receiver,
                                                                           const Address& group,
                                                                           const Address& unicast,
                                                                           int number) {
    const std::uint16_t port = receiver.local_address().port();
    const std::byte to_group[1] = {static_cast<std::byte>(number)};
    const std::byte marker[1] = {static_cast<std::byte>(number + 1)};
    const std::uint64_t sent_before = sender.stats().sent;
    sender.send(group.with_port(port), to_group);
    sender.send(unicast.with_port(port), marker);
    sender.flush();
    if (sender.stats().sent - sent_before != 2) return std::nullopt;
    std::vector<std::pair<int, bool>> arrived;
    const auto marker_seen = [&] {
        return std::any_of(arrived.begin(), arrived.end(),
                           [&](const auto& a) { return a.first == number + 1; });
    };
    const Instant limit = monotonic_now() + milliseconds(3000);
    while (!marker_seen() && monotonic_now() < limit) {
        readable(receiver.fd(), 100);
        for (const ReceivedDatagram& d : receiver.receive_batch())
            if (d.bytes.size() == 1)
                arrived.emplace_back(std::to_integer<int>(d.bytes[0]), d.multicast);
    }
    // Anything still queued behind the marker.
    for (const ReceivedDatagram& d : receiver.receive_batch())
        if (d.bytes.size() == 1)
            arrived.emplace_back(std::to_integer<int>(d.bytes[0]), d.multicast);
    return arrived;
}

void leave_group_stops_arrivals(const Address& any, std::string_view group_text,
                                const Address& unicast) {
    const Address group = *Address::parse(group_text);
    const unsigned lo = ::if_nametoindex("lo");
    ASSERT_NE(lo, 0u);
    std::unique_ptr<UdpSocket> receiver;
    std::unique_ptr<UdpSocket> sender;
    try {
        receiver = std::make_unique<UdpSocket>(bound_to(any));
        sender = std::make_unique<UdpSocket>(bound_to(any));
    } catch (const std::system_error&) {
        GTEST_SKIP() << "the OS refused the address family";
    }
    only_own_memberships(*receiver, group.family());
    const std::string name(group_text);
    try {
        receiver->join_group(group, lo);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "the OS refused to join " << name << " on lo: " << e.what();
    }
    sender->set_multicast_interface(lo);
    const auto joined = send_to_group_then_marker(*sender, *receiver, group, unicast, 10);
    if (!joined) {
        receiver->leave_group(group, lo);
        GTEST_SKIP() << "the OS refused to send to " << name << " on lo";
    }
    const std::vector<std::pair<int, bool>> expected_joined{{10, true}, {11, false}};
    EXPECT_EQ(*joined, expected_joined) << "while joined, the group's datagram arrives";

    receiver->leave_group(group, lo);
    const auto left = send_to_group_then_marker(*sender, *receiver, group, unicast, 20);
    ASSERT_TRUE(left) << "the datagram to the group left the sender";
    const std::vector<std::pair<int, bool>> expected_left{{21, false}};
    EXPECT_EQ(*left, expected_left) << "after leave_group, the group's datagram is not received";
    EXPECT_THROW(receiver->leave_group(group, lo), std::system_error)
        << "leaving a group twice is refused";
}

TEST(UdpMulticast, AfterLeaveGroupDatagramsToTheGroupNoLongerArriveIpv4) {
    leave_group_stops_arrivals(ipv4_any, "224.0.1.187", ipv4_loopback);
}

TEST(UdpMulticast, AfterLeaveGroupDatagramsToTheGroupNoLongerArriveIpv6) {
    leave_group_stops_arrivals(ipv6_any, "ff05::fd", ipv6_loopback);
}

TEST(UdpTransport, ResolvesLiteralsAndNames) {
    UdpTransport transport(bound_to(ipv4_loopback));
    EXPECT_EQ(transport.resolve("127.0.0.1", 5683), ipv4_loopback.with_port(5683));
    EXPECT_EQ(transport.resolve("[::1]", 1), ipv6_loopback.with_port(1));
    const auto local = transport.resolve("localhost", 5683);
    ASSERT_TRUE(local);
    EXPECT_EQ(*local, ipv4_loopback.with_port(5683)) << "an IPv4 socket resolves to IPv4";
    EXPECT_FALSE(transport.resolve("", 5683));
    EXPECT_FALSE(transport.resolve("no-such-host.invalid", 5683));
    EXPECT_FALSE(transport.resolve("[::1", 5683));
}

TEST(UdpTransport, ReportsTheBoundAddressAndClock) {
    UdpTransport transport(bound_to(ipv4_loopback));
    EXPECT_EQ(transport.local_address().family(), AddressFamily::ipv4);
    EXPECT_NE(transport.local_address().port(), 0) << "port 0 binds an ephemeral port";
    const Instant a = transport.now();
    transport.wait(a + milliseconds(20));
    EXPECT_GE((transport.now() - a).ms, 19) << "wait() blocks until the deadline when idle";
    EXPECT_THROW(UdpTransport(bound_to(transport.local_address())), std::system_error)
        << "the port is taken";
}

}  // namespace
}  // namespace coap::udp
