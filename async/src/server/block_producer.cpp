// block_producer.cpp — choosing, reading and writing one block of a
// representation produced on demand.
#include "coap/block_producer.hpp"

#include "coap/option.hpp"

#include <algorithm>

namespace coap {

void produce_block(const BlockProducer& producer, std::optional<BlockValue> requested,
                   std::uint8_t max_szx, ProducedBlock& out) {
    out.outcome = ProducedBlock::Outcome::ok;
    out.block2.reset();
    out.length = 0;
    if (max_szx > 6) max_szx = 6;
    std::uint8_t szx = max_szx;
    std::uint64_t offset = 0;
    if (requested) {
        offset = requested->offset();
        szx = std::min(szx, requested->szx());
    }
    const std::size_t size = std::size_t{16} << szx;
    const auto total = producer.size();
    if (total && offset >= *total && !(offset == 0 && *total == 0)) {
        out.outcome = ProducedBlock::Outcome::past_end;
        return;
    }
    // One byte more than the block when the size is unknown: it says whether
    // more follows. Never more than the representation's known size.
    std::size_t want = size + 1;
    if (total) want = static_cast<std::size_t>(std::min<std::uint64_t>(size, *total - offset));
    const auto got = producer.read(offset, gsl::span<std::byte>(out.bytes.data(), want));
    if (!got || *got > want || (total && *got != want)) {
        out.outcome = ProducedBlock::Outcome::failed;
        return;
    }
    if (*got == 0 && offset > 0) {
        out.outcome = ProducedBlock::Outcome::past_end;
        return;
    }
    const bool more = total ? offset + *got < *total : *got > size;
    out.length = std::min(*got, size);
    if (!requested && !more) return;  // fits one message: no Block2
    const std::uint64_t num = offset / size;
    const auto block = BlockValue::make(static_cast<std::uint32_t>(num), more, szx);
    if (num > BlockValue::max_num || !block) {
        out.outcome = ProducedBlock::Outcome::past_end;
        return;
    }
    out.block2 = *block;
}

void write_produced_block(MessageWriter& writer, const BlockProducer& producer,
                          const ProducedBlock& block, const BodyOptions& options,
                          bool with_size2) noexcept {
    const bool split = block.block2 && (block.block2->more() || block.block2->num() > 0);
    if (options.content_format)
        writer.option_uint(OptionNumber::content_format, *options.content_format);
    if (options.etag) writer.option(OptionNumber::etag, options.etag->bytes());
    if (options.max_age) writer.option_uint(OptionNumber::max_age, *options.max_age);
    if (block.block2) writer.option_uint(OptionNumber::block2, block.block2->to_uint());
    const auto total = producer.size();
    if (total && *total <= 0xffffffffu && (with_size2 || (split && block.block2->num() == 0)))
        writer.option_uint(OptionNumber::size2, static_cast<std::uint32_t>(*total));
    if (block.length > 0)
        writer.payload(gsl::span<const std::byte>(block.bytes.data(), block.length));
}

}  // namespace coap
