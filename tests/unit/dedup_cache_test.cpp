// dedup_cache_test.cpp — the internal DedupCache (RFC 7252 §4.5 lifetimes, the
// expiry heap, lazy reclamation) and its ReplyStore ring (wraparound, FIFO
// dropping, the generation check), tested directly rather than through an Endpoint.
#include "../../engine/src/endpoint/dedup_cache.hpp"
#include "../support/table_memory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace coap::detail {
namespace {

std::vector<std::byte> reply_of(std::size_t size, std::uint8_t fill) {
    return std::vector<std::byte>(size, std::byte{fill});
}

bool same(gsl::span<const std::byte> a, const std::vector<std::byte>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

struct Drop {
    std::uint32_t owner;
    std::uint32_t sequence;
};

/// Stores into `store` and records every record it drops.
std::optional<ReplyRef> put(ReplyStore& store, const std::vector<std::byte>& reply,
                            std::uint32_t owner, std::vector<Drop>* drops = nullptr) {
    return store.store(reply, owner, [&](std::uint32_t o, std::uint32_t s) {
        if (drops) drops->push_back({o, s});
    });
}

Address peer(std::uint8_t n) {
    return Address::ipv4({10, 0, 0, n}, 5683);
}

Instant at(std::int64_t s) {
    return Instant{s * 1000};
}

// --- ReplyStore ---------------------------------------------------------------

TEST(ReplyStore, StoresVariableLengthRepliesAndGivesThemBack) {
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 256); });
    const auto a = reply_of(4, 0xa1), b = reply_of(90, 0xb2), c = reply_of(0, 0);
    const auto ra = put(store, a, 1), rb = put(store, b, 2), rc = put(store, c, 3);
    ASSERT_TRUE(ra && rb && rc);
    EXPECT_TRUE(same(store.get(*ra), a));
    EXPECT_TRUE(same(store.get(*rb), b));
    EXPECT_TRUE(store.contains(*rc));
    EXPECT_TRUE(store.get(*rc).empty());
    EXPECT_EQ(store.records(), 3u);
    EXPECT_EQ(store.used(), 3 * ReplyStore::header_size + 94);
}

TEST(ReplyStore, WrapsAroundKeepingEachReplyContiguousAndCountsTheGap) {
    // Records of 30 bytes in a ring of 100: three fit, the 10-byte tail is too short.
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 100); });
    std::vector<Drop> drops;
    std::vector<ReplyRef> refs;
    for (std::uint8_t i = 0; i < 3; ++i)
        refs.push_back(*put(store, reply_of(20, i), i, &drops));
    EXPECT_EQ(refs[2].offset, 60u);
    EXPECT_TRUE(drops.empty());

    // The fourth does not fit in [90, 100): the oldest goes and it starts at 0.
    refs.push_back(*put(store, reply_of(20, 3), 3, &drops));
    EXPECT_EQ(refs[3].offset, 0u);
    ASSERT_EQ(drops.size(), 1u);
    EXPECT_EQ(drops[0].owner, 0u);
    EXPECT_EQ(store.used(), 100u) << "three records and the unused 10-byte tail";
    EXPECT_FALSE(store.contains(refs[0]));
    for (std::uint8_t i = 1; i < 4; ++i)
        EXPECT_TRUE(same(store.get(refs[i]), reply_of(20, i))) << int{i};

    // Then into the room the oldest leave behind, then back past the unused tail.
    refs.push_back(*put(store, reply_of(20, 4), 4, &drops));
    EXPECT_EQ(refs[4].offset, 30u);
    refs.push_back(*put(store, reply_of(20, 5), 5, &drops));
    EXPECT_EQ(refs[5].offset, 60u) << "the tail was skipped once and is usable again";
    ASSERT_EQ(drops.size(), 3u);
    EXPECT_EQ(drops[1].owner, 1u);
    EXPECT_EQ(drops[2].owner, 2u);
    for (std::uint8_t i = 3; i < 6; ++i)
        EXPECT_TRUE(same(store.get(refs[i]), reply_of(20, i))) << int{i};
    EXPECT_EQ(store.used(), 90u);
}

