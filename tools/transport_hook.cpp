// transport_hook.cpp — make_transport(): where the tool gets its network, and
// network_command(): main.cpp's entry for the network subcommands (SIGINT,
// seed, transport, run). The UDP adapter is wired in make_transport only;
// coaps:// (and serve with DTLS credentials) put a DtlsTransport on top.
#include "client_options.hpp"
#include "exit_codes.hpp"
#include "network_commands.hpp"

#include <coap/coap_uri.hpp>
#include <coap/udp/udp_transport.hpp>
#if COBALT_HAVE_DTLS
#include "dtls_setup.hpp"

#include <coap/dtls/dtls_transport.hpp>
#endif

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

/// UDP, and DTLS on top of it when asked for: the transport and what it stands on.
struct Network {
    std::unique_ptr<coap::Transport> udp;
    std::unique_ptr<coap::Transport> secure;
    coap::Transport& top() { return secure ? *secure : *udp; }
};

/// Wraps `network.udp` in DTLS with `config`; false (after saying why) when the
/// credentials cannot be used or this build has no DTLS.
template <class Config>
bool secure(Network& network, const Config& make_config, std::ostream& err,
            [[maybe_unused]] bool server) {
#if COBALT_HAVE_DTLS
    try {
        auto dtls = std::make_unique<coap::dtls::DtlsTransport>(*network.udp, make_config());
        if (server) {
            dtls->set_session_handler([&err](const coap::dtls::SessionEvent& event) {
                if (event.kind == coap::dtls::SessionEvent::Kind::failed)
                    err << "cobalt serve: DTLS with " << event.peer.text().view() << ": "
                        << coap::dtls::describe(event.failure) << "\n";
            });
        }
        network.secure = std::move(dtls);
        return true;
    } catch (const std::exception& error) {
        err << "cobalt: DTLS: " << error.what() << "\n";
        return false;
    }
#else
    (void)network;
    (void)make_config;
    err << "cobalt: this build has no DTLS (coaps://): build with libmbedtls-dev\n";
    return false;
#endif
}

/// One server on its own socket (shared with the other workers' when `reuse_port`).
int serve(const ServeOptions& options, bool reuse_port) {
    Network network{make_transport(options.bind, options.port, std::cerr, reuse_port), nullptr};
    if (!network.udp) return exit_code::no_transport;
    if (options.dtls.any()) {
#if COBALT_HAVE_DTLS
        const auto config = [&] { return server_dtls_config(options.dtls); };
#else
        const auto config = [] { return 0; };
#endif
        if (!secure(network, config, std::cerr, true)) return exit_code::local_io;
    }
    return run_server(network.top(), options, std::cerr, random_seed(), &interrupted,
                      coap::seconds(1));
}

}  // namespace

std::unique_ptr<coap::Transport> make_transport(std::string_view bind_address, std::uint16_t port,
                                                std::ostream& err, bool reuse_port) {
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
    config.reuse_port = reuse_port;
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
        if (options->workers > 1)
            return run_workers(
                options->workers, [&options] { return serve(*options, true); }, std::cerr);
        return serve(*options, false);
    }
    Args full{command};
    full.insert(full.end(), args.begin(), args.end());
    // Help and argument errors need no network.
    const auto parsed = parse_client_options(full, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_code;
    // A client binds the dual-stack wildcard on an ephemeral port.
    if (parsed.options->uri.rfind("coaps://", 0) == 0 && !parsed.options->dtls.any()) {
        std::cerr << "cobalt " << command
                  << ": coaps:// needs --psk KEY --identity ID, or --ca FILE (and --cert/--key)\n";
        return exit_code::usage;
    }
    Network network{make_transport("::", 0, std::cerr), nullptr};
    if (!network.udp) return exit_code::no_transport;
    if (parsed.options->dtls.any()) {
        const auto uri = coap::CoapUri::parse(parsed.options->uri);
        const std::string host = uri ? std::string(uri->host()) : std::string();
#if COBALT_HAVE_DTLS
        const auto config = [&] { return client_dtls_config(parsed.options->dtls, host); };
#else
        const auto config = [] { return 0; };
#endif
        if (!secure(network, config, std::cerr, false)) return exit_code::local_io;
    }
    const ClientEnvironment environment{
        .seed = random_seed(), .interrupted = &interrupted, .progress = isatty(STDERR_FILENO) == 1};
    return run_client(network.top(), full, std::cout, std::cerr, environment);
}

}  // namespace cobalt_cli
