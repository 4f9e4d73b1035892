// trace.cpp — PacketTrace queries and the names of trace kinds and drop reasons.
#include "coap/sim/trace.hpp"

#include <algorithm>

namespace coap::sim {

std::string_view describe(TraceKind kind) noexcept {
    switch (kind) {
        case TraceKind::sent:
            return "sent";
        case TraceKind::duplicated:
            return "duplicated";
        case TraceKind::delivered:
            return "delivered";
        case TraceKind::dropped:
            return "dropped";
    }
    return "unknown";
}

std::string_view describe(DropReason reason) noexcept {
    switch (reason) {
        case DropReason::none:
            return "none";
        case DropReason::loss:
            return "loss";
        case DropReason::partition:
            return "partition";
        case DropReason::mtu:
            return "mtu";
        case DropReason::no_route:
            return "no route";
    }
    return "unknown";
}

bool TraceFilter::matches(const TraceRecord& record) const noexcept {
    return (!kind || *kind == record.kind) && (!from || *from == record.from) &&
           (!to || *to == record.to) && (!reason || *reason == record.reason);
}

std::size_t PacketTrace::count(const TraceFilter& filter) const {
    return static_cast<std::size_t>(std::count_if(
        records_.begin(), records_.end(), [&](const TraceRecord& r) { return filter.matches(r); }));
}

std::vector<Instant> PacketTrace::times(const TraceFilter& filter) const {
    std::vector<Instant> out;
    for (const auto& record : records_)
        if (filter.matches(record)) out.push_back(record.time);
    return out;
}

std::vector<TraceRecord> PacketTrace::select(const TraceFilter& filter) const {
    std::vector<TraceRecord> out;
    for (const auto& record : records_)
        if (filter.matches(record)) out.push_back(record);
    return out;
}

}  // namespace coap::sim
