#!/usr/bin/env bash
# Set-up and tests: installs dependencies, checks formatting, then builds and
# runs every fast test twice: under AddressSanitizer + UndefinedBehaviorSanitizer
# (preset asan) and optimized (preset release, which also builds the
# benchmarks). Tests labelled "slow" are opt-in: `ctest --preset release -L slow`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/install_deps.sh
tools/check_format.sh
jobs=$(nproc)
for preset in asan release; do
  echo "== $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  ctest --preset "$preset" -j"$jobs"
done
