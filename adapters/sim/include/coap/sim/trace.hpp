// coap/sim/trace.hpp — PacketTrace: the record of everything that happened to
// every datagram on the simulated network (sent, duplicated, delivered,
// dropped with a reason), with virtual times, and the queries tests ask of it.
// Owns the records; the Network appends, tests and the pcap writer read.
#pragma once

#include "coap/address.hpp"
#include "coap/sim/node.hpp"
#include "coap/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace coap::sim {

enum class TraceKind : std::uint8_t {
    sent,        ///< a node emitted the datagram (once, also for multicast)
    duplicated,  ///< the link made a second copy (recorded when sent)
    delivered,   ///< a copy reached `to` (recorded at arrival)
    dropped,     ///< a copy was lost; see `reason`
};

enum class DropReason : std::uint8_t {
    none,       ///< not a drop
    loss,       ///< random loss on the link (recorded when sent)
    partition,  ///< the link from→to is blocked (when sent or while in flight)
    mtu,        ///< larger than the link's MTU (recorded when sent)
    no_route,   ///< no node has the destination address, or no other group member
};

std::string_view describe(TraceKind kind) noexcept;
std::string_view describe(DropReason reason) noexcept;

struct TraceRecord {
    Instant time{};
    TraceKind kind = TraceKind::sent;
    DropReason reason = DropReason::none;
    /// Numbers the datagram as sent: every copy, delivery and drop of one send
    /// shares the sender's packet number.
    std::uint64_t packet = 0;
    NodeId from{};
    /// The receiving node; no_node on the `sent` record of a multicast send and
    /// on a no_route drop.
    NodeId to = no_node;
    Address source{};
    /// The address the datagram was sent to (a group address for multicast).
    Address destination{};
    bool multicast = false;
    std::vector<std::byte> bytes;
};

/// Selects records; an empty field matches everything.
struct TraceFilter {
    std::optional<TraceKind> kind{};
    std::optional<NodeId> from{};
    std::optional<NodeId> to{};
    std::optional<DropReason> reason{};

    bool matches(const TraceRecord& record) const noexcept;
};

class PacketTrace {
  public:
    void add(TraceRecord record) { records_.push_back(std::move(record)); }
    void clear() noexcept { records_.clear(); }

    /// Every record, in the order the events happened (time, then order of work).
    const std::vector<TraceRecord>& records() const noexcept { return records_; }
    std::size_t size() const noexcept { return records_.size(); }

    std::size_t count(const TraceFilter& filter) const;
    std::vector<Instant> times(const TraceFilter& filter) const;
    std::vector<TraceRecord> select(const TraceFilter& filter) const;

    /// Shorthands: datagrams `from` emitted towards `to` (unicast), and copies
    /// delivered from `from` to `to` (unicast and multicast).
    std::size_t sent(NodeId from, NodeId to) const {
        return count({.kind = TraceKind::sent, .from = from, .to = to});
    }
    std::size_t delivered(NodeId from, NodeId to) const {
        return count({.kind = TraceKind::delivered, .from = from, .to = to});
    }
    std::size_t dropped(DropReason reason) const {
        return count({.kind = TraceKind::dropped, .reason = reason});
    }

  private:
    std::vector<TraceRecord> records_;
};

}  // namespace coap::sim
