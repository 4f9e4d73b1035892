// main.cpp — the `cobalt` command-line tool: dispatches to subcommands and prints help.
#include "client_options.hpp"
#include "commands.hpp"
#include "network_commands.hpp"

#include <iostream>
#include <string_view>

namespace {

constexpr const char* usage =
    "usage: cobalt <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  decode   parse CoAP messages (hex or a raw file) and print them readably\n"
    "  encode   build a CoAP message from flags and print it as hex\n"
    "  uri      parse, normalise and resolve URIs; show their CoAP request options\n"
    "  get, post, put, delete, fetch, patch, ipatch   send one request: cobalt get "
    "coap://host/path\n"
    "  observe  print the notifications of an observable resource\n"
    "  discover list a server's resources (/.well-known/core)\n"
    "  ping     CoAP ping a host\n"
    "  serve    serve a directory and demo resources\n"
    "  help     show help for a command: cobalt help decode\n"
    "\n"
    "options: --version, --help\n";

}  // namespace

int main(int argc, char** argv) {
    cobalt_cli::Args args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    const std::string_view command = args[0];
    args.erase(args.begin());
    if (command == "--version") {
        std::cout << "cobalt " << COBALT_VERSION << "\n";
        return 0;
    }
    if (command == "decode") return cobalt_cli::decode_command(args);
    if (command == "encode") return cobalt_cli::encode_command(args);
    if (command == "uri") return cobalt_cli::uri_command(args);
    if (cobalt_cli::is_client_command(command) || command == "serve")
        return cobalt_cli::network_command(command, args);
    if (command == "help") {
        const std::string_view topic = args.empty() ? "" : args[0];
        if (topic == "decode")
            std::cout << cobalt_cli::decode_help;
        else if (topic == "encode")
            std::cout << cobalt_cli::encode_help;
        else if (topic == "uri")
            std::cout << cobalt_cli::uri_help;
        else if (const char* help = cobalt_cli::network_help(topic))
            std::cout << help;
        else
            std::cout << usage;
        return 0;
    }
    std::cerr << "cobalt: unknown command '" << command << "'\n" << usage;
    return 2;
}
