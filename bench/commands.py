"""Whole commands timed as a user runs them: `mspxl invoice`, `collect` and `summary` each in its own process on a
fresh copy of the workbook (start-up, reading, the audit's Runs row, documents over the process pool, the save),
wall time and the process's peak resident set size; and `mspxl --help`, the start-up alone.

`invoice` runs on the N-client book as bench/make_book.py makes it; `collect` and `summary` run on that book once
invoiced (the workbook an accountant has after issuing the month), so each command finds what it would find.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MSPXL = Path(sys.executable).with_name("mspxl")
COMMANDS = ("invoice", "collect", "summary")


@dataclass(frozen=True)
class Timed:
    seconds: float
    peak: int  # bytes: the command's own process at its highest (pool workers not counted)
    output: str


def timed(args: list[str], cwd: Path) -> Timed:
    """One run of `mspxl ARGS` in `cwd`: wall time and peak resident set size of the process. The peak is read by
    GNU time, which starts the command from its own small process: a child started from this one would report
    this process's size as its peak (Linux keeps the high-water mark across fork and exec)."""
    report = cwd / ".peak"
    wrapper = ["/usr/bin/time", "-f", "%M", "-o", str(report)] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    process = subprocess.Popen([*wrapper, str(MSPXL), *args], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    assert process.stdout is not None
    output = process.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"mspxl {' '.join(args)} exited {process.returncode}: {output[-2000:]}")
    peak_kb = int(report.read_text().split()[-1]) if wrapper else usage.ru_maxrss
    report.unlink(missing_ok=True)
    return Timed(seconds, peak_kb * 1024, output)


def command_args(command: str, period: str, as_of: str) -> list[str]:
    """The command line of each command, on `book.xlsx` in the working folder."""
    return {
        "invoice": ["invoice", "book.xlsx", "--period", period, "--out", "docs"],
        "collect": ["collect", "book.xlsx", "--as-of", as_of, "--out", "docs"],
        "summary": ["summary", "book.xlsx", "--period", period, "--out", f"summary-{period}.xlsx"],
    }[command]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def run_commands(book: Path, work: Path, commands: tuple[str, ...], period: str, as_of: str,
                 runs: int) -> dict[str, dict[str, object]]:
    """Each command `runs` times, each time in a fresh folder holding the workbook it starts from; the median wall
    time and the highest peak. The folders are kept until the whole benchmark ends (see `file_creation`)."""
    invoiced = work / "invoiced.xlsx"
    results: dict[str, dict[str, object]] = {}
    for command in commands:
        times: list[Timed] = []
        for index in range(runs):
            folder = work / f"{command}-{index}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            start = book if command == "invoice" else invoiced
            if command != "invoice" and not invoiced.exists():
                prepare_invoiced(book, work, period)
            shutil.copy(start, folder / "book.xlsx")
            times.append(timed(command_args(command, period, as_of), folder))
            if command == "invoice" and not invoiced.exists():
                shutil.copy(folder / "book.xlsx", invoiced)
        results[command] = {"seconds": median([t.seconds for t in times]), "all": [t.seconds for t in times],
                            "peak": max(t.peak for t in times), "output": times[-1].output.strip()[-300:]}
    return results


def prepare_invoiced(book: Path, work: Path, period: str) -> None:
    folder = work / "prepare"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(book, folder / "book.xlsx")
    timed(command_args("invoice", period, ""), folder)
    shutil.copy(folder / "book.xlsx", work / "invoiced.xlsx")


@contextmanager
def bench_folder(prefix: str, keep: bool) -> Iterator[Path]:
    """A new working folder for one benchmark, deleted only when the whole benchmark ends (see `file_creation`), or
    kept (`--keep`) and named."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield work
    finally:
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def file_creation(work: Path, count: int) -> float:
    """Seconds to create `count` empty files in a new folder of `work`: what the disk charges any command for its
    files' inodes alone. On ext4 without a journal the kernel skips inodes freed in the last 60 s (6 minutes while
    their inode table block is unwritten), paying a lookup for each one skipped, so creating thousands of files just
    after thousands were deleted costs seconds instead of a fraction of one. The benchmark therefore deletes nothing
    until it ends, and prints this figure so a slow disk shows."""
    folder = work / "file-creation"
    folder.mkdir()
    started = time.perf_counter()
    for index in range(count):
        os.close(os.open(folder / f"{index}.docx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    return time.perf_counter() - started


def help_start_up(work: Path, runs: int = 10) -> dict[str, float]:
    """`mspxl --help` `runs` times: the median and the fastest wall time."""
    times = [timed(["--help"], work).seconds for _ in range(runs)]
    return {"median": median(times), "fastest": min(times)}
