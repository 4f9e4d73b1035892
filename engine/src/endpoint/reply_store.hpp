// reply_store.hpp — ReplyStore: the replies a server may have to send again to a
// duplicate CON request (RFC 7252 §4.5), in one byte ring of fixed size. Owns the
// ring: variable-length records, each contiguous, stored and dropped in FIFO order.
// To make room it drops the oldest records and names their owners, so that the
// owner (a DedupCache entry) learns that its reply is gone. A record never wraps:
// when the tail of the ring is too short, the record starts again at offset 0 and
// the tail stays unused (counted in used()) until the oldest records pass it.
// Carved once from the Endpoint's Arena by init(); never allocates.
#pragma once

#include "arena.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace coap::detail {

/// Where a stored reply lives. `sequence` numbers records in the order stored, so
/// that a reference to a record the ring has dropped is recognised as stale.
struct ReplyRef {
    std::uint32_t offset = 0;
    std::uint32_t sequence = 0;
    std::uint16_t length = 0;
};

class ReplyStore {
  public:
    /// Per record: sequence (4 bytes), owner (4), length (2).
    static constexpr std::size_t header_size = 10;
    static constexpr std::size_t max_reply = 0xffff;

    /// A ring of `capacity_bytes` (at most 2^32 - 1; zero stores nothing).
    void init(Arena& arena, std::size_t capacity_bytes);

    /// Copies `reply` in for `owner`, first dropping the oldest records until it
    /// fits, and calls on_drop(owner, sequence) for each record dropped. nullopt,
    /// with nothing dropped, when the reply and its header exceed the whole ring.
    template <class OnDrop>
    std::optional<ReplyRef> store(gsl::span<const std::byte> reply, std::uint32_t owner,
                                  OnDrop&& on_drop) noexcept {
        const std::size_t need = header_size + reply.size();
        if (reply.size() > max_reply || need > ring_.size()) return std::nullopt;
        std::optional<std::uint32_t> at;
        while (!(at = place(static_cast<std::uint32_t>(need)))) {
            const Dropped dropped = drop_oldest();
            on_drop(dropped.owner, dropped.sequence);
        }
        return write(*at, reply, owner);
    }

    /// Whether the record `ref` names is still stored (the generation check).
    bool contains(const ReplyRef& ref) const noexcept {
        return static_cast<std::uint32_t>(ref.sequence - oldest_sequence_) < count_;
    }
    /// The reply `ref` names, or an empty span when its record was dropped.
    gsl::span<const std::byte> get(const ReplyRef& ref) const noexcept;

    std::size_t capacity() const noexcept { return ring_.size(); }
    /// Records held.
    std::size_t records() const noexcept { return count_; }
    /// Bytes unavailable to a new record: records with their headers, plus the
    /// unused tail of the ring while the records wrap around.
    std::size_t used() const noexcept;

  private:
    struct Dropped {
        std::uint32_t owner;
        std::uint32_t sequence;
    };
    /// Reserves `need` contiguous bytes; nullopt when the oldest record must go first.
    std::optional<std::uint32_t> place(std::uint32_t need) noexcept;
    Dropped drop_oldest() noexcept;
    ReplyRef write(std::uint32_t at, gsl::span<const std::byte> reply,
                   std::uint32_t owner) noexcept;

    FixedArray<std::byte> ring_;
    // Records occupy [tail_, head_) or, when wrapped_, [tail_, end_) then [0, head_).
    std::uint32_t head_ = 0;
    std::uint32_t tail_ = 0;
    std::uint32_t end_ = 0;
    bool wrapped_ = false;
    std::uint32_t count_ = 0;
    /// Sequence of the record at tail_; the records hold [oldest, oldest + count_).
    std::uint32_t oldest_sequence_ = 0;
};

}  // namespace coap::detail
