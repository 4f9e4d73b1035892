// fuzz/block_assembly.cpp — libFuzzer target: arbitrary sequences of Block1
// blocks (keys, NUM, M, SZX, payload lengths, Size1, time steps) and limits fed
// to Block1Assembler, and stores and lookups in Block2ResponseCache.
// Invariants: the counts and bytes held stay within the limits and match the
// outcomes; every payload byte carries its key and body offset, so a completed
// body proves that no block was lost, misplaced, mixed up or appended twice;
// a completed body is never larger than max_body; answers carry the right M.
#include "coap/block1_assembly.hpp"

#include "data_provider.hpp"
#include "fuzz_support.hpp"

#include <array>
#include <vector>

namespace {

std::byte pattern(std::size_t key, std::uint64_t offset) {
    return static_cast<std::byte>((offset * 31u + (offset >> 8) + key * 101u) & 0xffu);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    cobalt_fuzz::DataProvider in(data, size);
    coap::BlockLimits limits;
    limits.max_body = in.ConsumeIntegralInRange<std::size_t>(0, 8192);
    limits.max_transfers = in.ConsumeIntegralInRange<std::size_t>(0, 4);
    limits.max_total_bytes = in.ConsumeIntegralInRange<std::size_t>(0, 8192);
    limits.max_block_size = 16u << in.ConsumeIntegralInRange<unsigned>(0, 6);
    limits.lifetime = coap::seconds(in.ConsumeIntegralInRange<std::int64_t>(1, 300));
    coap::Block1Assembler assembler(limits);
    coap::Block2ResponseCache cache(limits);

    std::array<coap::Block1Key, 6> keys;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        keys[k].peer = coap::Address::ipv4({10, 0, 0, static_cast<std::uint8_t>(k % 3)}, 5683);
        keys[k].path = "/r";
        if (k >= 3) keys[k].request_tag = std::vector<std::byte>{std::byte{1}};
    }
    coap::Instant now{0};
    std::vector<std::byte> payload;

    for (int step = 0; step < 512 && in.remaining_bytes() > 0; ++step) {
        now = now + coap::milliseconds(in.ConsumeIntegralInRange<std::int64_t>(0, 400000));
        const auto k = in.ConsumeIntegralInRange<std::size_t>(0, keys.size() - 1);
        if (in.ConsumeIntegralInRange<unsigned>(0, 15) == 0) {
            const auto body_size = in.ConsumeIntegralInRange<std::size_t>(0, 9000);
            payload.assign(body_size, std::byte{7});
            if (in.ConsumeBool())
                cache.store(now, keys[k].peer, keys[k].path, coap::codes::post,
                            coap::codes::changed, payload, {});
            else
                (void)cache.find(now, keys[k].peer, keys[k].path, coap::codes::post);
            FUZZ_REQUIRE(cache.size() <= limits.max_transfers);
            continue;
        }
        const auto num = in.ConsumeIntegralInRange<std::uint32_t>(0, 40);
        const bool more = in.ConsumeBool();
        const auto szx = in.ConsumeIntegralInRange<std::uint8_t>(0, 6);
        const auto block = coap::BlockValue::make(num, more, szx).value();
        std::size_t length = block.size();
        switch (in.ConsumeIntegralInRange<unsigned>(0, 3)) {
            case 0:
                length = in.ConsumeIntegralInRange<std::size_t>(0, block.size() + 8);
                break;
            case 1:
                if (!more) length = in.ConsumeIntegralInRange<std::size_t>(0, block.size());
                break;
            default:
                break;
        }
        payload.resize(length);
        for (std::size_t i = 0; i < length; ++i)
            payload[i] = pattern(k, block.offset() + i);
        std::optional<std::uint32_t> size1;
        if (in.ConsumeIntegralInRange<unsigned>(0, 3) == 0)
            size1 = in.ConsumeIntegralInRange<std::uint32_t>(0, 10000);

        const std::size_t before = assembler.transfers();
        const auto result = assembler.offer(now, keys[k], block, size1, payload);
        FUZZ_REQUIRE(assembler.transfers() <= limits.max_transfers);
        FUZZ_REQUIRE(assembler.bytes() <= limits.max_total_bytes);
        FUZZ_REQUIRE(assembler.transfers() <= before + 1);
        switch (result.outcome) {
            case coap::Block1Outcome::continue_:
                FUZZ_REQUIRE(result.ack.more());
                FUZZ_REQUIRE(result.ack.szx() <= block.szx());
                break;
            case coap::Block1Outcome::complete: {
                FUZZ_REQUIRE(!result.ack.more());
                const auto body = assembler.take_body();
                FUZZ_REQUIRE(body.size() <= limits.max_body);
                FUZZ_REQUIRE(body.size() == block.offset() + length);
                for (std::size_t i = 0; i < body.size(); ++i)
                    FUZZ_REQUIRE(body[i] == pattern(k, i));
                break;
            }
            case coap::Block1Outcome::too_large:
                FUZZ_REQUIRE(result.size1 == limits.max_body);
                break;
            case coap::Block1Outcome::busy:
                FUZZ_REQUIRE(result.max_age >= 1);
                break;
            case coap::Block1Outcome::incomplete:
            case coap::Block1Outcome::bad_request:
                break;
        }
        if (in.ConsumeIntegralInRange<unsigned>(0, 31) == 0) {
            assembler.expire(now + limits.lifetime);
            FUZZ_REQUIRE(assembler.transfers() == 0);
            FUZZ_REQUIRE(assembler.bytes() == 0);
        }
    }
    return 0;
}
