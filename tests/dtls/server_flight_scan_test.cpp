// server_flight_scan_test.cpp — the client's read of a server's first DTLS
// flight (adapters/dtls/src/server_flight_scan.hpp): the cipher suite from
// ServerHello and the PSK identity hint from ServerKeyExchange, across records,
// messages and datagrams; fragments, later epochs and damaged input yield no
// hint rather than a wrong one.
#include "server_flight_scan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::byte>;
using coap::dtls::scan_server_flight;
using coap::dtls::ServerFlightScan;

constexpr std::uint16_t psk_ccm8 = 0xC0A8;  // TLS_PSK_WITH_AES_128_CCM_8

void put(Bytes& out, std::uint64_t value, int width) {
    for (int i = width - 1; i >= 0; --i)
        out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}

Bytes handshake(std::uint8_t type, const Bytes& body, std::uint32_t offset = 0,
                std::size_t total = 0) {
    Bytes out;
    put(out, type, 1);
    put(out, static_cast<std::uint32_t>(total ? total : body.size()), 3);
    put(out, 1, 2);  // message_seq
    put(out, offset, 3);
    put(out, static_cast<std::uint32_t>(body.size()), 3);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Bytes record(const Bytes& fragment, std::uint16_t epoch = 0, std::uint8_t type = 22) {
    Bytes out;
    put(out, type, 1);
    put(out, 0xfefd, 2);
    put(out, epoch, 2);
    put(out, 7, 6);  // sequence number
    put(out, static_cast<std::uint32_t>(fragment.size()), 2);
    out.insert(out.end(), fragment.begin(), fragment.end());
    return out;
}

Bytes server_hello(std::uint16_t suite, std::uint8_t session_id_length = 16) {
    Bytes body;
    put(body, 0xfefd, 2);
    body.resize(body.size() + 32, std::byte{0x5a});  // random
    put(body, session_id_length, 1);
    body.resize(body.size() + session_id_length, std::byte{0x11});
    put(body, suite, 2);
    put(body, 0, 1);  // compression
    return handshake(2, body);
}

Bytes key_exchange_body(const std::string& hint) {
    Bytes body;
    put(body, static_cast<std::uint32_t>(hint.size()), 2);
    for (char c : hint)
        body.push_back(static_cast<std::byte>(c));
    return body;
}

Bytes join(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& part : parts)
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

TEST(ServerFlightScan, ReadsSuiteAndHintFromRecordsOfOneDatagram) {
    const Bytes flight =
        join({record(server_hello(psk_ccm8)),
              record(handshake(12, key_exchange_body("libcoap-hint"))), record(handshake(14, {}))});
    ServerFlightScan scan;
    scan_server_flight(flight, scan);
    EXPECT_EQ(scan.cipher_suite, psk_ccm8);
    EXPECT_EQ(scan.psk_hint, "libcoap-hint");
    EXPECT_TRUE(scan.key_exchange_seen);
}

TEST(ServerFlightScan, ReadsMessagesSharingOneRecordAndAcrossDatagrams) {
    ServerFlightScan together;
    scan_server_flight(
        record(join({server_hello(psk_ccm8, 0), handshake(12, key_exchange_body("h"))})), together);
    EXPECT_EQ(together.cipher_suite, psk_ccm8);
    EXPECT_EQ(together.psk_hint, "h");

    ServerFlightScan apart;
    scan_server_flight(record(server_hello(0xC0AE)), apart);
    EXPECT_EQ(apart.cipher_suite, 0xC0AE);
    EXPECT_FALSE(apart.key_exchange_seen);
    scan_server_flight(record(handshake(12, key_exchange_body("second datagram"))), apart);
    EXPECT_EQ(apart.psk_hint, "second datagram");
}

TEST(ServerFlightScan, AKeyExchangeBeforeItsServerHelloIsKeptUntilTheSuiteComes) {
    // Datagrams of one flight may arrive in either order.
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, key_exchange_body("early"))), scan);
    EXPECT_TRUE(scan.key_exchange_seen);
    EXPECT_FALSE(scan.cipher_suite);
    scan_server_flight(record(server_hello(psk_ccm8)), scan);
    EXPECT_EQ(scan.cipher_suite, psk_ccm8);
    EXPECT_EQ(scan.psk_hint, "early");
}

TEST(ServerFlightScan, AnEmptyHintIsAHintOfNoBytes) {
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, key_exchange_body(""))), scan);
    EXPECT_EQ(scan.psk_hint, "");
}

TEST(ServerFlightScan, TakesTheFirstKeyExchangeOnly) {
    // A retransmitted flight, or a forged second one, does not change the hint.
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, key_exchange_body("first"))), scan);
    scan_server_flight(record(handshake(12, key_exchange_body("second"))), scan);
    EXPECT_EQ(scan.psk_hint, "first");
}

TEST(ServerFlightScan, FragmentsWithoutTheWholeHintYieldNone) {
    const Bytes body = key_exchange_body("a hint split over two fragments");
    const Bytes head(body.begin(), body.begin() + 6);
    const Bytes tail(body.begin() + 6, body.end());
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, tail, 6, body.size())), scan);
    EXPECT_FALSE(scan.key_exchange_seen);  // not a first fragment: not looked at
    scan_server_flight(record(handshake(12, head, 0, body.size())), scan);
    EXPECT_TRUE(scan.key_exchange_seen);
    EXPECT_FALSE(scan.psk_hint);
}

TEST(ServerFlightScan, IgnoresEncryptedRecordsAndOtherContent) {
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, key_exchange_body("epoch one")), 1), scan);
    scan_server_flight(record(handshake(12, key_exchange_body("alert")), 0, 21), scan);
    EXPECT_FALSE(scan.key_exchange_seen);
    EXPECT_FALSE(scan.cipher_suite);
}

TEST(ServerFlightScan, RefusesHintsLongerThanRfc4279Allows) {
    ServerFlightScan scan;
    scan_server_flight(record(handshake(12, key_exchange_body(std::string(129, 'x')))), scan);
    EXPECT_TRUE(scan.key_exchange_seen);
    EXPECT_FALSE(scan.psk_hint);
    ServerFlightScan longest;
    scan_server_flight(record(handshake(12, key_exchange_body(std::string(128, 'x')))), longest);
    EXPECT_EQ(longest.psk_hint, std::string(128, 'x'));
}

TEST(ServerFlightScan, DamagedDatagramsGiveTheRightHintOrNone) {
    const Bytes flight =
        join({record(server_hello(psk_ccm8)), record(handshake(12, key_exchange_body("exact")))});
    for (std::size_t length = 0; length <= flight.size(); ++length) {
        ServerFlightScan scan;
        scan_server_flight(gsl::span<const std::byte>(flight.data(), length), scan);
        EXPECT_EQ(scan.psk_hint.value_or("exact"), "exact") << "prefix of " << length;
        EXPECT_EQ(scan.psk_hint.has_value(), length == flight.size()) << length;
    }
    // Every byte flipped in turn: no crash, and a hint, if any, is one the bytes spell.
    for (std::size_t at = 0; at < flight.size(); ++at) {
        Bytes damaged = flight;
        damaged[at] ^= std::byte{0xff};
        ServerFlightScan scan;
        scan_server_flight(damaged, scan);
        EXPECT_LE(scan.psk_hint.value_or("").size(), 128u);
    }
}

}  // namespace
