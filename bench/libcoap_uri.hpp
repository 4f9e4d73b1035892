// bench/libcoap_uri.hpp — the libcoap side of each measured URI operation
// behind a small C++ surface, so that only libcoap_uri.cpp sees libcoap's headers.
#pragma once

#include "uri_samples.hpp"

#include <memory>
#include <string_view>
#include <vector>

struct coap_optlist_t;

namespace bench::libcoap_uri {

/// coap_startup() once, and libcoap's log level lowered so that it prints nothing.
void startup();

/// Where a request goes, as a libcoap address (built once, outside timing).
class Destination {
  public:
    /// `address` is an IPv4 or IPv6 address in text; throws on anything else.
    Destination(std::string_view address, std::uint16_t port);
    ~Destination();
    Destination(const Destination&) = delete;
    Destination& operator=(const Destination&) = delete;

    struct Address;  // coap_address_t and its text, defined in libcoap_uri.cpp
    const Address& get() const noexcept { return *address_; }

  private:
    std::unique_ptr<Address> address_;
};

/// Timed parse: coap_split_uri, reported as UriParts.
UriParts parse(std::string_view text) noexcept;

/// Timed parse and decompose: coap_split_uri, then the options for sending the
/// request to `destination` appended to `*chain` with coap_new_optlist and
/// coap_insert_optlist (one allocation per option; see uri_options_4_3_1()).
/// Returns the number of options, -1 on failure. The caller frees the chain.
int to_options(std::string_view text, const Destination& destination,
               coap_optlist_t** chain) noexcept;

/// coap_delete_optlist.
void free_options(coap_optlist_t* chain) noexcept;

/// Untimed: the chain's options, for the startup cross-check.
std::vector<DecodedOption> options_of(const coap_optlist_t* chain);

/// Two coap_new_optlist allocations, for the allocation counter's self-check.
void allocate_optlist();

}  // namespace bench::libcoap_uri
