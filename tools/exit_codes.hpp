// exit_codes.hpp — the `cobalt` tool's documented exit codes, shared by every
// subcommand (and listed in each network subcommand's --help). Owns no logic.
#pragma once

namespace cobalt_cli::exit_code {

inline constexpr int ok = 0;
/// Any other failure: the peer reset the request, an unexpected response code,
/// a response that could not be parsed, a malformed message given to decode.
inline constexpr int failure = 1;
/// Bad command-line arguments (unknown flag, missing or malformed value).
inline constexpr int usage = 2;
/// The URI is malformed or its scheme is not supported.
inline constexpr int bad_uri = 3;
/// The host could not be resolved or the peer is unreachable.
inline constexpr int unreachable = 4;
/// No (complete) answer before --timeout, or the exchange timed out.
inline constexpr int timeout = 5;
/// The server answered 4.xx.
inline constexpr int client_error = 6;
/// The server answered 5.xx.
inline constexpr int server_error = 7;
/// A local file could not be read or written (--payload @FILE, serve DIR).
inline constexpr int local_io = 8;
/// No network transport is available in this build.
inline constexpr int no_transport = 9;
/// The DTLS handshake failed: wrong key, unknown identity, a certificate not
/// trusted, expired or for another name, no common cipher suite.
inline constexpr int security = 10;

}  // namespace cobalt_cli::exit_code
