// arena.hpp — Arena, FixedArray and FixedVector: an Endpoint's one memory block,
// carved into the arrays of its tables. Owns alignment and size accounting. An
// Arena without a block only counts, so that the size a configuration needs
// (Endpoint::required_memory) is measured by the very code that carves it and
// the two can never disagree. Never allocates; taking more than the block holds
// is a contract violation. Everything taken is value-initialised and never
// destroyed, so only trivially destructible types may live here.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

namespace coap::detail {

/// A fixed array of `size()` elements in arena memory (unchecked indexing, as
/// the tables' own invariants bound every index).
template <class T>
class FixedArray {
  public:
    FixedArray() = default;
    FixedArray(T* data, std::size_t size) noexcept : data_(data), size_(size) {}

    T& operator[](std::size_t i) noexcept { return data_[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_[i]; }
    T* data() noexcept { return data_; }
    const T* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    T* begin() noexcept { return data_; }
    T* end() noexcept { return data_ + size_; }
    const T* begin() const noexcept { return data_; }
    const T* end() const noexcept { return data_ + size_; }

  private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

/// A stack of at most `capacity()` elements over a FixedArray.
template <class T>
class FixedVector {
  public:
    void reset(FixedArray<T> storage) noexcept {
        storage_ = storage;
        size_ = 0;
    }
    void push_back(const T& value) noexcept {
        Expects(size_ < storage_.size());
        storage_[size_++] = value;
    }
    void pop_back() noexcept { --size_; }
    T& back() noexcept { return storage_[size_ - 1]; }
    const T& back() const noexcept { return storage_[size_ - 1]; }
    void clear() noexcept { size_ = 0; }
    T& operator[](std::size_t i) noexcept { return storage_[i]; }
    const T& operator[](std::size_t i) const noexcept { return storage_[i]; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return storage_.size(); }
    bool empty() const noexcept { return size_ == 0; }
    const T* begin() const noexcept { return storage_.data(); }
    const T* end() const noexcept { return storage_.data() + size_; }

  private:
    FixedArray<T> storage_;
    std::size_t size_ = 0;
};

class Arena {
  public:
    /// Counts only: every take() returns an empty array and used() grows.
    Arena() = default;
    /// Carves `block`, whose start must be aligned for every type taken.
    explicit Arena(gsl::span<std::byte> block) noexcept : base_(block.data()), size_(block.size()) {
        Expects(reinterpret_cast<std::uintptr_t>(base_) % alignof(std::max_align_t) == 0);
    }

    /// `count` value-initialised elements (an empty array when counting).
    template <class T>
    FixedArray<T> take(std::size_t count) noexcept {
        static_assert(std::is_trivially_destructible_v<T>, "arena memory is never destroyed");
        static_assert(alignof(T) <= alignof(std::max_align_t));
        used_ = (used_ + alignof(T) - 1) / alignof(T) * alignof(T);
        const std::size_t at = used_;
        used_ += count * sizeof(T);
        if (base_ == nullptr) return {};
        Expects(used_ <= size_);
        T* first = static_cast<T*>(static_cast<void*>(base_ + at));
        for (std::size_t i = 0; i < count; ++i)
            ::new (static_cast<void*>(first + i)) T{};
        return {first, count};
    }

    /// Bytes taken so far, alignment padding included.
    std::size_t used() const noexcept { return used_; }
    bool counting() const noexcept { return base_ == nullptr; }

  private:
    std::byte* base_ = nullptr;
    std::size_t size_ = 0;
    std::size_t used_ = 0;
};

}  // namespace coap::detail
