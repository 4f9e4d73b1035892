// prng.cpp — xoshiro256** seeded through splitmix64 (public-domain algorithms by
// Blackman and Vigna). Owns the bit mixing; knows nothing of CoAP.
#include "coap/prng.hpp"

#include <cstring>

namespace coap {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotate_left(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
}

}  // namespace

void Prng::reseed(std::uint64_t seed) noexcept {
    for (auto& word : state_)
        word = splitmix64(seed);
}

std::uint64_t Prng::next() noexcept {
    const std::uint64_t result = rotate_left(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotate_left(state_[3], 45);
    return result;
}

std::uint64_t Prng::below(std::uint64_t bound) noexcept {
    if (bound == 0) return 0;
    // Rejection sampling removes the modulo bias.
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t value = next();
    while (value >= limit)
        value = next();
    return value % bound;
}

std::int64_t Prng::between(std::int64_t low, std::int64_t high) noexcept {
    if (high <= low) return low;
    const auto span = static_cast<std::uint64_t>(high - low) + 1u;
    return low + static_cast<std::int64_t>(below(span));
}

void Prng::fill(gsl::span<std::byte> out) noexcept {
    std::size_t i = 0;
    while (i < out.size()) {
        const std::uint64_t word = next();
        const std::size_t n = out.size() - i < 8 ? out.size() - i : 8;
        std::memcpy(out.data() + i, &word, n);
        i += n;
    }
}

}  // namespace coap
