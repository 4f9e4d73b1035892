// resolve.cpp — UdpTransport::resolve: IP literals through the engine's
// Address::parse, names through getaddrinfo (blocking, as a resolver is).
#include "coap/udp/socket_address.hpp"
#include "coap/udp/udp_transport.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <string>

namespace coap::udp {

std::optional<Address> UdpTransport::resolve(std::string_view host, std::uint16_t port) {
    if (const auto literal = Address::parse(host, port)) return literal;
    if (host.empty()) return std::nullopt;
    const Address local = socket_.local_address();
    addrinfo hints{};
    // An IPv4 socket reaches IPv4 peers only, a v6-only socket IPv6 ones only.
    hints.ai_family = local.family() == AddressFamily::ipv4 ? AF_INET
                      : socket_.config().v6only             ? AF_INET6
                                                            : AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* results = nullptr;
    const std::string name(host);
    if (::getaddrinfo(name.c_str(), nullptr, &hints, &results) != 0) return std::nullopt;
    std::optional<Address> found;
    for (const addrinfo* r = results; r != nullptr && !found; r = r->ai_next)
        if (const auto a = from_socket_address(r->ai_addr, r->ai_addrlen))
            found = a->with_port(port);
    ::freeaddrinfo(results);
    return found;
}

}  // namespace coap::udp
