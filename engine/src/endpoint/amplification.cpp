// amplification.cpp — Echo values (SipHash-2-4 tags over address and issue
// time) and the ring of verified addresses.
#include "amplification.hpp"

namespace coap::detail {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b) noexcept {
    return (x << b) | (x >> (64 - b));
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;
    void round() noexcept {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
    void absorb(std::uint64_t m) noexcept {
        v3 ^= m;
        round();
        round();
        v0 ^= m;
    }
};

std::uint32_t seconds_of(Instant now) noexcept {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now.ms / 1000));
}

}  // namespace

std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1,
                        gsl::span<const std::byte> message) noexcept {
    SipState s{k0 ^ 0x736f6d6570736575u, k1 ^ 0x646f72616e646f6du, k0 ^ 0x6c7967656e657261u,
               k1 ^ 0x7465646279746573u};
    const std::size_t size = message.size();
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t m = 0;
        for (std::size_t j = 0; j < 8; ++j)
            m |= std::uint64_t{static_cast<std::uint8_t>(message[i + j])} << (8 * j);
        s.absorb(m);
    }
    std::uint64_t last = std::uint64_t{size & 0xffu} << 56;
    for (std::size_t j = 0; i + j < size; ++j)
        last |= std::uint64_t{static_cast<std::uint8_t>(message[i + j])} << (8 * j);
    s.absorb(last);
    s.v2 ^= 0xffu;
    for (int r = 0; r < 4; ++r)
        s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

void AmplificationGuard::init(Arena& arena, std::size_t capacity, std::uint64_t seed) {
    entries_ = arena.take<Entry>(capacity);
    index_.init(arena, capacity);
    next_ = 0;
    in_use_ = 0;
    Prng keys(seed ^ 0x4563686f4b657921u);  // its own stream ("EchoKey!")
    k0_ = keys.next();
    k1_ = keys.next();
}

std::uint64_t AmplificationGuard::tag(const Address& peer, std::uint32_t issued) const noexcept {
    // family, port, issue time, then the address bytes: every field has a fixed
    // place, so two different inputs never spell the same message.
    std::array<std::byte, 7 + Address::max_opaque_size> message{};
    std::size_t n = 0;
    message[n++] = std::byte{static_cast<std::uint8_t>(peer.family())};
    message[n++] = std::byte{static_cast<std::uint8_t>(peer.port() >> 8)};
    message[n++] = std::byte{static_cast<std::uint8_t>(peer.port())};
    for (int shift = 24; shift >= 0; shift -= 8)
        message[n++] = std::byte{static_cast<std::uint8_t>(issued >> shift)};
    for (const std::uint8_t b : peer.bytes())
        message[n++] = std::byte{b};
    return siphash24(k0_, k1_, gsl::span<const std::byte>(message.data(), n));
}

std::array<std::byte, AmplificationGuard::echo_size> AmplificationGuard::make_echo(
    const Address& peer, Instant now) const noexcept {
    const std::uint32_t issued = seconds_of(now);
    const std::uint64_t t = tag(peer, issued);
    std::array<std::byte, echo_size> value{};
    for (std::size_t i = 0; i < 4; ++i)
        value[i] = std::byte{static_cast<std::uint8_t>(issued >> (24 - 8 * i))};
    for (std::size_t i = 0; i < 8; ++i)
        value[4 + i] = std::byte{static_cast<std::uint8_t>(t >> (56 - 8 * i))};
    return value;
}

bool AmplificationGuard::check_echo(const Address& peer, gsl::span<const std::byte> value,
                                    Instant now, Duration lifetime) const noexcept {
    if (value.size() != echo_size) return false;
    std::uint32_t issued = 0;
    for (std::size_t i = 0; i < 4; ++i)
        issued = issued << 8 | static_cast<std::uint8_t>(value[i]);
    // Wrapping difference: a value from the future looks ancient.
    const std::uint32_t age = seconds_of(now) - issued;
    if (static_cast<std::int64_t>(age) * 1000 > lifetime.ms) return false;
    const std::uint64_t t = tag(peer, issued);
    std::uint8_t difference = 0;  // compared in constant time
    for (std::size_t i = 0; i < 8; ++i)
        difference |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(value[4 + i]) ^
                                                static_cast<std::uint8_t>(t >> (56 - 8 * i)));
    return difference == 0;
}

std::optional<std::uint32_t> AmplificationGuard::find(const Address& peer) const noexcept {
    if (entries_.empty()) return std::nullopt;
    return index_.find(peer.hash(), [&](std::uint32_t slot) {
        return entries_[slot].in_use && entries_[slot].address == peer;
    });
}

bool AmplificationGuard::verified(const Address& peer, Instant now) const noexcept {
    const auto slot = find(peer);
    return slot && now < entries_[*slot].until;
}

void AmplificationGuard::remove(std::uint32_t slot) noexcept {
    index_.erase(entries_[slot].address.hash(), slot);
    entries_[slot].in_use = false;
    --in_use_;
}

void AmplificationGuard::verify(const Address& peer, Instant until) noexcept {
    if (entries_.empty()) return;
    // Every entry lives as long, so the ring's order is the order of expiry: a
    // refreshed address moves to the newest place, and the next place holds
    // the entry that expires first (the one a full table gives up).
    if (const auto slot = find(peer)) remove(*slot);
    const auto slot = static_cast<std::uint32_t>(next_);
    if (entries_[slot].in_use) remove(slot);
    entries_[slot] = Entry{peer, until, true};
    ++in_use_;
    index_.insert(peer.hash(), slot);
    next_ = (next_ + 1) % entries_.size();
}

}  // namespace coap::detail
