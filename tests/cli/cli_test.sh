#!/usr/bin/env bash
# cli_test.sh — the `cobalt` tool: outputs and exit codes of decode, encode and uri,
# and the network subcommands' help and argument errors (which need no network).
# Usage: cli_test.sh PATH_TO_COBALT
set -uo pipefail
cobalt=$1
failures=0

expect() {  # expect NAME EXPECTED_EXIT EXPECTED_SUBSTRING -- command...
  local name=$1 want_exit=$2 want_text=$3
  shift 4
  local out
  out=$("$@" 2>&1)
  local got_exit=$?
  if [[ $got_exit -ne $want_exit ]]; then
    echo "FAIL $name: exit $got_exit, wanted $want_exit"; echo "$out"; failures=$((failures + 1)); return
  fi
  if [[ $out != *"$want_text"* ]]; then
    echo "FAIL $name: output lacks '$want_text'"; echo "$out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

expect "decode appendix A request" 0 'CON 0.01 GET mid=0x7d34 (32052) token=(none)' -- \
  "$cobalt" decode 40017d34bb74656d7065726174757265
expect "decode payload" 0 'payload (6 bytes, text): "22.3 C"' -- "$cobalt" decode "60 45 7d 34 ff 32 32 2e 33 20 43"
expect "decode malformed CON exits 1" 1 'reject with RST' -- "$cobalt" decode 4f010001
expect "decode reports the offset" 1 'option length nibble 15 at byte 4' -- "$cobalt" decode 40010001bf
expect "decode rejects non-hex" 2 'not hex' -- "$cobalt" decode zz
expect "decode from stdin" 0 'RST 0.00 Empty' -- bash -c "printf '# comment\n7000ad7c\n' | '$cobalt' decode -"
expect "decode critical option note" 0 '4.02 Bad Option' -- "$cobalt" decode 40010001e0fce0
hex=$("$cobalt" encode --type NON --code GET --mid 0x7d40 --token 75 --option Uri-Path=temperature)
expect "encode appendix A NON" 0 '51017d4075bb74656d7065726174757265' -- echo "$hex"
expect "encode content-format by name" 0 'Content-Format: 50 (application/json)' -- \
  "$cobalt" decode "$("$cobalt" encode --code 2.05 --type ACK --option Content-Format=json --payload '{}')"
expect "encode rejects a bad option" 2 'unknown option' -- "$cobalt" encode --option Nope=1
expect "encode refuses an empty code with payload" 1 'not a valid message' -- "$cobalt" encode --code 0.00 --payload x
expect "uri decomposition" 0 'Uri-Query: "x=&"' -- "$cobalt" uri 'coap://h/a?x=%26'
expect "uri resolution" 0 'coap://h/a/d?q' -- "$cobalt" uri --base coap://h/a/b/c '../d?q'
expect "uri malformed exits 1" 1 'character not allowed in a host name' -- "$cobalt" uri 'coap://h st/'
expect "unknown command" 2 "unknown command" -- "$cobalt" frobnicate
expect "version" 0 "cobalt " -- "$cobalt" --version

for cmd in get post put delete fetch patch ipatch observe discover ping serve; do
  expect "$cmd --help" 0 "usage: cobalt $cmd" -- "$cobalt" "$cmd" --help
  expect "help $cmd" 0 "usage: cobalt $cmd" -- "$cobalt" help "$cmd"
done
expect "get --help lists exit codes" 0 '5 timeout, 6 4.xx response' -- "$cobalt" get --help
expect "observe --help has --count" 0 '--count N' -- "$cobalt" observe --help
expect "get without URI" 2 'missing URI' -- "$cobalt" get
expect "get unknown flag" 2 "unknown option '--frob'" -- "$cobalt" get --frob coap://h/
expect "bad block size" 2 '--block-size must be' -- "$cobalt" get --block-size 100 coap://h/
expect "unknown content format" 2 "unknown content format 'nope'" -- "$cobalt" put --content-format nope coap://h/
expect "unreadable payload file" 8 'cannot read' -- "$cobalt" put --payload @/nonexistent/cobalt coap://h/
expect "serve bad port" 2 '--port needs a number' -- "$cobalt" serve --port 99999
expect "usage lists the network commands" 0 'discover' -- "$cobalt" --help
# Over real UDP on loopback: a port nothing listens on answers with ICMP port
# unreachable, which ends the request at once with exit code 4.
# (below the ephemeral range, so that no concurrent client's socket is given it)
interop_dir="$(cd "$(dirname "$0")/../interop" && pwd)"
closed_port=$(python3 -c "import sys; sys.path.insert(0, '$interop_dir'); import interop; print(interop.free_udp_port(interop.FAMILIES['v4']))")
expect "ICMP port unreachable exits 4" 4 'peer unreachable' -- \
  "$cobalt" get --timeout 10 "coap://127.0.0.1:$closed_port/x"
expect "bad bind address" 9 'not an IP address' -- "$cobalt" serve --bind nowhere --port 0

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
