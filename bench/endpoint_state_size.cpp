// bench/endpoint_state_size.cpp — constructs Endpoints of different
// capacities and counts the bytes their constructors allocate.
#include "endpoint_state_size.hpp"

#include "alloc_counter.hpp"
#include "text_table.hpp"

#include <benchmark/benchmark.h>

#include <coap/endpoint.hpp>

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string_view>

namespace bench {
namespace {

using Field = std::size_t coap::EndpointCapacities::*;

struct Growth {
    const char* table;
    Field field;
    std::size_t low;
    std::size_t high;
    bool exact;
    const char* note;
};

// Hash indexes are sized to the next power of two at or above twice the
// capacity: between two powers of two, the pair (low, high) keeps the load
// factor at exactly 1/2 and gives the cost of one slot; the capacities just
// above a power of two (1088, 4352) pay for an index twice as large.
constexpr Growth growths[] = {
    {"exchanges", &coap::EndpointCapacities::exchanges, 64, 1024, true, ""},
    {"exchanges", &coap::EndpointCapacities::exchanges, 64, 1088, false,
     "index rounded up to 4096 buckets"},
    {"dedup_entries", &coap::EndpointCapacities::dedup_entries, 256, 4096, true, ""},
    {"dedup_entries", &coap::EndpointCapacities::dedup_entries, 256, 4352, false,
     "index rounded up to 16384 buckets"},
    {"peers", &coap::EndpointCapacities::peers, 64, 1024, true, ""},
    {"queued_datagrams", &coap::EndpointCapacities::queued_datagrams, 32, 1024, true, ""},
    {"events", &coap::EndpointCapacities::events, 32, 1024, true, ""},
};

ConstructorBytes construct(const coap::EndpointConfig& config) {
    const std::uint64_t bytes_before = alloc_counter::allocated_bytes();
    const std::uint64_t allocations_before = alloc_counter::allocations();
    coap::Endpoint endpoint(config);
    ConstructorBytes made{alloc_counter::allocated_bytes() - bytes_before,
                          alloc_counter::allocations() - allocations_before};
    benchmark::DoNotOptimize(&endpoint);
    return made;
}

std::string number(double value, int decimals) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    // Thousands separators for the integer part: "1234567.5" -> "1,234,567.5".
    const std::string_view plain = text;
    const std::size_t sign = plain.substr(0, 1) == "-" ? 1 : 0;
    const std::size_t digits = std::min(plain.find('.'), plain.size()) - sign;
    std::string grouped(plain.substr(0, sign));
    for (std::size_t i = 0; i < digits; ++i) {
        if (i != 0 && (digits - i) % 3 == 0) grouped += ',';
        grouped += plain[sign + i];
    }
    grouped += plain.substr(sign + digits);
    return grouped;
}

std::string bytes_text(std::uint64_t bytes) {
    return number(static_cast<double>(bytes), 0);
}

}  // namespace

std::vector<StateSize> measure_state_sizes(const std::vector<std::size_t>& max_message_sizes) {
    std::vector<StateSize> sizes;
    if (!alloc_counter::available()) return sizes;
    for (const std::size_t message_size : max_message_sizes) {
        coap::EndpointConfig defaults;
        defaults.capacities.max_message_size = message_size;
        StateSize size;
        size.max_message_size = message_size;
        size.at_defaults = construct(defaults);
        size.fixed_bytes = static_cast<double>(size.at_defaults.bytes);
        for (const Growth& growth : growths) {
            coap::EndpointConfig config = defaults;
            TableSlope slope;
            slope.table = growth.table;
            slope.low = growth.low;
            slope.high = growth.high;
            slope.exact = growth.exact;
            slope.note = growth.note;
            config.capacities.*growth.field = growth.low;
            slope.at_low = construct(config);
            config.capacities.*growth.field = growth.high;
            slope.at_high = construct(config);
            if (slope.exact) {
                size.fixed_bytes -=
                    slope.bytes_per_slot() * static_cast<double>(defaults.capacities.*growth.field);
            }
            size.slopes.push_back(std::move(slope));
        }
        sizes.push_back(std::move(size));
    }
    return sizes;
}

void print_state_sizes(std::ostream& out, const std::vector<StateSize>& sizes, bool markdown) {
    if (sizes.empty()) {
        out << "\nbytes of state: not measured (this build cannot count allocations)\n";
        return;
    }
    const coap::EndpointCapacities defaults{};
    const std::string default_text =
        std::to_string(defaults.exchanges) + " / " + std::to_string(defaults.dedup_entries) +
        " / " + std::to_string(defaults.peers) + " / " + std::to_string(defaults.queued_datagrams) +
        " / " + std::to_string(defaults.events);

    std::vector<std::vector<std::string>> rows;
    for (const StateSize& size : sizes) {
        const std::string mms = std::to_string(size.max_message_size);
        for (const TableSlope& slope : size.slopes) {
            const double per = slope.bytes_per_slot();
            std::string per_slot =
                number(per, per == static_cast<double>(static_cast<std::int64_t>(per)) ? 0 : 1);
            if (!slope.note.empty()) per_slot += " (" + slope.note + ")";
            rows.push_back(
                {mms, slope.table, std::to_string(slope.low) + " → " + std::to_string(slope.high),
                 bytes_text(slope.at_low.bytes) + " → " + bytes_text(slope.at_high.bytes),
                 per_slot});
        }
        rows.push_back({mms, "fixed (everything else)", "defaults " + default_text,
                        bytes_text(size.at_defaults.bytes) + " in " +
                            std::to_string(size.at_defaults.allocations) + " allocations",
                        number(size.fixed_bytes, 0) + " (fixed)"});
    }
    const std::vector<std::string> header = {"max_message_size", "Table", "Capacity",
                                             "Bytes allocated by the constructor",
                                             "Bytes per slot"};

    if (markdown) {
        out << "| max_message_size | Table | Capacity | Bytes allocated by the constructor | "
               "Bytes per slot |\n|--:|---|--:|--:|--:|\n";
        print_markdown_rows(out, rows);
        out << "\nBytes are what the constructor asked malloc for (the allocator's own "
               "per-block overhead excluded), counted by the interposed malloc. One table "
               "grows at a time, the others stay at their defaults (exchanges / dedup_entries / "
               "peers / queued_datagrams / events = "
            << default_text
            << "). Bytes per slot is the slope between the two capacities; the fixed row is "
               "the total at the defaults minus each table's slope times its default capacity. "
               "Absolute figures: libcoap has no in-memory equivalent to compare with.\n";
        return;
    }

    out << "\nbytes of state: what the Endpoint constructor allocates, per table slot\n";
    print_aligned(out, header, rows, Align::left);
}

}  // namespace bench
