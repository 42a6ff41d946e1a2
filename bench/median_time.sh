# Sourced by the bench scripts. median_time RUNS CMD...: runs CMD RUNS times
# under /usr/bin/time and prints "WALL_SECONDS PEAK_RSS_KB" of the median run
# (by wall time), or fails, naming the command, as soon as one run fails.
median_time() {
  local runs=$1
  shift
  local results=() timing
  timing=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$timing" "$@" || {
      echo "median_time: failed: $*" >&2
      rm -f "$timing"
      return 1
    }
    results+=("$(cat "$timing")")
  done
  rm -f "$timing"
  printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"
}
