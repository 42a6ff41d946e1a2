#!/usr/bin/env bash
# Fails when a C++ file under src/, tests/, bench/ or tools/ is not clang-formatted
# (.clang-format: Google style). Fix with:
#   find src tests bench tools -name '*.cc' -o -name '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find src tests bench tools \( -name '*.cc' -o -name '*.h' \) | sort)
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
echo "format: $(echo "$files" | wc -l) files clean"
