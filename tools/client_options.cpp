// client_options.cpp — parsing the client subcommands' flags (see the header).
#include "client_options.hpp"

#include "content_format_names.hpp"
#include "exit_codes.hpp"
#include "hex_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <utility>

namespace cobalt_cli {
namespace {

struct MethodName {
    std::string_view name;
    coap::Code code;
};
constexpr std::array<MethodName, 7> methods{{
    {"get", coap::codes::get},
    {"post", coap::codes::post},
    {"put", coap::codes::put},
    {"delete", coap::codes::delete_},
    {"fetch", coap::codes::fetch},
    {"patch", coap::codes::patch},
    {"ipatch", coap::codes::ipatch},
}};

std::optional<std::uint64_t> parse_uint(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// Seconds with an optional fraction ("2", "0.5") as milliseconds.
std::optional<coap::Duration> parse_seconds(std::string_view text) {
    double seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
        !std::isfinite(seconds) || seconds < 0 || seconds > 1e9)
        return std::nullopt;
    return coap::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

std::optional<std::uint8_t> szx_of(std::uint64_t size) {
    for (std::uint8_t szx = 0; szx <= 6; ++szx)
        if (size == (std::uint64_t{16} << szx)) return szx;
    return std::nullopt;
}

std::optional<std::vector<std::byte>> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    std::vector<std::byte> bytes(chars.size());
    for (std::size_t i = 0; i < chars.size(); ++i)
        bytes[i] = static_cast<std::byte>(chars[i]);
    return bytes;
}

}  // namespace

bool is_client_command(std::string_view command) {
    for (const auto& method : methods)
        if (method.name == command) return true;
    return command == "observe" || command == "discover" || command == "ping";
}

ParsedClient parse_client_options(const Args& args, std::ostream& out, std::ostream& err) {
    ClientOptions options;
    options.command = std::string(args.at(0));
    for (const auto& method : methods)
        if (method.name == args[0]) options.method = method.code;
    if (options.command == "ping") options.method = coap::codes::empty;
    const bool observe = options.command == "observe";
    const auto usage_error = [&](std::string_view message) {
        err << "cobalt " << options.command << ": " << message << "\n(see cobalt "
            << options.command << " --help)\n";
        return ParsedClient{std::nullopt, exit_code::usage};
    };

    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            out << network_help(options.command);
            return {std::nullopt, exit_code::ok};
        }
        if (arg == "-v" || arg == "--verbose") {
            options.verbose = true;
        } else if (arg == "--pretty") {
            options.pretty = true;
        } else if (arg == "--non") {
            options.nonconfirmable = true;
        } else if (arg == "--if-none-match") {
            options.if_none_match = true;
        } else if (arg == "--etag" || arg == "--if-match") {
            const auto text = value();
            auto bytes = text ? parse_hex(*text) : std::nullopt;
            if (!bytes || bytes->size() > 8 || (arg == "--etag" && bytes->empty()))
                return usage_error(std::string(arg) + " needs an ETag in hex (1..8 bytes)");
            (arg == "--etag" ? options.etags : options.if_match).push_back(std::move(*bytes));
        } else if (arg == "--token" && !observe) {
            const auto text = value();
            auto bytes = text ? parse_hex(*text) : std::nullopt;
            if (!bytes || bytes->size() > 8)
                return usage_error("--token needs 0..8 bytes in hex ('' for an empty token)");
            options.token = std::move(bytes);
        } else if (observe && arg == "--cancel") {
            const auto text = value();
            if (text != "get" && text != "rst") return usage_error("--cancel takes get or rst");
            options.cancel_by_reset = text == "rst";
        } else if (arg == "--psk-for-hint") {
            const auto text = value();
            const auto first = text ? text->find(',') : std::string_view::npos;
            const auto second =
                first == std::string_view::npos ? first : text->find(',', first + 1);
            if (second == std::string_view::npos || second + 1 == text->size())
                return usage_error("--psk-for-hint needs HINT,IDENTITY,KEY");
            options.dtls.by_hint.push_back(
                {std::string(text->substr(0, first)),
                 std::string(text->substr(first + 1, second - first - 1)),
                 std::string(text->substr(second + 1))});
        } else if (arg == "--psk" || arg == "--identity" || arg == "--cert" || arg == "--key" ||
                   arg == "--ca" || arg == "--server-name") {
            const auto text = value();
            if (!text) return usage_error(std::string(arg) + " needs a value");
            DtlsCredentials& dtls = options.dtls;
            if (arg == "--psk") {
                if (text->empty()) return usage_error("--psk needs a key");
                dtls.psk = std::string(*text);
            } else {
                (arg == "--identity" ? dtls.identity
                 : arg == "--cert"   ? dtls.certificate
                 : arg == "--key"    ? dtls.private_key
                 : arg == "--ca"     ? dtls.ca
                                     : dtls.server_name) = std::string(*text);
            }
        } else if (arg == "--proxy-scheme") {
            options.proxy_scheme = true;
        } else if (arg == "--accept" || arg == "--content-format") {
            const auto text = value();
            if (!text) return usage_error(std::string(arg) + " needs a value");
            const auto format = parse_content_format(*text);
            if (!format) return usage_error("unknown content format '" + std::string(*text) + "'");
            (arg == "--accept" ? options.accept : options.content_format) = *format;
        } else if (arg == "--payload") {
            const auto text = value();
            if (!text) return usage_error("--payload needs TEXT or @FILE");
            if (!text->empty() && text->front() == '@') {
                const std::string path(text->substr(1));
                auto bytes = read_file(path);
                if (!bytes) {
                    err << "cobalt " << options.command << ": cannot read '" << path << "'\n";
                    return {std::nullopt, exit_code::local_io};
                }
                options.payload = std::move(bytes);
            } else {
                std::vector<std::byte> bytes(text->size());
                for (std::size_t k = 0; k < text->size(); ++k)
                    bytes[k] = static_cast<std::byte>((*text)[k]);
                options.payload = std::move(bytes);
            }
        } else if (arg == "--block-size") {
            const auto text = value();
            const auto size = text ? parse_uint(*text) : std::nullopt;
            const auto szx = size ? szx_of(*size) : std::nullopt;
            if (!szx) return usage_error("--block-size must be 16, 32, 64, 128, 256, 512 or 1024");
            options.block_szx = szx;
        } else if (arg == "--timeout" || arg == "--linger" || (observe && arg == "--duration")) {
            const auto text = value();
            const auto duration = text ? parse_seconds(*text) : std::nullopt;
            if (!duration) return usage_error(std::string(arg) + " needs SECONDS");
            (arg == "--timeout"  ? options.timeout
             : arg == "--linger" ? options.linger
                                 : options.duration) = duration;
        } else if (observe && arg == "--count") {
            const auto text = value();
            const auto count = text ? parse_uint(*text) : std::nullopt;
            if (!count || *count == 0) return usage_error("--count needs a positive number");
            options.count = count;
        } else if (arg == "--proxy") {
            const auto text = value();
            if (!text) return usage_error("--proxy needs a URI");
            options.proxy = std::string(*text);
        } else if (arg.size() > 1 && arg.front() == '-') {
            return usage_error("unknown option '" + std::string(arg) + "'");
        } else if (options.uri.empty()) {
            options.uri = std::string(arg);
        } else {
            return usage_error("one URI only");
        }
    }
    if (options.uri.empty()) return usage_error("missing URI");
    const bool coaps = options.uri.rfind("coaps://", 0) == 0;
    if (!coaps && options.dtls.any())
        return usage_error("--psk, --cert, --key and --ca are for coaps:// URIs");
    if (options.dtls.psk && options.dtls.identity.empty())
        return usage_error("--psk needs --identity");
    if (!options.dtls.by_hint.empty() && !options.dtls.psk)
        return usage_error("--psk-for-hint needs --psk and --identity for servers without a hint");
    if (options.dtls.certificate.empty() != options.dtls.private_key.empty())
        return usage_error("--cert and --key go together");
    return {std::move(options), exit_code::ok};
}

}  // namespace cobalt_cli
