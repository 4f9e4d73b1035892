// exchange_table.cpp — ExchangeTable slots, handles and indexes.
#include "exchange_table.hpp"

namespace coap::detail {

void ExchangeTable::init(Arena& arena, std::size_t requests, std::size_t message_size,
                         std::size_t reserved) {
    const std::size_t capacity = requests + reserved;
    requests_ = requests;
    exchanges_ = arena.take<Exchange>(capacity);
    buffers_ = arena.take<std::byte>(capacity * message_size);
    active_.reset(arena.take<std::uint32_t>(capacity));
    active_position_ = arena.take<std::uint32_t>(capacity);
    heap_.reset(arena.take<std::uint32_t>(capacity));
    heap_position_ = arena.take<std::uint32_t>(capacity);
    for (std::uint32_t& position : heap_position_)
        position = no_slot;
    message_size_ = message_size;
    free_.init(arena, static_cast<std::uint32_t>(requests));
    reserved_free_.init(arena, static_cast<std::uint32_t>(reserved));
    index_bits_ = 1;
    while ((std::size_t{1} << index_bits_) <= capacity)
        ++index_bits_;
    by_message_id_.init(arena, capacity);
    by_token_.init(arena, capacity);
}

std::optional<std::uint32_t> ExchangeTable::allocate(bool reserved) noexcept {
    FreeQueue& queue = reserved ? reserved_free_ : free_;
    if (queue.empty()) return std::nullopt;
    const std::uint32_t slot =
        reserved ? static_cast<std::uint32_t>(requests_) + queue.pop() : queue.pop();
    const std::uint32_t generation =
        (exchanges_[slot].generation + 1) & ((std::uint32_t{1} << (32 - index_bits_)) - 1);
    exchanges_[slot] = Exchange{};
    exchanges_[slot].generation = generation;
    active_position_[slot] = static_cast<std::uint32_t>(active_.size());
    active_.push_back(slot);
    return slot;
}

void ExchangeTable::release(std::uint32_t slot) noexcept {
    unindex(slot);
    heap_remove(slot);
    exchanges_[slot].deadline = never;
    exchanges_[slot].state = ExchangeState::unused;
    const std::uint32_t position = active_position_[slot];
    const std::uint32_t last = active_.back();
    active_[position] = last;
    active_position_[last] = position;
    active_.pop_back();
    if (slot >= requests_)
        reserved_free_.push(slot - static_cast<std::uint32_t>(requests_));
    else
        free_.push(slot);
}

void ExchangeTable::set_deadline(std::uint32_t slot, Instant at) noexcept {
    exchanges_[slot].deadline = at;
    if (at == never) {
        heap_remove(slot);
        return;
    }
    std::uint32_t position = heap_position_[slot];
    if (position == no_slot) {
        position = static_cast<std::uint32_t>(heap_.size());
        heap_.push_back(slot);
        heap_position_[slot] = position;
    }
    heap_sift_up(position);
    heap_sift_down(heap_position_[slot]);
}

void ExchangeTable::heap_sift_up(std::uint32_t position) noexcept {
    const std::uint32_t slot = heap_[position];
    while (position > 0) {
        const std::uint32_t parent = (position - 1) / 2;
        if (!(exchanges_[slot].deadline < exchanges_[heap_[parent]].deadline)) break;
        heap_place(position, heap_[parent]);
        position = parent;
    }
    heap_place(position, slot);
}

void ExchangeTable::heap_sift_down(std::uint32_t position) noexcept {
    const std::uint32_t slot = heap_[position];
    const auto size = static_cast<std::uint32_t>(heap_.size());
    for (;;) {
        std::uint32_t child = 2 * position + 1;
        if (child >= size) break;
        if (child + 1 < size &&
            exchanges_[heap_[child + 1]].deadline < exchanges_[heap_[child]].deadline)
            ++child;
        if (!(exchanges_[heap_[child]].deadline < exchanges_[slot].deadline)) break;
        heap_place(position, heap_[child]);
        position = child;
    }
    heap_place(position, slot);
}

void ExchangeTable::heap_remove(std::uint32_t slot) noexcept {
    const std::uint32_t position = heap_position_[slot];
    if (position == no_slot) return;
    heap_position_[slot] = no_slot;
    const std::uint32_t last = heap_.back();
    heap_.pop_back();
    if (last == slot) return;
    heap_place(position, last);
    heap_sift_up(position);
    heap_sift_down(heap_position_[last]);
}

void ExchangeTable::collect_due(Instant now, FixedVector<std::uint32_t>& out) const {
    if (heap_.empty() || now < exchanges_[heap_[0]].deadline) return;
    // Depth-first over the nodes at or before `now`: a node later than `now`
    // has only later nodes below it.
    const std::size_t first = out.size();
    out.push_back(heap_[0]);
    for (std::size_t i = first; i < out.size(); ++i) {
        const std::size_t position = heap_position_[out[i]];
        for (const std::size_t child : {2 * position + 1, 2 * position + 2})
            if (child < heap_.size() && !(now < exchanges_[heap_[child]].deadline))
                out.push_back(heap_[child]);
    }
}

std::optional<std::uint32_t> ExchangeTable::slot_of(std::uint32_t handle,
                                                    bool client) const noexcept {
    const std::uint32_t index = handle & ((std::uint32_t{1} << index_bits_) - 1);
    if (index == 0 || index > requests_) return std::nullopt;
    const std::uint32_t slot = index - 1;
    const Exchange& e = exchanges_[slot];
    if (e.state == ExchangeState::unused || e.client != client ||
        e.generation != handle >> index_bits_)
        return std::nullopt;
    return slot;
}

std::uint64_t ExchangeTable::token_key(gsl::span<const std::byte> token) noexcept {
    std::uint64_t h = token.size();
    for (const std::byte b : token)
        h = (h << 8 | (h >> 56)) ^ static_cast<std::uint8_t>(b);
    return mix_hash(0x746f6b656eu, h);
}

void ExchangeTable::index_message_id(std::uint32_t slot) noexcept {
    Exchange& e = exchanges_[slot];
    if (e.indexed_by_message_id) by_message_id_.erase(message_id_key(e.peer, e.message_id), slot);
    by_message_id_.insert(message_id_key(e.peer, e.message_id), slot);
    e.indexed_by_message_id = true;
}

void ExchangeTable::index_token(std::uint32_t slot) noexcept {
    Exchange& e = exchanges_[slot];
    if (e.indexed_by_token) return;
    by_token_.insert(token_key(e.token_bytes()), slot);
    e.indexed_by_token = true;
}

void ExchangeTable::unindex(std::uint32_t slot) noexcept {
    Exchange& e = exchanges_[slot];
    if (e.indexed_by_message_id) by_message_id_.erase(message_id_key(e.peer, e.message_id), slot);
    if (e.indexed_by_token) by_token_.erase(token_key(e.token_bytes()), slot);
    e.indexed_by_message_id = e.indexed_by_token = false;
}

std::optional<std::uint32_t> ExchangeTable::find_by_message_id(
    const Address& peer, std::uint16_t message_id) const noexcept {
    return by_message_id_.find(message_id_key(peer, message_id), [&](std::uint32_t s) {
        const Exchange& e = exchanges_[s];
        return e.message_id == message_id && e.peer == peer;
    });
}

namespace {
bool same_bytes(gsl::span<const std::byte> a, gsl::span<const std::byte> b) noexcept {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}
}  // namespace

std::optional<std::uint32_t> ExchangeTable::find_by_token(
    const Address& peer, gsl::span<const std::byte> token) const noexcept {
    return by_token_.find(token_key(token), [&](std::uint32_t s) {
        const Exchange& e = exchanges_[s];
        return same_bytes(e.token_bytes(), token) && (e.multicast || e.peer == peer);
    });
}

bool ExchangeTable::token_matches(std::uint32_t slot,
                                  gsl::span<const std::byte> token) const noexcept {
    return same_bytes(exchanges_[slot].token_bytes(), token);
}

bool ExchangeTable::token_in_use(gsl::span<const std::byte> token) const noexcept {
    return by_token_
        .find(token_key(token),
              [&](std::uint32_t s) { return same_bytes(exchanges_[s].token_bytes(), token); })
        .has_value();
}

}  // namespace coap::detail
