#!/usr/bin/env bash
# valgrind_demo.sh — issue 12: the demo (scripts/demo.sh) under valgrind. Runs
# the demo's programs, each under `valgrind --leak-check=full`: `cobalt serve`
# on loopback (stopped with SIGINT, so its exit and leak check run), the cobalt
# client against it (ping, discover, GET, PUT, a block-wise upload and download
# — 8 KB here instead of 300 KB, for time —, observe, a separate response, a
# 4.04), the codec and URI subcommands, and the simulated-network and async
# examples. Fails on any valgrind error (invalid access, uninitialised value,
# definite or indirect leak) or any failed command. Normal build only (not under
# ASan). Usage: valgrind_demo.sh BUILD_DIR
set -uo pipefail
build=$1
cobalt=$build/tools/cobalt
if ! command -v valgrind >/dev/null; then
  echo "valgrind not installed: skipped"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2054 # the commas are inside one option value
vg_options=(-q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
  --suppressions="$here/valgrind.supp")
logs=$(mktemp -d)
served=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$served" "$logs"
}
trap cleanup EXIT

failures=0
runs=0
# vg NAME COMMAND...: one program under valgrind; its log is kept apart.
vg() {
  local name=$1
  shift
  runs=$((runs + 1))
  valgrind "${vg_options[@]}" --log-file="$logs/$name.log" "$@" >"$logs/$name.out" 2>"$logs/$name.err"
  local status=$?
  if [[ $status -ne 0 ]] || [[ -s $logs/$name.log ]]; then
    echo "FAIL $name (exit $status)"
    sed 's/^/    /' "$logs/$name.log" | head -40
    tail -n 5 "$logs/$name.err" | sed 's/^/    stderr: /'
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="coap://127.0.0.1:$port"
echo "cobalt serves files over CoAP." >"$served/hello.txt"
valgrind "${vg_options[@]}" --log-file="$logs/serve.log" "$cobalt" serve "$served" --bind 127.0.0.1 --port "$port" \
  >"$logs/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  if "$cobalt" ping --timeout 1 "$base" >/dev/null 2>&1; then break; fi
done

vg ping "$cobalt" ping "$base"
vg discover "$cobalt" discover "$base/.well-known/core"
vg get "$cobalt" get "$base/hello.txt"
vg put "$cobalt" put "$base/notes/today.txt" --payload "written over CoAP"
vg get_verbose "$cobalt" get -v "$base/notes/today.txt"
python3 -c 'import os, sys; sys.stdout.buffer.write(os.urandom(8000))' >"$logs/upload.bin"
vg put_block1 "$cobalt" put "$base/big.bin" --payload "@$logs/upload.bin" --block-size 256
vg get_block2 "$cobalt" get "$base/big.bin" --block-size 1024
if ! cmp -s "$logs/upload.bin" "$served/big.bin"; then
  echo "FAIL the block-wise upload differs"
  failures=$((failures + 1))
fi
if ! cmp -s "$logs/get_block2.out" "$logs/upload.bin"; then
  echo "FAIL the block-wise download differs"
  failures=$((failures + 1))
fi
vg observe "$cobalt" observe "$base/time" --count 2
vg separate "$cobalt" get "$base/separate"
runs=$((runs + 1))
valgrind "${vg_options[@]}" --log-file="$logs/missing.log" "$cobalt" get "$base/missing.txt" >/dev/null 2>&1
if [[ $? -ne 6 || -s $logs/missing.log ]]; then
  echo "FAIL missing (a 4.04 must exit 6, valgrind-clean)"
  cat "$logs/missing.log"
  failures=$((failures + 1))
else
  echo "ok   missing (4.04, exit 6)"
fi

kill -INT "$server_pid"
wait "$server_pid"
status=$?
server_pid=
runs=$((runs + 1))
if [[ $status -ne 0 || -s $logs/serve.log ]]; then
  echo "FAIL serve (exit $status)"
  sed 's/^/    /' "$logs/serve.log" | head -40
  failures=$((failures + 1))
else
  echo "ok   serve (stopped by SIGINT)"
fi

vg decode "$cobalt" decode 40017d34bb74656d7065726174757265 "60 45 7d 34 ff 32 32 2e 33 20 43"
vg encode "$cobalt" encode --type NON --code GET --mid 0x7d40 --token 75a1 \
  --option Uri-Path=sensors --option Uri-Path=temperature --option Accept=json
vg uri "$cobalt" uri 'coap://EXAMPLE.com:5683/%7Esensors/temp.xml?unit=c&x=%26'
vg simulated_network "$build/examples/simulated_network" "$logs/sim.pcap"
vg async_full_example "$build/examples/async_full_example"
vg async_multicast_discovery "$build/examples/async_multicast_discovery"

echo "$((runs - failures)) of $runs programs valgrind-clean"
[[ $failures -eq 0 ]]
