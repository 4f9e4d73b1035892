// fuzz/data_provider.hpp — cobalt_fuzz::DataProvider, the structured-input reader
// of the fuzz targets. Owns only the choice between clang's FuzzedDataProvider
// and a small stand-in for compilers that lack it (g++ replay builds). The
// stand-in offers just the calls the targets use, and consumes the input the
// same way (integers from the back, byte strings from the front), so a corpus
// file drives the same case under either compiler.
#pragma once

#if __has_include(<fuzzer/FuzzedDataProvider.h>)

#include <fuzzer/FuzzedDataProvider.h>

namespace cobalt_fuzz {
using DataProvider = FuzzedDataProvider;
}  // namespace cobalt_fuzz

#else

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

namespace cobalt_fuzz {

class DataProvider {
  public:
    DataProvider(const std::uint8_t* data, std::size_t size) noexcept : data_(data), left_(size) {}

    std::size_t remaining_bytes() const noexcept { return left_; }

    /// A value in [min, max] built from up to sizeof(T) bytes taken off the end;
    /// `min` when the input is exhausted.
    template <class T>
    T ConsumeIntegralInRange(T min, T max) noexcept {
        static_assert(std::is_integral_v<T> && sizeof(T) <= sizeof(std::uint64_t));
        if (min > max) std::abort();
        const std::uint64_t span =
            static_cast<std::uint64_t>(max) - static_cast<std::uint64_t>(min);
        std::uint64_t acc = 0;
        for (std::size_t bits = 0; bits < sizeof(T) * 8 && (span >> bits) != 0 && left_ != 0;
             bits += 8) {
            --left_;
            acc = (acc << 8) | data_[left_];
        }
        if (span != std::numeric_limits<std::uint64_t>::max()) acc %= span + 1;
        return static_cast<T>(static_cast<std::uint64_t>(min) + acc);
    }

    template <class T>
    T ConsumeIntegral() noexcept {
        return ConsumeIntegralInRange<T>(std::numeric_limits<T>::min(),
                                         std::numeric_limits<T>::max());
    }

    bool ConsumeBool() noexcept { return (ConsumeIntegral<std::uint8_t>() & 1u) != 0; }

    /// Up to `count` bytes from the front (fewer when the input runs out).
    template <class T>
    std::vector<T> ConsumeBytes(std::size_t count) {
        static_assert(sizeof(T) == 1);
        const std::size_t n = count < left_ ? count : left_;
        std::vector<T> out(n);
        if (n != 0) std::memcpy(out.data(), data_, n);
        data_ += n;
        left_ -= n;
        return out;
    }

  private:
    const std::uint8_t* data_;
    std::size_t left_;
};

}  // namespace cobalt_fuzz

#endif
