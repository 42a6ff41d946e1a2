#!/usr/bin/env bash
# Rewrites tests/cli/golden/ from the current build. Run it when a change to
# the report is intended, then review `git diff tests/cli/golden` line by line.
#   tools/regen_golden.sh [BUILD_DIR]   (default build/dev)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
exec "$root/tests/cli/run_golden.sh" "$build/src/neardup" "$root" --update
