// address.cpp — Address construction, comparison, hashing and printing.
// Owns the text forms; knows nothing of sockets (adapters convert).
#include "coap/address.hpp"

#include <gsl/assert>

#include <cstring>

namespace coap {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

struct TextSink {
    AddressText& text;
    void put(char c) noexcept {
        if (text.size < text.chars.size()) text.chars[text.size++] = c;
    }
    void put(std::string_view s) noexcept {
        for (const char c : s)
            put(c);
    }
    void decimal(std::uint32_t value) noexcept {
        char digits[10];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (n > 0)
            put(digits[--n]);
    }
    void hex16(std::uint32_t value) noexcept {
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const auto nibble = (value >> shift) & 0xfu;
            if (nibble != 0 || started || shift == 0) {
                put(hex_digits[nibble]);
                started = true;
            }
        }
    }
};

void put_ipv6(TextSink& sink, gsl::span<const std::uint8_t> ip) noexcept {
    std::uint32_t groups[8];
    for (std::size_t i = 0; i < 8; ++i)
        groups[i] = static_cast<std::uint32_t>(ip[2 * i] << 8 | ip[2 * i + 1]);
    // RFC 5952: compress the longest run (at least two) of zero groups.
    int best_start = -1;
    int best_length = 1;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > best_length) {
            best_start = i;
            best_length = j - i;
        }
        i = j;
    }
    for (int i = 0; i < 8; ++i) {
        if (i == best_start) {
            sink.put("::");
            i += best_length - 1;
            continue;
        }
        if (i > 0 && i != best_start + best_length) sink.put(':');
        sink.hex16(groups[i]);
    }
}

}  // namespace

Address Address::ipv4(std::array<std::uint8_t, 4> ip, std::uint16_t port) noexcept {
    Address a;
    std::memcpy(a.bytes_.data(), ip.data(), ip.size());
    a.length_ = 4;
    a.port_ = port;
    a.family_ = AddressFamily::ipv4;
    return a;
}

Address Address::ipv6(std::array<std::uint8_t, 16> ip, std::uint16_t port,
                      std::uint32_t scope_id) noexcept {
    Address a;
    std::memcpy(a.bytes_.data(), ip.data(), ip.size());
    a.length_ = 16;
    a.port_ = port;
    a.scope_id_ = scope_id;
    a.family_ = AddressFamily::ipv6;
    return a;
}

Address Address::opaque(gsl::span<const std::byte> bytes) noexcept {
    Expects(bytes.size() <= max_opaque_size);
    Address a;
    if (!bytes.empty()) std::memcpy(a.bytes_.data(), bytes.data(), bytes.size());
    a.length_ = static_cast<std::uint8_t>(bytes.size());
    a.family_ = AddressFamily::opaque;
    return a;
}

bool Address::is_multicast() const noexcept {
    if (family_ == AddressFamily::ipv4) return (bytes_[0] & 0xf0u) == 0xe0u;
    if (family_ == AddressFamily::ipv6) return bytes_[0] == 0xffu;
    return false;
}

std::size_t Address::hash() const noexcept {
    // Bytes past length_ are always zero, so hashing all of them is consistent
    // with operator==. The words and the small fields, multiply-xorshift mixed.
    std::uint64_t words[max_opaque_size / 8];
    static_assert(sizeof words == max_opaque_size);
    std::memcpy(words, bytes_.data(), sizeof words);
    std::uint64_t h = (std::uint64_t{scope_id_} << 32) | (std::uint64_t{port_} << 16) |
                      (std::uint64_t{length_} << 8) | static_cast<std::uint64_t>(family_);
    for (const std::uint64_t w : words) {
        h = (h ^ w) * 0x9e3779b97f4a7c15u;
        h ^= h >> 32;
    }
    h *= 0xd6e8feb86659fd93u;
    return static_cast<std::size_t>(h ^ (h >> 32));
}

bool operator==(const Address& a, const Address& b) noexcept {
    return a.family_ == b.family_ && a.length_ == b.length_ && a.port_ == b.port_ &&
           a.scope_id_ == b.scope_id_ &&
           std::memcmp(a.bytes_.data(), b.bytes_.data(), a.length_) == 0;
}

AddressText Address::text() const noexcept {
    AddressText text;
    TextSink sink{text};
    switch (family_) {
        case AddressFamily::none:
            sink.put("none");
            break;
        case AddressFamily::ipv4:
            for (std::size_t i = 0; i < 4; ++i) {
                if (i > 0) sink.put('.');
                sink.decimal(bytes_[i]);
            }
            sink.put(':');
            sink.decimal(port_);
            break;
        case AddressFamily::ipv6:
            sink.put('[');
            put_ipv6(sink, bytes());
            if (scope_id_ != 0) {
                sink.put('%');
                sink.decimal(scope_id_);
            }
            sink.put("]:");
            sink.decimal(port_);
            break;
        case AddressFamily::opaque:
            sink.put("opaque:");
            for (std::size_t i = 0; i < length_; ++i) {
                sink.put(hex_digits[bytes_[i] >> 4]);
                sink.put(hex_digits[bytes_[i] & 0xfu]);
            }
            break;
    }
    return text;
}

}  // namespace coap
