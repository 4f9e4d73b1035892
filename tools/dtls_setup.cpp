// dtls_setup.cpp — DTLS configurations from the tool's flags (see dtls_setup.hpp).
#include "dtls_setup.hpp"

#include <coap/address.hpp>

#include <string>

namespace cobalt_cli {
namespace {

std::vector<std::byte> key_bytes(const std::string& key) {
    const auto* first = reinterpret_cast<const std::byte*>(key.data());
    return {first, first + key.size()};
}

}  // namespace

coap::dtls::DtlsConfig client_dtls_config(const DtlsCredentials& credentials,
                                          std::string_view host) {
    coap::dtls::DtlsConfig config;
    config.role = coap::dtls::Role::client;
    if (credentials.psk) {
        config.psk =
            coap::dtls::PskCredentials{credentials.identity, key_bytes(*credentials.psk), {}, {}};
        if (!credentials.by_hint.empty()) {
            config.psk->choose_by_hint =
                [table = credentials.by_hint](
                    std::string_view hint) -> std::optional<coap::dtls::PskIdentity> {
                for (const auto& entry : table)
                    if (entry.hint == hint)
                        return coap::dtls::PskIdentity{entry.identity, key_bytes(entry.key)};
                return std::nullopt;
            };
        }
    }
    if (!credentials.ca.empty() || !credentials.certificate.empty()) {
        coap::dtls::CertificateCredentials certificates;
        certificates.certificate_file = credentials.certificate;
        certificates.private_key_file = credentials.private_key;
        certificates.ca_file = credentials.ca;
        certificates.verify_peer = true;
        certificates.server_name = credentials.server_name;
        if (certificates.server_name.empty() && !coap::Address::parse(host))
            certificates.server_name = std::string(host);
        config.certificates = std::move(certificates);
    }
    return config;
}

coap::dtls::DtlsConfig server_dtls_config(const DtlsCredentials& credentials) {
    coap::dtls::DtlsConfig config;
    config.role = coap::dtls::Role::server;
    if (credentials.psk) {
        coap::dtls::PskCredentials psk{credentials.identity, key_bytes(*credentials.psk), {}, {}};
        const std::string identity = credentials.identity;
        const std::vector<std::byte> key = psk.key;
        psk.lookup = [identity,
                      key](std::string_view asked) -> std::optional<std::vector<std::byte>> {
            if (!identity.empty() && asked != identity) return std::nullopt;
            return key;
        };
        config.psk = std::move(psk);
    }
    if (!credentials.certificate.empty()) {
        coap::dtls::CertificateCredentials certificates;
        certificates.certificate_file = credentials.certificate;
        certificates.private_key_file = credentials.private_key;
        certificates.ca_file = credentials.ca;
        certificates.verify_peer = !credentials.ca.empty();
        config.certificates = std::move(certificates);
    }
    return config;
}

}  // namespace cobalt_cli
