// coap/coap_uri.hpp — CoAP URIs (RFC 7252 §6; RFC 8323 §8 for +tcp and +ws):
// the six schemes and their default ports, a checked CoapUri, decomposition of a
// URI into Uri-Host/Uri-Port/Uri-Path/Uri-Query options (§6.4), composition of
// the request URI from a received request's options (§6.5), and the Proxy-Uri and
// Proxy-Scheme forms (§5.10.2). Never allocates.
#pragma once

#include "coap/contract.hpp"
#include "coap/message.hpp"
#include "coap/message_writer.hpp"
#include "coap/uri.hpp"

#include <gsl/span>

#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

enum class CoapScheme : std::uint8_t { coap, coaps, coap_tcp, coaps_tcp, coap_ws, coaps_ws };

/// "coap", "coaps", "coap+tcp", "coaps+tcp", "coap+ws" or "coaps+ws".
std::string_view scheme_name(CoapScheme scheme) noexcept;
/// 5683, 5684, 5683, 5684, 80, 443.
std::uint16_t default_port(CoapScheme scheme) noexcept;
/// True for the DTLS/TLS schemes.
bool is_secure(CoapScheme scheme) noexcept;
/// The scheme for a name, case-insensitively; nullopt for any other scheme.
std::optional<CoapScheme> coap_scheme_from_name(std::string_view name) noexcept;

/// An absolute CoAP URI: a coap-family scheme, a non-empty host, a port that fits
/// 16 bits, and no fragment.
class CoapUri {
  public:
    static Result<CoapUri, UriError> parse(std::string_view text) noexcept;
    static Result<CoapUri, UriError> from(const UriRef& uri) noexcept;

    const UriRef& uri() const noexcept { return uri_; }
    CoapScheme scheme() const noexcept { return scheme_; }
    /// The explicit port, or the scheme's default.
    std::uint16_t port() const noexcept { return port_; }
    bool has_explicit_port() const noexcept { return explicit_port_; }
    std::string_view host() const noexcept { return uri_.host(); }
    /// True when the host is an IPv4 address or an IP literal (no Uri-Host needed).
    bool host_is_ip_literal() const noexcept { return uri_.host_kind() != HostKind::reg_name; }

  private:
    UriRef uri_;
    CoapScheme scheme_ = CoapScheme::coap;
    std::uint16_t port_ = 5683;
    bool explicit_port_ = false;
};

/// A non-owning callable that receives one option (number and encoded value).
class OptionSink {
  public:
    template <class F>
    OptionSink(F& receiver) noexcept  // NOLINT: implicit by design
        : context_(&receiver), call_([](void* context, OptionNumber number, Bytes value) {
              (*static_cast<F*>(context))(number, value);
          }) {}
    void operator()(OptionNumber number, Bytes value) const { call_(context_, number, value); }

  private:
    void* context_;
    void (*call_)(void*, OptionNumber, Bytes);
};

struct DecomposeOptions {
    /// The UDP port the request goes to; Uri-Port is written when the URI's port
    /// differs from it. nullopt means the scheme's default port.
    std::optional<std::uint16_t> destination_port;
    /// Write Uri-Host even for an IP-literal or IPv4 host (§6.4 leaves it out).
    bool host_for_ip_literal = false;
};

/// §6.4: emits Uri-Host (lower-cased, percent-decoded; left out for an IP host),
/// Uri-Port (when not the destination port), one Uri-Path per segment (none for ""
/// or "/") and one Uri-Query per '&'-separated item, each percent-decoded (an
/// encoded '/' or '&' stays inside its option). Returns the number of options.
Result<std::size_t, UriError> decompose_uri(const CoapUri& uri, OptionSink sink,
                                            const DecomposeOptions& options = {}) noexcept;
/// decompose_uri() straight into a MessageWriter.
Result<std::size_t, UriError> write_uri_options(const CoapUri& uri, MessageWriter& writer,
                                                const DecomposeOptions& options = {}) noexcept;

/// The Proxy-Scheme form (§5.10.2) for any absolute URI, CoAP or not: Proxy-Scheme,
/// then Uri-Host (always; IPv6 in brackets), Uri-Port when not the scheme's default,
/// Uri-Path and Uri-Query as in §6.4.
Result<std::size_t, UriError> decompose_for_proxy_scheme(const UriRef& absolute_uri,
                                                         OptionSink sink) noexcept;
/// The Proxy-Uri form: validates an absolute URI without fragment, 1..1034 bytes,
/// and writes it as one Proxy-Uri option.
Result<std::size_t, UriError> write_proxy_uri(std::string_view absolute_uri,
                                              MessageWriter& writer) noexcept;

/// Where a request arrived, for §6.5.
struct RequestDestination {
    CoapScheme scheme = CoapScheme::coap;
    /// The local address the request was sent to, as text without brackets ("::1", "192.0.2.1").
    std::string_view address;
    std::uint16_t port = 5683;
};

/// §6.5: the absolute URI a received request targets, from its Uri-Host, Uri-Port,
/// Uri-Path and Uri-Query options (or the destination when they are absent),
/// written into `out`. The default port is left out; an absent path is "/". Fails
/// (bad_host, bad_ip_literal) when Uri-Host, with non-ASCII bytes percent-encoded,
/// is neither a reg-name, an IP-literal nor an IPv4 address.
Result<std::string_view, UriError> compose_request_uri(const MessageView& request,
                                                       const RequestDestination& destination,
                                                       gsl::span<char> out) noexcept;

}  // namespace coap
