// coap/block1_assembly.hpp — server-side state of block-wise transfers
// (RFC 7959): Block1Assembler collects the Block1 blocks of a request body per
// (peer, resource path, Request-Tag) and says what to answer to each block
// (2.31 Continue, 4.08, 4.13, 5.03, or: complete); Block2ResponseCache keeps
// the large response to such a request so that the client can fetch its
// further Block2 blocks (§3.3). Both are bounded in count and bytes and forget
// an entry EXCHANGE_LIFETIME after its last use (time is an argument). Pure
// bookkeeping: never sends, never reads a clock.
#pragma once

#include "coap/address.hpp"
#include "coap/block.hpp"
#include "coap/block_body.hpp"
#include "coap/code.hpp"
#include "coap/time.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace coap {

/// Limits of the server's block-wise state (ResourceTree::set_block_limits).
struct BlockLimits {
    /// The largest request body assembled from Block1 blocks; a larger Size1, or
    /// a body growing past it, is answered 4.13 with Size1 = max_body.
    std::size_t max_body = std::size_t{4} << 20;
    /// Transfers assembled at once (over all peers).
    std::size_t max_transfers = 16;
    /// Bytes held by all assemblies (and, separately, by all cached responses).
    /// Full (count or bytes): a new transfer — or a block that would pass the
    /// byte budget — is answered 5.03 with Max-Age (seconds until the oldest
    /// assembly expires); transfers already in progress are never evicted.
    std::size_t max_total_bytes = std::size_t{32} << 20;
    /// The largest block the server accepts (16..1024, a power of two). A first
    /// block larger than this is taken, and its 2.31 asks for this size from
    /// then on (late negotiation, §2.5).
    std::uint32_t max_block_size = 1024;
    /// An assembly (or a cached response) is forgotten this long after its last
    /// block (EXCHANGE_LIFETIME by default).
    Duration lifetime = seconds(247);
};

/// Identifies one transfer: the peer, the resource path ("/a/b") and the
/// Request-Tag (RFC 9175: an absent tag differs from an empty one).
struct Block1Key {
    Address peer{};
    std::string path;
    std::optional<std::vector<std::byte>> request_tag;
    friend bool operator==(const Block1Key&, const Block1Key&) = default;
};

enum class Block1Outcome : std::uint8_t {
    continue_,    ///< answer 2.31 Continue with `ack`
    complete,     ///< the body is whole: run the handler, echo `ack` (M=0) in its response
    incomplete,   ///< answer 4.08 Request Entity Incomplete (a gap, or no start)
    too_large,    ///< answer 4.13 Request Entity Too Large with Size1 = `size1`
    busy,         ///< answer 5.03 Service Unavailable with Max-Age = `max_age`
    bad_request,  ///< answer 4.00 (a non-final block whose payload is not one block)
};

struct Block1Step {
    Block1Outcome outcome = Block1Outcome::incomplete;
    /// The Block1 option of the answer (continue_, complete).
    BlockValue ack{};
    std::uint32_t size1 = 0;
    std::uint32_t max_age = 0;
};

class Block1Assembler {
  public:
    explicit Block1Assembler(const BlockLimits& limits = {}) : limits_(limits) {}

    /// One received block of `key`'s transfer with its payload and the request's
    /// Size1. After `complete`, take_body() hands out the body. A block with the
    /// NUM and size of the last one taken (a retransmission in a new message) is
    /// answered again and not appended twice.
    Block1Step offer(Instant now, const Block1Key& key, BlockValue block,
                     std::optional<std::uint32_t> size1, gsl::span<const std::byte> payload);
    /// The body completed by the last offer() (moved out; empty afterwards).
    std::vector<std::byte> take_body() noexcept { return std::move(completed_); }

    /// Forgets assemblies idle for `limits().lifetime` (offer() does this too).
    void expire(Instant now);
    std::size_t transfers() const noexcept { return entries_.size(); }
    std::size_t bytes() const noexcept { return bytes_; }
    const BlockLimits& limits() const noexcept { return limits_; }
    void set_limits(const BlockLimits& limits) { limits_ = limits; }

  private:
    struct Entry {
        Block1Key key;
        std::vector<std::byte> body;
        std::uint64_t last_offset = 0;  ///< offset of the last block taken
        std::size_t last_length = 0;
        BlockValue last_ack{};
        Instant expires{};
    };
    Entry* find(const Block1Key& key) noexcept;
    void erase(const Entry* entry) noexcept;
    std::uint32_t seconds_until_room(Instant now) const noexcept;
    std::uint8_t max_szx() const noexcept;

    BlockLimits limits_;
    std::vector<Entry> entries_;
    std::size_t bytes_ = 0;
    std::vector<std::byte> completed_;
};

/// A response body answered in Block2 blocks to a request whose own body came in
/// Block1 blocks (§3.3): the following blocks are asked for by requests without
/// a body, which must not run the handler again.
class Block2ResponseCache {
  public:
    struct Response {
        Code method{};
        Code code{};
        std::vector<std::byte> body;
        BodyOptions options{};
        Instant expires{};
    };

    explicit Block2ResponseCache(const BlockLimits& limits = {}) : limits_(limits) {}

    /// Keeps `body` for (peer, path) and `method`, replacing an older one; drops
    /// the oldest responses to stay within the limits (a body larger than the
    /// byte budget is not kept).
    void store(Instant now, const Address& peer, std::string path, Code method, Code code,
               gsl::span<const std::byte> body, const BodyOptions& options);
    /// The response kept for (peer, path) and `method`, refreshed; nullptr when none.
    const Response* find(Instant now, const Address& peer, std::string_view path, Code method);

    std::size_t size() const noexcept { return entries_.size(); }
    void set_limits(const BlockLimits& limits) { limits_ = limits; }

  private:
    struct Entry {
        Address peer{};
        std::string path;
        Response response;
    };
    void expire(Instant now);

    BlockLimits limits_;
    std::vector<Entry> entries_;
    std::size_t bytes_ = 0;
};

}  // namespace coap
