// bench/cobalt_uri.cpp — cobalt's URI parse and parse-and-decompose for the
// benchmark, using only the public API (coap/coap_uri.hpp).
#include "cobalt_uri.hpp"

#include "coap/coap_uri.hpp"

#include <algorithm>

namespace bench::cobalt_uri {

void OptionList::add(std::uint16_t number, gsl::span<const std::byte> value) noexcept {
    if (count_ == max_options || value.size() > max_bytes - used_) {
        overflowed_ = true;
        return;
    }
    std::copy(value.begin(), value.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(used_));
    entries_[count_] =
        Entry{number, static_cast<std::uint16_t>(used_), static_cast<std::uint16_t>(value.size())};
    used_ += value.size();
    ++count_;
}

UriParts parse(std::string_view text) noexcept {
    const auto parsed = coap::CoapUri::parse(text);
    if (!parsed) return UriParts{};
    const coap::CoapUri& uri = parsed.value();
    std::string_view path = uri.uri().path();
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    return UriParts{true, uri.host(), uri.port(), path, uri.uri().query()};
}

std::size_t to_options(std::string_view text, std::uint16_t destination_port,
                       OptionList& out) noexcept {
    out.clear();
    const auto parsed = coap::CoapUri::parse(text);
    if (!parsed) return 0;
    auto sink = [&out](coap::OptionNumber number, coap::Bytes value) {
        out.add(coap::to_underlying(number), value);
    };
    coap::DecomposeOptions options;
    options.destination_port = destination_port;
    const auto count = coap::decompose_uri(parsed.value(), sink, options);
    if (!count || out.overflowed()) return 0;
    return count.value();
}

std::vector<DecodedOption> options_of(const OptionList& list) {
    std::vector<DecodedOption> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const gsl::span<const std::byte> value = list.value(i);
        out.push_back(DecodedOption{list.number(i), ByteVector(value.begin(), value.end())});
    }
    return out;
}

}  // namespace bench::cobalt_uri