TEST(ReplyStore, DropsTheOldestRecordsFirstUntilTheNewOneFits) {
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 120); });
    std::vector<Drop> drops;
    std::vector<ReplyRef> refs;
    for (std::uint32_t i = 0; i < 6; ++i)
        refs.push_back(*put(store, reply_of(10, 1), i, &drops));  // 20 bytes each: full
    EXPECT_TRUE(drops.empty());
    const auto big = put(store, reply_of(50, 9), 99, &drops);  // 60 bytes: three must go
    ASSERT_TRUE(big);
    ASSERT_EQ(drops.size(), 3u);
    for (std::uint32_t i = 0; i < 3; ++i) {
        EXPECT_EQ(drops[i].owner, i);
        EXPECT_EQ(drops[i].sequence, refs[i].sequence);
        EXPECT_FALSE(store.contains(refs[i]));
    }
    for (std::uint32_t i = 3; i < 6; ++i)
        EXPECT_TRUE(store.contains(refs[i]));
}

TEST(ReplyStore, AStaleReferenceIsDetectedEvenWhenItsOffsetIsReused) {
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 30); });
    const auto first = put(store, reply_of(20, 1), 1);
    const auto second = put(store, reply_of(20, 2), 2);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->offset, second->offset);
    EXPECT_NE(first->sequence, second->sequence);
    EXPECT_FALSE(store.contains(*first));
    EXPECT_TRUE(store.get(*first).empty());
    EXPECT_TRUE(same(store.get(*second), reply_of(20, 2)));
}

TEST(ReplyStore, AReplyLargerThanTheRingIsNotStoredAndDropsNothing) {
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 64); });
    std::vector<Drop> drops;
    const auto kept = put(store, reply_of(10, 1), 1, &drops);
    EXPECT_FALSE(put(store, reply_of(64 - ReplyStore::header_size + 1, 2), 2, &drops));
    EXPECT_TRUE(drops.empty());
    EXPECT_TRUE(store.contains(*kept));
    EXPECT_TRUE(put(store, reply_of(64 - ReplyStore::header_size, 3), 3, &drops))
        << "exactly the ring";

    ReplyStore none;
    init_table([&](Arena& a) { none.init(a, 0); });
    EXPECT_FALSE(put(none, reply_of(1, 1), 1));
}

TEST(ReplyStore, MatchesAFifoModelUnderRandomSizes) {
    ReplyStore store;
    init_table([&](Arena& a) { store.init(a, 1000); });
    struct Held {
        ReplyRef ref;
        std::uint32_t owner;
        std::vector<std::byte> bytes;
    };
    std::deque<Held> model;
    std::vector<ReplyRef> gone;
    std::uint64_t rng = 12345;
    for (std::uint32_t i = 0; i < 20000; ++i) {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        const std::size_t size = static_cast<std::size_t>(rng >> 33) % 200;
        const auto bytes = reply_of(size, static_cast<std::uint8_t>(i));
        const auto ref = store.store(bytes, i, [&](std::uint32_t owner, std::uint32_t sequence) {
            ASSERT_FALSE(model.empty());
            EXPECT_EQ(owner, model.front().owner) << "FIFO order";
            EXPECT_EQ(sequence, model.front().ref.sequence);
            gone.push_back(model.front().ref);
            model.pop_front();
        });
        ASSERT_TRUE(ref);
        model.push_back({*ref, i, bytes});
        ASSERT_LE(store.used(), store.capacity());
        ASSERT_EQ(store.records(), model.size());
        ASSERT_LE(ref->offset + ReplyStore::header_size + size, store.capacity()) << "contiguous";
        for (const Held& h : model)
            ASSERT_TRUE(same(store.get(h.ref), h.bytes));
        while (gone.size() > 8)
            gone.erase(gone.begin());
        for (const ReplyRef& r : gone)
            ASSERT_FALSE(store.contains(r));
    }
}

