// uri_command.cpp — `cobalt uri`: shows how a URI reference parses (components,
// host kind), its normal form, its resolution against a base, and, for a CoAP
// URI, the Uri-* options RFC 7252 §6.4 turns it into.
#include "commands.hpp"

#include "coap/coap_uri.hpp"
#include "coap/uri.hpp"

#include <iostream>
#include <string>
#include <vector>

namespace cobalt_cli {

const char* const uri_help =
    "usage: cobalt uri [--base BASE] URI...\n"
    "\n"
    "Parses each URI reference (RFC 3986) and prints its components, its normal\n"
    "form and, for coap/coaps/+tcp/+ws URIs, the request options of RFC 7252 §6.4.\n"
    "With --base, each reference is first resolved against BASE (RFC 3986 §5.2).\n"
    "Exits 1 if any URI is malformed, 2 on a usage error.\n";

namespace {

const char* host_kind_name(coap::HostKind kind) {
    switch (kind) {
        case coap::HostKind::reg_name:
            return "name";
        case coap::HostKind::ipv4:
            return "IPv4";
        case coap::HostKind::ipv6:
            return "IPv6";
        case coap::HostKind::ipv_future:
            return "IPvFuture";
    }
    return "?";
}

void print_error(std::string_view text, const coap::UriError& error) {
    std::cout << "malformed: " << text << "\n"
              << "           " << std::string(error.offset, ' ') << "^ "
              << coap::describe(error.kind) << "\n";
}

bool show(std::string_view text) {
    const auto uri = coap::UriRef::parse(text);
    if (!uri) {
        print_error(text, uri.error());
        return false;
    }
    std::cout << text << "\n";
    std::cout << "  kind       "
              << (uri->has_scheme() ? (uri->is_absolute() ? "absolute URI" : "URI with fragment")
                                    : "relative reference")
              << "\n";
    if (uri->has_scheme()) std::cout << "  scheme     " << uri->scheme() << "\n";
    if (uri->has_authority()) {
        if (uri->has_userinfo()) std::cout << "  userinfo   " << uri->userinfo() << "\n";
        std::cout << "  host       " << uri->host() << " (" << host_kind_name(uri->host_kind())
                  << ")\n";
        if (!uri->zone_id().empty()) std::cout << "  zone       " << uri->zone_id() << "\n";
        if (uri->has_port()) std::cout << "  port       " << uri->port_text() << "\n";
    }
    std::cout << "  path       " << uri->path() << "\n";
    if (uri->has_query()) std::cout << "  query      " << uri->query() << "\n";
    if (uri->has_fragment()) std::cout << "  fragment   " << uri->fragment() << "\n";
    std::vector<char> buffer(2 * text.size() + 16);
    if (const auto normal = coap::normalize(*uri, buffer)) {
        std::cout << "  normal     " << std::string_view(buffer.data(), *normal) << "\n";
    }
    const auto coap_uri = coap::CoapUri::from(*uri);
    if (!coap_uri) {
        if (uri->has_scheme())
            std::cout << "  not a CoAP request URI: " << coap::describe(coap_uri.error().kind)
                      << "\n";
        return true;
    }
    std::cout << "  options    (RFC 7252 section 6.4)\n";
    auto print_option = [](coap::OptionNumber number, coap::Bytes value) {
        std::cout << "    " << coap::find_option_info(number)->name << ": ";
        if (number == coap::OptionNumber::uri_port) {
            std::cout << coap::decode_uint(value).value_or(0) << "\n";
        } else {
            std::cout << '"'
                      << std::string_view(reinterpret_cast<const char*>(value.data()), value.size())
                      << "\"\n";
        }
    };
    const auto count = coap::decompose_uri(*coap_uri, print_option);
    if (!count)
        std::cout << "    error: " << coap::describe(count.error().kind) << "\n";
    else if (*count == 0)
        std::cout << "    (none: an IP host, the default port and the root path)\n";
    return count.ok();
}

}  // namespace

int uri_command(const Args& args) {
    std::string_view base_text;
    std::vector<std::string_view> references;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::cout << uri_help;
            return 0;
        }
        if (args[i] == "--base") {
            if (i + 1 == args.size()) {
                std::cerr << "cobalt uri: --base needs a URI\n";
                return 2;
            }
            base_text = args[++i];
        } else {
            references.push_back(args[i]);
        }
    }
    if (references.empty()) {
        std::cerr << uri_help;
        return 2;
    }
    bool all_ok = true;
    for (std::size_t i = 0; i < references.size(); ++i) {
        if (i != 0) std::cout << "\n";
        if (base_text.empty()) {
            all_ok = show(references[i]) && all_ok;
            continue;
        }
        const auto base = coap::UriRef::parse(base_text);
        const auto reference = coap::UriRef::parse(references[i]);
        if (!base || !reference) {
            print_error(base ? references[i] : base_text, base ? reference.error() : base.error());
            all_ok = false;
            continue;
        }
        std::vector<char> target(base_text.size() + references[i].size() + 8);
        const auto size = coap::resolve(*base, *reference, target);
        if (!size) {
            std::cout << "cannot resolve " << references[i] << ": "
                      << coap::describe(size.error().kind) << "\n";
            all_ok = false;
            continue;
        }
        std::cout << references[i] << "  ->  ";
        all_ok = show(std::string_view(target.data(), *size)) && all_ok;
    }
    return all_ok ? 0 : 1;
}

}  // namespace cobalt_cli
