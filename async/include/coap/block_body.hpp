// coap/block_body.hpp — answering with a body that may need several messages:
// which slice of the body one response carries (RFC 7959 §2.2–2.4 Block2,
// §4 Size2) and how that response is written (Content-Format, ETag, Block2,
// Size2, payload). Stateless, as RFC 7959 allows: every block request is
// answered from the whole body again. Never sends anything itself.
#pragma once

#include "coap/block.hpp"
#include "coap/etag.hpp"
#include "coap/message_writer.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap {

/// How a body is answered.
struct BodyOptions {
    std::optional<std::uint16_t> content_format{};
    /// Sent with every block so that a client sees the representation change
    /// between blocks. Without one, a body sent in blocks gets etag_of(body).
    std::optional<ETag> etag{};
    std::optional<std::uint32_t> max_age{};
    /// The largest block to send (16..1024; rounded down to a power of two).
    /// The Endpoint's max_message_size may lower it further.
    std::uint32_t max_block_size = 1024;
};

/// The part of a body one response carries.
struct BodySlice {
    std::size_t offset = 0;
    std::size_t length = 0;
    /// The Block2 option of the response; nullopt: the whole body, no Block2.
    std::optional<BlockValue> block2{};
    friend bool operator==(const BodySlice&, const BodySlice&) = default;
};

/// Header, token and the options write_body_slice adds fit in this many bytes.
inline constexpr std::size_t body_overhead = 64;

/// The largest SZX whose block fits both `max_block_size` and a message of
/// `max_message_size` bytes (with body_overhead); at least 0 (16 bytes).
std::uint8_t max_block_szx(std::uint32_t max_block_size, std::size_t max_message_size) noexcept;

/// The slice answering a request that carried `requested` (its Block2 option,
/// if any) for a body of `body_size` bytes, sending blocks of at most 2^(max_szx+4)
/// bytes. Without a request for a block the whole body goes in one response when
/// it fits one block, else block 0 (M set). A requested SZX above max_szx is
/// answered with the smaller size at the same offset (§2.5). nullopt: the block
/// lies past the end of the body (answer 4.02 Bad Option), or NUM would overflow.
std::optional<BodySlice> slice_body(std::size_t body_size, std::optional<BlockValue> requested,
                                    std::uint8_t max_szx) noexcept;

/// An ETag derived from the body's bytes (64-bit FNV-1a), so equal bodies get
/// equal tags and a change shows.
ETag etag_of(gsl::span<const std::byte> body) noexcept;

/// Writes one response's options and payload: Content-Format, ETag (given, or
/// etag_of(body) when the body is split), Max-Age, Block2, Size2 (when
/// `with_size2`, or on block 0 of a split body) and the slice of `body`.
void write_body_slice(MessageWriter& writer, gsl::span<const std::byte> body,
                      const BodySlice& slice, const BodyOptions& options, bool with_size2) noexcept;

}  // namespace coap
