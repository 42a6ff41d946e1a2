#!/usr/bin/env python3
"""The quality table: neardup scored on real and generated data, one command.

    bench/quality.py [--build build/release] [--data ../shared/data] [--sweep]

Runs `neardup eval` (JSON output) on each set below with the default settings
and prints Markdown tables: the defaults, the MSRP precision-recall curve and
recall on generated corpora as edits grow. --sweep adds the sweeps the
defaults were chosen from (shingles x thresholds per level, num_perm).

Sets (from ../shared/data, see its README; nothing is copied into the
project):
  20ng          20 Newsgroups cross-posts (gold clusters), document level
  20ng+reposts  the same plus identical reposts
  bbc           BBC News, 100 exact-text silver clusters
  bbc-judged    BBC pairs we judged by reading (bench/quality/bbc_judged.tsv:
                74 real near-duplicates the silver gold does not list, 8 pairs
                of related but different stories)
  reuters       Reuters-21578, 260 identical-body silver clusters
  msrp          MSRP sentence pairs (passage level)
  gen-E         corpora written by neardup_generate from BBC articles with
                reprints edited at rate E; families are scored as original-copy
                pairs (gold "original")

Needs the release build (tools/run.sh or cmake --preset release).
"""

import argparse
import datetime
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build", "release"))
    p.add_argument("--data",
                   default=os.path.join(ROOT, "..", "shared", "data"))
    p.add_argument("--sweep", action="store_true",
                   help="also run the sweeps behind the defaults")
    p.add_argument("--chronam_week", metavar="FIRST_DAY",
                   help="instead: print the largest cross-document passage "
                   "clusters of the chronam1916 pages dated FIRST_DAY and the "
                   "six days after (e.g. 1916-01-10), for a person to read")
    p.add_argument("--json", help="write every result to this file")
    p.add_argument("--work", help="keep generated corpora here")
    return p.parse_args()


class Runner:
    def __init__(self, args):
        self.neardup = os.path.join(args.build, "src", "neardup")
        self.generate = os.path.join(args.build, "tools", "generate",
                                     "neardup_generate")
        for binary in (self.neardup, self.generate):
            if not os.access(binary, os.X_OK):
                sys.exit(f"quality: {binary} is missing; build the release "
                         "preset first (tools/run.sh)")
        self.data = args.data
        self.work = args.work or tempfile.mkdtemp(prefix="neardup_quality_")
        self.results = []

    def path(self, *parts):
        return os.path.join(self.data, *parts)

    def eval(self, name, corpus, gold, level, flags=()):
        """Runs neardup eval; returns {level: scores} plus wall seconds."""
        cmd = [self.neardup, "eval", corpus, "--gold", gold,
               "--level", level, "--format=json", "--examples=0", "--quiet",
               *flags]
        start = time.monotonic()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True)
        wall = time.monotonic() - start
        levels = {l["level"]: l for l in json.loads(out.stdout)["levels"]}
        self.results.append({"set": name, "flags": list(flags),
                             "wall_s": wall, "levels": levels})
        return levels, wall

    def generated(self, edit_rate):
        out = os.path.join(self.work, f"gen-{edit_rate}")
        if not os.path.exists(os.path.join(out, "corpus.jsonl")):
            subprocess.run([self.generate,
                            self.path("bbc_news", "docs.jsonl.gz"),
                            "--output_dir", out, f"--edit_rate={edit_rate}"],
                           check=True, capture_output=True)
        return out


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def table(header, rows):
    print(row(header))
    print(row(["---"] * len(header)))
    for r in rows:
        print(row(r))
    print()


def f4(x):
    return f"{x:.4f}" if x is not None else "-"


def scores(name, gold_name, level, s):
    part = s.get("ari") is not None
    return [name, gold_name, level, s["gold_positives"], s["predicted_pairs"],
            f4(s["precision"]), f4(s["recall"]), f4(s["f1"]),
            f4(s.get("ari")) if part else "-",
            f4(s.get("bcubed_f1")) if part else "-"]


HEADER = ["set", "gold", "level", "gold pairs", "predicted", "P", "R", "F1",
          "ARI", "B3-F1"]


