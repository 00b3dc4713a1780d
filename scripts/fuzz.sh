#!/usr/bin/env bash
# Builds libFuzzer targets and runs each for a bounded time from a fresh seed corpus.
# Exits non-zero if any target crashes, times out on one input, runs out of memory or fails to build.
#
# usage: scripts/fuzz.sh [-t SECONDS] TARGET...     e.g. scripts/fuzz.sh -t 30 FuzzCSVReader FuzzSegmentReader
#        scripts/fuzz.sh TARGET... SECONDS           (a bare number is taken as SECONDS; default 30)
#        scripts/fuzz.sh -t 60 all                   (every Fuzz* product declared in Package.swift)
#
# A target is an executable product built with `-sanitize=fuzzer -DFUZZING` (scratch path .build-fuzz, or
# $FUZZ_SCRATCH) whose FUZZING build exports LLVMFuzzerTestOneInput and hands control to libFuzzer.
# Seed corpus, created in a temporary directory per run:
#   - if the fuzzer binary supports `--make-seeds DIR` (FuzzCSVReader does, in both builds), its seeds;
#   - plus the files of Fuzz/<dir>/seeds/ if that directory exists (<dir> = the target's path in Package.swift).
# New corpus entries are discarded with the temporary directory; crash inputs are kept in
# $FUZZ_SCRATCH/artifacts/ and can be replayed with `<binary> <crash-file>`.
# Extra libFuzzer flags can be passed in $FUZZ_FLAGS (e.g. FUZZ_FLAGS="-max_len=65536").
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=30
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    -t|--seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*|"") targets+=("$1"); shift ;;
    *) seconds="$1"; shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "usage: scripts/fuzz.sh [-t SECONDS] TARGET...  (or 'all')" >&2
  exit 2
fi
if [ "${targets[*]}" = "all" ]; then
  mapfile -t targets < <(grep -o '\.executable(name: "Fuzz[A-Za-z0-9_]*"' Package.swift | sed 's/.*"\(.*\)"/\1/')
fi

scratch="${FUZZ_SCRATCH:-.build-fuzz}"
artifacts="$scratch/artifacts"
mkdir -p "$artifacts"
build_flags=(-c debug -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path "$scratch")
bin_dir="$(swift build "${build_flags[@]}" --show-bin-path)"

# The Swift runtime's backtracer would catch the crash signal before libFuzzer could save the input.
export SWIFT_BACKTRACE=enable=no

work="$(mktemp -d "${TMPDIR:-/tmp}/nq-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failed=()
for target in "${targets[@]}"; do
  echo "== $target: building"
  if ! swift build "${build_flags[@]}" --product "$target" 2>&1 | tail -n 20; then
    echo "== $target: BUILD FAILED"; failed+=("$target (build)"); continue
  fi
  if [ ! -x "$bin_dir/$target" ]; then
    echo "== $target: BUILD FAILED"; failed+=("$target (build)"); continue
  fi
  binary="$bin_dir/$target"

  corpus="$work/$target-corpus"
  mkdir -p "$corpus"
  # A binary that does not know --make-seeds hands it to libFuzzer, which ignores the unknown flag and,
  # with -runs=0, only loads the (empty) corpus directory and exits.
  timeout 120 "$binary" --make-seeds "$corpus" -runs=0 >/dev/null 2>&1 || true
  dir="$(grep -o "name: \"$target\"[^)]*path: \"[^\"]*\"" Package.swift | sed 's/.*path: "\(.*\)"/\1/' || true)"
  if [ -n "$dir" ] && [ -d "$dir/seeds" ]; then cp -R "$dir/seeds/." "$corpus/"; fi
  echo "== $target: fuzzing for ${seconds}s from $(find "$corpus" -type f | wc -l | tr -d ' ') seed file(s)"

  log="$work/$target.log"
  set +e
  # shellcheck disable=SC2086
  "$binary" "$corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$target-" ${FUZZ_FLAGS:-} >"$log" 2>&1
  status=$?
  set -e
  if [ $status -ne 0 ]; then
    echo "== $target: FAILED (exit $status); last lines of the libFuzzer log:"
    tail -n 40 "$log"
    crash="$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -n 1 || true)"
    if [ -n "$crash" ]; then echo "== reproduce: $binary $crash"; fi
    failed+=("$target")
  else
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    corpus_size="$(find "$corpus" -type f | wc -l | tr -d ' ')"
    echo "== $target: ok, $runs inputs in ${seconds}s, corpus grew to $corpus_size files"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} target(s) ran ${seconds}s without a crash"
