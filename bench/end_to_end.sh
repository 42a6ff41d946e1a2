#!/usr/bin/env bash
# End-to-end throughput of `neardup scan` on a real news dump, median of N
# runs, at each level separately and both together:
#   bench/end_to_end.sh [INPUT] [RUNS] [THREADS]
# Defaults: ../shared/data/chronam1916-q1.jsonl.gz, 3 runs, all cores.
# NEARDUP=path/to/neardup times another binary (a baseline build) instead.
# Prints wall seconds, MB/s and documents/s of uncompressed text, peak RSS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/median_time.sh"
input=${1:-$root/../shared/data/chronam1916-q1.jsonl.gz}
runs=${2:-3}
threads=${3:-0}
bin=${NEARDUP:-$root/build/release/src/neardup}
[ -x "$bin" ] || { echo "build first: cmake --preset release && cmake --build --preset release" >&2; exit 1; }
bytes=$(zcat -f "$input" | wc -c)
docs=$(zcat -f "$input" | grep -c .)
printf '%s: %d documents, %.1f MB uncompressed; threads=%s (0 = all)\n' \
  "$(basename "$input")" "$docs" "$(echo "$bytes / 1000000" | bc -l)" "$threads"
printf '%-9s %9s %9s %11s %10s\n' level wall_s MB/s docs/s peak_MiB
for level in document passage both; do
  median=$(median_time "$runs" "$bin" scan "$input" --level="$level" \
    --threads="$threads" --quiet --output /dev/null)
  wall=${median% *}
  rss_kb=${median#* }
  printf '%-9s %9.2f %9.1f %11.0f %10.0f\n' "$level" "$wall" \
    "$(echo "$bytes / 1000000 / $wall" | bc -l)" "$(echo "$docs / $wall" | bc -l)" \
    "$(echo "$rss_kb / 1024" | bc -l)"
done
