// encode_command.cpp — `cobalt encode`: builds one CoAP message from flags with
// MessageWriter and prints it as hex (and, with -v, its rendering on stderr).
#include "commands.hpp"
#include "hex_text.hpp"

#include "coap/content_format.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"
#include "coap/render.hpp"

#include <charconv>
#include <iostream>
#include <optional>
#include <string>

namespace cobalt_cli {

const char* const encode_help =
    "usage: cobalt encode [--type CON|NON|ACK|RST] [--code CODE] [--mid N] [--token HEX]\n"
    "                     [--option NAME=VALUE]... [--payload TEXT] [-v]\n"
    "\n"
    "Encodes one CoAP message and prints it as hex.\n"
    "  CODE    a name (GET, Content, \"Not Found\") or c.dd (2.05); default GET\n"
    "  N       message ID, decimal or 0x-hex; default 0\n"
    "  NAME    a registered option name (Uri-Path, Content-Format...) or a number\n"
    "  VALUE   by the option's format: uint in decimal (Content-Format and Accept also\n"
    "          take a media type or short name such as json), string as text,\n"
    "          opaque and unknown options as hex, empty options take no value\n"
    "  -v      also print the message readably on stderr\n";

namespace {

std::optional<unsigned long> parse_number(std::string_view text) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) {
            return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::optional<coap::Code> parse_code(std::string_view text) {
    if (text.size() == 4 && text[1] == '.') {
        const auto cls = parse_number(text.substr(0, 1));
        const auto detail = parse_number(text.substr(2));
        if (cls && detail && *cls < 8 && *detail < 32) {
            return coap::Code::make(static_cast<std::uint8_t>(*cls),
                                    static_cast<std::uint8_t>(*detail));
        }
        return std::nullopt;
    }
    for (unsigned raw = 0; raw < 256; ++raw) {
        const coap::Code code(static_cast<std::uint8_t>(raw));
        if (same_ignoring_case(coap::code_name(code), text)) return code;
    }
    return std::nullopt;
}

std::optional<coap::MessageType> parse_type(std::string_view text) {
    for (auto type : {coap::MessageType::confirmable, coap::MessageType::non_confirmable,
                      coap::MessageType::acknowledgement, coap::MessageType::reset}) {
        if (same_ignoring_case(coap::short_name(type), text)) return type;
    }
    return std::nullopt;
}

struct PendingOption {
    coap::OptionNumber number;
    std::vector<std::byte> value;
};

std::optional<PendingOption> parse_option(std::string_view spec, std::string& error) {
    const std::size_t eq = spec.find('=');
    const std::string_view name = spec.substr(0, eq);
    const std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : spec.substr(eq + 1);
    const coap::OptionInfo* info = coap::find_option_info(name);
    coap::OptionNumber number{};
    if (info != nullptr) {
        number = info->number;
    } else if (const auto n = parse_number(name); n && *n <= 0xffff) {
        number = coap::OptionNumber{static_cast<std::uint16_t>(*n)};
        info = coap::find_option_info(number);
    } else {
        error = "unknown option " + std::string(name);
        return std::nullopt;
    }
    const coap::OptionFormat format = info ? info->format : coap::OptionFormat::opaque;
    PendingOption option{number, {}};
    switch (format) {
        case coap::OptionFormat::empty:
            if (!value.empty()) {
                error = std::string(name) + " takes no value";
                return std::nullopt;
            }
            break;
        case coap::OptionFormat::string:
            for (char c : value)
                option.value.push_back(static_cast<std::byte>(c));
            break;
        case coap::OptionFormat::opaque: {
            auto bytes = parse_hex(value);
            if (!bytes) {
                error = std::string(name) + " takes hex bytes";
                return std::nullopt;
            }
            option.value = std::move(*bytes);
            break;
        }
        case coap::OptionFormat::uint: {
            std::optional<unsigned long> n = parse_number(value);
            if (!n && (number == coap::OptionNumber::content_format ||
                       number == coap::OptionNumber::accept)) {
                if (const auto* cf = coap::find_content_format(value)) n = cf->number;
            }
            if (!n || *n > 0xffffffffUL) {
                error = std::string(name) + " takes an unsigned number";
                return std::nullopt;
            }
            const coap::EncodedUint encoded = coap::encode_uint(static_cast<std::uint32_t>(*n));
            option.value.assign(encoded.bytes.begin(), encoded.bytes.begin() + encoded.length);
            break;
        }
    }
    return option;
}

}  // namespace

int encode_command(const Args& args) {
    coap::MessageType type = coap::MessageType::confirmable;
    coap::Code code = coap::codes::get;
    unsigned long mid = 0;
    std::vector<std::byte> token;
    std::vector<PendingOption> options;
    std::string payload;
    bool verbose = false;
    auto usage_error = [](const std::string& message) {
        std::cerr << "cobalt encode: " << message << "\n" << encode_help;
        return 2;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const bool has_value = i + 1 < args.size();
        if (arg == "--help" || arg == "-h") {
            std::cout << encode_help;
            return 0;
        } else if (arg == "-v") {
            verbose = true;
        } else if (!has_value) {
            return usage_error("missing value for " + std::string(arg));
        } else if (arg == "--type") {
            const auto parsed = parse_type(args[++i]);
            if (!parsed) return usage_error("bad type " + std::string(args[i]));
            type = *parsed;
        } else if (arg == "--code") {
            const auto parsed = parse_code(args[++i]);
            if (!parsed) return usage_error("bad code " + std::string(args[i]));
            code = *parsed;
        } else if (arg == "--mid") {
            const auto parsed = parse_number(args[++i]);
            if (!parsed || *parsed > 0xffff)
                return usage_error("bad message ID " + std::string(args[i]));
            mid = *parsed;
        } else if (arg == "--token") {
            auto parsed = parse_hex(args[++i]);
            if (!parsed || parsed->size() > 8) return usage_error("a token is 0 to 8 hex bytes");
            token = std::move(*parsed);
        } else if (arg == "--option") {
            std::string error;
            auto parsed = parse_option(args[++i], error);
            if (!parsed) return usage_error(error);
            options.push_back(std::move(*parsed));
        } else if (arg == "--payload") {
            payload = std::string(args[++i]);
        } else {
            return usage_error("unknown argument " + std::string(arg));
        }
    }
    std::vector<std::byte> buffer(70000);
    coap::MessageWriter writer(buffer, type, code, static_cast<std::uint16_t>(mid), token);
    for (const PendingOption& option : options)
        writer.option(option.number, option.value);
    writer.payload(payload);
    const auto size = writer.finish();
    if (!size) {
        std::cerr << "cobalt encode: " << coap::describe(size.error()) << "\n";
        return 1;
    }
    buffer.resize(*size);
    const auto view = coap::MessageView::parse(buffer);
    if (!view) {
        std::cerr
            << "cobalt encode: the result is not a valid message: "
            << coap::describe(view.error().kind)
            << " (an Empty code cannot carry a token, options or payload; a RST must be Empty)\n";
        return 1;
    }
    std::cout << format_hex(buffer) << "\n";
    if (verbose) std::cerr << coap::to_string(*view);
    return 0;
}

}  // namespace cobalt_cli
