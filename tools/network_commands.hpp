// network_commands.hpp — the `cobalt` network subcommands as a library
// (cobalt_cli_lib), written against coap::Transport so that they run on any
// transport: the simulated network in tests, UDP in the tool. The client side
// (get/put/post/delete/fetch/patch/ipatch, observe, discover, ping) and the
// server side (serve: a directory plus demo resources). Never opens a socket
// itself: main.cpp gets one from make_transport().
#pragma once

#include "client_options.hpp"
#include "commands.hpp"

#include <coap/driver.hpp>
#include <coap/endpoint_config.hpp>
#include <coap/resource_tree.hpp>
#include <coap/time.hpp>
#include <coap/transport.hpp>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace cobalt_cli {

/// What a client command needs from its surroundings besides the transport.
struct ClientEnvironment {
    /// Seeds the Endpoint's PRNG (tokens, message IDs); main.cpp draws it from
    /// std::random_device, tests fix it.
    std::uint64_t seed = 1;
    /// Set by a SIGINT handler: observe deregisters and exits 0; other commands
    /// give up. nullptr: never interrupted.
    const volatile std::sig_atomic_t* interrupted = nullptr;
    /// Draw a progress bar on `err` for block-wise transfers (main.cpp: stderr is a tty).
    bool progress = false;
    /// The transport is DTLS (coaps://); set by run_client from the transport.
    bool secure = false;
};

/// Runs one client subcommand (`args[0]` is "get", "observe", "ping", …) on a
/// Driver of its own over `transport`: the payload goes to `out`, the status
/// line and diagnostics (and -v's rendered messages) to `err`. Returns the exit
/// code (exit_codes.hpp).
int run_client(coap::Transport& transport, const Args& args, std::ostream& out, std::ostream& err,
               const ClientEnvironment& environment = {});

// ---- serve ----

struct ServeOptions {
    /// The directory served; empty: only the demo resources.
    std::filesystem::path directory;
    std::string bind = "::";
    std::uint16_t port = 5683;
    /// How long /separate waits before its separate response.
    coap::Duration separate_delay = coap::seconds(2);
    /// Bytes of /large.
    std::size_t large_size = 4096;
    /// --plugtest: the ETSI plugtest resources instead of the demo (no DIR).
    bool plugtest = false;
    /// --obs-period: how often the plugtest's /obs resources change.
    coap::Duration obs_period = coap::seconds(5);
    /// --ack-timeout / --max-retransmit: RFC 7252 §4.8 ACK_TIMEOUT and
    /// MAX_RETRANSMIT of the server's CON messages (separate responses and
    /// notifications); the RFC's 2 s and 4 when not given.
    std::optional<coap::Duration> ack_timeout{};
    std::optional<std::uint8_t> max_retransmit{};
    /// --amplification-factor N: a response to a client address not yet verified
    /// may be at most N times its request; a larger one is answered with a 4.01
    /// and an Echo value first (RFC 9175). 0 turns the limit off; the library's 3
    /// when not given, except with --plugtest (off: the ETSI test descriptions
    /// expect the response itself to every first request).
    std::optional<std::uint32_t> amplification_factor{};
    /// coaps:// (DTLS): --psk KEY [--identity ID] (only that identity when
    /// given), --cert FILE --key FILE [--ca FILE: clients must present a
    /// certificate from these CAs]. The default port is then 5684.
    DtlsCredentials dtls{};
    /// --workers N: N server processes share the port (SO_REUSEPORT), each
    /// with its own Endpoint and resources; the kernel keeps a client with one.
    unsigned workers = 1;
};

/// Parses serve's arguments (after "serve"); nullopt after printing help (exit
/// 0, `exit_code` set) or an error to `err` (`exit_code` set).
std::optional<ServeOptions> parse_serve_options(const Args& args, std::ostream& out,
                                                std::ostream& err, int& exit_code);

struct DemoState;

/// A running server: the resource tree (files under the directory, the demo
/// resources, /.well-known/core) served on one Driver, and the demo's pending
/// separate responses. Destroy it before its Driver.
class Server {
  public:
    Server(coap::Driver& driver, const ServeOptions& options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    coap::ResourceTree& tree() noexcept { return tree_; }
    const ServeOptions& options() const noexcept { return options_; }

  private:
    coap::Driver& driver_;
    ServeOptions options_;
    std::unique_ptr<DemoState> demo_;
    coap::ResourceTree tree_;
};

/// A Server for `options` on `driver` (throws std::runtime_error when the
/// directory does not exist).
std::unique_ptr<Server> build_server(coap::Driver& driver, const ServeOptions& options);

/// The Endpoint configuration serve runs with (larger request payloads).
coap::EndpointConfig server_config(std::uint64_t seed);

/// Runs serve on `transport` until `interrupted` is set (or a simulated
/// network goes idle); prints what it serves on `err`. With `recheck`, no wait
/// lasts longer, so that a signal landing just before a wait is seen anyway.
int run_server(coap::Transport& transport, const ServeOptions& options, std::ostream& err,
               std::uint64_t seed, const volatile std::sig_atomic_t* interrupted,
               std::optional<coap::Duration> recheck = std::nullopt);

// ---- the transport hook ----

/// THE place where the tool gets its network: a transport bound to
/// `bind_address` ("::", "0.0.0.0", "127.0.0.1", …) and `port` (0: any).
/// Returns nullptr (after a message on `err`) when it cannot. With
/// `reuse_port`, other sockets may bind the same port (serve --workers).
std::unique_ptr<coap::Transport> make_transport(std::string_view bind_address, std::uint16_t port,
                                                std::ostream& err, bool reuse_port = false);

/// serve --workers N: runs `serve` in N child processes and waits. SIGINT or
/// SIGTERM to this process is passed on to every worker as SIGINT; when one
/// worker ends, the others are stopped. A worker dies with this process
/// (PR_SET_PDEATHSIG). Returns the first worker's non-zero exit code, else 0.
int run_workers(unsigned count, const std::function<int()>& serve, std::ostream& err);

/// main.cpp's entry for every network subcommand (client commands and serve):
/// parses, asks make_transport() for a transport, runs. SIGINT handling and the
/// seed are set up here.
int network_command(std::string_view command, const Args& args);

}  // namespace cobalt_cli
