// amplification.hpp — AmplificationGuard: the server's defence against being
// used as an amplifier towards a spoofed source address (RFC 9175 §2.4 item 3,
// RFC 7252 §11.3). Owns the Echo values this endpoint issues (a keyed hash of
// the peer address and the issue time, so that checking one needs no state
// per challenge) and the bounded table of addresses verified by an echoed
// value. Carved from the Endpoint's Arena by init(); the key comes from the
// endpoint's PRNG.
#pragma once

#include "coap/address.hpp"
#include "coap/prng.hpp"
#include "coap/time.hpp"
#include "hash_index.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap::detail {

/// SipHash-2-4 of `message` under the 128-bit key (k0, k1).
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1,
                        gsl::span<const std::byte> message) noexcept;

class AmplificationGuard {
  public:
    /// Bytes of every Echo value issued: 4 of issue time (seconds), 8 of tag.
    static constexpr std::size_t echo_size = 12;

    /// Room for `capacity` verified addresses (0: none is ever remembered). The
    /// hash key is drawn from a generator of its own seeded from `seed` (the
    /// endpoint's), so that the endpoint's PRNG stream stays as it was.
    void init(Arena& arena, std::size_t capacity, std::uint64_t seed);

    /// `peer` echoed a valid value less than its lifetime ago.
    bool verified(const Address& peer, Instant now) const noexcept;
    /// Remembers `peer` as verified until `until`. A full table forgets the
    /// address verified longest ago (it is challenged again, nothing worse).
    void verify(const Address& peer, Instant until) noexcept;

    /// The Echo value for a challenge to `peer` at `now`.
    std::array<std::byte, echo_size> make_echo(const Address& peer, Instant now) const noexcept;
    /// `value` was made by make_echo for `peer`, at most `lifetime` before `now`
    /// (and not after it).
    bool check_echo(const Address& peer, gsl::span<const std::byte> value, Instant now,
                    Duration lifetime) const noexcept;

    /// Addresses remembered (some may have expired since).
    std::size_t in_use() const noexcept { return in_use_; }
    std::size_t capacity() const noexcept { return entries_.size(); }

  private:
    struct Entry {
        Address address;
        Instant until{};
        bool in_use = false;
    };
    std::uint64_t tag(const Address& peer, std::uint32_t issued) const noexcept;
    std::optional<std::uint32_t> find(const Address& peer) const noexcept;
    void remove(std::uint32_t slot) noexcept;

    FixedArray<Entry> entries_;  ///< a ring: the next slot is the oldest entry
    HashIndex index_;
    std::size_t next_ = 0;
    std::size_t in_use_ = 0;
    std::uint64_t k0_ = 0;
    std::uint64_t k1_ = 0;
};

}  // namespace coap::detail
