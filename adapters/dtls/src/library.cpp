// library.cpp — setting up the shared mbedTLS state of a DtlsEndpoint (see
// library.hpp): entropy (the system's, or a seeded generator for reproducible
// tests), the DTLS 1.2 configuration and the credentials.
#include "library.hpp"

#include <mbedtls/error.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace coap::dtls {
namespace {

std::string mbedtls_message(int error) {
    char text[160];
    mbedtls_strerror(error, text, sizeof text);
    return text;
}

void require(int error, const std::string& what) {
    if (error != 0) throw std::runtime_error(what + ": " + mbedtls_message(error));
}

/// splitmix64: entropy from a seed, so that a simulated run repeats exactly.
int deterministic_entropy(void* state, unsigned char* output, size_t length) {
    auto& x = *static_cast<std::uint64_t*>(state);
    for (size_t i = 0; i < length; ++i) {
        x += 0x9e3779b97f4a7c15ull;
        std::uint64_t z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        output[i] = static_cast<unsigned char>(z ^ (z >> 31));
    }
    return 0;
}

/// Server: the key of the identity the client named (RFC 4279 §2).
int psk_lookup(void* context, mbedtls_ssl_context* ssl, const unsigned char* identity,
               size_t length) {
    const auto& psk = *static_cast<const PskCredentials*>(context);
    const std::string_view name(reinterpret_cast<const char*>(identity), length);
    std::optional<std::vector<std::byte>> key;
    if (psk.lookup)
        key = psk.lookup(name);
    else if (name == psk.identity)
        key = psk.key;
    if (!key || key->empty()) return -1;  // unknown_psk_identity
    return mbedtls_ssl_set_hs_psk(ssl, reinterpret_cast<const unsigned char*>(key->data()),
                                  key->size());
}

std::vector<int> default_suites(const DtlsConfig& config) {
    std::vector<int> suites;
    if (config.psk) {
        // RFC 7925 §4.2's mandatory suite first.
        suites.insert(
            suites.end(),
            {MBEDTLS_TLS_PSK_WITH_AES_128_CCM_8, MBEDTLS_TLS_PSK_WITH_AES_128_CCM,
             MBEDTLS_TLS_PSK_WITH_AES_128_GCM_SHA256, MBEDTLS_TLS_PSK_WITH_AES_128_CBC_SHA256});
    }
    if (config.certificates) {
        // RFC 7925 §4.4's mandatory suite first; ECDHE for forward secrecy.
        suites.insert(suites.end(), {MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
                                     MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                                     MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
                                     MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256});
    }
    return suites;
}

}  // namespace

DtlsEndpoint::Library::Library(const DtlsConfig& config) : psk(config.psk) {
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_cookie_init(&cookies);
    mbedtls_x509_crt_init(&own_certificate);
    mbedtls_x509_crt_init(&ca_chain);
    mbedtls_pk_init(&private_key);

    if (!config.psk && !config.certificates)
        throw std::runtime_error("DTLS needs credentials: a pre-shared key or certificates");
    if (config.psk && config.role == Role::client &&
        (config.psk->identity.empty() || config.psk->key.empty()))
        throw std::runtime_error("a DTLS PSK client needs an identity and a key");
    if (config.psk && config.role == Role::server && !config.psk->lookup && config.psk->key.empty())
        throw std::runtime_error("a DTLS PSK server needs a key (or a lookup)");

    static const char personalization[] = "cobalt-dtls";
    if (config.deterministic_seed != 0) {
        prng_state = config.deterministic_seed;
        require(mbedtls_ctr_drbg_seed(&drbg, deterministic_entropy, &prng_state,
                                      reinterpret_cast<const unsigned char*>(personalization),
                                      sizeof personalization),
                "seeding the DRBG");
    } else {
        require(mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
                                      reinterpret_cast<const unsigned char*>(personalization),
                                      sizeof personalization),
                "seeding the DRBG from the system's entropy");
    }

    const bool server = config.role == Role::server;
    require(
        mbedtls_ssl_config_defaults(&conf, server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_DATAGRAM, MBEDTLS_SSL_PRESET_DEFAULT),
        "DTLS configuration");
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    // DTLS 1.2 only (RFC 7925 §3).
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_handshake_timeout(&conf,
                                       static_cast<std::uint32_t>(config.handshake_timeout_min.ms),
                                       static_cast<std::uint32_t>(config.handshake_timeout_max.ms));
    suites = config.cipher_suites.empty() ? default_suites(config) : config.cipher_suites;
    suites.push_back(0);
    mbedtls_ssl_conf_ciphersuites(&conf, suites.data());

    if (psk) {
        if (server) {
            mbedtls_ssl_conf_psk_cb(&conf, psk_lookup, &*psk);
        } else {
            require(
                mbedtls_ssl_conf_psk(&conf, reinterpret_cast<const unsigned char*>(psk->key.data()),
                                     psk->key.size(),
                                     reinterpret_cast<const unsigned char*>(psk->identity.data()),
                                     psk->identity.size()),
                "the pre-shared key");
        }
    }
    if (const auto& certs = config.certificates) {
        if (!certs->certificate_file.empty()) {
            require(mbedtls_x509_crt_parse_file(&own_certificate, certs->certificate_file.c_str()),
                    "reading the certificate " + certs->certificate_file);
            require(
                mbedtls_pk_parse_keyfile(&private_key, certs->private_key_file.c_str(), nullptr),
                "reading the private key " + certs->private_key_file);
            require(mbedtls_ssl_conf_own_cert(&conf, &own_certificate, &private_key),
                    "the certificate and key");
        } else if (server) {
            throw std::runtime_error("a DTLS certificate server needs a certificate and a key");
        }
        if (!certs->ca_file.empty()) {
            require(mbedtls_x509_crt_parse_file(&ca_chain, certs->ca_file.c_str()),
                    "reading the CA certificates " + certs->ca_file);
            mbedtls_ssl_conf_ca_chain(&conf, &ca_chain, nullptr);
        } else if (certs->verify_peer && !server) {
            throw std::runtime_error("verifying the server's certificate needs a CA file");
        }
        const bool verify = certs->verify_peer && (!server || !certs->ca_file.empty());
        mbedtls_ssl_conf_authmode(&conf,
                                  verify ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
    } else if (!server) {
        mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);  // PSK: no certificates
    }
    if (server) {
        require(mbedtls_ssl_cookie_setup(&cookies, mbedtls_ctr_drbg_random, &drbg),
                "the HelloVerifyRequest cookies");
        mbedtls_ssl_conf_dtls_cookies(&conf, mbedtls_ssl_cookie_write, mbedtls_ssl_cookie_check,
                                      &cookies);
    }
}

