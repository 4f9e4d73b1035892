// async_sim_world.hpp — the hidden setup of the async-coap documentation
// examples, rebuilt on cobalt's simulated network: where async-coap binds a UDP
// socket and talks to coap.me or to the FF02::FD group, these programs build a
// sim::Network with a client Driver, a "coap.me" look-alike (a Driver serving a
// ResourceTree) and, for discovery, a group of servers. Also the one-line
// message rendering the doc examples print (async-coap's MessageDisplay) and a
// checker that turns every mismatch into a non-zero exit code. Example support
// only: no protocol logic lives here.
#pragma once

#include "coap/content_format.hpp"
#include "coap/driver.hpp"
#include "coap/option.hpp"
#include "coap/owned_message.hpp"
#include "coap/remote_endpoint.hpp"
#include "coap/request.hpp"
#include "coap/request_context.hpp"
#include "coap/resource_tree.hpp"
#include "coap/sim/network.hpp"
#include "coap/sim/port.hpp"
#include "coap/task.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace example {

// ---- checking and printing ----

/// Counts mismatches between what an example saw and what its doc example says.
class Checks {
  public:
    /// Prints "MISMATCH: what" when `ok` is false.
    void operator()(bool ok, std::string_view what) {
        if (ok) return;
        ++failures_;
        std::printf("MISMATCH: %.*s\n", static_cast<int>(what.size()), what.data());
    }
    /// 0 when everything matched, else 1 (and a summary line).
    int exit_code() const {
        if (failures_ == 0) return 0;
        std::printf("%d mismatch(es)\n", failures_);
        return 1;
    }

  private:
    int failures_ = 0;
};

inline std::string text_of(coap::Bytes bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline std::string hex_of(coap::Bytes bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const std::byte b : bytes) {
        const auto v = std::to_integer<unsigned>(b);
        out += digits[v >> 4];
        out += digits[v & 0xfu];
    }
    return out;
}

inline std::string code_text(coap::Code code) {
    const auto chars = coap::dotted(code);
    std::string out(chars.begin(), chars.end());
    const std::string_view name = coap::code_name(code);
    if (!name.empty()) out.append(" ").append(name);
    return out;
}

inline std::string address_text(const coap::Address& address) {
    return std::string(address.text().view());
}

inline std::string error_text(const coap::Error& error) {
    return coap::to_string(error);
}

/// True when the payload reads as text (no control characters but whitespace).
inline bool is_text(coap::Bytes bytes) {
    for (const std::byte b : bytes) {
        const auto c = std::to_integer<unsigned>(b);
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
        if (c == 0x7f) return false;
    }
    return true;
}

