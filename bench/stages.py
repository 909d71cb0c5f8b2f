"""Two stages of `mspxl invoice` timed on their own, for comparing two versions of the code in one run.

    python bench/stages.py BOOK [--docs 600] [--repeat 3] [--against OTHER_CHECKOUT]

On the workbook BOOK (e.g. `bench/out/book-2000.xlsx`): the period's invoices planned once, then, `--repeat` times,
`render documents` (the first `--docs` invoices, in one process: milliseconds per document) and `write register`
(every invoice's register rows and WorkLog/Usage marks written into a copy of the book by the package writer).
With `--against`, the same stages run alternately with the mspxl package of another checkout (each in its own
process), and the medians are printed side by side with their ratio: both measured on the same machine at the
same time, so the ratio holds when the machine is busy. Times are the process's CPU time (both stages run in one
process), which other work on a shared machine disturbs far less than wall time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _measure(root: Path, book: Path, docs: int) -> dict[str, float]:
    """One round of both stages with the mspxl of the checkout `root`; seconds per stage (documents: per
    document)."""
    sys.path.insert(0, str(root / "bench"))
    from make_book import PERIOD, TODAY  # the checkout's own: it puts `root` first on sys.path

    assert Path(__import__("mspxl").__file__).parent.parent == root

    from mspxl.billing.run import plan_period
    from mspxl.commands.common import render_documents
    from mspxl.documents.template import default_template_dir
    from mspxl.workbook.load import load_raw
    from mspxl.workbook.source_file import read_raw
    from mspxl.writers.changes import issue_changes
    from mspxl.writers.xlsx import update_workbook

    loaded = load_raw(read_raw(book), TODAY)
    plan = plan_period(loaded.book, PERIOD)
    invoices = list(plan.new)
    work = Path(tempfile.mkdtemp(prefix="mspxl-stages-"))
    try:
        import mspxl.documents.render as render

        render.POOL_THRESHOLD = sys.maxsize
        started = time.process_time()
        render_documents(loaded.book, invoices[:docs], work / "docs", lambda items, label: items,
                         default_template_dir())
        per_document = (time.process_time() - started) / max(1, min(docs, len(invoices)))
        copy = work / "book.xlsx"
        shutil.copy(book, copy)
        changes = issue_changes(invoices)
        started = time.process_time()
        update_workbook(copy, changes, loaded.book.settings.currency, loaded.book.settings.locale, writer="package")
        register = time.process_time() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"document ms": per_document * 1000, "write register s": register}


def _round(root: Path, book: Path, docs: int) -> dict[str, float]:
    code = (f"import sys, json; from pathlib import Path; sys.path.insert(0, {str(HERE)!r}); import stages; "
            f"print(json.dumps(stages._measure(Path({str(root)!r}), Path({str(book)!r}), {docs})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout whose mspxl to compare with")
    args = parser.parse_args(argv)
    roots = {"this": HERE.parent}
    if args.against:
        roots["other"] = args.against.resolve()
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in roots}
    for _ in range(args.repeat):
        for name, root in roots.items():
            rounds[name].append(_round(root, args.book.resolve(), args.docs))
    stages = list(rounds["this"][0])
    print(f"{args.book.name}: medians of {args.repeat} rounds ({args.docs} documents in one process)")
    for stage in stages:
        line = f"  {stage}: " + ", ".join(
            f"{name} {statistics.median(r[stage] for r in rounds[name]):.3f}" for name in roots)
        if "other" in roots:
            ratio = (statistics.median(r[stage] for r in rounds["other"])
                     / statistics.median(r[stage] for r in rounds["this"]))
            line += f" (other / this {ratio:.2f}x)"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
