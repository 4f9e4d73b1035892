#!/usr/bin/env bash
# embedded_size.sh — the embedded profile's CI step: cross-builds engine/ with
# -Dprofile=embedded for an ARM Cortex-M4 (cross/cortex-m4.txt: Debian's
# gcc-arm-none-eabi, newlib-nano, -mcpu=cortex-m4 -mthumb -Os), links the
# size-report programs and the example main loop of examples/embedded/, then
# prints the text/data/bss table and fails on a heap reference or a size over
# the aim (embedded/size_report.py); then runs the example on an emulated
# Cortex-M4 (QEMU's mps2-an386 board, semihosting: embedded/target/), which
# measures the Endpoint's memory there and runs two nodes over the fake radio.
# Usage: embedded_size.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dir=${1:-build-arm}

if ! command -v arm-none-eabi-g++ >/dev/null; then
  echo "arm-none-eabi-g++ not found: run scripts/install-deps.sh"
  exit 1
fi
if [[ ! -d /usr/include/gsl ]]; then
  echo "/usr/include/gsl not found: install libmsgsl-dev"
  exit 1
fi
# The cross compiler must not search the host's /usr/include (glibc headers
# would pass for newlib's): it gets a directory that holds only gsl/.
mkdir -p "$dir-gsl"
ln -sfn /usr/include/gsl "$dir-gsl/gsl"

if [[ ! -f $dir/build.ninja ]]; then
  if ! meson setup "$dir" --cross-file cross/cortex-m4.txt -Dprofile=embedded \
       -Dgsl_include_dir="$root/$dir-gsl" -Dbuildtype=minsize -Dwerror=true >"$dir.setup.log" 2>&1; then
    cat "$dir.setup.log"
    echo "setup of $dir: FAILED"
    exit 1
  fi
fi
if ! ninja -C "$dir" -j "${JOBS:-2}" >"$dir.build.log" 2>&1; then
  tail -n 60 "$dir.build.log"
  echo "build of $dir: FAILED"
  exit 1
fi
python3 embedded/size_report.py "$dir"

if ! command -v qemu-system-arm >/dev/null; then
  echo "qemu-system-arm not found: run scripts/install-deps.sh"
  exit 1
fi
echo
echo "== the example on an emulated Cortex-M4 (qemu-system-arm -M mps2-an386)"
# Bounded: the program ends itself through semihosting in well under a second.
timeout 120 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
  -semihosting-config enable=on,target=native -kernel "$dir/embedded/on_target" </dev/null 2>&1
