#!/usr/bin/env bash
# fuzz/run_fuzzers.sh — time-boxed libFuzzer runs of the fuzz targets (local or CI).
# Owns: configuring a clang ASan+UBSan fuzzing build when BUILD_DIR has none,
# building the targets, running each on a scratch copy of its checked-in corpus
# (never growing the corpus itself), and the pass/fail summary.
#
#   usage: fuzz/run_fuzzers.sh BUILD_DIR SECONDS [TARGET...]
#
# TARGET defaults to every executable defined in fuzz/meson.build. SECONDS=0
# only replays the corpus. Environment: FUZZ_CXX (default clang++), FUZZ_ARGS
# (extra libFuzzer flags), FUZZ_JOBS (targets fuzzed at once, default 1),
# FUZZ_OUTPUT_DIR (keep each grown corpus in
# FUZZ_OUTPUT_DIR/TARGET, e.g. to merge it later). Crash inputs go to
# BUILD_DIR/fuzz-artifacts/TARGET/, logs to BUILD_DIR/fuzz-logs/TARGET.log.
# Exits 0 when every target ran clean, 1 when any crashed, 2 on setup errors.
set -u -o pipefail

usage() {
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
build_dir=$1
seconds=$2
shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_root=$(dirname "$script_dir")

if [ ! -f "$build_dir/build.ninja" ]; then
    echo "== configuring a fuzzing build in $build_dir"
    CXX=${FUZZ_CXX:-clang++} meson setup "$build_dir" "$source_root" \
        -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dtests=false -Dbenchmarks=disabled -Dcli=false || exit 2
fi
build_dir=$(cd "$build_dir" && pwd)
# Regenerate first when meson.build files changed, so introspection is current.
ninja -C "$build_dir" build.ninja >/dev/null || exit 2

# name<TAB>executable for every target of fuzz/meson.build, and the fuzzing option.
introspect() {
    meson introspect "$build_dir" --targets --buildoptions | python3 -c '
import json, os, sys
data = json.load(sys.stdin)
if sys.argv[1] == "fuzzing":
    print(next((o["value"] for o in data["buildoptions"] if o["name"] == "fuzzing"), False))
else:
    for t in data["targets"]:
        if t["type"] == "executable" and os.path.normpath(t["defined_in"]).endswith(os.path.join("fuzz", "meson.build")):
            print(t["name"] + "\t" + t["filename"][0])
' "$1"
}

if [ "$(introspect fuzzing)" != "True" ]; then
    echo "$build_dir is not configured with -Dfuzzing=true" >&2
    exit 2
fi
declare -A executable
while IFS=$'\t' read -r name file; do
    executable[$name]=$file
done < <(introspect targets)

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(printf '%s\n' "${!executable[@]}" | sort)
fi
[ ${#targets[@]} -gt 0 ] || { echo "no fuzz targets found" >&2; exit 2; }

known=()
for t in "${targets[@]}"; do
    [ -n "${executable[$t]:-}" ] && known+=("$t")
done
if [ ${#known[@]} -gt 0 ]; then
    echo "== building ${known[*]}"
    meson compile -C "$build_dir" "${known[@]}" || exit 2
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$build_dir/fuzz-logs"

# fuzz_one TARGET: one time-boxed run; writes "ok LINE" or "FAILED" to
# $scratch/TARGET.result and what a failure shows to $scratch/TARGET.report.
fuzz_one() {
    local t=$1
    local exe=${executable[$t]:-}
    local result="$scratch/$t.result" report="$scratch/$t.report"
    if [ -z "$exe" ]; then
        echo "no such fuzz target: $t" >"$report"
        echo "FAILED" >"$result"
        return
    fi
    local corpus
    if [ -n "${FUZZ_OUTPUT_DIR:-}" ]; then
        corpus="$FUZZ_OUTPUT_DIR/$t"
    else
        corpus="$scratch/$t"
    fi
    mkdir -p "$corpus"
    cp -R "$script_dir/corpus/$t/." "$corpus/" 2>/dev/null
    local artifacts="$build_dir/fuzz-artifacts/$t"
    mkdir -p "$artifacts"
    local log="$build_dir/fuzz-logs/$t.log"
    local limit
    if [ "$seconds" -eq 0 ]; then
        limit=(-runs=0)
    else
        limit=(-max_total_time="$seconds")
    fi
    local started="$scratch/$t.started"
    touch "$started"
    echo "== fuzzing $t for ${seconds}s (log: $log)"
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        "$exe" "${limit[@]}" -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$corpus" >"$log" 2>&1
    local status=$?
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ $status -eq 0 ]; then
        echo "ok (${runs:-0} runs)" >"$result"
        return
    fi
    {
        echo "-- $t exited with status $status; end of its log:"
        tail -n 40 "$log"
        find "$artifacts" -type f -newer "$started" | while read -r crash; do
            # The whole input, so that a CI log alone reproduces the failure:
            # base64 -d > crash.bin, then run the target on crash.bin.
            echo "-- reproducer: $crash ($(stat -c %s "$crash") bytes, base64: $(head -c 65536 "$crash" | base64 -w0))"
        done
    } >"$report"
    echo "FAILED" >"$result"
}

# FUZZ_JOBS targets at a time (default 1); each still gets SECONDS to itself.
parallel=${FUZZ_JOBS:-1}
[[ $parallel =~ ^[1-9][0-9]*$ ]] || parallel=1
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do
        wait -n
    done
    fuzz_one "$t" &
done
wait

summary=()
passed=0
failed=0
for t in "${targets[@]}"; do
    [ -f "$scratch/$t.report" ] && cat "$scratch/$t.report"
    outcome=$(cat "$scratch/$t.result" 2>/dev/null || echo FAILED)
    if [ "${outcome%% *}" = ok ]; then
        summary+=("fuzz $t: $outcome")
        passed=$((passed + 1))
    else
        summary+=("fuzz $t: FAILED")
        failed=$((failed + 1))
    fi
done

printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
