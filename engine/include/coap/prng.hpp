// coap/prng.hpp — Prng: the engine's only source of randomness.
// Owns a small, fast, seedable generator (xoshiro256** seeded through
// splitmix64). Deterministic by design: the same seed gives the same tokens,
// message IDs and timeouts, so whole runs replay exactly. Never reads entropy;
// callers who need unpredictable tokens seed it from a real entropy source.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>

namespace coap {

class Prng {
  public:
    explicit Prng(std::uint64_t seed = 0) noexcept { reseed(seed); }

    void reseed(std::uint64_t seed) noexcept;
    /// 64 uniformly distributed bits.
    std::uint64_t next() noexcept;
    /// Uniform in [0, bound); `bound` 0 yields 0.
    std::uint64_t below(std::uint64_t bound) noexcept;
    /// Uniform in [low, high] inclusive.
    std::int64_t between(std::int64_t low, std::int64_t high) noexcept;
    void fill(gsl::span<std::byte> out) noexcept;

  private:
    std::array<std::uint64_t, 4> state_{};
};

}  // namespace coap
