// fnv1a.hpp — Fnv1a: the 64-bit FNV-1a hash, fed byte by byte. Owns only the
// hash; used where the async layer needs a stable, seedless one (derived
// ETags, the ResourceTree's exact-route index).
#pragma once

#include <cstddef>
#include <cstdint>

namespace coap::detail {

class Fnv1a {
  public:
    void add(unsigned char byte) noexcept { value_ = (value_ ^ byte) * 0x100000001b3u; }
    void add(std::byte byte) noexcept { add(static_cast<unsigned char>(byte)); }
    template <class Range>
    void add_all(const Range& bytes) noexcept {
        for (const auto b : bytes)
            add(static_cast<unsigned char>(b));
    }
    std::uint64_t value() const noexcept { return value_; }

  private:
    std::uint64_t value_ = 0xcbf29ce484222325u;
};

}  // namespace coap::detail
