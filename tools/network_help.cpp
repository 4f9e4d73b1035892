// network_help.cpp — the --help texts of the network subcommands (client
// commands and serve), with the exit codes they share.
#include "client_options.hpp"

#include <string>

namespace cobalt_cli {
namespace {

constexpr const char* client_flags =
    "options:\n"
    "  -v, --verbose          print every message sent and received (stderr)\n"
    "  --accept CF            Accept: a content format by name or number (json, 50)\n"
    "  --timeout SECONDS      give up after this long overall (exit 5)\n"
    "  --non                  send as NON (not retransmitted)\n"
    "  --proxy URI            send to this proxy, with Proxy-Uri carrying the URI\n"
    "  --proxy-scheme         with --proxy: Proxy-Scheme + Uri-Host/Port/Path/Query instead\n"
    "  --pretty               indent JSON and link-format payloads\n"
    "  --linger SECONDS       keep answering this long after the command is done\n"
    "  -h, --help             this help\n";

constexpr const char* payload_flags =
    "  --content-format CF    Content-Format of the payload (name or number)\n"
    "  --payload TEXT         the request payload; @FILE reads it from FILE\n"
    "  --etag HEX             ETag of a cached representation (GET: 2.03 Valid if current)\n"
    "  --if-match HEX         only if the ETag matches ('' : only if it exists)\n"
    "  --if-none-match        only if the resource does not exist yet\n"
    "  --block-size N         Block1/Block2 size: 16, 32, 64, 128, 256, 512 or 1024\n"
    "  --token HEX            the request's token (0..8 bytes; '' for an empty one)\n";

constexpr const char* dtls_flags =
    "coaps:// (DTLS 1.2):\n"
    "  --psk KEY --identity ID  a pre-shared key (text) and the identity to send\n"
    "  --psk-for-hint HINT,ID,KEY  for a server sending PSK identity hint HINT, send\n"
    "                         identity ID with key KEY instead (repeatable)\n"
    "  --ca FILE              trust server certificates issued by these CAs (PEM)\n"
    "  --cert FILE --key FILE  this client's certificate and private key\n"
    "  --server-name NAME     the name the server's certificate must carry\n"
    "                         (default: the URI's host, when it is a name)\n";

constexpr const char* exit_codes =
    "\nexit codes: 0 success, 1 other failure (reset, unexpected response), 2 bad\n"
    "arguments, 3 bad URI, 4 host not found / unreachable, 5 timeout, 6 4.xx response,\n"
    "7 5.xx response, 8 local file error, 9 no network transport available, 10 DTLS\n"
    "handshake failed (wrong key, unknown identity, certificate not trusted).\n"
    "The payload goes to stdout; the status line (\"2.05 Content\") and diagnostics to\n"
    "stderr. A progress bar is drawn on stderr for block-wise transfers when it is a\n"
    "terminal.\n";

std::string method_help(std::string_view command, std::string_view summary) {
    std::string text = "usage: cobalt ";
    text.append(command).append(" [options] URI\n\n").append(summary).append("\n\n");
    text.append(client_flags).append(payload_flags).append(dtls_flags).append(exit_codes);
    return text;
}

}  // namespace

const char* network_help(std::string_view command) {
    static const std::string get =
        method_help("get",
                    "Sends GET to URI (coap://host[:port]/path?query) and prints the payload;\n"
                    "a large response is fetched block by block (Block2).");
    static const std::string post =
        method_help("post", "Sends POST with --payload; a large payload goes in Block1 blocks.");
    static const std::string put =
        method_help("put", "Sends PUT with --payload (create or replace the resource).");
    static const std::string del = method_help("delete", "Sends DELETE.");
    static const std::string fetch = method_help("fetch", "Sends FETCH (RFC 8132) with --payload.");
    static const std::string patch = method_help("patch", "Sends PATCH (RFC 8132) with --payload.");
    static const std::string ipatch =
        method_help("ipatch", "Sends iPATCH (RFC 8132) with --payload.");
    static const std::string observe =
        std::string(
            "usage: cobalt observe [options] URI\n\n"
            "Registers as an observer (RFC 7641) and prints every notification's payload\n"
            "on its own line, until --count or --duration, the server ends the\n"
            "observation, or SIGINT (then it deregisters and exits 0).\n\n") +
        client_flags +
        "  --count N              stop after N notifications\n"
        "  --duration SECONDS     stop after this long (exit 0)\n"
        "  --cancel get|rst       leave with a GET Observe: 1 (default), or by forgetting\n"
        "                         the token so that the next notification gets RST\n"
        "                         (with --linger, to stay and answer it)\n" +
        dtls_flags + exit_codes;
    static const std::string discover =
        std::string(
            "usage: cobalt discover [options] URI\n\n"
            "Fetches /.well-known/core (RFC 6690) from URI's host (a URI without a path;\n"
            "its query filters, e.g. coap://host?rt=temperature) and prints one link per\n"
            "line with its attributes indented below it.\n\n") +
        client_flags + dtls_flags + exit_codes;
    static const std::string ping =
        std::string(
            "usage: cobalt ping [options] URI\n\n"
            "Sends a CoAP ping (an empty CON, RFC 7252 §4.3) to URI's host and prints the\n"
            "round-trip time.\n\n"
            "options:\n"
            "  -v, --verbose          print every message sent and received (stderr)\n"
            "  --timeout SECONDS      give up after this long (exit 5)\n"
            "  -h, --help             this help\n") +
        dtls_flags + exit_codes;
    static const std::string serve =
        "usage: cobalt serve [DIR | --plugtest] [--bind ADDR] [--port N]\n\n"
        "Serves the files under DIR (GET with Content-Format from the extension, ETag\n"
        "and Block2; PUT creates or replaces, honouring If-Match and If-None-Match;\n"
        "DELETE), never outside DIR, and the demo resources:\n"
        "  /time        the current time (text)\n"
        "  /large       a multi-KiB body served block-wise\n"
        "  /echo        POST or PUT: answers the payload\n"
        "  /separate    answers after 2 s as a separate response\n"
        "  /.well-known/core   the resource list (RFC 6690)\n\n"
        "options:\n"
        "  --bind ADDR            address to listen on (default ::)\n"
        "  --port N               UDP port (default 5683)\n"
        "  --workers N            N server processes on the port (SO_REUSEPORT), one\n"
        "                         per core; each client stays with one of them\n"
        "  --plugtest             serve the ETSI CoAP plugtest resources instead (/test,\n"
        "                         /separate, /seg1/seg2/seg3, /query, /location-query,\n"
        "                         /multi-format, /validate, /create1, /large*, /obs,\n"
        "                         /obs-non, /obs-large, /link1..3, /path); no DIR\n"
        "  --obs-period SECONDS   how often /obs, /obs-non and /obs-large change (5)\n"
        "  --separate-delay SECONDS  how long /separate waits (2)\n"
        "  --ack-timeout SECONDS  ACK_TIMEOUT of the server's CON messages (2)\n"
        "  --max-retransmit N     MAX_RETRANSMIT of the server's CON messages (4)\n"
        "  --amplification-factor N  a response to a client address not yet verified is\n"
        "                         at most N times its request; larger ones get a 4.01\n"
        "                         with an Echo value first (RFC 9175), which clients\n"
        "                         repeat the request with; 0: no limit (3; with\n"
        "                         --plugtest 0)\n"
        "  --psk KEY [--identity ID]  serve coaps:// (DTLS 1.2, port 5684) to clients with\n"
        "                         this pre-shared key (only identity ID, when given)\n"
        "  --cert FILE --key FILE serve coaps:// with this certificate and key (PEM)\n"
        "  --ca FILE              with --cert: clients must present a certificate from\n"
        "                         these CAs\n"
        "  -h, --help             this help\n\n"
        "Runs until SIGINT. Exit codes: 0 stopped by SIGINT, 2 bad arguments, 8 DIR is not\n"
        "a directory or a credential file cannot be read, 9 no network transport\n"
        "available.\n";
    if (command == "get") return get.c_str();
    if (command == "post") return post.c_str();
    if (command == "put") return put.c_str();
    if (command == "delete") return del.c_str();
    if (command == "fetch") return fetch.c_str();
    if (command == "patch") return patch.c_str();
    if (command == "ipatch") return ipatch.c_str();
    if (command == "observe") return observe.c_str();
    if (command == "discover") return discover.c_str();
    if (command == "ping") return ping.c_str();
    if (command == "serve") return serve.c_str();
    return nullptr;
}

}  // namespace cobalt_cli
