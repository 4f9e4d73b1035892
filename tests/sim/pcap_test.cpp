// pcap_test.cpp — the pcap export, parsed back: global header (magic, version,
// LINKTYPE_RAW), one record per sent (or delivered) datagram, virtual-time
// timestamps, IPv4 and IPv6 headers with consistent lengths, a valid IPv4
// header checksum and UDP checksum, port 5683 for zero and opaque ports, and
// the file write.
#include "coap/sim/network.hpp"
#include "fake_node.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

namespace coap::sim {
namespace {

using simtest::add_fake;
using simtest::ip4;
using simtest::numbered;

struct Reader {
    const std::vector<std::byte>& bytes;
    std::size_t at = 0;
    std::uint32_t le32() {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i)
            v = v << 8 | std::to_integer<std::uint32_t>(bytes.at(at + static_cast<std::size_t>(i)));
        at += 4;
        return v;
    }
    std::uint16_t le16() {
        const auto v =
            static_cast<std::uint16_t>(std::to_integer<std::uint32_t>(bytes.at(at)) |
                                       std::to_integer<std::uint32_t>(bytes.at(at + 1)) << 8);
        at += 2;
        return v;
    }
};

struct PcapRecord {
    std::uint32_t seconds = 0, micros = 0;
    std::vector<std::uint8_t> packet;
    std::uint32_t original_length = 0;
};

std::vector<PcapRecord> parse(const std::vector<std::byte>& file) {
    Reader r{file};
    EXPECT_EQ(r.le32(), 0xa1b2c3d4u);
    EXPECT_EQ(r.le16(), 2u);
    EXPECT_EQ(r.le16(), 4u);
    EXPECT_EQ(r.le32(), 0u);
    EXPECT_EQ(r.le32(), 0u);
    EXPECT_EQ(r.le32(), 65535u);
    EXPECT_EQ(r.le32(), 101u);
    std::vector<PcapRecord> out;
    while (r.at < file.size()) {
        PcapRecord rec;
        rec.seconds = r.le32();
        rec.micros = r.le32();
        const auto captured = r.le32();
        rec.original_length = r.le32();
        for (std::uint32_t i = 0; i < captured; ++i)
            rec.packet.push_back(std::to_integer<std::uint8_t>(file.at(r.at++)));
        out.push_back(std::move(rec));
    }
    return out;
}

std::uint32_t be16(const std::vector<std::uint8_t>& p, std::size_t at) {
    return static_cast<std::uint32_t>(p.at(at) << 8 | p.at(at + 1));
}

/// One's-complement sum folded to 16 bits (0xffff when a checksum verifies).
std::uint32_t ones_sum(const std::vector<std::uint8_t>& p, std::size_t begin, std::size_t end,
                       std::uint32_t sum = 0) {
    for (std::size_t i = begin; i < end; i += 2)
        sum += static_cast<std::uint32_t>(p[i] << 8 | (i + 1 < end ? p[i + 1] : 0));
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return sum;
}

struct Expected {
    std::size_t payload;
    std::uint32_t source_port;
    std::uint32_t destination_port;
};

void check_ipv4(const PcapRecord& rec, const Expected& e) {
    const auto& p = rec.packet;
    ASSERT_EQ(p.size(), 28 + e.payload);
    EXPECT_EQ(rec.original_length, p.size());
    EXPECT_EQ(p[0], 0x45);
    EXPECT_EQ(be16(p, 2), p.size());
    EXPECT_EQ(p[9], 17);
    EXPECT_EQ(ones_sum(p, 0, 20), 0xffffu) << "IPv4 header checksum";
    EXPECT_EQ(be16(p, 20), e.source_port);
    EXPECT_EQ(be16(p, 22), e.destination_port);
    EXPECT_EQ(be16(p, 24), 8 + e.payload);
    // UDP checksum over the pseudo-header (addresses, protocol, length) and datagram.
    const std::uint32_t pseudo =
        ones_sum(p, 12, 20, 17 + static_cast<std::uint32_t>(8 + e.payload));
    EXPECT_EQ(ones_sum(p, 20, p.size(), pseudo), 0xffffu) << "UDP checksum";
}

void check_ipv6(const PcapRecord& rec, const Expected& e) {
    const auto& p = rec.packet;
    ASSERT_EQ(p.size(), 48 + e.payload);
    EXPECT_EQ(p[0] >> 4, 6);
    EXPECT_EQ(be16(p, 4), 8 + e.payload);
    EXPECT_EQ(p[6], 17);
    EXPECT_EQ(be16(p, 40), e.source_port);
    EXPECT_EQ(be16(p, 42), e.destination_port);
    const std::uint32_t pseudo = ones_sum(p, 8, 40, 17 + static_cast<std::uint32_t>(8 + e.payload));
    EXPECT_EQ(ones_sum(p, 40, p.size(), pseudo), 0xffffu) << "UDP checksum";
}

TEST(SimPcap, RecordsParseBackWithValidHeaders) {
    Network net(51);
    auto [a, fa] = add_fake(net, ip4(1, 40000));
    auto [b, fb] = add_fake(net, ip4(2, 0));  // port 0: written as 5683
    const std::array<std::byte, 3> opaque_id{std::byte{1}, std::byte{2}, std::byte{3}};
    auto [c, fc] = add_fake(net, Address::opaque(opaque_id));
    auto [d, fd] = add_fake(
        net, Address::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, 5683));
    net.set_default_link({.delay = milliseconds(10)});
    net.run_for(milliseconds(1500));
    fa->send(net.address(b), numbered(1, 21));  // odd length
    fa->send(net.address(c), numbered(2, 30));
    fa->send(net.address(d), numbered(3, 16));
    net.service(a);
    net.run_until_idle(Instant{10'000});

    const auto records = parse(pcap_bytes(net.trace()));
    ASSERT_EQ(records.size(), 3u);
    for (const auto& rec : records) {
        EXPECT_EQ(rec.seconds, 1u);
        EXPECT_EQ(rec.micros, 500'000u);
    }
    check_ipv4(records[0], {21, 40000, 5683});
    check_ipv4(records[1], {30, 40000, 5683});
    EXPECT_EQ(records[1].packet[16], 10) << "opaque addresses become 10.x.y.z";
    check_ipv6(records[2], {16, 40000, 5683});
    EXPECT_EQ(be16(records[2].packet, 8 + 10), 0xffffu) << "IPv4 source mapped into IPv6";

    const auto delivered = parse(pcap_bytes(net.trace(), PcapView::delivered));
    ASSERT_EQ(delivered.size(), 3u);
    EXPECT_EQ(delivered[0].micros, 510'000u);
    (void)fb, (void)fc, (void)fd;
}

TEST(SimPcap, MulticastKeepsTheGroupAsDestinationAndWritesAFile) {
    Network net(52);
    auto [a, fa] = add_fake(net, ip4(1));
    auto [b, fb] = add_fake(net, ip4(2));
    auto [c, fc] = add_fake(net, ip4(3));
    const auto group = Address::ipv4({224, 0, 1, 187}, 5683);
    net.join(b, group);
    net.join(c, group);
    fa->send(group, numbered(1, 12));
    net.service(a);
    net.run_until_idle(Instant{100});

    const std::string path = ::testing::TempDir() + "/cobalt_sim_pcap_test.pcap";
    net.write_pcap(path);
    std::ifstream file(path, std::ios::binary);
    const std::vector<char> chars{std::istreambuf_iterator<char>(file), {}};
    std::vector<std::byte> bytes;
    for (const char ch : chars)
        bytes.push_back(static_cast<std::byte>(ch));
    EXPECT_EQ(bytes, pcap_bytes(net.trace()));

    const auto sent = parse(bytes);
    ASSERT_EQ(sent.size(), 1u);
    check_ipv4(sent[0], {12, 5683, 5683});
    EXPECT_EQ(sent[0].packet[16], 224);
    EXPECT_EQ(parse(pcap_bytes(net.trace(), PcapView::delivered)).size(), 2u);
    EXPECT_THROW(net.write_pcap("/nonexistent-dir/x.pcap"), std::runtime_error);
    (void)fb, (void)fc;
}

}  // namespace
}  // namespace coap::sim
