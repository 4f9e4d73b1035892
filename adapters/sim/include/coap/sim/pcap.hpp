// coap/sim/pcap.hpp — exports a PacketTrace as a classic pcap file (LINKTYPE_RAW)
// with synthesized IPv4 or IPv6 and UDP headers, so that Wireshark and tshark
// dissect the CoAP inside. Owns the file format; timestamps are virtual time.
#pragma once

#include "coap/sim/trace.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace coap::sim {

/// Which records become packets.
enum class PcapView : std::uint8_t {
    sent,       ///< every datagram once, when it left its sender (dropped ones too)
    delivered,  ///< every copy that arrived, when it arrived (duplicates twice)
};

/// LINKTYPE_RAW: each record starts with an IPv4 or IPv6 header.
inline constexpr std::uint32_t pcap_link_type_raw = 101;

/// The whole file: the 24-byte global header (microsecond timestamps, little
/// endian), then one record per selected trace record. An IPv6 header is used
/// when either address is IPv6, IPv4 otherwise; an opaque address becomes a
/// deterministic 10.x.y.z (or fd00::/8) address derived from its bytes; a zero
/// or opaque port becomes 5683. Times before 0 are written as 0.
std::vector<std::byte> pcap_bytes(const PacketTrace& trace, PcapView view = PcapView::sent);

/// Writes pcap_bytes() to `path`; throws std::runtime_error when it cannot.
void write_pcap(const PacketTrace& trace, const std::string& path, PcapView view = PcapView::sent);

}  // namespace coap::sim
