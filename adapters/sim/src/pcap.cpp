// pcap.cpp — classic pcap writer (see coap/sim/pcap.hpp): global header, one
// record per selected trace record, little-endian, microsecond timestamps.
#include "coap/sim/pcap.hpp"

#include "ip_packet.hpp"

#include <fstream>
#include <stdexcept>

namespace coap::sim {
namespace {

void put32(std::vector<std::byte>& out, std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<std::byte>(value >> shift));
}

void put16(std::vector<std::byte>& out, std::uint16_t value) {
    out.push_back(static_cast<std::byte>(value));
    out.push_back(static_cast<std::byte>(value >> 8));
}

}  // namespace

std::vector<std::byte> pcap_bytes(const PacketTrace& trace, PcapView view) {
    const TraceKind kind = view == PcapView::sent ? TraceKind::sent : TraceKind::delivered;
    std::vector<std::byte> out;
    put32(out, 0xa1b2c3d4u);  // magic: microsecond timestamps
    put16(out, 2);            // version 2.4
    put16(out, 4);
    put32(out, 0);      // thiszone
    put32(out, 0);      // sigfigs
    put32(out, 65535);  // snaplen
    put32(out, pcap_link_type_raw);

    std::uint16_t identification = 0;
    for (const auto& record : trace.records()) {
        if (record.kind != kind) continue;
        const auto packet =
            ip_udp_packet(record.source, record.destination, record.bytes, identification++);
        const std::int64_t ms = record.time.ms < 0 ? 0 : record.time.ms;
        put32(out, static_cast<std::uint32_t>(ms / 1000));
        put32(out, static_cast<std::uint32_t>(ms % 1000 * 1000));
        put32(out, static_cast<std::uint32_t>(packet.size()));  // captured
        put32(out, static_cast<std::uint32_t>(packet.size()));  // on the wire
        out.insert(out.end(), packet.begin(), packet.end());
    }
    return out;
}

void write_pcap(const PacketTrace& trace, const std::string& path, PcapView view) {
    const auto bytes = pcap_bytes(trace, view);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw std::runtime_error("cannot open " + path + " for writing");
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace coap::sim
