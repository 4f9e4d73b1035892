// hex_text.hpp — hex text to bytes and back for the CLI (spaces, colons and a
// leading 0x are tolerated). Owns no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cobalt_cli {

/// Bytes of `text`, or nullopt when it holds a non-hex character or an odd digit count.
std::optional<std::vector<std::byte>> parse_hex(std::string_view text);

/// Lower-case hex, no separators.
std::string format_hex(const std::vector<std::byte>& bytes);

}  // namespace cobalt_cli