// --- DedupCache -----------------------------------------------------------------

TEST(DedupCache, FindTreatsAnExpiredEntryAsAbsentAndInsertReplacesIt) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 4, 256); });
    const auto slot = cache.insert(peer(1), 7, at(0), at(10));
    ASSERT_TRUE(slot);
    EXPECT_EQ(cache.find(peer(1), 7, at(9)), slot);
    EXPECT_FALSE(cache.find(peer(1), 8, at(9)));
    EXPECT_FALSE(cache.find(peer(2), 7, at(9)));
    EXPECT_FALSE(cache.find(peer(1), 7, at(10)));
    EXPECT_EQ(cache.in_use(), 1u) << "expired, not reclaimed yet";
    EXPECT_EQ(cache[*slot].key, (mix_hash(peer(1).hash(), 0) & ~std::uint64_t{7}) | 7u)
        << "the key is kept: message IDs 0-7 of the peer form one group, 7 its last bucket";

    const auto again = cache.insert(peer(1), 7, at(10), at(20));
    ASSERT_TRUE(again);
    EXPECT_EQ(cache.in_use(), 1u);
    EXPECT_EQ(cache.find(peer(1), 7, at(19)), again);
    EXPECT_EQ(cache.earliest_expiry(), at(20));
}

TEST(DedupCache, EightConsecutiveMessageIdsOfAPeerShareOneGroupOfBuckets) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 32, 0); });
    std::vector<std::uint64_t> keys;
    for (std::uint16_t id = 16; id < 32; ++id) {
        const auto slot = cache.insert(peer(1), id, at(0), at(10));
        ASSERT_TRUE(slot);
        keys.push_back(cache[*slot].key);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        EXPECT_EQ(keys[i] & 7u, i & 7u) << "the ID's place in its group";
        EXPECT_EQ(keys[i] >> 3, keys[i & ~std::size_t{7}] >> 3) << "one group per eight IDs";
    }
    EXPECT_NE(keys[0] >> 3, keys[8] >> 3) << "the next eight IDs are placed apart";
}

TEST(DedupCache, SequentialMessageIdsOfManyPeersAreAllFoundAcrossTheWrap) {
    // Clients numbering in order fill whole groups of buckets; at half load the
    // groups of 64 peers overlap and every entry must still be found, and
    // erasing every other one (backward shifts across groups) must keep the rest.
    constexpr std::size_t peers = 64, per_peer = 24;
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, peers * per_peer, 0); });
    const auto id_of = [](std::size_t p, std::size_t i) {
        return static_cast<std::uint16_t>(65530 + p * 3 + i);  // wraps past 65535
    };
    std::vector<std::uint32_t> slots;
    for (std::size_t i = 0; i < per_peer; ++i)
        for (std::size_t p = 0; p < peers; ++p) {
            const auto slot =
                cache.insert(peer(static_cast<std::uint8_t>(p + 1)), id_of(p, i), at(0), at(100));
            ASSERT_TRUE(slot);
            slots.push_back(*slot);
        }
    for (std::size_t k = 0; k < slots.size(); ++k) {
        const std::size_t i = k / peers, p = k % peers;
        EXPECT_EQ(cache.find(peer(static_cast<std::uint8_t>(p + 1)), id_of(p, i), at(1)), slots[k]);
    }
    for (std::size_t k = 0; k < slots.size(); k += 2)
        cache.erase(slots[k]);
    for (std::size_t k = 0; k < slots.size(); ++k) {
        const std::size_t i = k / peers, p = k % peers;
        const auto found = cache.find(peer(static_cast<std::uint8_t>(p + 1)), id_of(p, i), at(1));
        if (k % 2 == 0)
            EXPECT_FALSE(found);
        else
            EXPECT_EQ(found, slots[k]);
    }
}

