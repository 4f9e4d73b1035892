// tests/hardening/flood_source.hpp — FloodSource: the datagrams of a flood from
// 10,000 spoofed addresses (issue 12), written one at a time into a caller's
// buffer from a seeded Prng: garbage of every kind, valid CON/NON requests (GET,
// PUT, POST), replays, stray ACK/RST, unexpected responses, oversized requests,
// Block1 uploads that are never finished and observe registrations. Owns the
// mix and the per-address message IDs; allocates only in its constructor.
#pragma once

#include "coap/address.hpp"
#include "coap/message_writer.hpp"
#include "coap/prng.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace coap::test {

class FloodSource {
  public:
    static constexpr std::uint32_t addresses = 10'000;

    /// What a datagram is, for the tally printed by the tests.
    enum class Kind : std::uint8_t {
        garbage,
        con_get,
        non_get,
        con_unsafe,
        non_unsafe,
        replay,
        stray_empty,
        oversized,
        block1_start,
        observe,
        response,
        odd_request,
        count
    };

    explicit FloodSource(std::uint64_t seed) : prng_(seed), next_mid_(addresses), last_(addresses) {
        for (std::uint32_t i = 0; i < addresses; ++i)
            next_mid_[i] = static_cast<std::uint16_t>(i * 7919u);
    }

