// remove_dot_segments.cpp — RFC 3986 §5.2.4, in place or into another buffer.
#include "coap/uri.hpp"

#include <cstring>

namespace coap {

std::size_t remove_dot_segments(std::string_view path, gsl::span<char> out) noexcept {
    // The output never grows faster than the input is consumed, so `out` may alias `path`.
    const char* in = path.data();
    std::size_t r = 0;
    const std::size_t n = path.size();
    std::size_t w = 0;
    auto starts = [&](std::string_view prefix) {
        return n - r >= prefix.size() && std::string_view(in + r, prefix.size()) == prefix;
    };
    auto rest_is = [&](std::string_view whole) { return std::string_view(in + r, n - r) == whole; };
    auto drop_last_output_segment = [&] {
        while (w > 0 && out[w - 1] != '/')
            --w;
        if (w > 0) --w;
    };
    while (r < n) {
        if (starts("../")) {
            r += 3;
        } else if (starts("./")) {
            r += 2;
        } else if (starts("/./")) {
            r += 2;  // leaves "/..." as the input
        } else if (rest_is("/.")) {
            r += 1;  // the input becomes "/" (the '/' is overwritten below)
            out[w++] = '/';
            r = n;
        } else if (starts("/../")) {
            r += 3;
            drop_last_output_segment();
        } else if (rest_is("/..")) {
            drop_last_output_segment();
            out[w++] = '/';
            r = n;
        } else if (rest_is(".") || rest_is("..")) {
            r = n;
        } else {
            // Move the first segment, with its leading '/', to the output.
            std::size_t end = r + 1;
            while (end < n && in[end] != '/')
                ++end;
            const std::size_t length = end - r;
            std::memmove(out.data() + w, in + r, length);
            w += length;
            r = end;
        }
    }
    return w;
}

}  // namespace coap