TEST(DedupCache, NeverFreesALiveEntryAndSaysWhenTheEarliestExpires) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 4, 256); });
    EXPECT_FALSE(cache.earliest_expiry());
    for (std::uint16_t id = 1; id <= 4; ++id)
        ASSERT_TRUE(cache.insert(peer(1), id, at(id), at(100 + id)));
    for (std::int64_t t = 5; t < 101; t += 16) {
        EXPECT_FALSE(cache.insert(peer(2), 99, at(t), at(t + 100))) << t;
        EXPECT_EQ(cache.earliest_expiry(), at(101));
        for (std::uint16_t id = 1; id <= 4; ++id)
            EXPECT_TRUE(cache.find(peer(1), id, at(t))) << id << " at " << t;
    }
    const auto fifth = cache.insert(peer(2), 99, at(101), at(201));
    ASSERT_TRUE(fifth) << "the first entry has expired";
    EXPECT_FALSE(cache.find(peer(1), 1, at(101)));
    for (std::uint16_t id = 2; id <= 4; ++id)
        EXPECT_TRUE(cache.find(peer(1), id, at(101)));
    EXPECT_EQ(cache.earliest_expiry(), at(102));
}

TEST(DedupCache, ReclaimsInExpiryOrderWithMixedLifetimes) {
    // CON entries live 247 s, NON entries 145 s: insertion order is not expiry order.
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 3, 256); });
    ASSERT_TRUE(cache.insert(peer(1), 1, at(0), at(247)));  // CON
    ASSERT_TRUE(cache.insert(peer(1), 2, at(1), at(146)));  // NON
    ASSERT_TRUE(cache.insert(peer(1), 3, at(2), at(249)));  // CON
    EXPECT_EQ(cache.earliest_expiry(), at(146));
    EXPECT_FALSE(cache.insert(peer(1), 4, at(145), at(290)));

    ASSERT_TRUE(cache.insert(peer(1), 4, at(146), at(291))) << "the NON entry went";
    EXPECT_TRUE(cache.find(peer(1), 1, at(146))) << "the older CON entry is still live";
    EXPECT_TRUE(cache.find(peer(1), 3, at(146)));
    EXPECT_EQ(cache.earliest_expiry(), at(247));
    EXPECT_FALSE(cache.insert(peer(1), 5, at(200), at(345)));

    ASSERT_TRUE(cache.insert(peer(1), 5, at(247), at(392)));
    EXPECT_FALSE(cache.find(peer(1), 1, at(247)));
    EXPECT_TRUE(cache.find(peer(1), 3, at(247)));
    EXPECT_TRUE(cache.find(peer(1), 4, at(247)));
    EXPECT_EQ(cache.earliest_expiry(), at(249));
}

TEST(DedupCache, ReclaimsOnlyAFewExpiredEntriesPerInsert) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 200, 256); });
    for (std::uint16_t id = 0; id < 100; ++id)
        ASSERT_TRUE(cache.insert(peer(1), id, at(0), at(10)));
    ASSERT_TRUE(cache.insert(peer(2), 0, at(1000), at(1010)));
    EXPECT_EQ(cache.in_use(), 99u) << "two expired entries reclaimed, one added";
    ASSERT_TRUE(cache.insert(peer(2), 1, at(1000), at(1010)));
    EXPECT_EQ(cache.in_use(), 98u);
}

