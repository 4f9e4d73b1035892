// coap/request_target.hpp — RequestTarget: the URI a request goes to, decomposed
// once into its Uri-Host, Uri-Port, Uri-Path and Uri-Query options (RFC 7252
// §6.4) for one destination, and written into every request sent there.
// Shared (immutable) between a remote endpoint and the sends it starts.
#pragma once

#include "coap/address.hpp"
#include "coap/message_writer.hpp"
#include "coap/option.hpp"

#include <memory>
#include <string>
#include <vector>

namespace coap {

class RequestTarget {
  public:
    /// `uri` (absolute coap:// or coaps://) as sent to `destination`; without
    /// `write_host`, no Uri-Host even for a host name.
    static std::shared_ptr<const RequestTarget> make(std::string uri, const Address& destination,
                                                     bool write_host = true);

    const std::string& uri() const noexcept { return uri_; }
    bool write_host() const noexcept { return write_host_; }
    const Address& destination() const noexcept { return destination_; }
    /// Writes the URI's options.
    void write(MessageWriter& writer) const;

  private:
    struct UriOption {
        OptionNumber number;
        std::vector<std::byte> value;
    };
    std::string uri_;
    Address destination_;
    bool write_host_ = true;
    std::vector<UriOption> options_;
};

}  // namespace coap
