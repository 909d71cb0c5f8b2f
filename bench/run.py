"""The benchmark: the naive pipeline and mspxl's `invoice` path on the same workbook and templates, in one process.

    python bench/run.py [--n 250] [--n 500 ...] [--period 2026-11] [--keep]

For each N a workbook of N clients is made (bench/make_book.py, cached in bench/out/), copied once per pipeline, and
each stage is timed: read, validate, compute, write register, render documents. Peak memory is the highest resident
set size seen during the stage (sampled every 5 ms) above what the process held when the stage began.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import naive  # noqa: E402
from make_book import PERIOD, TODAY, make_book  # noqa: E402

from mspxl.app import render_documents  # noqa: E402
from mspxl.billing.run import plan_period  # noqa: E402
from mspxl.documents.render import default_template_dir, render_invoices  # noqa: E402
from mspxl.records import Book, Invoice  # noqa: E402
from mspxl.workbook.load import load_raw  # noqa: E402
from mspxl.workbook.source_file import read_raw  # noqa: E402
from mspxl.writers.changes import issue_changes  # noqa: E402
from mspxl.writers.xlsx import update_workbook  # noqa: E402

STAGES = ("read", "validate", "compute", "write register", "render documents")
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


@dataclass
class Result:
    stages: dict[str, Stage] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        with PeakMemory() as memory:
            started = time.perf_counter()
            value = work()
            seconds = time.perf_counter() - started
        self.stages[name] = Stage(seconds, memory.grew)
        return value

    @property
    def total(self) -> float:
        return sum(s.seconds for s in self.stages.values())


def run_naive(book_path: Path, work: Path, template_dir: Path, period: str, today: date) -> Result:
    result = Result()
    raw = result.run("read", lambda: naive.read(book_path))
    loaded = result.run("validate", lambda: naive.validate(raw, today))
    plan = result.run("compute", lambda: naive.compute(loaded.book, period))
    invoices = list(plan.new)
    result.run("write register", lambda: naive.write_register(book_path, invoices, loaded.book))
    result.run("render documents", lambda: naive.render(loaded.book, invoices, template_dir, work / "naive-docs"))
    result.counts = {"rows": sum(len(s.rows) for s in raw.values()), "invoices": len(invoices),
                     "documents": len(invoices), "problems": len(loaded.problems)}
    return result


def pooled(book: Book, invoices: list[Invoice], out_dir: Path, template_dir: Path) -> list[Invoice]:
    """`mspxl.app.render_documents` with the documents spread over a process pool (render_invoices)."""
    jobs = []
    clients = {c.id: c for c in book.clients}
    for inv in invoices:
        project = book.projects.get(inv.project_id)
        jobs.append((inv, clients[inv.client_id], book.settings, project.name if project else ""))
    paths = render_invoices(template_dir, jobs, out_dir)
    return [replace(inv, file=path.name) for inv, path in zip(invoices, paths, strict=True)]


def run_mspxl(book_path: Path, work: Path, template_dir: Path, period: str, today: date, pool: bool) -> Result:
    """The stages of `mspxl.app.invoice`, one by one: calamine read, validation, plan, documents, package writer."""
    result = Result()
    raw = result.run("read", lambda: read_raw(book_path))
    loaded = result.run("validate", lambda: load_raw(raw, today))
    book = loaded.book
    plan = result.run("compute", lambda: plan_period(book, period))
    out_dir = work / "mspxl-docs"
    if pool:
        issued = result.run("render documents", lambda: pooled(book, list(plan.new), out_dir, template_dir))
    else:
        issued = result.run("render documents", lambda: render_documents(book, list(plan.new), out_dir,
                                                                          lambda items, label: items, template_dir))
    result.run("write register", lambda: update_workbook(book_path, issue_changes(issued), book.settings.currency,
                                                         book.settings.locale, writer="package"))
    result.counts = {"rows": sum(len(s.rows) for s in raw.values()), "invoices": len(issued),
                     "documents": len(list((work / "mspxl-docs").glob("*.docx"))), "problems": len(loaded.problems)}
    return result


def megabytes(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def table(n: int, baseline: Result, ours: Result, peak: tuple[int, int]) -> str:
    lines = [f"N = {n:,} clients: {baseline.counts['rows']:,} rows read, {ours.counts['invoices']:,} invoices, "
             f"{ours.counts['documents']:,} documents (problems: naive {baseline.counts['problems']}, "
             f"mspxl {ours.counts['problems']})",
             "",
             "| stage | naive s | naive peak | mspxl s | mspxl peak | naive / mspxl |",
             "|---|---:|---:|---:|---:|---:|"]
    for name in STAGES:
        a, b = baseline.stages[name], ours.stages[name]
        ratio = a.seconds / b.seconds if b.seconds else float("inf")  # float-ok: a time ratio, not money
        lines.append(f"| {name} | {a.seconds:.3f} | {megabytes(a.memory)} | {b.seconds:.3f} | "
                     f"{megabytes(b.memory)} | {ratio:.1f}x |")
    lines.append(f"| **whole run** | **{baseline.total:.3f}** | {megabytes(peak[0])} | **{ours.total:.3f}** | "
                 f"{megabytes(peak[1])} | **{baseline.total / ours.total:.1f}x** |")
    docs = ours.counts["documents"] or 1
    lines.append("")
    lines.append(f"per document: naive {1000 * baseline.stages['render documents'].seconds / docs:.1f} ms, "
                 f"mspxl {1000 * ours.stages['render documents'].seconds / docs:.1f} ms; per client: naive "
                 f"{1000 * baseline.total / n:.2f} ms, mspxl {1000 * ours.total / n:.2f} ms")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def bench(n: int, period: str, today: date, keep: bool, skip_naive: bool, pool: bool) -> str:
    cache = Path(__file__).resolve().parent / "out" / f"book-{n}.xlsx"
    if not cache.exists():
        make_book(n, cache)
    template_dir = default_template_dir()
    work = Path(tempfile.mkdtemp(prefix=f"mspxl-bench-{n}-"))
    try:
        shutil.copy(cache, work / "naive.xlsx")
        shutil.copy(cache, work / "mspxl.xlsx")
        peak_before = rss()
        ours = run_mspxl(work / "mspxl.xlsx", work, template_dir, period, today, pool)
        ours_peak = max(s.memory for s in ours.stages.values()) + peak_before
        if skip_naive:
            return "\n".join(f"{name}: {s.seconds:.3f} s, {megabytes(s.memory)}" for name, s in ours.stages.items())
        gc.collect()
        base_before = rss()
        baseline = run_naive(work / "naive.xlsx", work, template_dir, period, today)
        base_peak = max(s.memory for s in baseline.stages.values()) + base_before
        return table(n, baseline, ours, (base_peak, ours_peak))
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="clients (repeatable; default 250)")
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--keep", action="store_true", help="keep the working folder (workbooks, documents)")
    parser.add_argument("--mspxl-only", action="store_true", help="skip the naive pipeline")
    parser.add_argument("--pool", action="store_true", help="mspxl renders documents with a process pool")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print("documents: " + ("process pool (render_invoices)" if args.pool else "one process (app.render_documents)"))
    print("peak: resident memory of the process during the stage (whole run: the highest), sampled every 5 ms\n")
    for n in args.n or [250]:
        print(bench(n, args.period, TODAY, args.keep, args.mspxl_only, args.pool))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