DtlsEndpoint::Library::~Library() {
    mbedtls_pk_free(&private_key);
    mbedtls_x509_crt_free(&ca_chain);
    mbedtls_x509_crt_free(&own_certificate);
    mbedtls_ssl_cookie_free(&cookies);
    mbedtls_ssl_config_free(&conf);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
}

Failure failure_of(int error, const mbedtls_ssl_context& ssl) {
    switch (error) {
        case MBEDTLS_ERR_SSL_TIMEOUT:
            return Failure::handshake_timeout;
        case MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY:
            return Failure::unknown_identity;
        case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
            return Failure::closed;
        case MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN:
            return Failure::no_common_cipher;
        case MBEDTLS_ERR_SSL_INVALID_MAC:
        case MBEDTLS_ERR_SSL_BAD_HS_FINISHED:
            return Failure::wrong_key;
        case MBEDTLS_ERR_X509_CERT_VERIFY_FAILED: {
            const std::uint32_t flags = mbedtls_ssl_get_verify_result(&ssl);
            if (flags & (MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE))
                return Failure::expired_certificate;
            if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) return Failure::name_mismatch;
            return Failure::untrusted_certificate;
        }
        case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
            // The alert that ended it (mbedTLS 2.x keeps it in the input record).
            if (ssl.in_msg != nullptr) {
                switch (ssl.in_msg[1]) {
                    case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_PSK_IDENTITY:
                        return Failure::unknown_identity;
                    case MBEDTLS_SSL_ALERT_MSG_DECRYPT_ERROR:
                    case MBEDTLS_SSL_ALERT_MSG_BAD_RECORD_MAC:
                        return Failure::wrong_key;
                    case MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE:
                    case MBEDTLS_SSL_ALERT_MSG_INSUFFICIENT_SECURITY:
                        return Failure::no_common_cipher;
                    case MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA:
                    case MBEDTLS_SSL_ALERT_MSG_BAD_CERT:
                    case MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED:
                    case MBEDTLS_SSL_ALERT_MSG_UNSUPPORTED_CERT:
                    case MBEDTLS_SSL_ALERT_MSG_CERT_UNKNOWN:
                        return Failure::certificate_rejected;
                    default:
                        break;
                }
            }
            return Failure::peer_alert;
        default:
            return Failure::protocol_error;
    }
}

std::string_view describe(Failure failure) noexcept {
    switch (failure) {
        case Failure::none:
            return "no failure";
        case Failure::handshake_timeout:
            return "the DTLS handshake timed out (no answer from the peer)";
        case Failure::wrong_key:
            return "the DTLS handshake failed: the pre-shared keys differ";
        case Failure::unknown_identity:
            return "the DTLS handshake failed: the server knows no key for this identity";
        case Failure::untrusted_certificate:
            return "the DTLS handshake failed: the peer's certificate is not trusted";
        case Failure::expired_certificate:
            return "the DTLS handshake failed: the peer's certificate is expired or not yet "
                   "valid";
        case Failure::name_mismatch:
            return "the DTLS handshake failed: the server's certificate is for another name";
        case Failure::certificate_rejected:
            return "the DTLS handshake failed: the peer rejected this side's certificate";
        case Failure::no_common_cipher:
            return "the DTLS handshake failed: no cipher suite in common";
        case Failure::peer_alert:
            return "the DTLS handshake failed: the peer sent a fatal alert";
        case Failure::protocol_error:
            return "the DTLS session failed: a malformed or unexpected message";
        case Failure::closed:
            return "the peer closed the DTLS session";
        case Failure::idle:
            return "the DTLS session was closed after its idle timeout";
        case Failure::table_full:
            return "no room for another DTLS session";
    }
    return "unknown DTLS failure";
}

}  // namespace coap::dtls