TEST(DedupCache, EraseFromTheMiddleKeepsTheExpiryOrder) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 8, 256); });
    const std::int64_t lifetimes[] = {50, 20, 70, 10, 40, 60, 30, 80};
    std::vector<std::uint32_t> slots;
    for (std::uint16_t id = 0; id < 8; ++id)
        slots.push_back(*cache.insert(peer(1), id, at(0), at(lifetimes[id])));
    cache.erase(slots[3]);  // 10
    EXPECT_EQ(cache.earliest_expiry(), at(20));
    cache.erase(slots[4]);  // 40
    cache.erase(slots[1]);  // 20
    EXPECT_EQ(cache.earliest_expiry(), at(30));
    EXPECT_EQ(cache.in_use(), 5u);
    EXPECT_FALSE(cache.find(peer(1), 3, at(0)));
    for (const int id : {0, 2, 5, 6, 7})
        EXPECT_TRUE(cache.find(peer(1), static_cast<std::uint16_t>(id), at(29))) << id;
}

TEST(DedupCache, EarliestExpiryStaysExactUnderRandomInsertsAndErases) {
    constexpr std::size_t capacity = 32;
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, capacity, 256); });
    std::vector<std::pair<std::uint32_t, Instant>> model;  // (slot, expires)
    std::uint64_t rng = 7;
    auto next = [&] {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        return rng >> 33;
    };
    std::uint16_t id = 0;
    for (int step = 0; step < 20000; ++step) {
        if (model.size() < capacity && next() % 2 == 0) {
            const Instant expires{static_cast<std::int64_t>(1 + next() % 1000)};
            const auto slot = cache.insert(peer(1), ++id, Instant{}, expires);
            ASSERT_TRUE(slot);
            model.emplace_back(*slot, expires);
        } else if (!model.empty()) {
            const std::size_t victim = next() % model.size();
            cache.erase(model[victim].first);
            model.erase(model.begin() + static_cast<std::ptrdiff_t>(victim));
        }
        std::optional<Instant> earliest;
        for (const auto& held : model)
            if (!earliest || held.second < *earliest) earliest = held.second;
        ASSERT_EQ(cache.earliest_expiry(), earliest) << "step " << step;
        ASSERT_EQ(cache.in_use(), model.size());
    }
}

TEST(DedupCache, MatchesABruteForceModelWithMixedLifetimes) {
    constexpr std::size_t capacity = 64;
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, capacity, 1024); });
    struct Held {
        std::uint8_t peer;
        std::uint16_t id;
        Instant expires;
    };
    std::vector<Held> model;  // every successful insert, live or not
    std::uint64_t rng = 99;
    auto next = [&] {
        rng = rng * 6364136223846793005u + 1442695040888963407u;
        return rng >> 33;
    };
    const std::int64_t lifetimes[] = {247000, 145000, 93000, 400000};
    Instant now{};
    std::uint16_t id = 0;
    for (int step = 0; step < 20000; ++step) {
        now = now + Duration{static_cast<std::int64_t>(next() % 9000)};
        const auto who = static_cast<std::uint8_t>(1 + next() % 4);
        const Instant expires = now + Duration{lifetimes[next() % 4]};
        std::erase_if(model, [&](const Held& h) { return h.expires <= now; });
        const std::size_t live = model.size();
        std::optional<Instant> earliest;
        for (const Held& h : model)
            if (!earliest || h.expires < *earliest) earliest = h.expires;

        const auto slot = cache.insert(peer(who), ++id, now, expires);
        ASSERT_EQ(slot.has_value(), live < capacity) << "full only when every entry is live";
        if (slot) {
            model.push_back({who, id, expires});
        } else {
            ASSERT_EQ(cache.earliest_expiry(), earliest);
        }
        ASSERT_LE(cache.in_use(), capacity);
        ASSERT_GE(cache.in_use(), model.size());
        for (const Held& h : model)
            ASSERT_TRUE(cache.find(peer(h.peer), h.id, now)) << "a live entry was freed";
    }
}

