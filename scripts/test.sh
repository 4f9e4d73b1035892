#!/usr/bin/env bash
# test.sh — the README's second command: installs what is missing, then builds and
# runs every suite of the normal build (warnings as errors), the embedded
# profile's Cortex-M4 cross build and size check, every suite of an ASan+UBSan
# build, and the fuzz corpora replay (suite `fuzz`: in the normal and ASan
# builds or, when fuzzing follows, under clang's ASan+UBSan before it).
# With CI=true (or COBALT_FUZZ_SECONDS=N) it also fuzzes each target for N seconds
# (default 20) under ASan+UBSan and checks the codec benchmark ratio against libcoap.
# Ends with a recap of every failure (test name and the end of its output, so
# that the tail of a CI log alone says what broke) and one line
# "N passed, N failed" over everything; exits non-zero on any failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

bash scripts/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
recap=$(mktemp)
trap 'rm -f "$recap"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export RC_PARAMS="max_success=${COBALT_PROPERTY_RUNS:-1000}"

note() { printf '\n\033[1m== %s (%s)\033[0m\n' "$*" "$(date -u +%H:%M:%S)"; }

# configure_and_build DIR [meson setup options...]
configure_and_build() {
  local dir=$1
  shift
  if [[ ! -f $dir/build.ninja ]]; then
    if ! meson setup "$dir" "$@" >"$dir.setup.log" 2>&1; then
      cat "$dir.setup.log"
      echo "setup of $dir: FAILED"
      failed=$((failed + 1))
      return 1
    fi
  fi
  if ! ninja -C "$dir" -j "$jobs" >"$dir.build.log" 2>&1; then
    tail -n 60 "$dir.build.log"
    echo "build of $dir: FAILED"
    echo "-- build of $dir failed; see above" >>"$recap"
    failed=$((failed + 1))
    return 1
  fi
}

# recap_meson_failures DIR: appends to the recap each test of DIR's last run
# that did not pass, with the last lines of its output.
recap_meson_failures() {
  python3 - "$1/meson-logs/testlog.json" >>"$recap" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    sys.exit(0)
for line in lines:
    test = json.loads(line)
    if test.get("result") in ("OK", "SKIP", "EXPECTEDFAIL"):
        continue
    output = (test.get("stdout") or "") + (test.get("stderr") or "")
    print(f"-- {test['name']}: {test.get('result')} after {test.get('duration', 0):.1f} s; its last lines:")
    for text in output.splitlines()[-25:]:
        print("   " + text)
PY
}

# run_meson_tests DIR PROCESSES [meson test options...]: adds meson's own counts.
run_meson_tests() {
  local dir=$1
  local processes=$2
  shift 2
  local log
  log=$(mktemp)
  meson test -C "$dir" --print-errorlogs --num-processes "$processes" "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  local ok fail unexpected timeout
  ok=$(awk '/^Ok:/ {print $2}' "$log")
  fail=$(awk '/^Fail:/ {print $2}' "$log")
  unexpected=$(awk '/^Unexpected Pass:/ {print $3}' "$log")
  timeout=$(awk '/^Timeout:/ {print $2}' "$log")
  rm -f "$log"
  recap_meson_failures "$dir"
  local bad=$(( ${fail:-0} + ${unexpected:-0} + ${timeout:-0} ))
  passed=$((passed + ${ok:-0}))
  failed=$((failed + bad))
  if [[ $status -ne 0 && $bad -eq 0 ]]; then
    echo "meson test in $dir exited $status"
    failed=$((failed + 1))
  fi
}

fuzzing_later=false
[[ ${CI:-} == true || -n ${COBALT_FUZZ_SECONDS:-} ]] && fuzzing_later=true
# When the fuzzing stage follows, it replays every corpus under clang's ASan +
# UBSan before fuzzing, so neither the normal nor the ASan build compiles the
# replayers (about two minutes of compiling on two cores between them).
replay=$([[ $fuzzing_later == true ]] && echo false || echo true)

