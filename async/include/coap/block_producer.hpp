// coap/block_producer.hpp — answering with a representation that is produced
// block by block on demand instead of held whole (RFC 7959 §2.2–2.4 Block2,
// §4 Size2): a BlockProducer reads `max_len` bytes at an offset (a file, a
// generator, a database cursor); which block a request gets and how that
// response is written. Random access by NUM, so every block request is
// answered on its own, as RFC 7959 allows. Never sends anything itself and
// never holds more than one block.
#pragma once

#include "coap/block.hpp"
#include "coap/block_body.hpp"
#include "coap/code.hpp"
#include "coap/message_writer.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>

namespace coap {

/// A representation read on demand: `read(offset, out)` writes up to
/// out.size() bytes of the representation, starting at `offset`, into `out` and
/// returns how many it wrote — fewer only at the end of the representation, 0
/// at or past it — or nullopt when it cannot (answered 5.00). `size` is the
/// whole representation's size when known: then Size2 is sent, and a read that
/// comes up short is an error. A reference to the callable, not a copy: valid
/// only as long as the callable is (one respond_blocks() call).
class BlockProducer {
  public:
    template <class F>
    requires std::is_invocable_r_v<std::optional<std::size_t>, F&, std::uint64_t,
                                   gsl::span<std::byte>>
    BlockProducer(std::optional<std::uint64_t> size, F&& read) noexcept
        : size_(size),
          callable_(const_cast<void*>(static_cast<const void*>(std::addressof(read)))),
          call_([](void* callable, std::uint64_t offset, gsl::span<std::byte> out) {
              return std::optional<std::size_t>(
                  (*static_cast<std::remove_reference_t<F>*>(callable))(offset, out));
          }) {}

    std::optional<std::uint64_t> size() const noexcept { return size_; }
    std::optional<std::size_t> read(std::uint64_t offset, gsl::span<std::byte> out) const {
        return call_(callable_, offset, out);
    }

  private:
    std::optional<std::uint64_t> size_;
    void* callable_;
    std::optional<std::size_t> (*call_)(void*, std::uint64_t, gsl::span<std::byte>);
};

/// One produced block, read and ready to be written into a response.
struct ProducedBlock {
    /// The answer's code: the handler's own, or 4.02 (the block lies past the
    /// end) or 5.00 (the producer failed, or fell short of its size).
    enum class Outcome : std::uint8_t { ok, past_end, failed };
    Outcome outcome = Outcome::ok;
    /// The Block2 option of the response; nullopt: the whole representation.
    std::optional<BlockValue> block2{};
    std::size_t length = 0;
    /// The largest block plus one byte: the extra byte tells, when the size is
    /// unknown, whether more follows.
    std::array<std::byte, 1025> bytes{};
};

/// Reads the block answering a request that carried `requested` (its Block2
/// option, if any), in blocks of at most 2^(max_szx+4) bytes, as slice_body()
/// does for a body held whole: without a request for a block, the whole
/// representation when it fits one block, else block 0; a requested SZX above
/// max_szx is answered with the smaller size at the same offset (§2.5).
void produce_block(const BlockProducer& producer, std::optional<BlockValue> requested,
                   std::uint8_t max_szx, ProducedBlock& out);

/// Writes one produced response's options and payload: Content-Format, ETag
/// (only when given: an unmaterialised body is not hashed), Max-Age, Block2,
/// Size2 (when the size is known, on block 0 of a split representation or when
/// `with_size2`) and the block.
void write_produced_block(MessageWriter& writer, const BlockProducer& producer,
                          const ProducedBlock& block, const BodyOptions& options,
                          bool with_size2) noexcept;

}  // namespace coap
