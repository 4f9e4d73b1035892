// client_options.hpp — the flags of the network client subcommands (get, put,
// post, delete, fetch, patch, ipatch, observe, discover, ping) parsed into one
// struct. Reads --payload @FILE; owns no network logic.
#pragma once

#include "commands.hpp"

#include <coap/code.hpp>
#include <coap/time.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace cobalt_cli {

/// DTLS credentials from the command line (client and serve).
struct DtlsCredentials {
    /// --psk-for-hint HINT,IDENTITY,KEY: what a client sends for a server's hint.
    struct HintedPsk {
        std::string hint;
        std::string identity;
        std::string key;
    };
    std::optional<std::string> psk;
    std::string identity;
    std::vector<HintedPsk> by_hint;
    std::string certificate;
    std::string private_key;
    std::string ca;
    std::string server_name;
    bool any() const noexcept { return psk || !certificate.empty() || !ca.empty(); }
};

struct ClientOptions {
    /// The subcommand: "get", …, "observe", "discover", "ping".
    std::string command;
    /// The request method (empty for ping).
    coap::Code method = coap::codes::get;
    std::string uri;
    bool verbose = false;
    bool pretty = false;
    bool nonconfirmable = false;
    std::optional<std::uint16_t> accept;
    std::optional<std::uint16_t> content_format;
    std::optional<std::vector<std::byte>> payload;
    /// --etag HEX (GET: 2.03 Valid when it still matches), --if-match HEX ("" for
    /// any existing representation), --if-none-match.
    std::vector<std::vector<std::byte>> etags;
    std::vector<std::vector<std::byte>> if_match;
    bool if_none_match = false;
    /// --block-size as SZX (0..6: 16..1024 bytes).
    std::optional<std::uint8_t> block_szx;
    /// --timeout: the whole command, in milliseconds of the transport's time.
    std::optional<coap::Duration> timeout;
    /// --proxy URI: send to the proxy, with Proxy-Uri (or, with --proxy-scheme,
    /// Proxy-Scheme + Uri-Host/Uri-Port/Uri-Path/Uri-Query).
    std::optional<std::string> proxy;
    bool proxy_scheme = false;
    /// observe: stop after this many notifications / this long.
    std::optional<std::uint64_t> count;
    std::optional<coap::Duration> duration;
    /// --token HEX: the request's token (1..8 bytes; '' for a zero-length one).
    std::optional<std::vector<std::byte>> token{};
    /// observe --cancel rst: leave by forgetting the token (the next notification
    /// gets RST, RFC 7641 §3.6) instead of a GET with Observe 1.
    bool cancel_by_reset = false;
    /// --linger SECONDS: keep answering (RST to notifications of a forgotten
    /// observation, ACKs) this long after the command is done.
    std::optional<coap::Duration> linger{};
    /// coaps:// (DTLS): --psk KEY with --identity ID, or --cert FILE --key FILE
    /// and --ca FILE (the server's CA); --server-name the name its certificate
    /// must carry (default: the URI's host when it is a name).
    DtlsCredentials dtls{};
};

/// What parsing produced: options, or an exit code after printing to `err`
/// (help goes to `out` with exit code 0).
struct ParsedClient {
    std::optional<ClientOptions> options;
    int exit_code = 0;
};

/// Parses `args` (args[0] is the subcommand). Unknown flags, missing values,
/// a bad number, an unreadable @FILE are reported on `err`.
ParsedClient parse_client_options(const Args& args, std::ostream& out, std::ostream& err);

/// True for the subcommands run_client handles.
bool is_client_command(std::string_view command);

/// The --help text of a network subcommand (client commands and serve); nullptr
/// for others.
const char* network_help(std::string_view command);

}  // namespace cobalt_cli
