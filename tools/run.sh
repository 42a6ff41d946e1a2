#!/usr/bin/env bash
# Set-up and main job: installs dependencies, builds the release binary and
# scans corpus/ (or the PATHs and flags given, e.g. `tools/run.sh clean corpus
# --output out.jsonl --decisions decisions.jsonl`). The report goes to stdout.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools/install_deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target neardup >&2
exec build/release/src/neardup "$@"