def defaults(r):
    rows = []
    ng = r.path("20newsgroups", "docs.jsonl.gz")
    for name, gold in (("20ng", "clusters.jsonl"),
                       ("20ng+reposts", "clusters_with_reposts.jsonl")):
        levels, _ = r.eval(name, ng, r.path("20newsgroups", gold), "document")
        rows.append(scores(name, gold, "document", levels["document"]))
    bbc = r.path("bbc_news", "docs.jsonl.gz")
    levels, _ = r.eval("bbc", bbc, r.path("bbc_news", "clusters.jsonl"),
                       "document")
    rows.append(scores("bbc", "clusters.jsonl (silver)", "document",
                       levels["document"]))
    levels, _ = r.eval("bbc-judged", bbc,
                       os.path.join(ROOT, "bench", "quality", "bbc_judged.tsv"),
                       "document")
    rows.append(scores("bbc-judged", "bbc_judged.tsv (read)", "document",
                       levels["document"]))
    levels, _ = r.eval("reuters", r.path("reuters21578", "docs.jsonl.gz"),
                       r.path("reuters21578", "exact_dups.jsonl"), "document")
    rows.append(scores("reuters", "exact_dups.jsonl (silver)", "document",
                       levels["document"]))
    levels, _ = r.eval("msrp", r.path("msrp", "docs.jsonl.gz"),
                       r.path("msrp", "pairs.tsv"), "passage")
    rows.append(scores("msrp", "pairs.tsv (labelled)", "passage",
                       levels["passage"]))
    for rate in ("0.1", "0.2"):
        out = r.generated(rate)
        corpus = os.path.join(out, "corpus.jsonl")
        levels, _ = r.eval(f"gen-{rate}", corpus,
                           os.path.join(out, "gold_passages.jsonl"), "both")
        for level in ("document", "passage"):
            rows.append(scores(f"gen-{rate}", "gold_passages.jsonl", level,
                               levels[level]))
        levels, _ = r.eval(f"gen-{rate}", corpus,
                           os.path.join(out, "gold_spans.jsonl"), "passage")
        rows.append(scores(f"gen-{rate}", "gold_spans.jsonl", "passage spans",
                           levels["passage"]))
    print("## Default settings\n")
    table(HEADER, rows)


def msrp_curve(r):
    rows = []
    for t in ("0.40", "0.44", "0.48", "0.50", "0.52", "0.54", "0.56", "0.60",
              "0.65", "0.70"):
        levels, _ = r.eval("msrp", r.path("msrp", "docs.jsonl.gz"),
                           r.path("msrp", "pairs.tsv"), "passage",
                           [f"--passage_threshold={t}"])
        s = levels["passage"]
        rows.append([t, f4(s["precision"]), f4(s["recall"]), f4(s["f1"])])
    print("## MSRP precision-recall (passage shingles at their default)\n")
    table(["threshold", "P", "R", "F1"], rows)


def edit_curve(r):
    rows = []
    for rate in ("0.0", "0.1", "0.2", "0.3", "0.4", "0.5"):
        out = r.generated(rate)
        corpus = os.path.join(out, "corpus.jsonl")
        levels, _ = r.eval(f"gen-{rate}", corpus,
                           os.path.join(out, "gold_passages.jsonl"), "both")
        d, p = levels["document"], levels["passage"]
        rows.append([rate, f4(d["precision"]), f4(d["recall"]),
                     f4(p["precision"]), f4(p["recall"])])
    print("## Generated corpora: recall as edits grow (original-copy pairs)\n")
    table(["edit rate", "document P", "document R", "shares-passages P",
           "shares-passages R"], rows)


def passage_clusters(report):
    """The passage clusters of a report, as a set of member span sets."""
    clusters = set()
    for line in report.splitlines():
        record = json.loads(line)
        if record["level"] == "passage":
            clusters.add(frozenset((m["doc"], m["start"], m["end"])
                                   for m in record["members"]))
    return clusters


