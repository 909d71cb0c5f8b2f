"""The benchmark: mspxl's commands as a user runs them, `invoice` stage by stage, and the naive pipeline, on the same
workbook and templates, in one run.

    python bench/run.py [--n 2000] [--n 4000] [--commands invoice,collect,summary] [--runs 3]
                        [--naive-sample 200] [--mspxl-only] [--pool] [--keep] [--json]

For each N a workbook of N clients is made (bench/make_book.py, cached in bench/out/). Then (bench/commands.py)
`mspxl --help`, `mspxl invoice`, `collect` and `summary` each run as a user runs them, in their own process on a
fresh copy of the workbook: wall time (the median of --runs) and the process's peak resident set size. Then
`invoice` stage by stage in this process (read, validate, compute, render documents, write register, and the audit:
the Runs row's fingerprints), beside the naive pipeline (bench/naive.py: pandas over openpyxl to read, openpyxl to
save, DocxTemplate per document) on the same book, in a process of its own. `--naive-sample K` renders K of the
naive documents and charges their time per document for all of them (at 2,000 clients the naive documents alone
take minutes). Stage memory is the highest resident set size seen during the stage (sampled every 5 ms) above what
the process held when it began. The zip-rewrite floor is the time to rewrite one finished document's zip (every
part inflated, deflated and written to a new file), measured on mspxl's own documents. The load average is printed:
the machine may be shared, so compare figures of one run (ratios), not runs of different days.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import naive  # noqa: E402
from commands import COMMANDS, bench_folder, file_creation, help_start_up, run_commands  # noqa: E402
from make_book import PERIOD, TODAY, make_book  # noqa: E402

from mspxl.audit import sheet_digests, written_digests  # noqa: E402
from mspxl.billing.calendar import last_day  # noqa: E402
from mspxl.billing.run import plan_period  # noqa: E402
from mspxl.commands.common import render_documents  # noqa: E402
from mspxl.documents import render  # noqa: E402
from mspxl.documents.template import default_template_dir  # noqa: E402
from mspxl.workbook.load import load_raw  # noqa: E402
from mspxl.workbook.source_file import read_raw  # noqa: E402
from mspxl.writers.atomic import before_replace  # noqa: E402
from mspxl.writers.changes import issue_changes  # noqa: E402
from mspxl.writers.xlsx import update_workbook  # noqa: E402

STAGES = ("read", "validate", "compute", "render documents", "write register", "audit")
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The highest resident set size seen while the block runs, sampled on a thread."""

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self.start = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())

    @property
    def grew(self) -> int:
        return self.peak - self.start


@dataclass
class Stage:
    seconds: float
    memory: int  # bytes above the stage's start
    peak: int = 0  # the process's resident set size at its highest during the stage


@dataclass
class Result:
    stages: dict[str, Stage] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        with PeakMemory() as memory:
            started = time.perf_counter()
            value = work()
            seconds = time.perf_counter() - started
        self.stages[name] = Stage(seconds, memory.grew, memory.peak)
        return value

    @property
    def total(self) -> float:
        return sum(s.seconds for s in self.stages.values())

    @property
    def peak(self) -> int:
        return max((s.peak for s in self.stages.values()), default=0)

    def as_json(self) -> dict[str, Any]:
        return {"stages": {name: [s.seconds, s.memory, s.peak] for name, s in self.stages.items()},
                "counts": self.counts}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls({name: Stage(*values) for name, values in data["stages"].items()}, data["counts"])


