"""The benchmark: the naive pipeline and mspxl's `invoice` path on the same workbook and templates, in one process.

    python bench/run.py [--n 250] [--n 500 ...] [--period 2026-11] [--keep] [--mspxl-only] [--pool]
    python bench/run.py --scale [--naive-up-to 1000]

For each N a workbook of N clients is made (bench/make_book.py, cached in bench/out/), copied once per pipeline, and
each stage is timed: read, validate, compute, write register, render documents. Peak memory is the highest resident
set size seen during the stage (sampled every 5 ms) above what the process held when the stage began; the whole run's
peak is the highest resident set size of the process itself.

`--scale` runs N = 250, 500, 1,000, 2,000 and 4,000 (or the --n given), each in a fresh process so one size's
memory does not carry into the next, and prints the cost per client of every stage: flat per-client figures mean
the total grows linearly. The naive pipeline runs up to --naive-up-to clients (its documents alone take minutes
beyond that), for the ratios. The zip-rewrite floor is the time to rewrite one finished document's zip (every part
inflated, deflated and written to a new file), measured on mspxl's own documents.
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
import tempfile
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
from make_book import PERIOD, TODAY, make_book  # noqa: E402

from mspxl.billing.run import plan_period  # noqa: E402
from mspxl.commands.common import render_documents  # noqa: E402
from mspxl.documents import render  # noqa: E402
from mspxl.documents.template import default_template_dir  # noqa: E402
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
    result.run("write register", lambda: update_workbook(book_path, issue_changes(issued), book.settings.currency,
                                                         book.settings.locale, writer="package"))
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
    shutil.rmtree(out, ignore_errors=True)
    return sorted(times)[len(times) // 2]


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


def book_for(n: int) -> Path:
    """The cached N-client workbook, made again when make_book.py is newer than it."""
    cache = Path(__file__).resolve().parent / "out" / f"book-{n}.xlsx"
    maker = Path(__file__).resolve().parent / "make_book.py"
    if not cache.exists() or cache.stat().st_mtime < maker.stat().st_mtime:
        make_book(n, cache)
    return cache


def measure(n: int, period: str, today: date, keep: bool, naive_too: bool, pool: bool) -> dict[str, Any]:
    """Both pipelines (or mspxl's alone) on the N-client book; results as plain data (see Result.as_json)."""
    cache = book_for(n)
    template_dir = default_template_dir()
    work = Path(tempfile.mkdtemp(prefix=f"mspxl-bench-{n}-"))
    try:
        shutil.copy(cache, work / "naive.xlsx")
        shutil.copy(cache, work / "mspxl.xlsx")
        ours = run_mspxl(work / "mspxl.xlsx", work, template_dir, period, today, pool)
        floor = zip_rewrite_floor(work / "mspxl-docs")
        shutil.rmtree(work / "mspxl-docs", ignore_errors=True)
        measured: dict[str, Any] = {"n": n, "mspxl": ours.as_json(), "floor": floor, "naive": None}
        if naive_too:
            gc.collect()
            measured["naive"] = run_naive(work / "naive.xlsx", work, template_dir, period, today).as_json()
        return measured
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def bench(n: int, period: str, today: date, keep: bool, skip_naive: bool, pool: bool) -> str:
    measured = measure(n, period, today, keep, not skip_naive, pool)
    ours = Result.from_json(measured["mspxl"])
    docs = ours.counts["documents"] or 1
    render = ours.stages["render documents"].seconds
    floor_line = (f"zip-rewrite floor {1000 * measured['floor']:.2f} ms a document; mspxl renders one in "
                  f"{1000 * render / docs:.2f} ms ({render / docs / measured['floor']:.1f}x the floor)"
                  if measured["floor"] else "")
    if skip_naive:
        lines = [f"{name}: {s.seconds:.3f} s, {megabytes(s.memory)}" for name, s in ours.stages.items()]
        lines.append(f"whole run: {ours.total:.3f} s, peak {megabytes(ours.peak)} resident")
        return "\n".join([*lines, floor_line])
    baseline = Result.from_json(measured["naive"])
    return table(n, baseline, ours, (baseline.peak, ours.peak)) + "\n" + floor_line


SCALE = (250, 500, 1000, 2000, 4000)
PER_CLIENT = ("read", "validate", "compute", "write register", "render documents")


def scale_table(runs: list[dict[str, Any]]) -> str:
    """Milliseconds per client, stage by stage, for each N; then the naive pipeline's and the ratios."""
    short = {"write register": "write", "render documents": "render"}
    head = "| N | rows | documents | " + " | ".join(short.get(s, s) for s in PER_CLIENT)
    lines = ["mspxl, milliseconds per client:", "",
             head + " | total ms/client | whole run s | peak resident | render / zip floor |",
             "|" + "---:|" * (len(PER_CLIENT) + 7)]
    for run in runs:
        ours = Result.from_json(run["mspxl"])
        n, docs = run["n"], ours.counts["documents"] or 1
        per = " | ".join(f"{1000 * ours.stages[s].seconds / n:.2f}" for s in PER_CLIENT)
        floor = ours.stages["render documents"].seconds / docs / run["floor"] if run["floor"] else 0.0
        lines.append(f"| {n:,} | {ours.counts['rows']:,} | {docs:,} | {per} | **{1000 * ours.total / n:.2f}** | "
                     f"{ours.total:.2f} | {megabytes(ours.peak)} | {floor:.1f}x |")
    naive_runs = [run for run in runs if run["naive"]]
    if naive_runs:
        lines += ["", "naive pipeline, milliseconds per client, and naive / mspxl:", "",
                  head + " | total ms/client | whole run s | peak resident | naive / mspxl |",
                  "|" + "---:|" * (len(PER_CLIENT) + 7)]
        for run in naive_runs:
            base, ours = Result.from_json(run["naive"]), Result.from_json(run["mspxl"])
            n = run["n"]
            per = " | ".join(f"{1000 * base.stages[s].seconds / n:.2f} "
                             f"({base.stages[s].seconds / ours.stages[s].seconds:.1f}x)" for s in PER_CLIENT)
            lines.append(f"| {n:,} | {base.counts['rows']:,} | {base.counts['documents']:,} | {per} | "
                         f"**{1000 * base.total / n:.2f}** | {base.total:.2f} | {megabytes(base.peak)} | "
                         f"**{base.total / ours.total:.1f}x** |")
    return "\n".join(lines)


def scale(sizes: list[int], period: str, naive_up_to: int, pool: bool) -> str:
    """Each size in a fresh process (`--json`), so memory and caches of one do not carry into the next."""
    runs = []
    for n in sizes:
        command = [sys.executable, str(Path(__file__).resolve()), "--json", "--n", str(n), "--period", period]
        if n > naive_up_to:
            command.append("--mspxl-only")
        if pool:
            command.append("--pool")
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        run = json.loads(done.stdout.strip().splitlines()[-1])
        runs.append(run)
        ours = Result.from_json(run["mspxl"])
        print(f"  N = {n:,}: mspxl {ours.total:.2f} s" + (f", naive {Result.from_json(run['naive']).total:.2f} s"
                                                           if run["naive"] else ""), flush=True)
    return scale_table(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="clients (repeatable; default 250, --scale: "
                                                               + ", ".join(map(str, SCALE)) + ")")
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--keep", action="store_true", help="keep the working folder (workbooks, documents)")
    parser.add_argument("--mspxl-only", action="store_true", help="skip the naive pipeline")
    parser.add_argument("--pool", action="store_true", help="mspxl renders documents as `mspxl invoice` does: over a "
                                                            "process pool from POOL_THRESHOLD documents on")
    parser.add_argument("--scale", action="store_true", help="cost per client over several N, each in its own process")
    parser.add_argument("--naive-up-to", type=int, default=1000, help="--scale: run the naive pipeline up to this N")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one N, results as JSON (--scale)
    args = parser.parse_args(argv)
    if args.json:
        (n,) = args.n
        print(json.dumps(measure(n, args.period, TODAY, args.keep, not args.mspxl_only, args.pool)))
        return 0
    print(f"machine: {machine()}")
    print("documents: " + (f"as mspxl invoice renders them (a process pool from {render.POOL_THRESHOLD} on)"
                           if args.pool else "one process (commands.common.render_documents, the pool turned off)"))
    print("peak: resident memory of the process during the stage (whole run: the highest), sampled every 5 ms\n")
    if args.scale:
        print(scale(args.n or list(SCALE), args.period, args.naive_up_to, args.pool))
        return 0
    for n in args.n or [250]:
        print(bench(n, args.period, TODAY, args.keep, args.mspxl_only, args.pool))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