def sweep(r):
    ng = (r.path("20newsgroups", "docs.jsonl.gz"),
          r.path("20newsgroups", "clusters_with_reposts.jsonl"))
    bbc = (r.path("bbc_news", "docs.jsonl.gz"),
           os.path.join(ROOT, "bench", "quality", "bbc_judged.tsv"))
    reuters = (r.path("reuters21578", "docs.jsonl.gz"),
               r.path("reuters21578", "exact_dups.jsonl"))
    gen = r.generated("0.1")
    gen_docs = (os.path.join(gen, "corpus.jsonl"),
                os.path.join(gen, "gold_documents.jsonl"))
    rows = []
    for shingle in ("word:3", "word:5", "word:7", "char:5"):
        for t in ("0.5", "0.6", "0.7", "0.8"):
            flags = [f"--doc_shingle={shingle}", f"--doc_threshold={t}"]
            cells = [shingle, t]
            for corpus, gold in (ng, bbc, reuters, gen_docs):
                s = r.eval("sweep", corpus, gold, "document",
                           flags)[0]["document"]
                cells += [f4(s["precision"]), f4(s["recall"])]
            rows.append(cells)
    print("## Sweep: document level\n")
    table(["shingle", "threshold", "20ng+reposts P", "R", "bbc-judged P", "R",
           "reuters P", "R", "gen-0.1 P", "R"], rows)

    msrp = (r.path("msrp", "docs.jsonl.gz"), r.path("msrp", "pairs.tsv"))
    with open(os.path.join(ROOT, "tests", "cli", "golden", "scan.jsonl")) as f:
        seed_truth = passage_clusters(f.read())
    gen2 = r.generated("0.2")
    gen_passages = (os.path.join(gen2, "corpus.jsonl"),
                    os.path.join(gen2, "gold_passages.jsonl"))
    rows = []
    for shingle, thresholds in (("char:3", ("0.54", "0.58")),
                                ("char:4", ("0.48", "0.50", "0.52", "0.54")),
                                ("char:5", ("0.45", "0.50")),
                                ("word:2", ("0.35", "0.45"))):
        for t in thresholds:
            flags = [f"--passage_shingle={shingle}",
                     f"--passage_threshold={t}"]
            cells = [shingle, t]
            for corpus, gold in (msrp, gen_passages):
                s = r.eval("sweep", corpus, gold, "passage",
                           flags)[0]["passage"]
                cells += [f4(s["precision"]), f4(s["recall"])]
            seeds = subprocess.run(
                [r.neardup, "scan", os.path.join(ROOT, "corpus"), "--quiet",
                 "--level=passage", *flags], check=True, capture_output=True,
                text=True).stdout
            cells.append("yes" if passage_clusters(seeds) == seed_truth
                         else "no")
            rows.append(cells)
    print("## Sweep: passage level (seeds right: the same passage clusters "
          "as tests/cli/golden/scan.jsonl)\n")
    table(["shingle", "threshold", "msrp P", "R", "gen-0.2 P", "R",
           "seeds right"], rows)

    rows = []
    for num_perm in ("32", "64", "128", "256"):
        flags = [f"--num_perm={num_perm}"]
        cells = [num_perm]
        for corpus, gold, level in ((*ng, "document"), (*msrp, "passage"),
                                    (*gen_passages, "passage")):
            levels, wall = r.eval("sweep", corpus, gold, level, flags)
            cells += [f4(levels[level]["recall"]), f"{wall:.1f}"]
        rows.append(cells)
    print("## Sweep: permutations (recall; wall seconds incl. reading)\n")
    table(["num_perm", "20ng R", "s", "msrp R", "s", "gen-0.2 R", "s"], rows)


def chronam_week(r, first_day, top=12):
    start = datetime.date.fromisoformat(first_day)
    days = {str(start + datetime.timedelta(days=i)) for i in range(7)}
    week = os.path.join(r.work, f"chronam-{first_day}.jsonl")
    papers = {}
    with gzip.open(r.path("chronam1916-q1.jsonl.gz"), "rt") as f, \
            open(week, "w") as out:
        for line in f:
            page = json.loads(line)
            if page["date"] in days:
                out.write(line)
                papers[page["id"]] = page["newspaper"]
    report = subprocess.run([r.neardup, "scan", week, "--level=passage",
                             "--quiet"], check=True, capture_output=True,
                            text=True).stdout
    clusters = []
    for line in report.splitlines():
        c = json.loads(line)
        if c["level"] != "passage" or c["boilerplate"]:
            continue
        docs = {m["doc"] for m in c["members"]}
        if len(docs) > 1:
            clusters.append((len(docs), c))
    clusters.sort(key=lambda x: (-x[0], x[1]["cluster"]))
    print(f"{len(papers)} pages dated {min(days)} .. {max(days)}; "
          f"{len(clusters)} cross-document passage clusters; the largest:\n")
    for n, c in clusters[:top]:
        titles = sorted({papers[m["doc"]][:40] for m in c["members"]})
        print(f"cluster {c['cluster']}: {len(c['members'])} members in {n} "
              f"pages of {len(titles)} newspapers; "
              f"min similarity {min(m['similarity'] for m in c['members']):.2f}")
        print(f"  canonical: {c['canonical']['text'][:300]}")
        for m in c["members"][:3]:
            print(f"  member:    {m['text'][:160]}")
        print(f"  papers: {'; '.join(titles[:6])}\n")


def main():
    args = parse_args()
    r = Runner(args)
    if args.chronam_week:
        chronam_week(r, args.chronam_week)
        return
    defaults(r)
    msrp_curve(r)
    edit_curve(r)
    if args.sweep:
        sweep(r)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r.results, f, indent=1)


if __name__ == "__main__":
    main()
