#!/usr/bin/env bash
# demo.sh — the README's first command: installs what is missing, builds, and
# shows the codec and URI handling at work through the `cobalt` CLI (decode
# RFC 7252 Appendix A messages, encode requests, reject malformed datagrams, and
# turn URIs into request options), then runs a client and a server Endpoint on
# a lossy simulated network in virtual time and writes its packet trace as pcap.
# The real-network demo (client against `cobalt serve`) arrives with the CLI's
# network subcommands.
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
