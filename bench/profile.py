"""Where mspxl's `invoice` path spends its time: the bench stages under pyinstrument, as text.

    .venv/bin/pip install pyinstrument
    python bench/profile.py [--n 2000] [--pool] [--lines 40]

The same stages as `bench/run.py` (read, validate, compute, render documents, write register) on the cached N-client
book, profiled as one run; the call tree is printed with frames under 2% of the time left out.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_book import PERIOD, TODAY  # noqa: E402
from run import book_for, run_mspxl  # noqa: E402

from mspxl.documents.template import default_template_dir  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--pool", action="store_true", help="documents over a process pool (workers not profiled)")
    parser.add_argument("--lines", type=int, default=40, help="lines of the call tree to print")
    args = parser.parse_args(argv)
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("pyinstrument is not installed: .venv/bin/pip install pyinstrument", file=sys.stderr)
        return 1
    book = book_for(args.n)
    work = Path(tempfile.mkdtemp(prefix=f"mspxl-profile-{args.n}-"))
    try:
        shutil.copy(book, work / "mspxl.xlsx")
        profiler = Profiler(interval=0.001)
        with profiler:
            result = run_mspxl(work / "mspxl.xlsx", work, default_template_dir(), PERIOD, TODAY, args.pool)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"N = {args.n:,}: " + ", ".join(f"{name} {stage.seconds:.2f} s" for name, stage in result.stages.items())
          + f"; {result.counts['documents']:,} documents")
    text = profiler.output_text(unicode=False, color=False, show_all=False, timeline=False, time="seconds")
    tree = [line for line in text.splitlines() if line.strip() and "_     ._" not in line
            and not line.startswith(("/_//", "/   _/"))]
    print("\n".join(tree[: args.lines]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
