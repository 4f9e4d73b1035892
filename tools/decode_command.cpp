// decode_command.cpp — `cobalt decode`: parses datagrams given as hex (arguments
// or stdin lines) or as a binary file and prints the readable rendering; reports
// parse errors with their byte offset and option issues with their RFC reaction.
#include "commands.hpp"
#include "hex_text.hpp"

#include "coap/message.hpp"
#include "coap/render.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

namespace cobalt_cli {

const char* const decode_help =
    "usage: cobalt decode [--extended-token-length] [--full] HEX...\n"
    "       cobalt decode [options] -            (one hex message per line on stdin)\n"
    "       cobalt decode [options] --file PATH  (one raw datagram)\n"
    "\n"
    "Parses CoAP messages and prints them readably. Exits 1 if any message is\n"
    "malformed, 2 on a usage error.\n"
    "  --extended-token-length  accept RFC 8974 tokens longer than 8 bytes\n"
    "  --full                   print whole payloads (default: first 256 bytes)\n";

namespace {

bool decode_one(const std::vector<std::byte>& bytes, const coap::ParseOptions& options,
                const coap::RenderOptions& render_options) {
    const auto parsed = coap::MessageView::parse(bytes, options);
    if (!parsed) {
        const coap::ParseError& e = parsed.error();
        std::cout << "malformed (" << bytes.size() << " bytes): " << coap::describe(e.kind)
                  << " at byte " << e.offset << "\n";
        if (e.header_valid && e.type == coap::MessageType::confirmable) {
            std::cout << "  reaction: reject with RST (RFC 7252 section 4.2), mid=" << e.message_id
                      << "\n";
        } else if (e.header_valid && e.type == coap::MessageType::non_confirmable) {
            std::cout << "  reaction: ignore, optionally RST (RFC 7252 section 4.3)\n";
        } else {
            std::cout << "  reaction: silently ignore\n";
        }
        return false;
    }
    std::cout << coap::to_string(*parsed, render_options);
    if (const auto issue = coap::check_options(*parsed)) {
        std::cout << "  note: option " << coap::to_underlying(issue->number) << ": "
                  << coap::describe(issue->problem)
                  << (issue->critical
                          ? " (critical: a request gets 4.02 Bad Option, a response is rejected)"
                          : " (elective: ignored)")
                  << "\n";
    }
    return true;
}

}  // namespace

int decode_command(const Args& args) {
    coap::ParseOptions options;
    coap::RenderOptions render_options;
    std::vector<std::vector<std::byte>> messages;
    bool from_stdin = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--extended-token-length") {
            options.extended_token_length = true;
        } else if (arg == "--full") {
            render_options.max_payload = 0;
        } else if (arg == "--file") {
            if (i + 1 == args.size()) {
                std::cerr << "cobalt decode: --file needs a path\n";
                return 2;
            }
            std::ifstream file(std::string(args[++i]), std::ios::binary);
            if (!file) {
                std::cerr << "cobalt decode: cannot read " << args[i] << "\n";
                return 2;
            }
            std::vector<char> raw((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
            std::vector<std::byte> bytes(raw.size());
            for (std::size_t k = 0; k < raw.size(); ++k)
                bytes[k] = static_cast<std::byte>(raw[k]);
            messages.push_back(std::move(bytes));
        } else if (arg == "-") {
            from_stdin = true;
        } else if (arg == "--help" || arg == "-h") {
            std::cout << decode_help;
            return 0;
        } else if (!arg.empty() && arg[0] == '-') {
            std::cerr << "cobalt decode: unknown option " << arg << "\n" << decode_help;
            return 2;
        } else {
            auto bytes = parse_hex(arg);
            if (!bytes) {
                std::cerr << "cobalt decode: not hex: " << arg << "\n";
                return 2;
            }
            messages.push_back(std::move(*bytes));
        }
    }
    if (from_stdin) {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (line.find_first_not_of(" \t\r") == std::string::npos || line[0] == '#') continue;
            auto bytes = parse_hex(line);
            if (!bytes) {
                std::cerr << "cobalt decode: not hex: " << line << "\n";
                return 2;
            }
            messages.push_back(std::move(*bytes));
        }
    }
    if (messages.empty()) {
        std::cerr << decode_help;
        return 2;
    }
    bool all_ok = true;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (i != 0) std::cout << "\n";
        all_ok = decode_one(messages[i], options, render_options) && all_ok;
    }
    return all_ok ? 0 : 1;
}

}  // namespace cobalt_cli
