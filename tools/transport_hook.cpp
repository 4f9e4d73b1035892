// transport_hook.cpp — make_transport(): where the tool gets its network, and
// network_command(): main.cpp's entry for the network subcommands (SIGINT,
// seed, transport, run). The UDP adapter is wired in make_transport only.
#include "client_options.hpp"
#include "exit_codes.hpp"
#include "network_commands.hpp"

#include <coap/udp/udp_transport.hpp>

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <random>
#include <system_error>

namespace cobalt_cli {
namespace {

volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_sigint(int) {
    interrupted = 1;
}

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

std::unique_ptr<coap::Transport> make_transport(std::string_view bind_address, std::uint16_t port,
                                                std::ostream& err) {
    const auto address = coap::Address::parse(bind_address);
    if (!address) {
        err << "cobalt: '" << bind_address << "' is not an IP address to bind to\n";
        return nullptr;
    }
    coap::udp::SocketConfig config;
    config.bind = address->with_port(port);
    // A server under load needs room for bursts; the OS may cap these.
    config.receive_buffer = 4 << 20;
    config.send_buffer = 4 << 20;
    config.batch_size = 64;
    try {
        return std::make_unique<coap::udp::UdpTransport>(config);
    } catch (const std::system_error& error) {
        err << "cobalt: cannot open a UDP socket on " << bind_address << " port " << port << ": "
            << error.code().message() << "\n";
        return nullptr;
    }
}

int network_command(std::string_view command, const Args& args) {
    std::signal(SIGINT, on_sigint);
    if (command == "serve") {
        int code = exit_code::ok;
        const auto options = parse_serve_options(args, std::cout, std::cerr, code);
        if (!options) return code;
        auto transport = make_transport(options->bind, options->port, std::cerr);
        if (!transport) return exit_code::no_transport;
        return run_server(*transport, *options, std::cerr, random_seed(), &interrupted);
    }
    Args full{command};
    full.insert(full.end(), args.begin(), args.end());
    // Help and argument errors need no network.
    const auto parsed = parse_client_options(full, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    // A client binds the dual-stack wildcard on an ephemeral port.
    auto transport = make_transport("::", 0, std::cerr);
    if (!transport) return exit_code::no_transport;
    const ClientEnvironment environment{
        .seed = random_seed(), .interrupted = &interrupted, .progress = isatty(STDERR_FILENO) == 1};
    return run_client(*transport, full, std::cout, std::cerr, environment);
}

}  // namespace cobalt_cli
