// uri_resolve.cpp — reference resolution (RFC 3986 §5.2.2, strict parser) and
// recomposition (§5.3) into a caller buffer.
#include "coap/uri.hpp"

#include "text_buffer.hpp"

namespace coap {
namespace {

// Writes `path` (already merged) and removes its dot segments in place.
void put_path_without_dots(detail::TextBuffer& out, std::string_view first, std::string_view second,
                           bool has_authority) noexcept {
    const std::size_t begin = out.size();
    out.put(first);
    out.put(second);
    if (out.overflow()) return;
    const std::string_view merged(out.data() + begin, out.size() - begin);
    out.truncate(begin + remove_dot_segments(merged, {out.data() + begin, merged.size()}));
    detail::keep_path_meaning(out, begin, has_authority);
}

// The base path up to and including its last '/', or "/" for an authority with an empty path
// (§5.2.3).
std::string_view merge_prefix(const UriRef& base) noexcept {
    if (base.has_authority() && base.path().empty()) return "/";
    const std::size_t slash = base.path().rfind('/');
    return slash == std::string_view::npos ? std::string_view{} : base.path().substr(0, slash + 1);
}

}  // namespace

Result<std::size_t, UriError> resolve(const UriRef& base, const UriRef& reference,
                                      gsl::span<char> buffer) noexcept {
    if (!base.has_scheme()) return Err{UriError{UriErrorKind::base_not_absolute, 0}};
    detail::TextBuffer out(buffer);
    auto put_authority = [&](const UriRef& from) {
        if (!from.has_authority()) return;
        out.put("//");
        out.put(from.authority());
    };
    auto put_query = [&](const UriRef& from) {
        if (!from.has_query()) return;
        out.put('?');
        out.put(from.query());
    };

    if (reference.has_scheme()) {
        out.put(reference.scheme());
        out.put(':');
        put_authority(reference);
        put_path_without_dots(out, reference.path(), {}, reference.has_authority());
        put_query(reference);
    } else {
        out.put(base.scheme());
        out.put(':');
        if (reference.has_authority()) {
            put_authority(reference);
            put_path_without_dots(out, reference.path(), {}, true);
            put_query(reference);
        } else {
            put_authority(base);
            if (reference.path().empty()) {
                out.put(base.path());
                put_query(reference.has_query() ? reference : base);
            } else {
                if (reference.path()[0] == '/') {
                    put_path_without_dots(out, reference.path(), {}, base.has_authority());
                } else {
                    put_path_without_dots(out, merge_prefix(base), reference.path(),
                                          base.has_authority());
                }
                put_query(reference);
            }
        }
    }
    if (reference.has_fragment()) {
        out.put('#');
        out.put(reference.fragment());
    }
    if (out.overflow()) return Err{UriError{UriErrorKind::buffer_too_small, 0}};
    return out.size();
}

}  // namespace coap
