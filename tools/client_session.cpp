// client_session.cpp — the client subcommands' shared machinery (see client_session.hpp).
#include "client_session.hpp"

#include "exit_codes.hpp"

#include <coap/uri.hpp>

namespace cobalt_cli {

int exit_code_for(const coap::Error& error) {
    switch (error.kind) {
        case coap::ErrorKind::response_timeout:
            return exit_code::timeout;
        case coap::ErrorKind::host_not_found:
        case coap::ErrorKind::peer_unreachable:
            return exit_code::unreachable;
        case coap::ErrorKind::invalid_argument:
            return exit_code::bad_uri;
        case coap::ErrorKind::client_request_error:
        case coap::ErrorKind::resource_not_found:
        case coap::ErrorKind::forbidden:
        case coap::ErrorKind::unauthorized:
            return exit_code::client_error;
        case coap::ErrorKind::server_error:
            return exit_code::server_error;
        default:
            return exit_code::failure;
    }
}

int exit_code_for(coap::Code method, coap::Code response) {
    if (coap::is_success_for(method, response)) return exit_code::ok;
    if (response.code_class() == 4) return exit_code::client_error;
    if (response.code_class() == 5) return exit_code::server_error;
    return exit_code::failure;
}

std::string code_text(coap::Code code) {
    const auto digits = coap::dotted(code);
    std::string text(digits.begin(), digits.end());
    const std::string_view name = coap::code_name(code);
    if (!name.empty()) text.append(" ").append(name);
    return text;
}

Session::Session(coap::Transport& transport, const ClientOptions& options,
                 const ClientEnvironment& environment, std::ostream& err)
    : options_(options), environment_(environment), err_(err) {
    coap::Transport* below = &transport;
    if (options_.verbose) {
        tracing_ = std::make_unique<TracingTransport>(transport, err);
        below = tracing_.get();
    }
    coap::EndpointConfig config{.seed = environment.seed};
    // observe --cancel rst: a NON notification of the forgotten observation gets
    // RST too (RFC 7641 §3.6), not only a CON one.
    config.reset_unexpected_non_responses = options_.cancel_by_reset;
    driver_ = std::make_unique<coap::Driver>(*below, config);
    if (options_.timeout) deadline_ = driver_->now() + *options_.timeout;
}

std::optional<coap::RemoteEndpoint> Session::remote(int& exit_code) {
    const std::string& target = options_.uri;
    // The target must be an absolute URI; without a proxy, a coap:// one.
    const auto reference = coap::UriRef::parse(target);
    if (!reference || !reference->is_absolute()) {
        err_ << "cobalt: bad URI '" << target << "'"
             << (reference ? ": not an absolute URI"
                           : ": " + std::string(describe(reference.error().kind)))
             << "\n";
        exit_code = exit_code::bad_uri;
        return std::nullopt;
    }
    const std::string& peer_uri = options_.proxy ? *options_.proxy : target;
    const auto coap_uri = coap::CoapUri::parse(peer_uri);
    if (!coap_uri) {
        err_ << "cobalt: bad URI '" << peer_uri << "': " << describe(coap_uri.error().kind) << "\n";
        exit_code = exit_code::bad_uri;
        return std::nullopt;
    }
    const bool coaps = coap_uri->scheme() == coap::CoapScheme::coaps;
    if (coaps != environment_.secure) {
        err_ << "cobalt: '" << peer_uri << "': "
             << (coaps ? "coaps:// needs a DTLS transport, which this build lacks"
                       : "only coaps:// goes over this DTLS transport")
             << "\n";
        exit_code = coaps ? exit_code::no_transport : exit_code::bad_uri;
        return std::nullopt;
    }
    auto remote = driver_->remote_endpoint(peer_uri);
    if (!remote) {
        err_ << "cobalt: " << peer_uri << ": " << remote.error() << "\n";
        exit_code = exit_code_for(remote.error());
        return std::nullopt;
    }
    return std::move(*remote);
}

void write_request_options(const ClientOptions& options, coap::MessageWriter& writer) {
    const std::string_view uri = options.uri;
    if (!options.proxy) {
        if (const auto parsed = coap::CoapUri::parse(uri))
            (void)coap::write_uri_options(*parsed, writer, {.destination_port = parsed->port()});
    } else if (!options.proxy_scheme) {
        (void)coap::write_proxy_uri(uri, writer);
    } else if (const auto parsed = coap::UriRef::parse(uri)) {
        auto sink = [&writer](coap::OptionNumber number, coap::Bytes value) {
            writer.option(number, value);
        };
        (void)coap::decompose_for_proxy_scheme(*parsed, sink);
    }
    if (options.accept) writer.option_uint(coap::OptionNumber::accept, *options.accept);
    if (options.content_format)
        writer.option_uint(coap::OptionNumber::content_format, *options.content_format);
    for (const auto& etag : options.etags)
        writer.option(coap::OptionNumber::etag, gsl::span<const std::byte>(etag));
    for (const auto& etag : options.if_match)
        writer.option(coap::OptionNumber::if_match, gsl::span<const std::byte>(etag));
    if (options.if_none_match) writer.option_empty(coap::OptionNumber::if_none_match);
}

}  // namespace cobalt_cli