/// Quoted and escaped; a payload longer than 96 bytes shows its start and size.
inline std::string quoted(coap::Bytes bytes) {
    constexpr std::size_t shown = 96;
    std::string out = "\"";
    for (const std::byte b : bytes.first(std::min(bytes.size(), shown))) {
        const char c = static_cast<char>(b);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    out += '"';
    if (bytes.size() > shown) out += "... (" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

/// One line per message, in the spirit of async-coap's MessageDisplay:
/// `<ACK 2.05 Content MID:1a2b TOK:0102 Content-Format(0) ETag(…) "payload">`.
inline std::string display(const coap::MessageView& message) {
    char head[32];
    std::snprintf(head, sizeof head, " MID:%04x", message.message_id());
    std::string out = "<";
    out += coap::short_name(message.type());
    out += ' ';
    out += code_text(message.code());
    out += head;
    if (!message.token().empty()) out += " TOK:" + hex_of(message.token());
    for (const auto& option : message.options()) {
        const coap::OptionInfo* info = coap::find_option_info(option.number);
        out += ' ';
        out += info != nullptr ? std::string(info->name)
                               : "Option" + std::to_string(coap::to_underlying(option.number));
        out += '(';
        if (option.number == coap::OptionNumber::block1 ||
            option.number == coap::OptionNumber::block2) {
            const auto block = coap::BlockValue::from_uint(option.as_uint().value_or(0));
            if (block)
                out += std::to_string(block->num()) + "/" + (block->more() ? "1" : "0") + "/" +
                       std::to_string(block->size());
        } else if (info != nullptr && info->format == coap::OptionFormat::uint) {
            out += std::to_string(option.as_uint().value_or(0));
        } else if (info != nullptr && info->format == coap::OptionFormat::string) {
            out += quoted(option.value);
        } else {
            out += hex_of(option.value);
        }
        out += ')';
    }
    if (!message.payload().empty())
        out += ' ' + (is_text(message.payload()) ? quoted(message.payload())
                                                 : "[" + hex_of(message.payload()) + "]");
    out += '>';
    return out;
}

inline std::string display(const coap::OwnedMessage& message) {
    return display(message.view());
}

inline std::string path_of(const coap::MessageView& message) {
    std::string path;
    for (const auto& segment : message.uri_path())
        path.append("/").append(segment.as_string());
    return path;
}

// ---- servers ----

/// A request as a server saw it.
struct Seen {
    coap::OwnedMessage message;
    coap::Address peer;
    bool multicast = false;
};

/// A server on the simulated network: a Driver on its own Port serving `tree`,
/// recording every request it receives in `seen`. Like the servers it stands
/// for (coap.me answers without Echo challenges), it has no amplification
/// limit, so `seen` holds each request once.
class SimServer {
  public:
    SimServer(coap::sim::Network& net, const coap::Address& address, std::uint64_t seed)
        : node(net.add_port(address)),
          driver(net.port(node), coap::EndpointConfig{.seed = seed, .amplification_factor = 0}) {
        driver.set_request_handler([this](coap::RequestContext& ctx) {
            seen.push_back({coap::OwnedMessage(ctx.message()), ctx.peer(), ctx.multicast()});
            tree.handle(ctx);
        });
    }
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    coap::sim::NodeId node;
    coap::ResourceTree tree;
    std::vector<Seen> seen;
    coap::Driver driver;  // last: its handler uses `tree` and `seen`
};

// ---- coap.me ----

/// coap.me/test's text (the real one ends with the date of its last change).
inline constexpr std::string_view coap_me_test_text =
    "welcome to the ETSI plugtest! last change: 2026-01-01 00:00:00 UTC";

/// coap.me/large: 1700 bytes of text/plain (the size async-coap's tests assert),
/// numbered lines so that a block in the wrong place shows.
inline const std::string& large_body() {
    static const std::string body = [] {
        std::string text;
        for (int line = 1; text.size() < 1700; ++line) {
            char row[64];
            std::snprintf(row, sizeof row, "%03d: the quick brown fox jumps over the lazy dog\n",
                          line);
            text += row;
        }
        text.resize(1700);
        return text;
    }();
    return body;
}

/// coap.me/large as JSON (Accept 50): the same 1700 characters as one string.
inline const std::string& large_json_body() {
    static const std::string body = [] {
        std::string json = "{\"large\":\"";
        for (char c : large_body())
            json += c == '\n' ? ' ' : c;
        json.resize(1698);
        json += "\"}";
        return json;
    }();
    return body;
}

/// Serves the coap.me resources the async-coap examples and tests use.
inline void serve_coap_me(coap::ResourceTree& tree) {
    using namespace coap;
    // GET coap://coap.me answers with the resource list, as the real one does.
    tree.add("/").hidden().get([&tree](RequestContext& ctx) {
        (void)ctx.respond(codes::content, tree.links(), content_formats::link_format);
    });
    tree.add("/test").rt("test").ct(content_formats::text_plain).get([](RequestContext& ctx) {
        static const std::byte etag[] = {std::byte{0x5f}, std::byte{0xba}, std::byte{0x79},
                                         std::byte{0xac}};
        (void)ctx.respond(codes::content, [](MessageWriter& w) {
            w.option_uint(OptionNumber::content_format, content_formats::text_plain);
            w.option(OptionNumber::etag, gsl::span<const std::byte>(etag));
            w.payload(coap_me_test_text);
        });
    });
    tree.add("/large")
        .rt("Type1")
        .rt("Type2")
        .ct(content_formats::text_plain)
        .sz(1700)
        .if_("If2")
        .get([](RequestContext& ctx) {
            const auto accept = ctx.message().accept();
            if (accept == content_formats::json) {
                (void)ctx.respond_body(codes::content, large_json_body(),
                                       {.content_format = content_formats::json});
            } else if (!accept || accept == content_formats::text_plain) {
                (void)ctx.respond_body(codes::content, large_body(),
                                       {.content_format = content_formats::text_plain});
            } else {
                (void)ctx.respond(codes::not_acceptable);
            }
        });
    tree.add(
            "/bl\xc3\xa5"
            "b\xc3\xa6rsyltet\xc3\xb8y")
        .rt("bl\xc3\xa5"
            "b\xc3\xa6rsyltet\xc3\xb8y")
        .ct(content_formats::text_plain)
        .get([](RequestContext& ctx) {
            (void)ctx.respond(codes::content,
                              "Jeg elsker bl\xc3\xa5"
                              "b\xc3\xa6rsyltet\xc3\xb8y",
                              content_formats::text_plain);
        });
    tree.add("/path/sub1").ct(content_formats::json).get([](RequestContext& ctx) {
        if (ctx.message().accept() == content_formats::json)
            (void)ctx.respond(codes::content, R"({"path":"sub1"})", content_formats::json);
        else
            (void)ctx.respond(codes::content, "sub1", content_formats::text_plain);
    });
    tree.add("/path/sub2").ct(content_formats::text_plain).get([](RequestContext& ctx) {
        (void)ctx.respond(codes::content, "sub2", content_formats::text_plain);
    });
}

/// The world of the crate-level examples: a client ("[::]:0" in async-coap)
/// and coap.me, reachable by name, on one simulated network.
class CoapMeWorld {
  public:
    static coap::Address client_address() { return coap::Address::ipv4({192, 0, 2, 10}, 49152); }
    /// The address a 2018 log shows coap.me at.
    static coap::Address coap_me_address() {
        return coap::Address::ipv4({134, 102, 218, 18}, 5683);
    }

    explicit CoapMeWorld(std::uint64_t seed = 7)
        : net(seed),
          coap_me(net, coap_me_address(), seed * 2 + 2),
          client_node(net.add_port(client_address())),
          local_endpoint(net.port(client_node), coap::EndpointConfig{.seed = seed * 2 + 1}) {
        net.set_default_link(coap::sim::LinkConditions{.delay = coap::milliseconds(20)});
        net.add_name("coap.me", coap_me_address());
        serve_coap_me(coap_me.tree);
    }

    coap::sim::Network net;
    SimServer coap_me;
    coap::sim::NodeId client_node;
    /// The client's Driver: what async-coap calls the LocalEndpoint.
    coap::Driver local_endpoint;
};

}  // namespace example
