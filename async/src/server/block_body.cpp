// block_body.cpp — Block2 slicing of a response body and writing one slice.
#include "coap/block_body.hpp"

#include "coap/option.hpp"

#include "../fnv1a.hpp"

#include <algorithm>

namespace coap {

std::uint8_t max_block_szx(std::uint32_t max_block_size, std::size_t max_message_size) noexcept {
    std::uint8_t szx = 6;  // 1024 bytes
    while (szx > 0) {
        const std::uint32_t size = 16u << szx;
        if (size <= max_block_size && size + body_overhead <= max_message_size) break;
        --szx;
    }
    return szx;
}

std::optional<BodySlice> slice_body(std::size_t body_size, std::optional<BlockValue> requested,
                                    std::uint8_t max_szx) noexcept {
    if (max_szx > 6) max_szx = 6;
    const std::size_t max_size = std::size_t{16} << max_szx;
    if (!requested && body_size <= max_size) return BodySlice{0, body_size, std::nullopt};

    std::uint64_t offset = 0;
    std::uint8_t szx = max_szx;
    if (requested) {
        // §2.4: the offset is NUM times the client's block size; answer it with
        // a block no larger than ours (§2.5: a smaller SZX, the NUM scaled up).
        offset = requested->offset();
        if (requested->szx() < szx) szx = requested->szx();
    }
    const std::size_t size = std::size_t{16} << szx;
    if (offset >= body_size && !(offset == 0 && body_size == 0)) return std::nullopt;
    const std::uint64_t num = offset / size;
    const std::size_t length =
        static_cast<std::size_t>(std::min<std::uint64_t>(size, body_size - offset));
    const bool more = offset + length < body_size;
    const auto block = BlockValue::make(static_cast<std::uint32_t>(num), more, szx);
    if (num > BlockValue::max_num || !block) return std::nullopt;
    return BodySlice{static_cast<std::size_t>(offset), length, *block};
}

ETag etag_of(gsl::span<const std::byte> body) noexcept {
    detail::Fnv1a hash;
    hash.add_all(body);
    return ETag::from_uint64(hash.value());
}

void write_body_slice(MessageWriter& writer, gsl::span<const std::byte> body,
                      const BodySlice& slice, const BodyOptions& options,
                      bool with_size2) noexcept {
    const bool split = slice.block2 && (slice.block2->more() || slice.block2->num() > 0);
    if (options.content_format)
        writer.option_uint(OptionNumber::content_format, *options.content_format);
    if (options.etag)
        writer.option(OptionNumber::etag, options.etag->bytes());
    else if (split)
        writer.option(OptionNumber::etag, etag_of(body).bytes());
    if (options.max_age) writer.option_uint(OptionNumber::max_age, *options.max_age);
    if (slice.block2) writer.option_uint(OptionNumber::block2, slice.block2->to_uint());
    if (with_size2 || (split && slice.block2->num() == 0))
        writer.option_uint(OptionNumber::size2, static_cast<std::uint32_t>(body.size()));
    if (slice.length > 0) writer.payload(body.subspan(slice.offset, slice.length));
}

}  // namespace coap
