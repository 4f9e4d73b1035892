// library.hpp — the mbedTLS state one DtlsEndpoint shares among its sessions:
// the DRBG and its entropy, the SSL configuration (role, suites, timeouts,
// credentials, cookies) and the parsed certificates and keys. Internal.
#pragma once

#include "coap/dtls/dtls_endpoint.hpp"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cookie.h>
#include <mbedtls/x509_crt.h>

#include <cstdint>
#include <vector>

namespace coap::dtls {

struct DtlsEndpoint::Library {
    explicit Library(const DtlsConfig& config);
    ~Library();
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;

    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_ssl_cookie_ctx cookies;
    mbedtls_x509_crt own_certificate;
    mbedtls_x509_crt ca_chain;
    mbedtls_pk_context private_key;
    std::vector<int> suites;  ///< zero-terminated, as mbedTLS wants them
    std::optional<PskCredentials> psk;
    std::uint64_t prng_state = 0;  ///< deterministic entropy (tests)
};

/// The Failure a failed mbedTLS call (and, for alerts, the alert received)
/// stands for.
Failure failure_of(int error, const mbedtls_ssl_context& ssl);

}  // namespace coap::dtls