TEST(DedupCache, AStoredReplyIsGivenBackUntilTheRingDropsIt) {
    DedupCache cache;
    init_table([&](Arena& a) {
        cache.init(a, 8, 100);
    });  // room for three 20-byte replies (30 bytes with headers)
    std::vector<std::uint32_t> slots;
    for (std::uint16_t id = 0; id < 4; ++id)
        slots.push_back(*cache.insert(peer(1), id, at(0), at(247)));
    for (std::uint8_t i = 0; i < 3; ++i)
        cache.store_reply(slots[i], reply_of(20, i));
    for (std::uint8_t i = 0; i < 3; ++i) {
        EXPECT_EQ(cache[slots[i]].reply, DedupReply::stored);
        EXPECT_TRUE(same(cache.stored_reply(slots[i]), reply_of(20, i)));
    }
    EXPECT_EQ(cache.replies_evicted(), 0u);

    cache.store_reply(slots[3], reply_of(20, 3));
    EXPECT_EQ(cache[slots[0]].reply, DedupReply::lost) << "the oldest reply went";
    EXPECT_TRUE(cache.stored_reply(slots[0]).empty());
    EXPECT_TRUE(cache.find(peer(1), 0, at(1))) << "the entry itself stays";
    for (std::uint8_t i = 1; i < 4; ++i)
        EXPECT_TRUE(same(cache.stored_reply(slots[i]), reply_of(20, i)));
    EXPECT_EQ(cache.replies_evicted(), 1u);
}

TEST(DedupCache, AReplyLargerThanTheRingIsLost) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 2, 64); });
    const auto slot = *cache.insert(peer(1), 1, at(0), at(247));
    cache.store_reply(slot, reply_of(100, 1));
    EXPECT_EQ(cache[slot].reply, DedupReply::lost);
    EXPECT_TRUE(cache.stored_reply(slot).empty());
    EXPECT_EQ(cache.replies_evicted(), 1u);
}

TEST(DedupCache, DroppingTheReplyOfAFreedSlotLeavesItsNewEntryAlone) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 2, 30); });  // one 20-byte reply at a time
    const auto old_slot = *cache.insert(peer(1), 1, at(0), at(10));
    cache.store_reply(old_slot, reply_of(20, 1));
    cache.erase(old_slot);
    const auto reused = *cache.insert(peer(1), 2, at(1), at(247));
    ASSERT_EQ(reused, old_slot);
    const auto other = *cache.insert(peer(1), 3, at(1), at(247));
    cache.store_reply(other, reply_of(20, 3));  // drops the freed entry's record
    EXPECT_EQ(cache[reused].reply, DedupReply::none);
    EXPECT_EQ(cache.replies_evicted(), 0u) << "nobody needed that reply any more";

    cache.store_reply(reused, reply_of(20, 2));  // drops `other`'s record
    EXPECT_EQ(cache[other].reply, DedupReply::lost);
    EXPECT_TRUE(same(cache.stored_reply(reused), reply_of(20, 2)));
    EXPECT_EQ(cache.replies_evicted(), 1u);
}

TEST(DedupCache, DroppingTheReplyOfAnExpiredEntryIsNotCounted) {
    DedupCache cache;
    init_table([&](Arena& a) { cache.init(a, 8, 30); });  // one 20-byte reply at a time
    const auto expired = *cache.insert(peer(1), 1, at(0), at(10));
    cache.store_reply(expired, reply_of(20, 1));
    ASSERT_TRUE(cache.insert(peer(1), 2, at(0), at(5)));
    ASSERT_TRUE(cache.insert(peer(1), 3, at(0), at(6)));
    // This insert reclaims the two that expired first; `expired` stays in the table.
    const auto fresh = *cache.insert(peer(1), 4, at(20), at(267));
    ASSERT_TRUE(cache[expired].in_use);
    cache.store_reply(fresh, reply_of(20, 4));
    EXPECT_EQ(cache[expired].reply, DedupReply::lost);
    EXPECT_EQ(cache.replies_evicted(), 0u) << "no duplicate could have used it";
}

}  // namespace
}  // namespace coap::detail
