// bench/libcoap_codec.hpp — the libcoap side of each measured operation behind
// a small C++ surface, so that only libcoap_codec.cpp sees libcoap's headers.
#pragma once

#include "codec_samples.hpp"

#include <gsl/span>

#include <cstddef>
#include <optional>

struct coap_pdu_t;

namespace bench::libcoap_codec {

/// coap_startup() once, and libcoap's log level lowered so that it prints nothing.
void startup();

/// One PDU, allocated once and reused by every timed operation.
class Pdu {
  public:
    /// A PDU able to hold `max_size` bytes after the header.
    explicit Pdu(std::size_t max_size = 2048);
    ~Pdu();
    Pdu(const Pdu&) = delete;
    Pdu& operator=(const Pdu&) = delete;

    coap_pdu_t* get() const noexcept { return pdu_; }
    std::size_t max_size() const noexcept { return max_size_; }

  private:
    coap_pdu_t* pdu_;
    std::size_t max_size_;
};

/// Timed parse: coap_pdu_parse into `pdu`, then every option's number and value
/// length (coap_option_iterator_init / coap_option_next) and the payload size
/// (coap_get_data) are folded into the digest.
WalkDigest parse_walk(Pdu& pdu, gsl::span<const std::byte> datagram) noexcept;

/// Timed write: coap_pdu_clear, type/code/MID, coap_add_token, coap_add_option
/// per option (integers through coap_encode_var_safe), coap_add_data and
/// coap_pdu_encode_header. Returns the header size, 0 on failure.
std::size_t write(Pdu& pdu, const Sample& sample) noexcept;

/// Whether the first `length` bytes of the PDU's datagram (header included)
/// would straddle a 4 KiB page boundary, where libcoap's stores get slower.
bool crosses_page(const Pdu& pdu, std::size_t length);

/// Untimed: the whole datagram held by `pdu` after write() (header included).
gsl::span<const std::byte> encoded(const Pdu& pdu);

/// Untimed: everything the parser reports, for the startup cross-check.
std::optional<DecodedMessage> decode(Pdu& pdu, gsl::span<const std::byte> datagram);

}  // namespace bench::libcoap_codec
