#!/usr/bin/env bash
# The scan of a generated corpus, in memory and streamed within a budget
# (`--memory`), side by side, median of N runs each:
#   bench/past_memory.sh [BYTES] [BUDGET] [RUNS] [MODES] [LEVEL]
# Defaults: a 1 GB corpus (made once by neardup_generate from BBC News,
# edit rate 0.02, in $TMPDIR or /tmp), a 100 MB budget, 3 runs, MODES
# "memory stream" (give "stream" alone for corpora that do not fit) and
# LEVEL document (or passage, or both).
# Prints wall seconds, MB/s, documents/s and peak RSS, and checks that the
# two reports are identical.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/median_time.sh"
bytes=${1:-1000000000}
budget=${2:-100000000}
runs=${3:-3}
modes=${4:-memory stream}
level=${5:-document}
tmp=${TMPDIR:-/tmp}
bin=$root/build/release/src/neardup
generate=$root/build/release/tools/generate/neardup_generate
[ -x "$bin" ] || { echo "build first: tools/test.sh or cmake --build build/release" >&2; exit 1; }
corpus=$tmp/neardup_generated_$bytes
if [ ! -f "$corpus/corpus.jsonl" ]; then
  "$generate" "$root/../shared/data/bbc_news/docs.jsonl.gz" \
    --output_dir "$corpus" --target_bytes="$bytes" --edit_rate=0.02
fi
input=$corpus/corpus.jsonl
size=$(stat -c %s "$input")
docs=$(wc -l < "$input")
printf '%s: %d documents, %.1f MB; budget %.0f MB; level %s\n' "$input" \
  "$docs" "$(echo "$size / 1000000" | bc -l)" \
  "$(echo "$budget / 1000000" | bc -l)" "$level"
printf '%-7s %9s %9s %11s %10s\n' mode wall_s MB/s docs/s peak_MB
for mode in $modes; do
  flags=()
  [ "$mode" = stream ] && flags=(--memory="$budget" --tmp_dir="$tmp")
  median=$(median_time "$runs" "$bin" scan "$input" --level="$level" \
    "${flags[@]}" --quiet --output "$tmp/neardup_$mode.jsonl")
  wall=${median% *}
  rss_kb=${median#* }
  printf '%-7s %9.2f %9.1f %11.0f %10.0f\n' "$mode" "$wall" \
    "$(echo "$size / 1000000 / $wall" | bc -l)" "$(echo "$docs / $wall" | bc -l)" \
    "$(echo "$rss_kb * 1024 / 1000000" | bc -l)"
done
if [ "$modes" = "memory stream" ]; then
  cmp -s "$tmp/neardup_memory.jsonl" "$tmp/neardup_stream.jsonl" &&
    echo "reports identical" || { echo "reports differ" >&2; exit 1; }
fi
