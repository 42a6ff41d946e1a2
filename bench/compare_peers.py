#!/usr/bin/env python3
"""neardup side by side with datasketch and rensa on the same documents.

    pip install datasketch rensa        # the versions measured are printed
    bench/compare_peers.py [INPUT.jsonl[.gz]] [--limit N] [--runs 3]

The same job for all three, at document level, as users run it: word 5-gram
shingles over lowercased words, 128 permutations, LSH for threshold 0.7, and
a reported pair must reach 0.7 (the peers by their MinHash estimate, as their
docs suggest; neardup by exact Jaccard). Tokenizing and shingling are timed
for the peers, because users must do them in Python; reading the JSON is not
(it is done once, before the clocks start). neardup runs as users run it, the
whole `neardup scan --level=document` from the file, on one thread (per-core
ratio) and on all cores.

Prints the median wall seconds of --runs, MB/s of text, the ratios against
each peer, and how far the duplicate pairs agree.
"""

import argparse
import gzip
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUM_PERM = 128
THRESHOLD = 0.7
WORD = re.compile(r"\w+")


def load(path, limit):
    opener = gzip.open if path.endswith(".gz") else open
    docs = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((str(d["id"]), d["text"]))
            if limit and len(docs) >= limit:
                break
    return docs


def shingles(text):
    words = WORD.findall(text.lower())
    if len(words) < 5:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + 5]) for i in range(len(words) - 4)}


def pairs_from_lsh(ids, minhashes, query, estimate):
    found = set()
    for i, m in enumerate(minhashes):
        for j in query(m):
            if j > i and estimate(m, minhashes[j]) >= THRESHOLD:
                found.add((ids[i], ids[j]))
    return found


def run_datasketch(docs):
    from datasketch import MinHash, MinHashLSH
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    minhashes = []
    for i, (_, text) in enumerate(docs):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        lsh.insert(i, m)
        minhashes.append(m)
    return pairs_from_lsh([d[0] for d in docs], minhashes, lsh.query,
                          lambda a, b: a.jaccard(b))


def run_rensa(docs):
    from rensa import RMinHash, RMinHashLSH
    # rensa's LSH wants bands explicitly; 16 bands x 8 rows puts the
    # S-curve's midpoint near 0.7 like datasketch's choice.
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)
    minhashes = []
    for i, (_, text) in enumerate(docs):
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(list(shingles(text)))
        lsh.insert(i, m)
        minhashes.append(m)
    return pairs_from_lsh([d[0] for d in docs], minhashes, lsh.query,
                          lambda a, b: a.jaccard(b))


def run_neardup(binary, path, threads):
    out = subprocess.run([binary, "scan", path, "--level=document",
                          f"--threads={threads}", "--quiet"],
                         check=True, capture_output=True, text=True).stdout
    found = set()
    for line in out.splitlines():
        c = json.loads(line)
        if c["level"] == "document":
            ids = [m["doc"] for m in c["members"]]
            found.update(itertools.combinations(ids, 2))
    return found


def timed(fn, runs):
    walls, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls), result


def normalized(pairs, order):
    return {tuple(sorted(p, key=order.get)) for p in pairs}


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("input", nargs="?", default=os.path.join(
        ROOT, "..", "shared", "data", "bbc_news", "docs.jsonl.gz"))
    p.add_argument("--limit", type=int, default=0,
                   help="first N documents only")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--neardup",
                   default=os.path.join(ROOT, "build", "release", "src",
                                        "neardup"))
    args = p.parse_args()
    try:
        import datasketch
        import rensa  # noqa: F401
        from importlib.metadata import version
    except ImportError as e:
        sys.exit(f"compare_peers: {e}; pip install datasketch rensa")

    docs = load(args.input, args.limit)
    megabytes = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")
        path = f.name
    order = {d[0]: i for i, d in enumerate(docs)}
    try:
        rows = []
        for name, fn in (
                (f"datasketch {datasketch.__version__}",
                 lambda: run_datasketch(docs)),
                (f"rensa {version('rensa')}", lambda: run_rensa(docs)),
                ("neardup, 1 thread",
                 lambda: run_neardup(args.neardup, path, 1)),
                (f"neardup, {os.cpu_count()} threads",
                 lambda: run_neardup(args.neardup, path, 0))):
            wall, pairs = timed(fn, args.runs)
            rows.append((name, wall, normalized(pairs, order)))
    finally:
        os.unlink(path)

    print(f"{len(docs)} documents, {megabytes:.1f} MB of text from "
          f"{os.path.basename(args.input)}; word 5-grams, {NUM_PERM} "
          f"permutations, threshold {THRESHOLD}; median of {args.runs} runs\n")
    ours = rows[2]
    print("| tool | wall s | MB/s | neardup (1 thread) is faster by | "
          "pairs | pairs shared with neardup |")
    print("|---|---|---|---|---|---|")
    all_cores = rows[-1]
    for row in rows:
        name, wall, pairs = row
        shared = len(pairs & ours[2])
        # The ratio is per core: the all-core row has none.
        ratio = "" if row is all_cores else f"{wall / ours[1]:.1f}x"
        print(f"| {name} | {wall:.3f} | {megabytes / wall:.1f} | "
              f"{ratio} | {len(pairs)} | {shared} |")


if __name__ == "__main__":
    main()
