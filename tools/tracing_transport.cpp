// tracing_transport.cpp — the client's -v (see the header).
#include "tracing_transport.hpp"

#include <coap/message.hpp>
#include <coap/render.hpp>

namespace cobalt_cli {

std::optional<coap::Received> TracingTransport::receive(gsl::span<std::byte> buffer) {
    auto received = inner_.receive(buffer);
    if (received) trace("received from", received->peer, buffer.first(received->length));
    return received;
}

bool TracingTransport::send(const coap::Address& peer, gsl::span<const std::byte> datagram) {
    trace("sent to", peer, datagram);
    return inner_.send(peer, datagram);
}

void TracingTransport::trace(std::string_view direction, const coap::Address& peer,
                             gsl::span<const std::byte> datagram) {
    log_ << "-- " << direction << ' ' << peer.text().view() << " at " << inner_.now().ms << " ms, "
         << datagram.size() << " bytes\n";
    const auto message = coap::MessageView::parse(datagram);
    if (message)
        log_ << coap::to_string(*message);
    else
        log_ << "  (not a valid CoAP message)\n";
}

}  // namespace cobalt_cli
