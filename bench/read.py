"""Reading and validating a workbook, timed for two versions of the code in the same minutes.

    python bench/read.py BOOK [--rounds 5] [--against OTHER_CHECKOUT]

Each round loads BOOK as every command does (`load_file`: read, the sheets parsed, two threads for a large book;
then validate, rows read by column kind, records built, cross-sheet checks; the split is where the whole book read is
handed to the audit) in a fresh process, with this checkout's mspxl and, alternately, with the mspxl of
OTHER_CHECKOUT. Printed: the medians of each stage's CPU time (user + system of the
process, both threads counted) and wall time. On a shared machine the CPU times are the figures to compare; the wall
time shows what the second thread gains when a core is free.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROUND = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, {root!r})
from mspxl.workbook.load import load_file
from mspxl.workbook.raw import reads_seen
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
read = []
c0, w0 = cpu(), time.perf_counter()
with reads_seen(lambda path, book: read.append((cpu(), time.perf_counter()))):
    loaded = load_file(Path({book!r}), date(2026, 11, 25))
c2, w2 = cpu(), time.perf_counter()
(c1, w1), = read
print(json.dumps({{"read cpu": c1 - c0, "read wall": w1 - w0, "validate cpu": c2 - c1, "validate wall": w2 - w1,
                  "problems": len(loaded.problems)}}))
"""


def measure(root: Path, book: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", ROUND.format(root=str(root), book=str(book.resolve()))],
                          capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another checkout whose mspxl to compare with")
    args = parser.parse_args(argv)
    roots = [HERE.parent] + ([args.against.resolve()] if args.against else [])
    runs: dict[Path, list[dict[str, float]]] = {root: [] for root in roots}
    for _ in range(args.rounds):
        for root in roots:
            runs[root].append(measure(root, args.book))
    for root, results in runs.items():
        medians = {key: statistics.median(r[key] for r in results) for key in results[0]}
        total = medians["read cpu"] + medians["validate cpu"]
        print(f"{root}: " + ", ".join(f"{key} {value:.3f}" for key, value in medians.items() if key != "problems")
              + f"; read + validate cpu {total:.3f} s ({int(medians['problems'])} problems)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
