// dtls_setup.hpp — the DTLS configurations (coap::dtls::DtlsConfig) the
// `cobalt` tool builds from its --psk/--identity/--cert/--key/--ca flags, for a
// client of one URI and for `serve`. Internal to cobalt_cli_lib (DTLS builds).
#pragma once

#include "client_options.hpp"

#include <coap/dtls/dtls_config.hpp>

#include <string_view>

namespace cobalt_cli {

/// A client's: the PSK and identity, or the CA (and own certificate); the
/// server's certificate must be for --server-name, else for `host` when it is a
/// name (an IP literal is not checked against the certificate).
coap::dtls::DtlsConfig client_dtls_config(const DtlsCredentials& credentials,
                                          std::string_view host);

/// A server's: the PSK for --identity (any identity without it), and/or the
/// certificate and key; with --ca, clients must present a certificate.
coap::dtls::DtlsConfig server_dtls_config(const DtlsCredentials& credentials);

}  // namespace cobalt_cli
