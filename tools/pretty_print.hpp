// pretty_print.hpp — payloads as `--pretty` and `discover` show them: JSON
// indented, link-format one link per line with its attributes. Owns
// presentation only; malformed input is returned as it is.
#pragma once

#include <string>
#include <string_view>

namespace cobalt_cli {

/// `json` indented by two spaces per level, one member or element per line;
/// the text unchanged when it is not well-formed JSON.
std::string pretty_json(std::string_view json);

/// One line per link ("</sensors/temp>"), then one indented line per attribute
/// ("    rt=\"temperature-c\""); nullopt-like: the document unchanged (and
/// `ok` false) when it is not valid link-format.
std::string pretty_links(std::string_view document, bool* ok = nullptr);

}  // namespace cobalt_cli
