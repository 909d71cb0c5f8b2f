"""`mspxl demo`: the sample workbook copied into a folder and run through a quarter, each step as its command runs
it (with its row on the Runs sheet): invoices for October to December 2026, collections as of 20 December 2026, the
ACH file of 1 January 2027, December reconciled against the sample vendor files, December's summary workbook and
its accounting export."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mspxl.audit import audited
from mspxl.commands.ach import AchRun, write_ach
from mspxl.commands.collect import CollectRun, run_collect
from mspxl.commands.common import Progress, no_progress
from mspxl.commands.export import ExportRun, export_period
from mspxl.commands.invoice import InvoiceRun, run_invoice
from mspxl.commands.reconcile import ReconcileRun, run_reconcile
from mspxl.commands.summary import SummaryExport, export_summary
from mspxl.resources import SAMPLE_NAME, sample_vendor_file, sample_workbook

DEMO_PERIODS = ("2026-10", "2026-11", "2026-12")
DEMO_AS_OF = date(2026, 12, 20)
DEMO_ACH_DAY = date(2027, 1, 1)  # the ACH file debiting December's invoices
DEMO_VENDOR_FILES = ("partner-center-2026-12.csv", "ninjaone-devices-2026-12.csv")


@dataclass(frozen=True)
class DemoRun:
    book: Path
    invoices: tuple[InvoiceRun, ...]
    collected: CollectRun
    ach_day: date
    debits: AchRun
    reconciled: tuple[ReconcileRun, ...]
    summary: SummaryExport
    export: ExportRun


def run_demo(out_dir: Path, today: date, progress: Progress = no_progress) -> DemoRun:
    """Copy the sample workbook into `out_dir` and run it; its documents go to `out_dir/invoices`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    book = out_dir / SAMPLE_NAME
    shutil.copyfile(sample_workbook(), book)
    documents = out_dir / "invoices"
    invoiced = tuple(run_invoice(book, period, today, documents, False, progress) for period in DEMO_PERIODS)
    collected = run_collect(book, DEMO_AS_OF, today, documents, progress)
    debits = audited(book, "ach", [book.name, "--date", DEMO_ACH_DAY.isoformat(), "--out", str(documents)],
                     lambda: write_ach(book, DEMO_ACH_DAY, today, documents))
    # December reconciled against the sample Microsoft and NinjaOne files (the Microsoft one with --propose)
    reconciled = tuple(run_reconcile(book, DEMO_PERIODS[-1], sample_vendor_file(name), today, None, index == 0)
                       for index, name in enumerate(DEMO_VENDOR_FILES))
    done = export_summary(book, DEMO_PERIODS[-1], out_dir / f"summary-{DEMO_PERIODS[-1]}.xlsx", today)
    books = audited(book, "export", [book.name, "--period", DEMO_PERIODS[-1], "--out", str(out_dir)],
                    lambda: export_period(book, None, DEMO_PERIODS[-1], datetime.now(), out_dir))
    return DemoRun(book, invoiced, collected, DEMO_ACH_DAY, debits, reconciled, done, books)
