// commands.hpp — the CLI's subcommands: each takes its arguments (after the
// subcommand name) and returns the process exit code.
#pragma once

#include <string_view>
#include <vector>

namespace cobalt_cli {

using Args = std::vector<std::string_view>;

int decode_command(const Args& args);
int encode_command(const Args& args);
int uri_command(const Args& args);

extern const char* const decode_help;
extern const char* const encode_help;
extern const char* const uri_help;

}  // namespace cobalt_cli
