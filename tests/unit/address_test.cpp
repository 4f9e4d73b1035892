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

// ---- Address::parse ----

std::string parsed(std::string_view literal, std::uint16_t port = 5683) {
    const auto a = Address::parse(literal, port);
    return a ? text(*a) : std::string("none");
}

TEST(AddressParse, Ipv4DottedQuad) {
    EXPECT_EQ(parsed("192.0.2.1"), "192.0.2.1:5683");
    EXPECT_EQ(parsed("0.0.0.0", 0), "0.0.0.0:0");
    EXPECT_EQ(parsed("255.255.255.255", 1), "255.255.255.255:1");
    const auto a = Address::parse("127.0.0.1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->family(), AddressFamily::ipv4);
    EXPECT_EQ(a->port(), 0) << "the port defaults to 0";
    EXPECT_EQ(a->with_port(9).port(), 9);
    EXPECT_EQ(a->with_port(9), Address::ipv4({127, 0, 0, 1}, 9));
}

TEST(AddressParse, Ipv4RejectsMalformed) {
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..2.3",
          "1.2.3.", "a.b.c.d", "1.2.3.4:5683", "[1.2.3.4]", "1.2.3.-4", "1.2.3.1000"})
        EXPECT_EQ(parsed(bad), "none") << '"' << bad << '"';
}

TEST(AddressParse, Ipv6TextForms) {
    EXPECT_EQ(parsed("::1"), "[::1]:5683");
    EXPECT_EQ(parsed("::"), "[::]:5683");
    EXPECT_EQ(parsed("[::1]"), "[::1]:5683");
    EXPECT_EQ(parsed("2001:DB8:0:0:8:800:200C:417A"), "[2001:db8::8:800:200c:417a]:5683");
    EXPECT_EQ(parsed("ff02::fd"), "[ff02::fd]:5683");
    EXPECT_EQ(parsed("ff05::fd"), "[ff05::fd]:5683");
    EXPECT_EQ(parsed("1::"), "[1::]:5683");
    EXPECT_EQ(parsed("1:2:3:4:5:6:7:8"), "[1:2:3:4:5:6:7:8]:5683");
    EXPECT_EQ(parsed("1:2:3::8"), "[1:2:3::8]:5683");
    EXPECT_EQ(parsed("::ffff:192.0.2.1"), "[::ffff:c000:201]:5683");
    EXPECT_EQ(parsed("::13.1.68.3"), "[::d01:4403]:5683");
    EXPECT_EQ(parsed("0:0:0:0:0:FFFF:129.144.52.38"), "[::ffff:8190:3426]:5683");
    const auto group = Address::parse("ff02::fd");
    ASSERT_TRUE(group);
    EXPECT_TRUE(group->is_multicast());
    EXPECT_EQ(group->family(), AddressFamily::ipv6);
    std::array<std::uint8_t, 16> expected{0xff, 0x02};
    expected[15] = 0xfd;
    EXPECT_EQ(*group, Address::ipv6(expected, 0));
}

TEST(AddressParse, Ipv6NumericZone) {
    const auto a = Address::parse("fe80::1%3", 5683);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->scope_id(), 3u);
    EXPECT_EQ(text(*a), "[fe80::1%3]:5683");
    EXPECT_EQ(parsed("[ff02::fd%4294967295]"), "[ff02::fd%4294967295]:5683");
    EXPECT_EQ(parsed("fe80::1%4294967296"), "none") << "scope ids are 32 bits";
    EXPECT_EQ(parsed("fe80::1%eth0"), "none") << "named zones need the OS";
    EXPECT_EQ(parsed("fe80::1%"), "none");
    EXPECT_EQ(parsed("fe80::1%25"), "[fe80::1%25]:5683");
}

TEST(AddressParse, Ipv6RejectsMalformed) {
    for (const char* bad :
         {":", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", ":1:2:3:4:5:6:7",
          "1:2:3:4:5:6:7:", "[::1", "::1]", "[[::1]]", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
          "::256.1.1.1", "[::1]:5683", "::1 ", "localhost", "example.net"})
        EXPECT_EQ(parsed(bad), "none") << '"' << bad << '"';
}

TEST(AddressParse, ArbitraryBytesNeverCrash) {
    std::string text_buffer;
    unsigned state = 12345;
    const char alphabet[] = "0123456789abcdefABCDEF:.[]%xz ";
    for (int round = 0; round < 20000; ++round) {
        text_buffer.clear();
        state = state * 1103515245u + 12345u;
        const std::size_t length = (state >> 16) % 48;
        for (std::size_t i = 0; i < length; ++i) {
            state = state * 1103515245u + 12345u;
            text_buffer.push_back(alphabet[(state >> 16) % (sizeof alphabet - 1)]);
        }
        const auto a = Address::parse(text_buffer, 1);
        if (a) {
            // Whatever parses prints back to something that parses to the same address.
            const std::string printed(a->text().view());
            const std::string host = printed.substr(0, printed.rfind(':'));
            EXPECT_EQ(Address::parse(host, 1), a) << text_buffer;
        }
    }
}

}  // namespace
}  // namespace coap
