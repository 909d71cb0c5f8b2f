"""PDFs of a month's documents through LibreOffice (`mspxl invoice --pdf`), timed on a sample of them.

    python bench/pdf.py [--n 2000] [--docs 300] [--rounds 2] [--processes P] [--against OTHER_CHECKOUT]
                        [--from DOCS_FOLDER] [--keep]

The N-client workbook (bench/out/book-N.xlsx, made by bench/make_book.py when missing) is invoiced for the bench
period on a copy, which writes the month's documents (3,694 at 2,000 clients); `--from` takes a folder of documents
written before instead. `--docs` of them, spread evenly over the month (managed, project and service invoices in
their proportions), are converted by `mspxl.pdf.convert_to_pdf` in a process of their own, `--rounds` times; with
`--against`, alternately with the mspxl of another checkout, so both are measured in the same minutes of a shared
machine. Printed per round and as medians: wall seconds a document, the CPU seconds a document of the converting
process and its soffice processes (RUSAGE_CHILDREN, which other work on the machine disturbs less than wall time),
and the month's estimate: the median wall seconds a document times the month's documents. The estimate leans high:
each process's start-up (about a second) is charged to the sample, not spread over the whole month.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from commands import bench_folder  # noqa: E402
from make_book import PERIOD, TODAY, make_book  # noqa: E402


def month_documents(n: int, work: Path) -> list[Path]:
    """The bench month's documents of the N-client book, written by `invoice` on a copy of it."""
    from mspxl.commands.invoice import invoice

    cached = HERE / "out" / f"book-{n}.xlsx"
    if not cached.exists():
        make_book(n, cached)
    book = work / "book.xlsx"
    shutil.copy(cached, book)
    run = invoice(book, PERIOD, TODAY, out=work / "docs")
    return [run.out_dir / issued.file for issued in run.issued if issued.file]


def spread(files: list[Path], count: int) -> list[Path]:
    """`count` of `files` taken at even steps from the first on."""
    if count >= len(files):
        return list(files)
    return [files[i * len(files) // count] for i in range(count)]


def convert_round(root: Path, files: list[Path], out: Path, processes: int | None) -> dict[str, float]:
    """One conversion of `files` by the mspxl of checkout `root`, in a process of its own: wall and CPU seconds
    (that process and its soffice children). `out` is a new folder: nothing is deleted before the benchmark ends
    (see commands.file_creation)."""
    listing = out.with_suffix(".json")
    listing.write_text(json.dumps([str(f) for f in files]))
    code = (f"import sys, json; sys.path.insert(0, {str(root)!r}); from pathlib import Path; "
            f"import mspxl; assert Path(mspxl.__file__).resolve().parent.parent == Path({str(root)!r}); "
            f"from mspxl.pdf import convert_to_pdf; "
            f"files = [Path(f) for f in json.loads(Path({str(listing)!r}).read_text())]; "
            f"print(len(convert_to_pdf(files, Path({str(out)!r})"
            + (f", processes={processes}" if processes else "") + ")))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=root)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"conversion with {root} failed:\n{done.stderr}")
    made = len(list(out.glob("*.pdf")))
    if made != len(files):
        raise SystemExit(f"conversion with {root} made {made} PDFs of {len(files)}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall / len(files), "cpu": cpu / len(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="clients in the bench workbook (default 2000)")
    parser.add_argument("--docs", type=int, default=300, help="documents converted each round (default 300)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--processes", type=int, help="soffice processes (default: convert_to_pdf's, one a core)")
    parser.add_argument("--against", type=Path, help="another checkout whose mspxl to compare with")
    parser.add_argument("--from", dest="source", type=Path, help="a folder of documents written before")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (documents, PDFs)")
    args = parser.parse_args(argv)
    with bench_folder("mspxl-bench-pdf-", args.keep) as work:
        month = (sorted(args.source.glob("*.docx")) if args.source else month_documents(args.n, work))
        sample = spread(month, args.docs)
        roots = {"this": HERE.parent}
        if args.against:
            roots["other"] = args.against.resolve()
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in roots}
        print(f"{len(sample)} of the month's {len(month)} documents, {os.cpu_count()} cores, "
              f"load {os.getloadavg()[0]:.1f}")
        for number in range(args.rounds):
            for name, root in roots.items():
                result = convert_round(root, sample, work / f"pdf-{name}-{number}", args.processes)
                rounds[name].append(result)
                print(f"  round {number + 1} {name}: {result['wall']:.3f} s a document wall, {result['cpu']:.3f} "
                      f"CPU (load {os.getloadavg()[0]:.1f})", flush=True)
        for name, results in rounds.items():
            wall = statistics.median(r["wall"] for r in results)
            cpu = statistics.median(r["cpu"] for r in results)
            print(f"{name}: {wall:.3f} s a document wall, {cpu:.3f} s CPU; the month's {len(month)} documents "
                  f"about {wall * len(month):.0f} s")
        if "other" in rounds:
            ratios = {key: statistics.median(r[key] for r in rounds["other"])
                      / statistics.median(r[key] for r in rounds["this"]) for key in ("wall", "cpu")}
            print(f"other / this: wall {ratios['wall']:.2f}x, CPU {ratios['cpu']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
