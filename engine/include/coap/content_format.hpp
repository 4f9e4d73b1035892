// coap/content_format.hpp — the CoAP Content-Formats registry (RFC 7252 §12.3 and
// the IANA registry's common entries). Owns number <-> media type look-ups.
#pragma once

#include "coap/contract.hpp"

#include <gsl/span>

#include <cstdint>
#include <optional>
#include <string_view>

namespace coap {

namespace content_formats {
inline constexpr std::uint16_t text_plain = 0;
inline constexpr std::uint16_t link_format = 40;
inline constexpr std::uint16_t xml = 41;
inline constexpr std::uint16_t octet_stream = 42;
inline constexpr std::uint16_t exi = 47;
inline constexpr std::uint16_t json = 50;
inline constexpr std::uint16_t json_patch = 51;
inline constexpr std::uint16_t merge_patch = 52;
inline constexpr std::uint16_t cbor = 60;
inline constexpr std::uint16_t cwt = 61;
inline constexpr std::uint16_t multipart_core = 62;
inline constexpr std::uint16_t cbor_seq = 63;
inline constexpr std::uint16_t senml_json = 110;
inline constexpr std::uint16_t sensml_json = 111;
inline constexpr std::uint16_t senml_cbor = 112;
inline constexpr std::uint16_t sensml_cbor = 113;
}  // namespace content_formats

/// One registry row. `media_type` includes parameters exactly as registered
/// (e.g. `text/plain; charset=utf-8`); `encoding` is the content coding or empty.
struct ContentFormatInfo {
    std::uint16_t number;
    std::string_view media_type;
    std::string_view encoding;
    std::string_view short_name;  ///< a CLI-friendly alias ("json", "cbor", "link"), may be empty
};

/// The row for `number`, or nullptr when not in cobalt's table.
const ContentFormatInfo* find_content_format(std::uint16_t number) noexcept;

/// Looks a format up by media type (as registered, case-insensitive, spaces after
/// ';' ignored), by short name, or by decimal number ("50"). nullptr when unknown.
const ContentFormatInfo* find_content_format(std::string_view text) noexcept;

/// The whole table, ascending by number.
gsl::span<const ContentFormatInfo> content_format_registry() noexcept;

}  // namespace coap
