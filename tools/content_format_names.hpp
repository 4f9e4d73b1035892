// content_format_names.hpp — Content-Format values as the CLI reads and shows
// them: by short name ("json"), media type or number, through the engine's
// registry; and the format a file name's extension implies (for serve).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cobalt_cli {

/// "json", "application/json", "50" → 50; nullopt when unknown and not a number
/// below 65536.
std::optional<std::uint16_t> parse_content_format(std::string_view text);

/// "50 (application/json)", or "12345" for a format cobalt does not know.
std::string describe_content_format(std::uint16_t number);

/// The Content-Format of a file by its extension (".json" → 50); octet-stream
/// for anything unknown.
std::uint16_t content_format_for_file(std::string_view file_name);

}  // namespace cobalt_cli
