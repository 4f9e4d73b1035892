#!/usr/bin/env bash
# consumer_test.sh — proves an outside project can use cobalt two ways:
#   1. through `meson install` output and pkg-config (cobalt.pc), and
#   2. as a Meson subproject found through meson.override_dependency('cobalt').
# Usage: consumer_test.sh SOURCE_ROOT BUILD_ROOT
set -euo pipefail
source_root=$(cd "$1" && pwd)
build_root=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
consumer_src="$source_root/tests/install/consumer"

echo "== installed package =="
DESTDIR="$work/stage" meson install -C "$build_root" --no-rebuild --quiet
prefix=$(meson introspect "$build_root" --buildoptions | python3 -c \
  'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
pcdir=$(dirname "$(find "$work/stage$prefix" -name cobalt.pc | head -n1)")
test -f "$pcdir/cobalt.pc" || { echo "cobalt.pc was not installed"; exit 1; }
test -f "$work/stage$prefix/include/coap/message.hpp" || { echo "headers were not installed"; exit 1; }
cp -r "$consumer_src" "$work/installed"
PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$work/stage" \
  meson setup "$work/installed-build" "$work/installed" -Dmode=pkgconfig >"$work/setup1.log" 2>&1 \
  || { cat "$work/setup1.log"; exit 1; }
ninja -C "$work/installed-build" >"$work/build1.log" 2>&1 || { cat "$work/build1.log"; exit 1; }
"$work/installed-build/consumer"

echo "== subproject =="
cp -r "$consumer_src" "$work/sub"
mkdir -p "$work/sub/subprojects"
# A copy of the tracked sources (no build directories) stands in for a wrap.
(cd "$source_root" && tar --exclude='./build*' --exclude='./.git' -cf - .) | \
  (mkdir -p "$work/sub/subprojects/cobalt" && tar -C "$work/sub/subprojects/cobalt" -xf -)
meson setup "$work/sub-build" "$work/sub" -Dmode=subproject >"$work/setup2.log" 2>&1 \
  || { cat "$work/setup2.log"; exit 1; }
# Only the consumer and what it links: the subproject's own tests, tools and
# benchmarks are not what this test is about (building them took minutes).
ninja -C "$work/sub-build" consumer >"$work/build2.log" 2>&1 || { cat "$work/build2.log"; exit 1; }
"$work/sub-build/consumer"
echo "consumer built and ran both ways"
