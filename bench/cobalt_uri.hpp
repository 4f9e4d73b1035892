// bench/cobalt_uri.hpp — the cobalt side of each measured URI operation, one
// out-of-line call per operation (as on the libcoap side), and the owned
// option list the decomposition is copied into.
#pragma once

#include "uri_samples.hpp"

#include <gsl/span>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bench::cobalt_uri {

/// A fixed-capacity list of options that owns copies of their values: what
/// the decomposition is kept in, without touching the heap (libcoap's
/// counterpart is a malloc'd coap_optlist_t chain).
class OptionList {
  public:
    static constexpr std::size_t max_options = 16;
    static constexpr std::size_t max_bytes = 512;

    void clear() noexcept {
        count_ = 0;
        used_ = 0;
        overflowed_ = false;
    }
    /// Appends a copy; marks the list overflowed (and drops the option) when full.
    void add(std::uint16_t number, gsl::span<const std::byte> value) noexcept;

    std::size_t size() const noexcept { return count_; }
    bool overflowed() const noexcept { return overflowed_; }
    std::uint16_t number(std::size_t i) const noexcept { return entries_[i].number; }
    gsl::span<const std::byte> value(std::size_t i) const noexcept {
        return {bytes_.data() + entries_[i].offset, entries_[i].length};
    }

  private:
    struct Entry {
        std::uint16_t number;
        std::uint16_t offset;
        std::uint16_t length;
    };
    std::array<Entry, max_options> entries_{};
    std::array<std::byte, max_bytes> bytes_{};
    std::size_t count_ = 0;
    std::size_t used_ = 0;
    bool overflowed_ = false;
};

/// Timed parse: coap::CoapUri::parse, reported as UriParts.
UriParts parse(std::string_view text) noexcept;

/// Timed parse and decompose: coap::CoapUri::parse, then coap::decompose_uri
/// (destination port given) into `out`, which is cleared first. Returns the
/// number of options, 0 on failure.
std::size_t to_options(std::string_view text, std::uint16_t destination_port,
                       OptionList& out) noexcept;

/// Untimed: the list's options, for the startup cross-check.
std::vector<DecodedOption> options_of(const OptionList& list);

}  // namespace bench::cobalt_uri
