#!/usr/bin/env python3
"""Issue 4's speed targets, each measured on this machine, in one table.

    bench/targets.py [--runs 5] [--peers] [--chronam PATH] [--news PATH]

Measures, with medians of --runs:
  - text to a 128-value document signature, per core: BM_DocumentSignature
    (NormalizeText, word 5-gram hashes, 32-bit MinHash of each seed article);
  - passage signatures per core: BM_SignSentences/32 (signing the seed
    sentences' char 4-gram hashes) and BM_ShingleSentences/0 (making those
    hashes from normalized sentences), since the target does not say which;
  - documents per second per core, end to end: `neardup scan` of the news
    file (BBC News by default, decompressed first, as bench/compare_peers.py
    runs it) on one thread, at document level and at both levels (these
    runs take tens of milliseconds: medians of at least 21);
  - chronam1916 Q1 at both levels on 2 threads: wall seconds, peak RSS;
  - with --peers, datasketch and rensa on the news file against neardup on
    one thread (bench/compare_peers.py's jobs, neardup's with medians of at
    least 21; needs `pip install datasketch rensa`; about a minute per run).
The 5 GB run within a tenth of its size takes about an hour and is not run
here: bench/past_memory.sh 5000000000 500000000 1 stream both.

Needs the release build (cmake --preset release && cmake --build --preset
release). Every number is measured by this run; nothing is carried over.
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
NEARDUP = os.path.join(ROOT, "build", "release", "src", "neardup")
STAGES = os.path.join(ROOT, "build", "release", "bench", "stages_benchmark")


def micro_benchmarks(runs):
    """Median bytes/s or items/s of each stage benchmark the targets use."""
    names = ["BM_DocumentSignature", "BM_SignSentences/32",
             "BM_ShingleSentences/0"]
    out = subprocess.run(
        [STAGES, "--benchmark_filter=^(" + "|".join(names) + ")$",
         f"--benchmark_repetitions={runs}", "--benchmark_format=json"],
        check=True, capture_output=True, text=True).stdout
    medians = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            medians[b["run_name"]] = b
    return medians


def run_scan(args):
    """Wall seconds and peak RSS (MiB) of one `neardup scan`."""
    start = time.perf_counter()
    child = subprocess.Popen([NEARDUP, "scan"] + args +
                             ["--quiet", "--output", os.devnull])
    _, status, usage = os.wait4(child.pid, 0)  # reaped here, for its rusage
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"neardup scan {' '.join(args)} exited with "
                 f"{child.returncode}")
    return wall, usage.ru_maxrss / 1024


def median_scan(args, runs):
    results = [run_scan(args) for _ in range(runs)]
    return (statistics.median(r[0] for r in results),
            statistics.median(r[1] for r in results))


def short_runs(runs):
    """Runs for a scan of tens of milliseconds, whose median five runs on a
    shared machine move by a fifth: never fewer than 21 (each is cheap)."""
    return max(runs, 21)


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for line in f if line.strip())


def peer_ratios(news, runs):
    """Per-core ratios against datasketch and rensa on `news` (plain JSONL)."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import compare_peers as peers
    docs = peers.load(news, 0)
    ours, _ = peers.timed(lambda: peers.run_neardup(NEARDUP, news, 1),
                          short_runs(runs))
    datasketch, _ = peers.timed(lambda: peers.run_datasketch(docs), runs)
    rensa, _ = peers.timed(lambda: peers.run_rensa(docs), runs)
    return ours, datasketch, rensa


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--peers", action="store_true",
                   help="also time datasketch and rensa (slow)")
    p.add_argument("--chronam",
                   default=os.path.join(DATA, "chronam1916-q1.jsonl.gz"))
    p.add_argument("--news",
                   default=os.path.join(DATA, "bbc_news", "docs.jsonl.gz"))
    args = p.parse_args()
    for path in (NEARDUP, STAGES):
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} missing: cmake --preset release && "
                     "cmake --build --preset release")

    rows = []

    def row(target, measured, met):
        rows.append((target, measured, "yes" if met else "no"))

    micro = micro_benchmarks(args.runs)
    signature = micro["BM_DocumentSignature"]["bytes_per_second"] / 1e6
    row("text to 128-value document signatures >= 600 MB/s per core",
        f"{signature:.0f} MB/s (BM_DocumentSignature)", signature >= 600)
    signing = micro["BM_SignSentences/32"]["items_per_second"] / 1e6
    hashing = micro["BM_ShingleSentences/0"]["items_per_second"] / 1e6
    row("passage signatures >= 5 M sentences/s per core",
        f"{signing:.2f} M/s signing (BM_SignSentences/32); shingle hashes "
        f"{hashing:.2f} M/s (BM_ShingleSentences/0)", signing >= 5)

    with tempfile.TemporaryDirectory() as scratch:
        news = os.path.join(scratch, "news.jsonl")
        opener = gzip.open if args.news.endswith(".gz") else open
        with opener(args.news, "rb") as src, open(news, "wb") as dst:
            shutil.copyfileobj(src, dst)
        docs = count_lines(news)
        name = os.path.basename(os.path.dirname(args.news)) or args.news
        per_level = {}
        for level in ("document", "both"):
            wall, _ = median_scan([news, f"--level={level}", "--threads=1"],
                                  short_runs(args.runs))
            per_level[level] = docs / wall
        row(">= 100 K documents/s per core end to end (news articles)",
            f"{name}, {docs} docs, 1 thread: {per_level['document'] / 1e3:.1f}"
            f" K/s at document level, {per_level['both'] / 1e3:.1f} K/s at "
            "both levels", per_level["document"] >= 1e5)

        wall, rss = median_scan([args.chronam, "--threads=2"], args.runs)
        row("chronam1916 Q1, both levels, <= 3 s on 2 cores",
            f"{wall:.2f} s, peak RSS {rss:.0f} MiB", wall <= 3)

        if args.peers:
            ours, datasketch, rensa = peer_ratios(news, args.runs)
            row(">= 10x rensa per core",
                f"{rensa / ours:.1f}x ({rensa:.2f} s against {ours:.3f} s)",
                rensa / ours >= 10)
            row(">= 150x datasketch per core",
                f"{datasketch / ours:.1f}x ({datasketch:.2f} s against "
                f"{ours:.3f} s)", datasketch / ours >= 150)

    print(f"medians of {args.runs} runs; "
          f"{time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| target | measured | met |")
    print("|---|---|---|")
    for target, measured, met in rows:
        print(f"| {target} | {measured} | {met} |")
    if not args.peers:
        print("\n(--peers adds the datasketch and rensa ratios)")


if __name__ == "__main__":
    main()
