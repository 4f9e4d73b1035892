// bench/libcoap_codec.cpp — libcoap's parse-and-walk and write for the benchmark.
// Owns every call into libcoap's C API; the PDU is allocated once per Pdu.
#include "libcoap_codec.hpp"

#include "libcoap_api.hpp"

#include <cstdint>
#include <new>

namespace bench::libcoap_codec {
namespace {

const std::uint8_t* as_u8(const std::byte* p) noexcept {
    return reinterpret_cast<const std::uint8_t*>(p);
}
const std::byte* as_bytes(const std::uint8_t* p) noexcept {
    return reinterpret_cast<const std::byte*>(p);
}

ByteVector copy_of(const std::uint8_t* data, std::size_t length) {
    return length == 0 ? ByteVector{} : ByteVector(as_bytes(data), as_bytes(data) + length);
}

constexpr std::size_t udp_header_size = 4;

}  // namespace

void startup() {
    start_libcoap();
}

Pdu::Pdu(std::size_t max_size)
    : pdu_(coap_pdu_init(COAP_MESSAGE_CON, COAP_EMPTY_CODE, 0, max_size)), max_size_(max_size) {
    if (pdu_ == nullptr) throw std::bad_alloc();
}

Pdu::~Pdu() {
    coap_delete_pdu(pdu_);
}

WalkDigest parse_walk(Pdu& pdu, gsl::span<const std::byte> datagram) noexcept {
    WalkDigest digest;
    coap_pdu_t* p = pdu.get();
    if (coap_pdu_parse(COAP_PROTO_UDP, as_u8(datagram.data()), datagram.size(), p) == 0)
        return digest;
    coap_opt_iterator_t it;
    if (coap_option_iterator_init(p, &it, COAP_OPT_ALL) != nullptr) {
        while (const coap_opt_t* option = coap_option_next(&it)) {
            ++digest.option_count;
            digest.number_sum += it.number;
            digest.value_bytes += coap_opt_length(option);
        }
    }
    std::size_t length = 0;
    const std::uint8_t* data = nullptr;
    (void)coap_get_data(p, &length, &data);
    digest.payload_bytes = length;
    digest.ok = true;
    return digest;
}

std::size_t write(Pdu& pdu, const Sample& sample) noexcept {
    coap_pdu_t* p = pdu.get();
    coap_pdu_clear(p, pdu.max_size());
    coap_pdu_set_type(p, static_cast<coap_pdu_type_t>(sample.type));
    coap_pdu_set_code(p, static_cast<coap_pdu_code_t>(sample.code));
    coap_pdu_set_mid(p, sample.message_id);
    if (coap_add_token(p, sample.token.size(), as_u8(sample.token.data())) == 0) return 0;
    for (const SampleOption& option : sample.options) {
        std::size_t added = 0;
        if (option.is_uint) {
            std::uint8_t encoded[4];
            const unsigned length =
                coap_encode_var_safe(encoded, sizeof encoded, option.uint_value);
            added = coap_add_option(p, option.number, length, encoded);
        } else {
            added =
                coap_add_option(p, option.number, option.value.size(), as_u8(option.value.data()));
        }
        if (added == 0) return 0;
    }
    if (!sample.payload.empty() &&
        coap_add_data(p, sample.payload.size(), as_u8(sample.payload.data())) == 0) {
        return 0;
    }
    return coap_pdu_encode_header(p, COAP_PROTO_UDP);
}

bool crosses_page(const Pdu& pdu, std::size_t length) {
    constexpr std::uintptr_t page = 4096;
    const auto start =
        reinterpret_cast<std::uintptr_t>(coap_pdu_get_token(pdu.get()).s) - udp_header_size;
    return length != 0 && start / page != (start + length - 1) / page;
}

gsl::span<const std::byte> encoded(const Pdu& pdu) {
    coap_pdu_t* p = pdu.get();
    if (coap_pdu_encode_header(p, COAP_PROTO_UDP) != udp_header_size) return {};
    // The PDU's length is not public: find the end of the last thing in it.
    const coap_bin_const_t token = coap_pdu_get_token(p);
    const std::uint8_t* begin = token.s - udp_header_size;
    const std::uint8_t* end = token.s + token.length;
    coap_opt_iterator_t it;
    if (coap_option_iterator_init(p, &it, COAP_OPT_ALL) != nullptr) {
        while (const coap_opt_t* option = coap_option_next(&it))
            end = option + coap_opt_size(option);
    }
    std::size_t length = 0;
    const std::uint8_t* data = nullptr;
    if (coap_get_data(p, &length, &data) != 0) end = data + length;
    return {as_bytes(begin), static_cast<std::size_t>(end - begin)};
}

std::optional<DecodedMessage> decode(Pdu& pdu, gsl::span<const std::byte> datagram) {
    coap_pdu_t* p = pdu.get();
    if (coap_pdu_parse(COAP_PROTO_UDP, as_u8(datagram.data()), datagram.size(), p) == 0)
        return std::nullopt;
    DecodedMessage m;
    m.type = static_cast<std::uint8_t>(coap_pdu_get_type(p));
    m.code = static_cast<std::uint8_t>(coap_pdu_get_code(p));
    m.message_id = static_cast<std::uint16_t>(coap_pdu_get_mid(p));
    const coap_bin_const_t token = coap_pdu_get_token(p);
    m.token = copy_of(token.s, token.length);
    coap_opt_iterator_t it;
    if (coap_option_iterator_init(p, &it, COAP_OPT_ALL) != nullptr) {
        while (const coap_opt_t* option = coap_option_next(&it)) {
            m.options.push_back(
                DecodedOption{it.number, copy_of(coap_opt_value(option), coap_opt_length(option))});
        }
    }
    std::size_t length = 0;
    const std::uint8_t* data = nullptr;
    if (coap_get_data(p, &length, &data) != 0) m.payload = copy_of(data, length);
    return m;
}

}  // namespace bench::libcoap_codec
