// address_test.cpp — Address: construction, equality, hashing, multicast
// detection and the text forms (RFC 5952 for IPv6).
#include "coap/address.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace coap {
namespace {

std::string text(const Address& a) {
    return std::string(a.text().view());
}

TEST(Address, Ipv4TextAndFields) {
    const auto a = Address::ipv4({192, 0, 2, 1}, 5683);
    EXPECT_EQ(text(a), "192.0.2.1:5683");
    EXPECT_EQ(a.family(), AddressFamily::ipv4);
    EXPECT_EQ(a.port(), 5683);
    EXPECT_EQ(a.bytes().size(), 4u);
    EXPECT_FALSE(a.is_multicast());
    EXPECT_TRUE(Address::ipv4({224, 0, 1, 187}, 5683).is_multicast());
    EXPECT_TRUE(Address::ipv4({239, 255, 255, 255}, 1).is_multicast());
    EXPECT_FALSE(Address::ipv4({240, 0, 0, 1}, 1).is_multicast());
}

TEST(Address, Ipv6TextFollowsRfc5952) {
    std::array<std::uint8_t, 16> loopback{};
    loopback[15] = 1;
    EXPECT_EQ(text(Address::ipv6(loopback, 5683)), "[::1]:5683");
    const std::array<std::uint8_t, 16> doc{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                           0,    1,    0,    0,    0, 0, 0, 1};
    EXPECT_EQ(text(Address::ipv6(doc, 61616)), "[2001:db8::1:0:0:1]:61616");
    const std::array<std::uint8_t, 16> group{0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                             0,    0,    0, 0, 0, 0, 0, 0xfd};
    const auto scoped = Address::ipv6(group, 5683, 3);
    EXPECT_EQ(text(scoped), "[ff02::fd%3]:5683");
    EXPECT_TRUE(scoped.is_multicast());
    EXPECT_EQ(text(Address::ipv6({}, 1)), "[::]:1");
}

TEST(Address, OpaqueBytes) {
    const std::byte raw[3] = {std::byte{0x0a}, std::byte{0xb0}, std::byte{0xff}};
    const auto a = Address::opaque(raw);
    EXPECT_EQ(text(a), "opaque:0ab0ff");
    EXPECT_EQ(a.family(), AddressFamily::opaque);
    EXPECT_FALSE(a.is_multicast());
    EXPECT_EQ(text(Address{}), "none");
}

TEST(Address, EqualityAndHashCoverEveryField) {
    const auto a = Address::ipv4({10, 0, 0, 1}, 5683);
    EXPECT_EQ(a, Address::ipv4({10, 0, 0, 1}, 5683));
    EXPECT_EQ(a.hash(), Address::ipv4({10, 0, 0, 1}, 5683).hash());
    std::array<std::uint8_t, 16> mapped{};
    mapped[10] = mapped[11] = 0xff;
    mapped[12] = 10;
    mapped[15] = 1;
    const std::byte four[4] = {std::byte{10}, std::byte{0}, std::byte{0}, std::byte{1}};
    const Address others[] = {Address::ipv4({10, 0, 0, 1}, 5684),
                              Address::ipv4({10, 0, 0, 2}, 5683), Address::ipv6(mapped, 5683),
                              Address::ipv6(mapped, 5683, 1), Address::opaque(four)};
    std::set<std::size_t> hashes{a.hash()};
    for (const Address& other : others) {
        EXPECT_FALSE(a == other) << text(other);
        hashes.insert(other.hash());
    }
    EXPECT_EQ(hashes.size(), 6u) << "these differ in one field each";
}

TEST(Address, HashSpreadsSequentialPorts) {
    std::set<std::size_t> low_bits;
    for (std::uint16_t port = 1; port <= 1024; ++port)
        low_bits.insert(Address::ipv4({10, 0, 0, 1}, port).hash() & 0x3ff);
    EXPECT_GT(low_bits.size(), 550u) << "hash tables index by the low bits";
}

}  // namespace
}  // namespace coap