note "normal build (warnings are errors)"
# The tests' own code at -O0 -g1 (quick_test_code): the libraries under test stay
# at -O2; compiling the tests took most of this stage's nine minutes.
if configure_and_build build-ci -Dwerror=true -Ddtls=enabled -Dfuzz_replay=$replay \
     -Dquick_test_code=true; then
  # Twice the cores: many suites (interop, conformance, dtls) mostly wait on
  # timers and peers over loopback.
  run_meson_tests build-ci "$((jobs * 2))"
fi

note "embedded profile: Cortex-M4 cross build, no heap, size table"
# engine/ and five small programs at -Os: about 35 s from clean on two cores.
if bash scripts/embedded_size.sh build-arm; then
  passed=$((passed + 1))
else
  echo "embedded profile: FAILED"
  echo "-- embedded profile failed; see above" >>"$recap"
  failed=$((failed + 1))
fi

note "ASan + UBSan build"
# -O1 with line tables only (-g1): ASan's recommended level; compiling the
# template-heavy tests at -O2 -g took three times as long for the same checks
# (and the tests' own code is at -O0 in a sanitized build: tests/meson.build).
if configure_and_build build-asan -Dwerror=true -Ddtls=enabled -Db_sanitize=address,undefined -Db_lundef=false \
     -Dbenchmarks=disabled -Doptimization=1 -Ddebug=false -Dcpp_args=-g1 \
     -Dfuzz_replay=$replay; then
  # As many as cores: instrumented tests are CPU-bound (more only thrash), and
  # what misuse fails to compile does not depend on the sanitizers.
  # Property tests run 300 cases each here (1000 in the normal build): the
  # sanitizers check memory on every case, and the 1000 cost a minute of CI.
  RC_PARAMS="max_success=${COBALT_SANITIZED_PROPERTY_RUNS:-300}" \
    run_meson_tests build-asan "$jobs" --no-suite install --no-suite compile_fail
fi

if [[ $fuzzing_later == true ]]; then
  # 20 s a target (30 s before) keeps the whole CI run under 30 minutes on two
  # cores; longer runs (minutes per target) are made by hand: fuzz/README.md.
  note "fuzzing each target for ${COBALT_FUZZ_SECONDS:-20} s (clang, ASan + UBSan)"
  fuzz_log=$(mktemp)
  # One target per core at a time: each still fuzzes for the full time.
  FUZZ_JOBS=$jobs bash fuzz/run_fuzzers.sh build-fuzz "${COBALT_FUZZ_SECONDS:-20}" 2>&1 | tee "$fuzz_log"
  fuzz_status=${PIPESTATUS[0]}
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$fuzz_log" | tail -n1)
  grep -E '^fuzz .*: FAILED' "$fuzz_log" | sed 's/^/-- /; s/$/ (its log and reproducer are above)/' >>"$recap"
  rm -f "$fuzz_log"
  if [[ -n $summary ]]; then
    passed=$((passed + $(awk '{print $1}' <<<"$summary")))
    failed=$((failed + $(awk '{print $3}' <<<"$summary")))
  elif [[ $fuzz_status -ne 0 ]]; then
    failed=$((failed + 1))
  fi

  note "codec benchmark: cobalt must parse faster than libcoap on the same bytes (a ratio)"
  if [[ -x build-ci/bench/codec_bench ]]; then
    if build-ci/bench/codec_bench --benchmark_min_time=0.2 --require-parse-speedup=1.0; then
      passed=$((passed + 1))
    else
      echo "codec benchmark ratio: FAILED"
      echo "-- codec benchmark ratio failed; see above" >>"$recap"
      failed=$((failed + 1))
    fi
  else
    echo "codec benchmark not built (Google Benchmark or libcoap missing): FAILED"
    failed=$((failed + 1))
  fi
fi

if [[ -s $recap ]]; then
  note "what failed"
  cat "$recap"
fi
echo
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
