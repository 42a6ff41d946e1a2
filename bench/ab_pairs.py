#!/usr/bin/env python3
"""Two neardup builds side by side: run back to back in pairs, compared per pair.

  bench/ab_pairs.py BASELINE CANDIDATE [--runs N] -- scan INPUT [FLAGS...]

Runs `BASELINE ARGS` and `CANDIDATE ARGS` one after the other, N times (the
order flipped each pair, so that neither always runs second), each with
`--quiet --output FILE` added. On a shared machine whose speed swings
between runs by more than a change is worth, two runs made seconds apart
share its state: the median of the per-pair ratios (candidate / baseline)
is the number to quote, with the medians and fastest runs beside it.
Prints wall seconds and peak RSS per build, and whether the two builds'
reports are byte-identical (a speed change must not change a report).

Example (README, Performance):
  git worktree add /tmp/base 89db555 && (build it there)
  bench/ab_pairs.py /tmp/base/build/release/src/neardup \\
      build/release/src/neardup --runs 11 -- \\
      scan ../shared/data/chronam1916-q1.jsonl.gz --threads=2
"""

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(binary, args, output):
    """Wall seconds and peak RSS (MiB) of one run; exits if it fails."""
    start = time.perf_counter()
    child = subprocess.Popen([binary] + args + ["--quiet", "--output", output],
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # reaped here, for its rusage
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # so Popen knows
    if child.returncode != 0:
        sys.exit(f"{binary} exited with {child.returncode}")
    return wall, usage.ru_maxrss / 1024


def summary(name, walls, rss):
    return (f"{name}: median {statistics.median(walls):.3f} s, fastest "
            f"{min(walls):.3f} s, peak RSS median {statistics.median(rss):.0f} "
            f"MiB")


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit(__doc__)
    split = argv.index("--")
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("baseline")
    parser.add_argument("candidate")
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args(argv[:split])
    args = argv[split + 1:]
    with tempfile.TemporaryDirectory() as scratch:
        outputs = [os.path.join(scratch, "baseline.jsonl"),
                   os.path.join(scratch, "candidate.jsonl")]
        binaries = [options.baseline, options.candidate]
        walls, rss = ([], []), ([], [])
        ratios = []
        for pair in range(options.runs):
            order = (0, 1) if pair % 2 == 0 else (1, 0)
            this_pair = [0.0, 0.0]
            for which in order:
                wall, peak = run_once(binaries[which], args, outputs[which])
                walls[which].append(wall)
                rss[which].append(peak)
                this_pair[which] = wall
            ratios.append(this_pair[1] / this_pair[0])
        identical = filecmp.cmp(outputs[0], outputs[1], shallow=False)
    print(summary("baseline ", walls[0], rss[0]))
    print(summary("candidate", walls[1], rss[1]))
    print(f"candidate / baseline per pair: median "
          f"{statistics.median(ratios):.3f} over {options.runs} pairs ("
          + " ".join(f"{r:.2f}" for r in ratios) + ")")
    print("reports " + ("byte-identical" if identical else "DIFFER"))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
