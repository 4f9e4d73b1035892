// amplification_guard_test.cpp — AmplificationGuard on its own (engine-internal):
// SipHash-2-4 against the reference vectors, Echo values bound to address and
// time, and the verified ring's bound and order of forgetting.
#include "amplification.hpp"
#include "table_memory.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace coap::detail {
namespace {

// The reference key 00 01 .. 0f and messages 00 01 .. (n-1) of the SipHash paper.
std::uint64_t reference(std::size_t n) {
    std::vector<std::byte> message(n);
    for (std::size_t i = 0; i < n; ++i)
        message[i] = std::byte{static_cast<std::uint8_t>(i)};
    return siphash24(0x0706050403020100u, 0x0f0e0d0c0b0a0908u, message);
}

TEST(SipHash24, MatchesTheReferenceVectors) {
    EXPECT_EQ(reference(0), 0x726fdb47dd0e0e31u);
    EXPECT_EQ(reference(15), 0xa129ca6149be45e5u);
}

const Address alice = Address::ipv4({192, 0, 2, 1}, 5683);
const Address bob = Address::ipv4({192, 0, 2, 2}, 5683);

TEST(AmplificationGuard, EchoValuesAreBoundToTheAddressAndExpire) {
    AmplificationGuard guard;
    init_table([&](Arena& a) { guard.init(a, 4, 42); });
    const Instant issued{1'000'000};
    const auto value = guard.make_echo(alice, issued);
    EXPECT_TRUE(guard.check_echo(alice, value, issued, seconds(60)));
    EXPECT_TRUE(guard.check_echo(alice, value, issued + seconds(60), seconds(60)));
    EXPECT_FALSE(guard.check_echo(alice, value, issued + seconds(61), seconds(60)));
    EXPECT_FALSE(guard.check_echo(alice, value, issued - seconds(5), seconds(60)));  // future
    EXPECT_FALSE(guard.check_echo(bob, value, issued, seconds(60)));
    EXPECT_FALSE(guard.check_echo(alice.with_port(5684), value, issued, seconds(60)));
    for (std::size_t i = 0; i < value.size(); ++i) {  // any changed byte spoils it
        auto changed = value;
        changed[i] ^= std::byte{1};
        EXPECT_FALSE(guard.check_echo(alice, changed, issued, seconds(60))) << i;
    }
    EXPECT_FALSE(
        guard.check_echo(alice, gsl::span<const std::byte>(value).first(11), issued, seconds(60)));
    // Another key (another seed) makes other values.
    AmplificationGuard other;
    init_table([&](Arena& a) { other.init(a, 4, 43); });
    EXPECT_FALSE(other.check_echo(alice, value, issued, seconds(60)));
}

TEST(AmplificationGuard, TheVerifiedRingForgetsTheOldestAndNeverGrows) {
    AmplificationGuard guard;
    init_table([&](Arena& a) { guard.init(a, 2, 1); });
    const Instant t{0};
    std::vector<Address> peers;
    for (std::uint8_t i = 0; i < 5; ++i)
        peers.push_back(Address::ipv4({10, 0, 0, i}, 1000));
    guard.verify(peers[0], t + seconds(10));
    guard.verify(peers[1], t + seconds(10));
    EXPECT_TRUE(guard.verified(peers[0], t));
    EXPECT_TRUE(guard.verified(peers[1], t));
    EXPECT_FALSE(guard.verified(peers[0], t + seconds(10)));  // expired
    guard.verify(peers[0], t + seconds(20));                  // refreshed: now the newest
    guard.verify(peers[2], t + seconds(20));                  // a full ring forgets peers[1]
    EXPECT_TRUE(guard.verified(peers[0], t + seconds(15)));
    EXPECT_FALSE(guard.verified(peers[1], t));
    EXPECT_TRUE(guard.verified(peers[2], t));
    EXPECT_LE(guard.in_use(), 2u);
    for (std::size_t i = 0; i < 100; ++i)
        guard.verify(peers[i % 5], t + seconds(30));
    EXPECT_LE(guard.in_use(), 2u);

    AmplificationGuard none;
    init_table([&](Arena& a) { none.init(a, 0, 1); });
    none.verify(alice, t + seconds(10));
    EXPECT_FALSE(none.verified(alice, t));
    EXPECT_EQ(none.in_use(), 0u);
}

}  // namespace
}  // namespace coap::detail