    /// The spoofed address number `i` (below `addresses`).
    static Address address(std::uint32_t i) {
        return Address::ipv4(
            {10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)},
            static_cast<std::uint16_t>(20000 + i % 7));
    }
    /// Which spoofed address `a` is, or `addresses` when none.
    static std::uint32_t index_of(const Address& a) {
        const auto bytes = a.bytes();
        if (bytes.size() != 4 || bytes[0] != 10 || bytes[1] != 1) return addresses;
        const std::uint32_t i = std::uint32_t{bytes[2]} << 8 | bytes[3];
        return i < addresses ? i : addresses;
    }

    struct Datagram {
        std::uint32_t from = 0;  ///< spoofed address number
        std::size_t length = 0;
        Kind kind = Kind::garbage;
    };

    /// Writes the next datagram into `out` (at least 1500 bytes).
    Datagram next(gsl::span<std::byte> out) {
        Datagram d;
        d.from = static_cast<std::uint32_t>(prng_.below(addresses));
        const auto roll = prng_.below(100);
        if (roll < 20) {
            d.kind = Kind::garbage;
            d.length = garbage(out);
        } else if (roll < 38) {
            d.kind = Kind::con_get;
            d.length = request(out, d.from, MessageType::confirmable, codes::get, "data", 0);
        } else if (roll < 46) {
            d.kind = Kind::non_get;
            d.length = request(out, d.from, MessageType::non_confirmable, codes::get, "data", 0);
        } else if (roll < 56) {
            d.kind = Kind::con_unsafe;
            d.length = request(out, d.from, MessageType::confirmable,
                               prng_.below(2) ? codes::put : codes::post, "data", 16);
        } else if (roll < 60) {
            d.kind = Kind::non_unsafe;
            d.length = request(out, d.from, MessageType::non_confirmable, codes::post, "data", 16);
        } else if (roll < 68) {
            d.kind = Kind::replay;
            const Last& last = last_[d.from];
            if (last.length == 0) {
                d.length = request(out, d.from, MessageType::confirmable, codes::get, "data", 0);
            } else {
                std::memcpy(out.data(), last.bytes.data(), last.length);
                d.length = last.length;
            }
        } else if (roll < 75) {
            d.kind = Kind::stray_empty;
            d.length =
                empty(out, prng_.below(2) ? MessageType::acknowledgement : MessageType::reset,
                      static_cast<std::uint16_t>(prng_.next()));
        } else if (roll < 78) {
            d.kind = Kind::oversized;
            // Either a payload over max_request_payload (4.13) or a datagram over
            // the endpoint's max_message_size.
            d.length = request(out, d.from, MessageType::confirmable, codes::put, "data",
                               prng_.below(2) ? 1100 : 1400);
        } else if (roll < 82) {
            d.kind = Kind::block1_start;
            d.length = block1_start(out, d.from);
        } else if (roll < 85) {
            d.kind = Kind::observe;
            d.length = observe(out, d.from);
        } else if (roll < 90) {
            d.kind = Kind::response;
            d.length = response(out);
        } else {
            d.kind = Kind::odd_request;
            d.length = odd_request(out, d.from);
        }
        return d;
    }

  private:
    struct Last {
        std::array<std::byte, 128> bytes{};
        std::size_t length = 0;
    };

    std::array<std::byte, 4> token() {
        std::array<std::byte, 4> t{};
        prng_.fill(t);
        return t;
    }
    std::uint16_t mid(std::uint32_t from) { return next_mid_[from]++; }
    void remember(std::uint32_t from, gsl::span<const std::byte> bytes) {
        if (bytes.size() > last_[from].bytes.size()) return;
        std::memcpy(last_[from].bytes.data(), bytes.data(), bytes.size());
        last_[from].length = bytes.size();
    }

    std::size_t request(gsl::span<std::byte> out, std::uint32_t from, MessageType type, Code code,
                        std::string_view path, std::size_t payload) {
        const auto t = token();
        MessageWriter w(out, type, code, mid(from), t);
        w.option(OptionNumber::uri_path, path);
        if (payload > 0) {
            auto space = w.payload_space();
            const std::size_t n = payload < space.size() ? payload : space.size();
            for (std::size_t k = 0; k < n; ++k)
                space[k] = std::byte{static_cast<std::uint8_t>('a' + k % 26)};
            w.commit_payload(n);
        }
        const std::size_t length = w.finish().value();
        remember(from, {out.data(), length});
        return length;
    }

    static std::size_t empty(gsl::span<std::byte> out, MessageType type, std::uint16_t message_id) {
        return MessageWriter(out, type, codes::empty, message_id, {}).finish().value();
    }

    std::size_t block1_start(gsl::span<std::byte> out, std::uint32_t from) {
        const auto t = token();
        MessageWriter w(out, MessageType::confirmable, codes::put, mid(from), t);
        w.option(OptionNumber::uri_path, "upload");
        w.option_uint(OptionNumber::block1, 0x0a);  // NUM 0, M, 64-byte blocks
        std::array<std::byte, 64> body{};
        prng_.fill(body);
        w.payload(body);
        return w.finish().value();
    }

    std::size_t observe(gsl::span<std::byte> out, std::uint32_t from) {
        const auto t = token();
        MessageWriter w(out, MessageType::confirmable, codes::get, mid(from), t);
        w.option_uint(OptionNumber::observe, 0);
        w.option(OptionNumber::uri_path, "obs");
        return w.finish().value();
    }

    std::size_t response(gsl::span<std::byte> out) {
        const auto t = token();
        static constexpr std::array<MessageType, 3> types{
            MessageType::confirmable, MessageType::non_confirmable, MessageType::acknowledgement};
        MessageWriter w(out, types[prng_.below(3)], codes::content,
                        static_cast<std::uint16_t>(prng_.next()), t);
        w.payload("stray");
        return w.finish().value();
    }

    std::size_t odd_request(gsl::span<std::byte> out, std::uint32_t from) {
        const auto t = token();
        switch (prng_.below(4)) {
            case 0: {  // an unrecognised critical option: 4.02
                MessageWriter w(out, MessageType::confirmable, codes::get, mid(from), t);
                w.option(OptionNumber::uri_path, "data");
                w.option(OptionNumber{65001}, "x");
                return w.finish().value();
            }
            case 1:  // no such resource: 4.04
                return request(out, from, MessageType::confirmable, codes::get, "missing", 0);
            case 2:  // a method the resource lacks: 4.05
                return request(out, from, MessageType::confirmable, codes::delete_, "data", 0);
            default: {  // an unassigned request code (0.31)
                MessageWriter w(out, MessageType::confirmable, Code::make(0, 31), mid(from), t);
                return w.finish().value();
            }
        }
    }

    /// Malformed datagrams: each is refused by the parser or the message layer.
    std::size_t garbage(gsl::span<std::byte> out) {
        switch (prng_.below(7)) {
            case 0: {  // random bytes
                const std::size_t n = prng_.below(48);
                prng_.fill(out.first(n));
                return n;
            }
            case 1: {  // a truncated header (1-3 bytes)
                const std::size_t n = 1 + prng_.below(3);
                prng_.fill(out.first(n));
                out[0] = std::byte{0x40};
                return n;
            }
            case 2: {  // version 0, 2 or 3
                prng_.fill(out.first(12));
                out[0] = std::byte{static_cast<std::uint8_t>((prng_.below(3) + 2) % 4 << 6)};
                return 12;
            }
            case 3: {  // token length 9-15 (reserved), CON
                const auto tkl = static_cast<std::uint8_t>(9 + prng_.below(7));
                prng_.fill(out.first(20));
                out[0] = std::byte{static_cast<std::uint8_t>(0x40 | tkl)};
                out[1] = std::byte{0x01};
                return 20;
            }
            case 4: {  // an option delta nibble of 15 that is not the payload marker
                const std::byte bad[] = {std::byte{0x40}, std::byte{0x01}, std::byte{0x12},
                                         std::byte{0x34}, std::byte{0xf1}, std::byte{0x00}};
                std::memcpy(out.data(), bad, sizeof bad);
                return sizeof bad;
            }
            case 5: {  // a payload marker with no payload
                const std::byte bad[] = {std::byte{0x50}, std::byte{0x02}, std::byte{0x00},
                                         std::byte{0x07}, std::byte{0xff}};
                std::memcpy(out.data(), bad, sizeof bad);
                return sizeof bad;
            }
            default: {  // an option whose length runs past the end
                const std::byte bad[] = {std::byte{0x40}, std::byte{0x01}, std::byte{0x00},
                                         std::byte{0x09}, std::byte{0xbd}, std::byte{0x20},
                                         std::byte{'a'}};
                std::memcpy(out.data(), bad, sizeof bad);
                return sizeof bad;
            }
        }
    }

    Prng prng_;
    std::vector<std::uint16_t> next_mid_;
    std::vector<Last> last_;
};

}  // namespace coap::test
