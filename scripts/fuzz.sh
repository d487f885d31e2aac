#!/usr/bin/env bash
# Builds the libFuzzer target fuzz_request_parser with clang (+ASan+UBSan) into build-fuzz/ and
# runs it for a while on the seed corpus. Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags]
# (default 25 s; FUZZ_SECONDS works too). Exits non-zero when the fuzzer finds a crash, a leak, a
# sanitizer report or a disagreement between splits; the input is saved in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-25}}
shift || true
jobs=$(nproc)

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCORSLAB_FUZZ=ON \
      -DCORSLAB_BUILD_GUI=OFF -DCORSLAB_BROWSER_TESTS=OFF -DBUILD_TESTING=OFF > /dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_request_parser

# New inputs go to build-fuzz/corpus (kept between runs, not committed); the seeds are read only.
corpus=build-fuzz/corpus/request_parser
mkdir -p "$corpus" build-fuzz/artifacts
echo "Fuzzing the request parser for ${seconds}s"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  build-fuzz/bin/fuzz_request_parser -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=8192 -dict=fuzz/http.dict -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
  "$@" "$corpus" fuzz/corpus/request_parser
