// serve_command.cpp — `cobalt serve [DIR] [--bind ADDR] [--port N]`: its flags,
// the Server (files, demo resources, /.well-known/core on one Driver), and the
// loop that runs it until SIGINT.
#include "client_options.hpp"
#include "exit_codes.hpp"
#include "network_commands.hpp"
#include "serve_resources.hpp"

#include <charconv>
#include <stdexcept>

namespace cobalt_cli {

std::optional<ServeOptions> parse_serve_options(const Args& args, std::ostream& out,
                                                std::ostream& err, int& exit_code) {
    ServeOptions options;
    const auto usage_error = [&](std::string_view message) {
        err << "cobalt serve: " << message << "\n(see cobalt serve --help)\n";
        exit_code = exit_code::usage;
        return std::nullopt;
    };
    bool have_directory = false;
    bool port_given = false;
    // The next argument as a whole number in [low, high]; it is consumed.
    const auto count_value = [&args](std::size_t& i, unsigned low,
                                     unsigned high) -> std::optional<unsigned> {
        unsigned count = 0;
        const std::string_view text = i + 1 < args.size() ? args[++i] : "";
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
        if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
            count < low || count > high)
            return std::nullopt;
        return count;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--help" || arg == "-h") {
            out << network_help("serve");
            exit_code = exit_code::ok;
            return std::nullopt;
        }
        if (arg == "--bind") {
            if (i + 1 >= args.size()) return usage_error("--bind needs an address");
            std::string_view address = args[++i];
            if (address.size() >= 2 && address.front() == '[' && address.back() == ']')
                address = address.substr(1, address.size() - 2);
            options.bind = std::string(address);
        } else if (arg == "--port") {
            unsigned port = 0;
            const std::string_view text = i + 1 < args.size() ? args[++i] : "";
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
            if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
                port > 65535)
                return usage_error("--port needs a number 0..65535");
            options.port = static_cast<std::uint16_t>(port);
            port_given = true;
        } else if (arg == "--psk" || arg == "--identity" || arg == "--cert" || arg == "--key" ||
                   arg == "--ca") {
            if (i + 1 >= args.size() || args[i + 1].empty())
                return usage_error(std::string(arg) + " needs a value");
            const std::string value(args[++i]);
            DtlsCredentials& dtls = options.dtls;
            if (arg == "--psk")
                dtls.psk = value;
            else
                (arg == "--identity" ? dtls.identity
                 : arg == "--cert"   ? dtls.certificate
                 : arg == "--key"    ? dtls.private_key
                                     : dtls.ca) = value;
        } else if (arg == "--plugtest") {
            options.plugtest = true;
        } else if (arg == "--workers") {
            const auto count = count_value(i, 1, 64);
            if (!count) return usage_error("--workers needs a number 1..64");
            options.workers = *count;
        } else if (arg == "--max-retransmit") {
            const auto count = count_value(i, 0, 20);
            if (!count) return usage_error("--max-retransmit needs a number 0..20");
            options.max_retransmit = static_cast<std::uint8_t>(*count);
        } else if (arg == "--amplification-factor") {
            const auto factor = count_value(i, 0, 1000);
            if (!factor) return usage_error("--amplification-factor needs a number 0..1000");
            options.amplification_factor = static_cast<std::uint32_t>(*factor);
        } else if (arg == "--obs-period" || arg == "--separate-delay" || arg == "--ack-timeout") {
            double seconds = -1;
            const std::string_view text = i + 1 < args.size() ? args[++i] : "";
            const auto [end, error] =
                std::from_chars(text.data(), text.data() + text.size(), seconds);
            if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
                !(seconds >= 0.001 && seconds <= 86400))
                return usage_error(std::string(arg) + " needs SECONDS (0.001..86400)");
            const auto duration =
                coap::milliseconds(static_cast<std::int64_t>(seconds * 1000.0 + 0.5));
            if (arg == "--obs-period")
                options.obs_period = duration;
            else if (arg == "--separate-delay")
                options.separate_delay = duration;
            else
                options.ack_timeout = duration;
        } else if (arg.size() > 1 && arg.front() == '-') {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else if (!have_directory) {
            options.directory = std::string(arg);
            have_directory = true;
        } else {
            return usage_error("one directory only");
        }
    }
    if (options.plugtest && have_directory)
        return usage_error("--plugtest serves its own resources, not a directory");
    if (options.dtls.any()) {
        if (options.dtls.certificate.empty() != options.dtls.private_key.empty())
            return usage_error("--cert and --key go together");
        if (!options.dtls.psk && options.dtls.certificate.empty())
            return usage_error("DTLS needs --psk KEY or --cert FILE --key FILE");
        if (!port_given) options.port = 5684;  // RFC 7252 §12.7: coaps
    }
    exit_code = exit_code::ok;
    return options;
}

