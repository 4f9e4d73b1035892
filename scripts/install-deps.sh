#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages cobalt needs, only those missing.
# Idempotent and quiet when everything is present; needs root (the machines run as root).
set -euo pipefail

packages=(
  meson ninja-build pkg-config cmake g++ python3
  clang-14 libclang-rt-14-dev llvm-14 clang-format
  libmsgsl-dev librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcoap3-dev libcoap3-bin libasio-dev
  libmbedtls-dev openssl
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
