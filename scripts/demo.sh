#!/usr/bin/env bash
# demo.sh — the README's first command: installs what is missing, builds, starts
# `cobalt serve` on loopback and runs the `cobalt` client against it (discovery,
# GET, PUT, a block-wise upload and download of a large file with a checksum
# check, an observe session, a separate response, ping); then shows the codec and
# URI handling (RFC 7252 Appendix A messages, malformed datagrams, URIs as request
# options) and two Endpoints on a lossy simulated network in virtual time. The
# server is stopped on exit, whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh
if [[ ! -f build/build.ninja ]]; then
  meson setup build >/dev/null
fi
ninja -C build >/dev/null
cobalt=build/tools/cobalt

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# ---- a real network: cobalt serve on 127.0.0.1, the cobalt client against it ----
served=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$served"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="coap://127.0.0.1:$port"
echo "cobalt serves files over CoAP." > "$served/hello.txt"

step "cobalt serve $served --bind 127.0.0.1 --port $port"
server_log=$(mktemp)
$cobalt serve "$served" --bind 127.0.0.1 --port "$port" 2>"$server_log" &
server_pid=$!
for _ in $(seq 50); do
  if $cobalt ping --timeout 1 "$base" >/dev/null 2>&1; then break; fi
done
sed 's/^/  [server] /' "$server_log"
rm -f "$server_log"
$cobalt ping "$base" | sed 's/^/  /'

step "Discovery: cobalt discover $base/.well-known/core"
$cobalt discover "$base/.well-known/core" 2>&1 | sed 's/^/  /'

step "GET a file: cobalt get $base/hello.txt"
$cobalt get "$base/hello.txt" 2>&1 | sed 's/^/  /'

step "PUT a new file, then GET it back (-v shows every message)"
$cobalt put "$base/notes/today.txt" --payload "written over CoAP" 2>&1 | sed 's/^/  /'
$cobalt get -v "$base/notes/today.txt" 2>&1 | sed 's/^/  /'

step "Block-wise: upload 300 KB in 256-byte Block1 blocks, download in 1024-byte Block2 blocks"
python3 -c 'import os, sys; sys.stdout.buffer.write(os.urandom(300000))' > "$served/../demo-upload.bin"
$cobalt put "$base/big.bin" --payload "@$served/../demo-upload.bin" --block-size 256 2>&1 | sed 's/^/  /'
$cobalt get "$base/big.bin" --block-size 1024 2>&1 >"$served/../demo-download.bin" | sed 's/^/  /'
sent=$(sha256sum < "$served/../demo-upload.bin" | cut -c1-16)
stored=$(sha256sum < "$served/big.bin" | cut -c1-16)
fetched=$(sha256sum < "$served/../demo-download.bin" | cut -c1-16)
echo "  sha256: sent $sent, stored by the server $stored, fetched back $fetched"
rm -f "$served/../demo-upload.bin" "$served/../demo-download.bin"
if [[ $sent != "$stored" || $sent != "$fetched" ]]; then echo "  checksums differ"; exit 1; fi

step "Observe /time: three notifications, one a second (RFC 7641)"
$cobalt observe "$base/time" --count 3 2>&1 | sed 's/^/  /'

step "A separate response: /separate answers after 2 s (empty ACK first, then a CON 2.05)"
$cobalt get -v "$base/separate" 2>&1 | grep -E '^(--|ACK|CON|NON|  payload)|Content' | sed 's/^/  /'

step "Errors are exit codes: a missing file is 4.04 (exit 6), a port nobody listens on is ICMP unreachable (exit 4)"
$cobalt get "$base/missing.txt" 2>&1 | sed 's/^/  /' || echo "  exit code $?"
closed=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
$cobalt get "coap://127.0.0.1:$closed/x" 2>&1 | sed 's/^/  /' || echo "  exit code $?"

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=

step "RFC 7252 Figure 16: a CON GET for /temperature and its piggybacked answer"
$cobalt decode 40017d34bb74656d7065726174757265 "60 45 7d 34 ff 32 32 2e 33 20 43" | sed 's/^/  /'

step "Encode a NON GET with a token, two path segments, Accept and a high-numbered option"
hex=$($cobalt encode --type NON --code GET --mid 0x7d40 --token 75a1 \
        --option Uri-Path=sensors --option Uri-Path=temperature --option Accept=json \
        --option No-Response=26)
echo "  $hex"
$cobalt decode "$hex" | sed 's/^/  /'

step "A block-wise response: Block2 3/1/1024, ETag, Size2"
hex=$($cobalt encode --type ACK --code 2.05 --mid 0x1234 --token cafe \
        --option Block2=62 --option ETag=a1b2c3d4 --option Size2=8192 --option Content-Format=octets \
        --payload "first bytes of block 3")
$cobalt decode "$hex" | sed 's/^/  /'

step "Malformed datagrams get the reaction RFC 7252 asks for"
for bad in 4f010001 "40 01 00 01 ff" "40 01 00 01 bf" "70 45 00 01" "41 00 00 01 aa" "80 01 00 01"; do
  $cobalt decode "$bad" | sed 's/^/  /' || true
done

step "An unknown critical option is noticed (a server answers 4.02 Bad Option)"
$cobalt decode "$($cobalt encode --code GET --option 65001=01)" | sed 's/^/  /'

step "A CoAP URI: components, normal form, and the options of RFC 7252 section 6.4"
$cobalt uri 'coap://EXAMPLE.com:5683/%7Esensors/temp.xml?unit=c&x=%26' | sed 's/^/  /'
$cobalt uri 'coap://[fe80::1%25eth0]:61616/' | sed 's/^/  /'

step "Reference resolution (RFC 3986 section 5.2) against coap://h/a/b/c"
$cobalt uri --base coap://h/a/b/c '../d?q' './e/../f' '//other/x' | grep -- '->' | sed 's/^/  /'

step "A malformed URI is pointed at, not guessed at"
$cobalt uri 'coap://h st/x' | sed 's/^/  /' || true

step "Two Endpoints on a simulated network: 30% loss, duplication, reordering (virtual time)"
build/examples/simulated_network build/simulated_network.pcap | sed 's/^/  /'

step "The async API: async-coap's full example in C++ (Block2 GET, coroutine, simulated coap.me)"
build/examples/async_full_example | sed 's/^/  /'

step "The async API: multicast discovery, every responder with its address, as a stream"
build/examples/async_multicast_discovery | sed 's/^/  /'

step "Done: run scripts/test.sh for the test suites"
