#!/usr/bin/env bash
# check_format.sh — every C++ source of the project matches .clang-format.
# Usage: check_format.sh SOURCE_ROOT CLANG_FORMAT
set -euo pipefail
cd "$1"
mapfile -t files < <(find engine async tools tests examples fuzz bench adapters \
  \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) -not -path '*/corpus/*' | sort)
echo "checking ${#files[@]} files with $("$2" --version)"
"$2" --style=file --dry-run --Werror "${files[@]}"
echo "all formatted"
