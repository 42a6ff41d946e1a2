#!/usr/bin/env bash
# Golden tests of the neardup command line (zstd's cli-tests, in one script).
#
#   run_golden.sh NEARDUP_BINARY SOURCE_DIR [--update]
#
# Each case runs the binary from SOURCE_DIR and compares its stdout, written
# files and exit status with tests/cli/golden/. --update rewrites the golden
# files instead (tools/regen_golden.sh); review the diff before committing.
set -u
bin=$1
src=$2
update=${3:-}
golden="$src/tests/cli/golden"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$src" || exit 2
failures=0
passed=0

# check NAME ACTUAL_FILE: compare with (or update) golden/NAME.
check() {
  if [ "$update" = "--update" ]; then
    cp "$2" "$golden/$1"
    return
  fi
  if diff -u "$golden/$1" "$2" > "$work/diff"; then
    passed=$((passed + 1))
  else
    echo "FAIL: $1 differs from its golden file:"
    head -40 "$work/diff"
    failures=$((failures + 1))
  fi
}

# expect NAME WANTED_STATUS STDERR_SUBSTRING -- COMMAND...
expect() {
  local name=$1 want=$2 needle=$3
  shift 4
  "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [ "$got" != "$want" ] || ! grep -qF -- "$needle" "$work/err"; then
    echo "FAIL: $name: exit $got (want $want), stderr:"
    head -5 "$work/err"
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
}

mkdir -p "$golden"
"$bin" scan corpus --quiet > "$work/scan.jsonl"
check scan.jsonl "$work/scan.jsonl"
"$bin" --quiet > "$work/default.jsonl"   # no arguments: scan corpus/
check scan.jsonl "$work/default.jsonl"
"$bin" scan corpus --quiet --threads=1 > "$work/scan1.jsonl"
check scan.jsonl "$work/scan1.jsonl"
"$bin" clean corpus --quiet --output "$work/clean.jsonl" \
  --decisions "$work/decisions.jsonl"
check clean.jsonl "$work/clean.jsonl"
check decisions.jsonl "$work/decisions.jsonl"
# --memory streams the same scan and clean through scratch files.
"$bin" scan corpus --quiet --memory=64M --tmp_dir="$work" \
  > "$work/stream_scan.jsonl"
check scan.jsonl "$work/stream_scan.jsonl"
"$bin" clean corpus --quiet --memory=64M --tmp_dir="$work" \
  --output "$work/stream_clean.jsonl" --decisions "$work/stream_decisions.jsonl"
check clean.jsonl "$work/stream_clean.jsonl"
check decisions.jsonl "$work/stream_decisions.jsonl"
"$bin" compare corpus/003_3ff6272d002e0d14.txt corpus/004_8c9459fa7f398ba9.txt \
  --quiet > "$work/compare.json"
check compare.json "$work/compare.json"
"$bin" eval corpus --gold tests/cli/seed_gold.jsonl --format=json --quiet \
  > "$work/eval.json"
check eval.json "$work/eval.json"

if [ "$update" != "--update" ]; then
  printf '{"text":"fine"}\n{"text": broken\n' > "$work/bad.jsonl"
  printf '{"id":"a","text":"ok"}\n' > "$work/stdin.jsonl"
  expect usage 1 "unknown level" -- "$bin" scan corpus --level=sentence
  expect missing 2 "nope.txt: no such file" -- "$bin" scan "$work/nope.txt"
  expect malformed 2 "bad.jsonl:2: malformed JSON" -- "$bin" scan "$work/bad.jsonl"
  expect skip_bad 0 "1 lines skipped" -- "$bin" clean "$work/bad.jsonl" \
    --skip_bad --output "$work/c.jsonl" --decisions "$work/d.jsonl"
  if ! grep -q '"decision":"skipped","reason":".*bad.jsonl:2: malformed JSON' \
      "$work/d.jsonl"; then
    echo "FAIL: skipped line missing from decisions"; failures=$((failures + 1))
  fi
  expect accounting 0 "1 read = 1 kept + 0 dropped + 0 skipped" -- \
    "$bin" clean - --output "$work/c2.jsonl" < "$work/stdin.jsonl"
  # Dated reprints, one lightly edited: streamed clean drops what the
  # in-memory clean drops, and records the same decisions.
  { cat "$work/clean.jsonl"
    sed -e 's/^{"id":"/{"date":"2020-01-02","id":"copy-/' \
        -e 's/Treasury/treasury/' "$work/clean.jsonl"; } > "$work/reprints.jsonl"
  "$bin" clean "$work/reprints.jsonl" --quiet --output "$work/r.jsonl" \
    --decisions "$work/rd.jsonl"
  "$bin" clean "$work/reprints.jsonl" --quiet --memory=64M --tmp_dir="$work" \
    --output "$work/r2.jsonl" --decisions "$work/rd2.jsonl"
  if [ "$(grep -c '"decision":"dropped"' "$work/rd.jsonl")" != 5 ] ||
      ! cmp -s "$work/r.jsonl" "$work/r2.jsonl" ||
      ! cmp -s "$work/rd.jsonl" "$work/rd2.jsonl"; then
    echo "FAIL: clean --memory differs from clean, or reprints were kept"
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
  expect stream_stdin 2 "cannot read stdin" -- \
    "$bin" clean - --memory=64M < "$work/stdin.jsonl"
  expect compare_arity 2 "exactly two documents" -- "$bin" compare corpus
  expect eval_needs_gold 1 "eval needs --gold" -- "$bin" eval corpus
  printf '{"members":["003_3ff6272d002e0d14.txt","nope"]}\n' > "$work/g.jsonl"
  expect eval_unknown_id 2 "g.jsonl:1: id \"nope\" is not in the input" -- \
    "$bin" eval corpus --gold "$work/g.jsonl"
  # The restart that puts the heap on huge pages keeps the program's name
  # (ps, top, pgrep and pkill look for it): a scan waiting on stdin is
  # looked at once its second start has the tunables in its environment,
  # until it has renamed itself or 2 s have passed. Builds that do not
  # restart (AddressSanitizer) keep their name and pass after 2 s.
  mkfifo "$work/fifo"
  env -u GLIBC_TUNABLES "$bin" scan - --quiet --output /dev/null \
    < "$work/fifo" &
  scan_pid=$!
  exec 3> "$work/fifo"
  want=$(basename "$bin")
  name=$want
  for _ in $(seq 20); do
    if tr '\0' '\n' < "/proc/$scan_pid/environ" 2> /dev/null |
        grep -q '^GLIBC_TUNABLES=glibc.malloc.hugetlb'; then
      name=$(cat "/proc/$scan_pid/comm")
      [ "$name" = "$want" ] && break
    fi
    sleep 0.1
  done
  exec 3>&-
  wait "$scan_pid"
  if [ "$name" != "$want" ]; then
    echo "FAIL: restarted as \"$name\", not \"$want\""
    failures=$((failures + 1))
  else
    passed=$((passed + 1))
  fi
fi

echo "cli golden: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
