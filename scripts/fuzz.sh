#!/usr/bin/env bash
# Builds the libFuzzer targets fuzz_request_parser, fuzz_response_parser and fuzz_store_codec with
# clang (+ASan+UBSan) into build-fuzz/ and runs each on its seed corpus, the given time split
# between them. Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags] (default 25 s in all;
# FUZZ_SECONDS works too). Exits non-zero when a fuzzer finds a crash, a leak, a sanitizer report
# or a disagreement between splits; the input is saved in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-25}}
shift || true
jobs=$(nproc)
targets=(request_parser response_parser store_codec)

cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCORSLAB_FUZZ=ON \
      -DCORSLAB_BUILD_GUI=OFF -DCORSLAB_BROWSER_TESTS=OFF -DBUILD_TESTING=OFF > /dev/null
cmake --build build-fuzz -j"$jobs" --target "${targets[@]/#/fuzz_}"

mkdir -p build-fuzz/artifacts
left=$seconds
for i in "${!targets[@]}"; do
  target=${targets[$i]}
  # An equal share of what is left, at least 1 s (-max_total_time=0 would mean no limit).
  share=$(( left / (${#targets[@]} - i) ))
  (( share < 1 )) && share=1
  left=$(( left - share ))
  # New inputs go to build-fuzz/corpus (kept between runs, not committed); the seeds are read only.
  corpus=build-fuzz/corpus/$target
  mkdir -p "$corpus"
  # The HTTP dictionary helps the parsers only; the store's payloads are varints.
  dict=()
  [[ $target == *_parser ]] && dict=(-dict=fuzz/http.dict)
  echo "Fuzzing the ${target//_/ } for ${share}s"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/bin/fuzz_$target" -max_total_time="$share" -timeout=10 -rss_limit_mb=2048 \
    -max_len=8192 "${dict[@]}" -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 \
    "$@" "$corpus" "fuzz/corpus/$target"
done
