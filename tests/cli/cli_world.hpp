// cli_world.hpp — the network subcommands on the simulated network: a server
// Driver running `cobalt serve`'s Server over a temporary directory, and a
// client port on which run_client() runs one command at a time, each with its
// own Driver and seed. Test support only.
#pragma once

#include "network_commands.hpp"

#include <coap/address.hpp>
#include <coap/driver.hpp>
#include <coap/sim/network.hpp>
#include <coap/sim/port.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace cli_test {

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
  public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "cobalt-cli-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code error;
        std::filesystem::remove_all(path_, error);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }

  private:
    std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream file(path, std::ios::binary);
    file << content;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream content;
    if (file) content << file.rdbuf();
    return content.str();
}

class CliWorld {
  public:
    static coap::Address server_address() {
        return coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 5683);
    }
    static coap::Address client_address() {
        return coap::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40000);
    }
    /// The server's base URI.
    static std::string base() { return "coap://[::1]"; }

    /// `cobalt serve` over a temporary directory, or with `serve` (its directory
    /// ignored unless set) as given: e.g. the plugtest resources.
    explicit CliWorld(std::uint64_t seed = 5,
                      std::optional<cobalt_cli::ServeOptions> serve = std::nullopt)
        : net(seed),
          server_node(net.add_port(server_address())),
          client_node(net.add_port(client_address())),
          server_driver(net.port(server_node), cobalt_cli::server_config(seed + 1)) {
        net.set_default_link(coap::sim::LinkConditions{.delay = coap::milliseconds(5)});
        net.add_name("server.example", server_address());
        cobalt_cli::ServeOptions options = serve.value_or(cobalt_cli::ServeOptions{});
        if (!serve) options.directory = dir.path();
        server = cobalt_cli::build_server(server_driver, options);
    }

    /// Runs `cobalt ARGS...` (a client command) on the client port.
    Outcome run(std::initializer_list<std::string> args) {
        std::vector<std::string> storage(args);
        cobalt_cli::Args views(storage.begin(), storage.end());
        std::ostringstream out;
        std::ostringstream err;
        cobalt_cli::ClientEnvironment environment{.seed = 1000 + 7919 * ++runs_};
        const int code =
            cobalt_cli::run_client(net.port(client_node), views, out, err, environment);
        return {code, out.str(), err.str()};
    }

    TempDir dir;
    coap::sim::Network net;
    coap::sim::NodeId server_node;
    coap::sim::NodeId client_node;
    coap::Driver server_driver;
    std::unique_ptr<cobalt_cli::Server> server;  // destroyed before server_driver

  private:
    std::uint64_t runs_ = 0;
};

}  // namespace cli_test