Server::Server(coap::Driver& driver, const ServeOptions& options)
    : driver_(driver), options_(options), demo_(std::make_unique<DemoState>()) {
    if (!options_.directory.empty()) {
        std::error_code error;
        if (!std::filesystem::is_directory(options_.directory, error))
            throw std::runtime_error("not a directory: " + options_.directory.string());
        options_.directory = std::filesystem::canonical(options_.directory);
        add_file_resources(tree_, driver_, options_.directory);
    }
    if (options_.plugtest)
        add_plugtest_resources(tree_, driver_, options_, *demo_);
    else
        add_demo_resources(tree_, driver_, options_, *demo_);
    // Block1 uploads of files up to 16 MiB, 64 at once, 64 MiB held in all.
    tree_.set_block_limits({.max_body = std::size_t{16} << 20,
                            .max_transfers = 64,
                            .max_total_bytes = std::size_t{64} << 20});
    tree_.serve(driver_);
}

Server::~Server() {
    driver_.set_request_handler({});
    // Separate responses still to come answer 5.00 now (their timers go).
    for (const auto& [key, timer] : demo_->timers)
        driver_.cancel_timer(timer);
    if (demo_->time_tick) driver_.cancel_timer(*demo_->time_tick);
}

std::unique_ptr<Server> build_server(coap::Driver& driver, const ServeOptions& options) {
    return std::make_unique<Server>(driver, options);
}

coap::EndpointConfig server_config(std::uint64_t seed) {
    coap::EndpointConfig config{.seed = seed};
    // A server for many clients, not the library's small defaults. Dedup: 2^18
    // entries (about 35 MB) reclaimed once 60 s old (past MAX_TRANSMIT_SPAN,
    // 45 s), so about 4,400 unsafe requests (PUT, POST, DELETE…) a second are
    // sustained before 5.03.
    config.capacities.dedup_entries = std::size_t{1} << 18;
    config.dedup_eviction_age = coap::seconds(60);
    // GETs and FETCHes (safe) give their entry back once answered: a flood of
    // them never fills the cache; a duplicate just runs the handler again.
    config.remember_safe_requests = false;
    config.capacities.stored_reply_bytes = std::size_t{8} << 20;
    config.capacities.exchanges = 1024;
    config.capacities.peers = 4096;
    config.capacities.queued_datagrams = 1024;
    config.capacities.events = 1024;
    // RFC 9175 amplification limit: as many verified client addresses as peers.
    config.capacities.verified_addresses = 4096;
    return config;
}

int run_server(coap::Transport& transport, const ServeOptions& options, std::ostream& err,
               std::uint64_t seed, const volatile std::sig_atomic_t* interrupted,
               std::optional<coap::Duration> recheck) {
    coap::EndpointConfig config = server_config(seed);
    if (options.ack_timeout) config.transmission.ack_timeout = *options.ack_timeout;
    if (options.max_retransmit) config.transmission.max_retransmit = *options.max_retransmit;
    if (options.amplification_factor)
        config.amplification_factor = *options.amplification_factor;
    else if (options.plugtest)
        config.amplification_factor = 0;  // the ETSI descriptions predate RFC 9175
    coap::Driver driver(transport, config);
    std::unique_ptr<Server> server;
    try {
        server = build_server(driver, options);
    } catch (const std::exception& error) {
        err << "cobalt serve: " << error.what() << "\n";
        return exit_code::local_io;
    }
    err << "cobalt serve: serving "
        << (options.plugtest ? std::string("the plugtest resources")
            : options.directory.empty()
                ? std::string("the demo resources")
                : server->options().directory.string() + " and the demo resources")
        << " on " << transport.local_address().text().view() << "\n";
    const auto stop = [interrupted] { return interrupted != nullptr && *interrupted != 0; };
    if (recheck) {
        // A SIGINT that lands between the check of `stop` and the poll(2) that
        // follows is seen when that wait ends, at most `recheck` later.
        while (!stop())
            (void)driver.run_until(stop, driver.now() + *recheck);
    } else {
        while (!stop())
            if (!driver.run_until(stop)) break;  // a simulated network gone idle
    }
    // One write: the workers of --workers share the stream.
    err << ("cobalt serve: stopped after " +
            std::to_string(driver.endpoint().stats().datagrams_received) + " datagrams received\n");
    return exit_code::ok;
}

}  // namespace cobalt_cli