def run_naive(book_path: Path, work: Path, template_dir: Path, period: str, today: date,
              sample: int = 0) -> Result:
    """The naive pipeline stage by stage; with `sample`, only that many documents (spread evenly over the month's
    invoices) are rendered and the stage is charged their time per document for all of them."""
    result = Result()
    raw = result.run("read", lambda: naive.read(book_path))
    loaded = result.run("validate", lambda: naive.validate(raw, today))
    plan = result.run("compute", lambda: naive.compute(loaded.book, period))
    invoices = list(plan.new)
    result.run("write register", lambda: naive.write_register(book_path, invoices, loaded.book))
    chosen = invoices[::max(1, len(invoices) // sample)][:sample] if sample and sample < len(invoices) else invoices
    stage = result.run("render documents", lambda: naive.render(loaded.book, chosen, template_dir,
                                                                work / "naive-docs"))
    if chosen is not invoices and chosen:
        rendered = result.stages["render documents"]
        scale = len(invoices) / len(chosen)
        result.stages["render documents"] = Stage(rendered.seconds * scale, rendered.memory, rendered.peak)
    result.counts = {"rows": sum(len(s.rows) for s in raw.values()), "invoices": len(invoices),
                     "documents": len(invoices), "rendered": stage, "problems": len(loaded.problems)}
    return result


def naive_in_own_process(book_path: Path, work: Path, period: str, sample: int) -> dict[str, Any]:
    """`run_naive` in a process of its own, as a user runs the naive pipeline: what this process holds (mspxl's
    stage run) would otherwise slow the naive pipeline's garbage collection (its documents took 63 ms each here,
    against 41-48 ms in a process of their own)."""
    done = subprocess.run([sys.executable, __file__, "--naive-book", str(book_path), "--naive-work", str(work),
                           "--period", period, "--naive-sample", str(sample)], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_mspxl(book_path: Path, work: Path, template_dir: Path, period: str, today: date, pool: bool) -> Result:
    """The stages of `mspxl.commands.invoice.invoice`, one by one: calamine read, validation, plan, documents, package
    writer."""
    result = Result()
    raw = result.run("read", lambda: read_raw(book_path))
    loaded = result.run("validate", lambda: load_raw(raw, today))
    book = loaded.book
    plan = result.run("compute", lambda: plan_period(book, period))
    out_dir = work / "mspxl-docs"
    threshold = render.POOL_THRESHOLD
    render.POOL_THRESHOLD = threshold if pool else sys.maxsize  # without --pool: every document in this process
    try:
        issued = result.run("render documents", lambda: render_documents(book, list(plan.new), out_dir,
                                                                          lambda items, label: items, template_dir))
    finally:
        render.POOL_THRESHOLD = threshold
    # the Runs row's fingerprints as `audited` takes them: the cells read, then the sheets written read back
    before = result.run("audit", lambda: sheet_digests(raw))
    after: list[float] = []

    def fingerprint_after(copy: Path) -> None:
        started = time.perf_counter()
        written_digests(book_path, copy, before)
        after.append(time.perf_counter() - started)

    with before_replace(fingerprint_after):
        result.run("write register", lambda: update_workbook(book_path, issue_changes(issued),
                                                             book.settings.currency, book.settings.locale))
    written, audit = result.stages["write register"], result.stages["audit"]
    result.stages["write register"] = Stage(written.seconds - sum(after), written.memory, written.peak)
    result.stages["audit"] = Stage(audit.seconds + sum(after), max(audit.memory, written.memory),
                                   max(audit.peak, written.peak))
    result.counts = {"rows": sum(len(s.rows) for s in raw.values()), "invoices": len(issued),
                     "documents": len(list((work / "mspxl-docs").glob("*.docx"))), "problems": len(loaded.problems)}
    return result


def zip_rewrite_floor(docs: Path, sample: int = 100) -> float:
    """Seconds to rewrite one finished document's zip: every part read, inflated, deflated into a new zip, and the
    file written (the least a document written from its parts costs); the median over up to `sample` documents."""
    paths = sorted(docs.glob("*.docx"))[:sample]
    if not paths:
        return 0.0
    out = docs.parent / "floor"
    out.mkdir(exist_ok=True)
    times = []
    for index, path in enumerate(paths):
        started = time.perf_counter()
        buffer = io.BytesIO()
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
        (out / f"{index}.docx").write_bytes(buffer.getvalue())
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def table(baseline: Result | None, ours: Result) -> list[str]:
    """The stages of one `invoice` in this process, mspxl's and the naive pipeline's."""
    lines = ["| stage | mspxl s | mspxl memory | naive s | naive / mspxl |", "|---|---:|---:|---:|---:|"]
    for name in STAGES:
        b = ours.stages[name]
        a = baseline.stages.get(name) if baseline else None
        naive_text = f"{a.seconds:.2f} | {a.seconds / b.seconds:.1f}x" if a and b.seconds else "- | -"
        lines.append(f"| {name} | {b.seconds:.2f} | {megabytes(b.memory)} | {naive_text} |")
    naive_total = f"**{baseline.total:.2f}** | **{baseline.total / ours.total:.1f}x**" if baseline else "- | -"
    lines.append(f"| **all stages** | **{ours.total:.2f}** | {megabytes(ours.peak)} peak | {naive_total} |")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def book_for(n: int) -> Path:
    """The cached N-client workbook, made again when make_book.py is newer than it."""
    cache = Path(__file__).resolve().parent / "out" / f"book-{n}.xlsx"
    maker = Path(__file__).resolve().parent / "make_book.py"
    if not cache.exists() or cache.stat().st_mtime < maker.stat().st_mtime:
        make_book(n, cache)
    return cache


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


PROBE_FILES = 4000


def measure(n: int, period: str, today: date, options: argparse.Namespace, work: Path) -> dict[str, Any]:
    """On the N-client book, in the folder `work`: each command as a user runs it, `invoice` stage by stage in
    this process, and the naive pipeline; results as plain data. Nothing written is deleted before the whole
    benchmark ends (see commands.file_creation)."""
    cache = book_for(n)
    template_dir = default_template_dir()
    work.mkdir(parents=True)
    measured: dict[str, Any] = {"n": n, "load": [load()], "naive": None,
                                "file creation": file_creation(work, PROBE_FILES)}
    commands = tuple(c for c in options.commands.split(",") if c)
    measured["commands"] = run_commands(cache, work, commands, period, last_day(period).isoformat(), options.runs)
    measured["help"] = help_start_up(work)
    measured["load"].append(load())
    shutil.copy(cache, work / "mspxl.xlsx")
    ours = run_mspxl(work / "mspxl.xlsx", work, template_dir, period, today, options.pool)
    measured["mspxl"] = ours.as_json()
    measured["floor"] = zip_rewrite_floor(work / "mspxl-docs")
    if not options.mspxl_only:
        gc.collect()
        shutil.copy(cache, work / "naive.xlsx")
        measured["naive"] = naive_in_own_process(work / "naive.xlsx", work, period, options.naive_sample)
    measured["load"].append(load())
    return measured


def report(measured: dict[str, Any], runs: int) -> str:
    n = measured["n"]
    ours = Result.from_json(measured["mspxl"])
    baseline = Result.from_json(measured["naive"]) if measured["naive"] else None
    invoice = measured["commands"].get("invoice")
    lines = [f"N = {n:,} clients: {ours.counts['rows']:,} rows, {ours.counts['invoices']:,} invoices, "
             f"{ours.counts['documents']:,} documents; load average (1, 5, 15 min) "
             + " -> ".join(measured["load"]), "",
             f"Creating {PROBE_FILES:,} empty files in the benchmark's folder took {measured['file creation']:.2f} s "
             "(about 0.3 s on a disk where no files were deleted in the minutes before; more is the disk, not mspxl)",
             "",
             f"Whole commands as a user runs them (median of {runs}; peak resident of the command's process):", "",
             "| command | wall s | peak resident |", "|---|---:|---:|",
             f"| `mspxl --help` | {measured['help']['median']:.2f} (fastest {measured['help']['fastest']:.2f}) | |"]
    for command, result in measured["commands"].items():
        lines.append(f"| `mspxl {command}` | {result['seconds']:.2f} | {megabytes(result['peak'])} |")
    if baseline is not None:
        sampled = baseline.counts.get("rendered", baseline.counts["documents"])
        note = f" ({sampled:,} documents rendered, charged for all)" if sampled != baseline.counts["documents"] else ""
        ratio = f"; **{baseline.total / invoice['seconds']:.1f}x** `mspxl invoice`" if invoice else ""
        lines.append(f"| naive pipeline (invoice){note} | {baseline.total:.2f}{ratio} | {megabytes(baseline.peak)} |")
    lines += ["", "`invoice` stage by stage in one process (documents "
              + ("over the pool" if measured.get("pool") else "in one process") + "):", "", *table(baseline, ours)]
    if measured.get("floor"):
        docs = ours.counts["documents"] or 1
        render_each = ours.stages["render documents"].seconds / docs
        lines.append(f"\nzip-rewrite floor {1000 * measured['floor']:.2f} ms a document; mspxl renders one in "
                     f"{1000 * render_each:.2f} ms ({render_each / measured['floor']:.1f}x the floor)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="clients (repeatable; default 250)")
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--commands", default=",".join(COMMANDS),
                        help="whole commands to time, comma-separated (default invoice,collect,summary; '' none)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command (the median is shown)")
    parser.add_argument("--naive-sample", type=int, default=0,
                        help="render only this many of the naive pipeline's documents, charged for all of them")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (workbooks, documents)")
    parser.add_argument("--mspxl-only", action="store_true", help="skip the naive pipeline")
    parser.add_argument("--pool", action="store_true", help="the stage table renders documents over the process "
                                                            "pool, as `mspxl invoice` does")
    parser.add_argument("--json", action="store_true", help="results as JSON")
    parser.add_argument("--naive-book", type=Path, help=argparse.SUPPRESS)  # the naive pipeline alone, on this book
    parser.add_argument("--naive-work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_book:
        print(json.dumps(run_naive(args.naive_book, args.naive_work, default_template_dir(), args.period, TODAY,
                                   args.naive_sample).as_json()))
        return 0
    if not args.json:
        print(f"machine: {machine()}\n")
    with bench_folder("mspxl-bench-", args.keep) as work:
        for n in args.n or [250]:
            measured = measure(n, args.period, TODAY, args, work / str(n))
            measured["pool"] = args.pool
            print(json.dumps(measured, default=str) if args.json else report(measured, args.runs) + "\n",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
