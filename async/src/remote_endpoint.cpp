// remote_endpoint.cpp — RemoteEndpoint: URI resolution and Uri-* options, and
// Driver::remote_endpoint (URI → address through the Transport).
#include "coap/remote_endpoint.hpp"

#include "coap/coap_uri.hpp"
#include "coap/uri.hpp"

#include <array>

namespace coap {

std::shared_ptr<const RequestTarget> RequestTarget::make(std::string uri,
                                                         const Address& destination,
                                                         bool write_host) {
    auto target = std::make_shared<RequestTarget>();
    target->uri_ = std::move(uri);
    target->destination_ = destination;
    target->write_host_ = write_host;
    if (const auto parsed = CoapUri::parse(target->uri_)) {
        auto sink = [&target, write_host](OptionNumber number, Bytes value) {
            if (number == OptionNumber::uri_host && !write_host) return;
            target->options_.push_back({number, {value.begin(), value.end()}});
        };
        (void)decompose_uri(*parsed, sink,
                            DecomposeOptions{.destination_port = destination.port()});
    }
    return target;
}

void RequestTarget::write(MessageWriter& writer) const {
    for (const UriOption& option : options_)
        writer.option(option.number, option.value);
}

RemoteEndpoint::RemoteEndpoint(Driver& driver, const Address& address, std::string uri)
    : driver_(&driver), address_(address), target_(RequestTarget::make(std::move(uri), address)) {}

Result<std::shared_ptr<const RequestTarget>, Error> RemoteEndpoint::resolve(
    std::string_view reference) const {
    const auto base = UriRef::parse(target_->uri());
    const auto ref = UriRef::parse(reference);
    if (!base || !ref) return Err{Error::of(ErrorKind::invalid_argument)};
    std::array<char, 2048> out{};
    const auto length = coap::resolve(*base, *ref, out);
    if (!length) return Err{Error::of(ErrorKind::invalid_argument)};
    std::string resolved(out.data(), *length);
    const auto before = CoapUri::parse(target_->uri());
    const auto after = CoapUri::parse(resolved);
    // A reference may change the path and query, never the peer.
    if (!before || !after || after->scheme() != before->scheme() ||
        after->host() != before->host() || after->port() != before->port())
        return Err{Error::of(ErrorKind::invalid_argument)};
    return RequestTarget::make(std::move(resolved), address_, target_->write_host());
}

Result<RemoteEndpoint, Error> RemoteEndpoint::clone_using_rel_ref(
    std::string_view reference) const {
    auto target = resolve(reference);
    if (!target) return Err{target.error()};
    RemoteEndpoint clone = *this;
    clone.target_ = std::move(*target);
    return clone;
}

RemoteEndpoint& RemoteEndpoint::remove_host_option() {
    target_ = RequestTarget::make(target_->uri(), address_, false);
    return *this;
}

Result<RemoteEndpoint, Error> Driver::remote_endpoint(std::string_view uri) {
    const auto parsed = CoapUri::parse(uri);
    if (!parsed) return Err{Error::of(ErrorKind::invalid_argument)};
    if (parsed->scheme() != CoapScheme::coap && parsed->scheme() != CoapScheme::coaps)
        return Err{Error::of(ErrorKind::invalid_argument)};
    std::string host(parsed->host());
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else {
        // A reg-name may be percent-encoded (RFC 3986 §3.2.2); names are ASCII
        // case-insensitive.
        std::string decoded(host.size(), '\0');
        const auto length = percent_decode(host, decoded);
        if (!length) return Err{Error::of(ErrorKind::invalid_argument)};
        decoded.resize(*length);
        for (char& c : decoded)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        host = std::move(decoded);
    }
    const auto address = transport_.resolve(host, parsed->port());
    if (!address) return Err{Error::of(ErrorKind::host_not_found)};
    return RemoteEndpoint(*this, *address, std::string(uri));
}

}  // namespace coap
