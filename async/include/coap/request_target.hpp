// coap/request_target.hpp — RequestTarget: the URI a request goes to, written
// as Uri-Host, Uri-Port, Uri-Path and Uri-Query options (RFC 7252 §6.4).
// Shared (immutable) between a remote endpoint and the sends it starts.
#pragma once

#include "coap/address.hpp"
#include "coap/message_writer.hpp"

#include <string>

namespace coap {

struct RequestTarget {
    /// An absolute coap:// URI.
    std::string uri;
    /// Write Uri-Host for a host name (never for an IP literal, §6.4).
    bool write_host = true;

    /// Writes the URI's options for a request sent to `destination`.
    void write(MessageWriter& writer, const Address& destination) const;
};

}  // namespace coap
