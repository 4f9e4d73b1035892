// block1_assembly.cpp — Block1 request bodies assembled per transfer, and the
// Block2 responses kept for the requests they completed (RFC 7959 §2.3, §2.5,
// §2.9, §3.3).
#include "coap/block1_assembly.hpp"

#include <algorithm>

namespace coap {
namespace {

std::uint32_t clamp_size(std::size_t size) noexcept {
    return static_cast<std::uint32_t>(std::min<std::size_t>(size, UINT32_MAX));
}

}  // namespace

std::uint8_t Block1Assembler::max_szx() const noexcept {
    std::uint8_t szx = 6;
    while (szx > 0 && (16u << szx) > limits_.max_block_size)
        --szx;
    return szx;
}

Block1Assembler::Entry* Block1Assembler::find(const Block1Key& key) noexcept {
    for (Entry& entry : entries_)
        if (entry.key == key) return &entry;
    return nullptr;
}

void Block1Assembler::erase(const Entry* entry) noexcept {
    const auto index = static_cast<std::size_t>(entry - entries_.data());
    bytes_ -= entries_[index].body.size();
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(index));
}

void Block1Assembler::expire(Instant now) {
    for (std::size_t i = entries_.size(); i-- > 0;) {
        if (entries_[i].expires > now) continue;
        bytes_ -= entries_[i].body.size();
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

std::uint32_t Block1Assembler::seconds_until_room(Instant now) const noexcept {
    Instant earliest = Instant::max();
    for (const Entry& entry : entries_)
        earliest = std::min(earliest, entry.expires);
    if (earliest == Instant::max() || earliest <= now) return 1;
    return static_cast<std::uint32_t>((earliest - now).ms / 1000 + 1);
}

Block1Step Block1Assembler::offer(Instant now, const Block1Key& key, BlockValue block,
                                  std::optional<std::uint32_t> size1,
                                  gsl::span<const std::byte> payload) {
    expire(now);
    completed_.clear();
    Entry* entry = find(key);
    const auto fail = [&](Block1Outcome outcome) {
        if (entry != nullptr) erase(entry);
        Block1Step step{outcome};
        if (outcome == Block1Outcome::too_large) step.size1 = clamp_size(limits_.max_body);
        if (outcome == Block1Outcome::busy) step.max_age = seconds_until_room(now);
        return step;
    };
    // §2.3: every block but the last carries exactly one block of payload; the
    // last carries at most one.
    if (payload.size() > block.size() || (block.more() && payload.size() != block.size()))
        return fail(Block1Outcome::bad_request);
    // §4: Size1 announces the whole body; refuse early what cannot fit.
    if (size1 && *size1 > limits_.max_body) return fail(Block1Outcome::too_large);
    const std::uint64_t offset = block.offset();
    if (offset + payload.size() > limits_.max_body) return fail(Block1Outcome::too_large);

    if (offset == 0) {
        // A (re)start: a transfer under the same key begins again.
        if (entry != nullptr) erase(entry);
        entry = nullptr;
        // §2.5 late negotiation: take this block, ask for smaller ones from now on.
        const std::uint8_t szx = std::min(block.szx(), max_szx());
        if (!block.more()) {
            completed_.assign(payload.begin(), payload.end());
            return Block1Step{Block1Outcome::complete, BlockValue::make(0, false, szx).value()};
        }
        if (entries_.size() >= limits_.max_transfers ||
            bytes_ + payload.size() > limits_.max_total_bytes)
            return fail(Block1Outcome::busy);
        Entry fresh;
        fresh.key = key;
        fresh.body.assign(payload.begin(), payload.end());
        fresh.last_offset = 0;
        fresh.last_length = payload.size();
        fresh.last_ack = BlockValue::make(0, true, szx).value();
        fresh.expires = now + limits_.lifetime;
        bytes_ += payload.size();
        entries_.push_back(std::move(fresh));
        return Block1Step{Block1Outcome::continue_, entries_.back().last_ack};
    }

    // §2.9.2: a block that does not continue a transfer in progress.
    if (entry == nullptr) return fail(Block1Outcome::incomplete);
    if (block.more() && offset == entry->last_offset && payload.size() == entry->last_length &&
        offset + payload.size() == entry->body.size()) {
        // The last block again (its 2.31 was lost and the client sent it anew).
        entry->expires = now + limits_.lifetime;
        return Block1Step{Block1Outcome::continue_, entry->last_ack};
    }
    if (offset != entry->body.size()) return fail(Block1Outcome::incomplete);
    if (bytes_ + payload.size() > limits_.max_total_bytes) return fail(Block1Outcome::busy);

    entry->body.insert(entry->body.end(), payload.begin(), payload.end());
    bytes_ += payload.size();
    entry->last_offset = offset;
    entry->last_length = payload.size();
    entry->last_ack = BlockValue::make(block.num(), block.more(), block.szx()).value();
    entry->expires = now + limits_.lifetime;
    if (block.more()) return Block1Step{Block1Outcome::continue_, entry->last_ack};

    const BlockValue ack = entry->last_ack;
    completed_ = std::move(entry->body);
    entry->body.clear();
    bytes_ -= completed_.size();
    entries_.erase(entries_.begin() + (entry - entries_.data()));
    return Block1Step{Block1Outcome::complete, ack};
}

// ---- Block2ResponseCache ----

void Block2ResponseCache::expire(Instant now) {
    for (std::size_t i = entries_.size(); i-- > 0;) {
        if (entries_[i].response.expires > now) continue;
        bytes_ -= entries_[i].response.body.size();
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    }
}

void Block2ResponseCache::store(Instant now, const Address& peer, std::string path, Code method,
                                Code code, gsl::span<const std::byte> body,
                                const BodyOptions& options) {
    expire(now);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (!(entries_[i].peer == peer) || entries_[i].path != path) continue;
        bytes_ -= entries_[i].response.body.size();
        entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
    }
    if (body.size() > limits_.max_total_bytes || limits_.max_transfers == 0) return;
    // Oldest first out, until the new one fits.
    while (!entries_.empty() && (entries_.size() >= limits_.max_transfers ||
                                 bytes_ + body.size() > limits_.max_total_bytes)) {
        bytes_ -= entries_.front().response.body.size();
        entries_.erase(entries_.begin());
    }
    Entry entry;
    entry.peer = peer;
    entry.path = std::move(path);
    entry.response.method = method;
    entry.response.code = code;
    entry.response.body.assign(body.begin(), body.end());
    entry.response.options = options;
    entry.response.expires = now + limits_.lifetime;
    bytes_ += body.size();
    entries_.push_back(std::move(entry));
}

const Block2ResponseCache::Response* Block2ResponseCache::find(Instant now, const Address& peer,
                                                               std::string_view path, Code method) {
    expire(now);
    for (Entry& entry : entries_) {
        if (!(entry.peer == peer) || entry.path != path || entry.response.method != method)
            continue;
        entry.response.expires = now + limits_.lifetime;
        return &entry.response;
    }
    return nullptr;
}

}  // namespace coap
