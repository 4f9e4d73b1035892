// hash_index_test.cpp — the internal HashIndex in both of its shapes: the
// scanned list of small tables (at most scan_limit entries) and the linear-
// probing hash table, checked against a model under inserts and erases with
// colliding hashes, and their memory per entry.
#include "../../engine/src/endpoint/hash_index.hpp"
#include "../support/table_memory.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

namespace coap::detail {
namespace {

/// A table of `capacity` slots keyed by a 64-bit key, indexed by a HashIndex
/// whose hash is the key itself (so tests choose collisions), and a model.
struct Table {
    explicit Table(std::size_t capacity) : keys(capacity), used(capacity, false) {
        init_table([&](Arena& arena) { index.init(arena, capacity); });
    }
    std::optional<std::uint32_t> find(std::uint64_t key) const {
        return index.find(key, [&](std::uint32_t slot) { return used[slot] && keys[slot] == key; });
    }
    void insert(std::uint32_t slot, std::uint64_t key) {
        keys[slot] = key;
        used[slot] = true;
        index.insert(key, slot);
    }
    void erase(std::uint32_t slot) {
        index.erase(keys[slot], slot);
        used[slot] = false;
    }
    std::vector<std::uint64_t> keys;
    std::vector<bool> used;
    HashIndex index;
};

TEST(HashIndex, SmallTablesAreAListOfEightBytesAnEntry) {
    for (std::size_t capacity : {0u, 1u, 5u, 8u}) {
        Table table(capacity);
        EXPECT_TRUE(table.index.is_list()) << capacity;
        EXPECT_EQ(table.index.memory_bytes(), capacity * 8) << capacity;
    }
    Table larger(HashIndex::scan_limit + 1);
    EXPECT_FALSE(larger.index.is_list());
    EXPECT_EQ(larger.index.memory_bytes(), 32u * 8);  // a power of two, at least twice the entries
    EXPECT_FALSE(Table(0).find(7).has_value());
}

TEST(HashIndex, EntriesWithTheSameLow32BitsAreToldApartByThePredicate) {
    for (std::size_t capacity : {std::size_t{4}, std::size_t{64}}) {
        Table table(capacity);
        const std::uint64_t a = 0x1'0000'0005u;
        const std::uint64_t b = 0x2'0000'0005u;  // same tag, same home bucket
        table.insert(0, a);
        table.insert(1, b);
        EXPECT_EQ(table.find(a), 0u);
        EXPECT_EQ(table.find(b), 1u);
        table.erase(0);
        EXPECT_FALSE(table.find(a).has_value());
        EXPECT_EQ(table.find(b), 1u);
        EXPECT_EQ(table.index.size(), 1u);
        table.index.erase(a, 0);  // erasing what is absent changes nothing
        EXPECT_EQ(table.index.size(), 1u);
    }
}

/// Random inserts and erases against a model, every key found or not found as
/// the model says after each step, and size() the model's count.
void matches_model(std::size_t capacity, std::uint64_t key_range, std::uint32_t seed) {
    Table table(capacity);
    std::mt19937 random(seed);
    std::map<std::uint64_t, std::uint32_t> model;  // key → slot
    std::vector<std::uint32_t> free_slots;
    for (std::uint32_t slot = 0; slot < capacity; ++slot)
        free_slots.push_back(slot);
    for (int step = 0; step < 4000; ++step) {
        // Keys collide in their low bits often (a few home buckets).
        const std::uint64_t key = (std::uint64_t{random() % 5} << 32) | (random() % key_range);
        const auto known = model.find(key);
        if (known != model.end()) {
            table.erase(known->second);
            free_slots.push_back(known->second);
            model.erase(known);
        } else if (!free_slots.empty()) {
            const std::uint32_t slot = free_slots.back();
            free_slots.pop_back();
            table.insert(slot, key);
            model[key] = slot;
        }
        ASSERT_EQ(table.index.size(), model.size());
        for (std::uint64_t probe = 0; probe < key_range; ++probe) {
            for (std::uint64_t high = 0; high < 5; ++high) {
                const std::uint64_t k = (high << 32) | probe;
                const auto expected = model.find(k);
                const auto found = table.find(k);
                if (expected == model.end())
                    ASSERT_FALSE(found.has_value()) << k;
                else
                    ASSERT_EQ(found, expected->second) << k;
            }
        }
    }
}

TEST(HashIndex, AListMatchesAModel) {
    matches_model(HashIndex::scan_limit, 6, 1);
    matches_model(3, 4, 2);
}

TEST(HashIndex, AHashTableMatchesAModelThroughBackwardShiftDeletes) {
    matches_model(40, 24, 3);
    matches_model(HashIndex::scan_limit + 1, 8, 4);
}

}  // namespace
}  // namespace coap::detail
