// text_buffer.hpp — an append-only writer over a caller's char buffer with a
// sticky overflow flag. Internal to the URI module.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <cstddef>
#include <string_view>

namespace coap::detail {

class TextBuffer {
  public:
    explicit TextBuffer(gsl::span<char> out) noexcept : out_(out) {}

    void put(char c) noexcept {
        if (size_ < out_.size())
            out_[size_++] = c;
        else
            overflow_ = true;
    }
    void put(std::string_view text) noexcept {
        if (out_.size() - size_ < text.size()) {
            overflow_ = true;
            return;
        }
        for (char c : text)
            out_[size_++] = c;
    }
    void put_escape(unsigned char byte) noexcept {
        constexpr char digits[] = "0123456789ABCDEF";
        put('%');
        put(digits[byte >> 4]);
        put(digits[byte & 0xfu]);
    }
    bool overflow() const noexcept { return overflow_; }
    std::size_t size() const noexcept { return size_; }
    void truncate(std::size_t size) noexcept { size_ = size; }
    char* data() noexcept { return out_.data(); }
    std::size_t capacity() const noexcept { return out_.size(); }
    std::string_view view() const noexcept { return {out_.data(), size_}; }

    /// Inserts `text` at `at`, shifting what follows.
    void insert(std::size_t at, std::string_view text) noexcept {
        if (out_.size() - size_ < text.size()) {
            overflow_ = true;
            return;
        }
        for (std::size_t i = size_; i > at; --i)
            out_[i - 1 + text.size()] = out_[i - 1];
        for (std::size_t i = 0; i < text.size(); ++i)
            out_[at + i] = text[i];
        size_ += text.size();
    }

  private:
    gsl::span<char> out_;
    std::size_t size_ = 0;
    bool overflow_ = false;
};

/// After dot-segment removal, a path without an authority in front of it must not
/// start with "//" (it would read as an authority): such a path gets a "/." prefix,
/// which is equivalent and survives another round of normalisation.
inline void keep_path_meaning(TextBuffer& out, std::size_t path_begin,
                              bool has_authority) noexcept {
    const std::string_view path = out.view().substr(path_begin);
    if (!has_authority && path.size() >= 2 && path[0] == '/' && path[1] == '/')
        out.insert(path_begin, "/.");
}

}  // namespace coap::detail
