// bench/libcoap_uri.cpp — libcoap's URI parse and parse-and-decompose for the
// benchmark. Owns every libcoap URI call.
//
// libcoap 4.3.1 has coap_split_uri, coap_split_path and coap_split_query, but
// no coap_uri_into_options (later releases add it). uri_options_4_3_1() below
// builds the same option list from 4.3.1's public calls: Uri-Host unless the
// host is the destination address in text, Uri-Port unless the port is the
// destination port (RFC 7252 §6.4), then Uri-Path and Uri-Query, each option
// a coap_new_optlist entry inserted into the caller's chain. The destination's
// text is formatted once, outside timing (see README: Caveats).
#include "libcoap_uri.hpp"

#include "libcoap_api.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bench::libcoap_uri {

struct Destination::Address {
    coap_address_t address;
    std::array<char, INET6_ADDRSTRLEN> text;  ///< inet_ntop of `address`
    std::size_t text_length;
};

namespace {

const std::uint8_t* as_u8(const char* p) noexcept {
    return reinterpret_cast<const std::uint8_t*>(p);
}

std::string_view view(const coap_str_const_t& s) noexcept {
    return s.length == 0 ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(s.s), s.length);
}

/// Room for the split path or query (option headers included) of any sample.
constexpr std::size_t split_buffer_size = 256;

/// Splits with coap_split_path or coap_split_query into `buffer`, then adds one
/// `number` option per segment. False when the splitter fails.
template <class Splitter>
bool add_segments(Splitter split, const coap_str_const_t& text, std::uint16_t number,
                  coap_optlist_t** chain, int& count) noexcept {
    if (text.length == 0) return true;
    std::array<std::uint8_t, split_buffer_size> buffer;
    std::size_t length = buffer.size();
    int segments = split(text.s, text.length, buffer.data(), &length);
    if (segments < 0) return false;
    const std::uint8_t* option = buffer.data();
    while (segments-- > 0) {
        if (coap_insert_optlist(chain, coap_new_optlist(number, coap_opt_length(option),
                                                        coap_opt_value(option))) == 0) {
            return false;
        }
        ++count;
        option += coap_opt_size(option);
    }
    return true;
}

/// The options for sending `uri` to `destination`, appended to `*chain`;
/// the number of options, or -1.
int uri_options_4_3_1(const coap_uri_t& uri, const Destination::Address& destination,
                      coap_optlist_t** chain) noexcept {
    int count = 0;
    const std::string_view address_text(destination.text.data(), destination.text_length);
    if (uri.host.length != 0 && view(uri.host) != address_text) {
        if (coap_insert_optlist(
                chain, coap_new_optlist(COAP_OPTION_URI_HOST, uri.host.length, uri.host.s)) == 0)
            return -1;
        ++count;
    }
    if (uri.port != coap_address_get_port(&destination.address)) {
        std::array<std::uint8_t, 4> port{};
        const unsigned length = coap_encode_var_safe(port.data(), port.size(), uri.port);
        if (coap_insert_optlist(chain,
                                coap_new_optlist(COAP_OPTION_URI_PORT, length, port.data())) == 0)
            return -1;
        ++count;
    }
    if (!add_segments(coap_split_path, uri.path, COAP_OPTION_URI_PATH, chain, count) ||
        !add_segments(coap_split_query, uri.query, COAP_OPTION_URI_QUERY, chain, count)) {
        return -1;
    }
    return count;
}

}  // namespace

void startup() {
    start_libcoap();
}

Destination::Destination(std::string_view address, std::uint16_t port)
    : address_(std::make_unique<Address>()) {
    coap_address_t& a = address_->address;
    coap_address_init(&a);
    const std::string text(address);
    const void* raw = nullptr;
    int family = AF_UNSPEC;
    if (inet_pton(AF_INET, text.c_str(), &a.addr.sin.sin_addr) == 1) {
        family = a.addr.sin.sin_family = AF_INET;
        a.size = sizeof a.addr.sin;
        raw = &a.addr.sin.sin_addr;
    } else if (inet_pton(AF_INET6, text.c_str(), &a.addr.sin6.sin6_addr) == 1) {
        family = a.addr.sin6.sin6_family = AF_INET6;
        a.size = sizeof a.addr.sin6;
        raw = &a.addr.sin6.sin6_addr;
    } else {
        throw std::invalid_argument("not an IP address: " + text);
    }
    coap_address_set_port(&a, port);
    // The text a URI's host is compared with, formatted once here (libcoap's
    // later coap_uri_into_options formats it on every call).
    if (inet_ntop(family, raw, address_->text.data(),
                  static_cast<socklen_t>(address_->text.size())) == nullptr)
        throw std::invalid_argument("cannot format address: " + text);
    address_->text_length = std::strlen(address_->text.data());
}

Destination::~Destination() = default;

UriParts parse(std::string_view text) noexcept {
    coap_uri_t uri;
    if (coap_split_uri(as_u8(text.data()), text.size(), &uri) != 0) return UriParts{};
    return UriParts{true, view(uri.host), uri.port, view(uri.path), view(uri.query)};
}

int to_options(std::string_view text, const Destination& destination,
               coap_optlist_t** chain) noexcept {
    coap_uri_t uri;
    if (coap_split_uri(as_u8(text.data()), text.size(), &uri) != 0) return -1;
    return uri_options_4_3_1(uri, destination.get(), chain);
}

void free_options(coap_optlist_t* chain) noexcept {
    coap_delete_optlist(chain);
}

std::vector<DecodedOption> options_of(const coap_optlist_t* chain) {
    std::vector<DecodedOption> out;
    for (const coap_optlist_t* o = chain; o != nullptr; o = o->next) {
        const auto* data = reinterpret_cast<const std::byte*>(o->data);
        out.push_back(DecodedOption{o->number, ByteVector(data, data + o->length)});
    }
    return out;
}

void allocate_optlist() {
    coap_optlist_t* chain = nullptr;
    const std::uint8_t value[] = {'x'};
    (void)coap_insert_optlist(&chain, coap_new_optlist(COAP_OPTION_URI_PATH, 1, value));
    (void)coap_insert_optlist(&chain, coap_new_optlist(COAP_OPTION_URI_PATH, 1, value));
    coap_delete_optlist(chain);
}

}  // namespace bench::libcoap_uri
