// content_format_registry.cpp — common entries of the IANA CoAP Content-Formats
// registry, with CLI-friendly short names, and look-ups both ways.
#include "coap/content_format.hpp"

#include "coap/detail/ascii.hpp"

#include <algorithm>
#include <charconv>

namespace coap {
namespace {

constexpr ContentFormatInfo registry[] = {
    {0, "text/plain; charset=utf-8", "", "text"},
    {16, "application/cose; cose-type=\"cose-encrypt0\"", "", ""},
    {17, "application/cose; cose-type=\"cose-mac0\"", "", ""},
    {18, "application/cose; cose-type=\"cose-sign1\"", "", ""},
    {19, "application/ace+cbor", "", ""},
    {40, "application/link-format", "", "link"},
    {41, "application/xml", "", "xml"},
    {42, "application/octet-stream", "", "octets"},
    {47, "application/exi", "", "exi"},
    {50, "application/json", "", "json"},
    {51, "application/json-patch+json", "", "json-patch"},
    {52, "application/merge-patch+json", "", "merge-patch"},
    {60, "application/cbor", "", "cbor"},
    {61, "application/cwt", "", "cwt"},
    {62, "application/multipart-core", "", "multipart"},
    {63, "application/cbor-seq", "", "cbor-seq"},
    {64, "application/edhoc+cbor-seq", "", ""},
    {65, "application/cid-edhoc+cbor-seq", "", ""},
    {96, "application/cose; cose-type=\"cose-encrypt\"", "", ""},
    {97, "application/cose; cose-type=\"cose-mac\"", "", ""},
    {98, "application/cose; cose-type=\"cose-sign\"", "", ""},
    {101, "application/cose-key", "", ""},
    {102, "application/cose-key-set", "", ""},
    {110, "application/senml+json", "", "senml-json"},
    {111, "application/sensml+json", "", "sensml-json"},
    {112, "application/senml+cbor", "", "senml-cbor"},
    {113, "application/sensml+cbor", "", "sensml-cbor"},
    {114, "application/senml-exi", "", "senml-exi"},
    {115, "application/sensml-exi", "", "sensml-exi"},
    {256, "application/coap-group+json", "", ""},
    {257, "application/concise-problem-details+cbor", "", ""},
    {258, "application/swid+cbor", "", ""},
    {259, "application/pkixcmp", "", ""},
    {260, "application/yang-sid+json", "", ""},
    {271, "application/dots+cbor", "", ""},
    {272, "application/missing-blocks+cbor-seq", "", ""},
    {280, "application/pkcs7-mime; smime-type=server-generated-key", "", ""},
    {281, "application/pkcs7-mime; smime-type=certs-only", "", ""},
    {284, "application/pkcs8", "", ""},
    {285, "application/csrattrs", "", ""},
    {286, "application/pkcs10", "", ""},
    {287, "application/pkix-cert", "", ""},
    {310, "application/senml+xml", "", "senml-xml"},
    {311, "application/sensml+xml", "", "sensml-xml"},
    {432, "application/td+json", "", ""},
    {10000, "application/vnd.ocf+cbor", "", ""},
    {10001, "application/oscore", "", ""},
    {10002, "application/javascript", "", ""},
    {11050, "application/json", "deflate", ""},
    {11060, "application/cbor", "deflate", ""},
    {11542, "application/vnd.oma.lwm2m+tlv", "", ""},
    {11543, "application/vnd.oma.lwm2m+json", "", ""},
};

constexpr bool ascending() {
    for (std::size_t i = 1; i < std::size(registry); ++i) {
        if (registry[i - 1].number >= registry[i].number) return false;
    }
    return true;
}
static_assert(ascending(), "the content-format registry must be sorted by number");

// Compares media types case-insensitively, ignoring blanks after ';'.
bool same_media_type(std::string_view a, std::string_view b) noexcept {
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == ';' && b[j] == ';') {
            ++i;
            ++j;
            while (i < a.size() && a[i] == ' ')
                ++i;
            while (j < b.size() && b[j] == ' ')
                ++j;
            continue;
        }
        if (detail::to_lower(a[i]) != detail::to_lower(b[j])) return false;
        ++i;
        ++j;
    }
    return i == a.size() && j == b.size();
}

}  // namespace

const ContentFormatInfo* find_content_format(std::uint16_t number) noexcept {
    const auto* end = std::end(registry);
    const auto* it = std::lower_bound(
        std::begin(registry), end, number,
        [](const ContentFormatInfo& info, std::uint16_t n) { return info.number < n; });
    return (it != end && it->number == number) ? it : nullptr;
}

const ContentFormatInfo* find_content_format(std::string_view text) noexcept {
    if (text.empty()) return nullptr;
    unsigned number = 0;
    const auto [rest, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc{} && rest == text.data() + text.size()) {
        return number <= 0xffffu ? find_content_format(static_cast<std::uint16_t>(number))
                                 : nullptr;
    }
    for (const ContentFormatInfo& info : registry) {
        if (!info.short_name.empty() && same_media_type(info.short_name, text)) return &info;
    }
    for (const ContentFormatInfo& info : registry) {
        if (info.encoding.empty() && same_media_type(info.media_type, text)) return &info;
    }
    return nullptr;
}

gsl::span<const ContentFormatInfo> content_format_registry() noexcept {
    return {registry, std::size(registry)};
}

}  // namespace coap
