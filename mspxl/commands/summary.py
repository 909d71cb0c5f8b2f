"""`mspxl summary`: read the workbook, build the month's summary, write it (and its PDF). The command line calls
`export_summary`; the Excel ribbon, which has the records already, calls `write_book_summary`."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from mspxl.billing.calendar import parse_period
from mspxl.commands.common import load_checked, output_folder
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.summary.build import build_summary
from mspxl.summary.model import MonthlySummary
from mspxl.summary.workbook import write_summary


class BadSummaryPath(ValueError):
    """The summary must be a new .xlsx file, never the workbook it is made from."""


@dataclass(frozen=True)
class SummaryExport:
    summary: MonthlySummary
    path: Path
    pdf: Path | None = None
    warnings: list[Problem] = field(default_factory=list)


def check_target(book_path: Path, out: Path) -> None:
    """The summary is written to a new workbook with the .xlsx extension, never over the accountant's."""
    if out.suffix.lower() != ".xlsx":
        raise BadSummaryPath(f"{out}: the summary is an .xlsx workbook; give a file name ending in .xlsx")
    if out.exists() and book_path.exists() and out.resolve() == book_path.resolve():
        raise BadSummaryPath(f"{out} is the workbook itself; the summary must go to another file")


def document_folders(book_path: Path, book: Book, out: Path) -> list[Path]:
    """Where the invoice documents may be: the workbook's output folder, beside the summary, its invoices/."""
    return list(dict.fromkeys([output_folder(book_path, None, book), out.parent, out.parent / "invoices",
                               book_path.parent]))


def files_in(folder: Path) -> set[str] | None:
    """The names of the files in `folder` as the file system compares them (None: it cannot be listed)."""
    try:
        with os.scandir(folder) as entries:
            return {os.path.normcase(e.name) for e in entries if e.is_file()}
    except OSError:
        return None


def document_links(invoices: Iterable[Invoice], folders: list[Path], summary_path: Path) -> dict[str, str]:
    """For each invoice whose File is found in one of `folders`, a link relative to the summary workbook, so the
    link still works when the folder is moved as a whole. Each folder is listed once, not asked for every file."""
    links: dict[str, str] = {}
    base = summary_path.resolve().parent
    listed = {folder: files_in(folder) for folder in folders}
    for inv in invoices:
        if not inv.file:
            continue
        plain = os.path.basename(inv.file) == inv.file and inv.file not in (".", "..")  # a name, not a path
        name = os.path.normcase(inv.file)
        for folder in folders:
            names = listed[folder]
            if plain and names is not None and name not in names:
                continue
            document = folder / inv.file
            if (plain and names is not None) or document.is_file():
                relative = Path(os.path.relpath(document.resolve(), base)).as_posix()
                links[inv.number] = quote(relative)
                break
    return links


def export_summary(book_path: Path, period: str, out: Path, today: date, pdf: bool = False) -> SummaryExport:
    """Write the summary of `period` to `out` (.xlsx), and its PDF beside it when `pdf` is set.

    Raises BadPeriod, BadSummaryPath, WorkbookHasErrors (nothing written), and for `pdf` PdfUnavailable or
    PdfFailed (the .xlsx is written by then)."""
    parse_period(period)
    out = Path(out)
    check_target(Path(book_path), out)
    book, problems = load_checked(Path(book_path), today)
    summary = write_book_summary(Path(book_path), book, period, out, today)
    pdf_path = None
    if pdf:
        from mspxl.pdf import convert_to_pdf

        pdf_path = convert_to_pdf([out], out.parent)[0]
    warnings = [p for p in problems if p.severity.value != "error"]
    return SummaryExport(summary, out, pdf_path, warnings)


def write_book_summary(book_path: Path, book: Book, period: str, out: Path, today: date) -> MonthlySummary:
    """The summary of `period` built from loaded records (a file's or an open Excel workbook's) and written to
    `out`, with links to the invoice documents found beside the workbook."""
    with collection_paused():
        period_invoices = [inv for inv in book.invoices if inv.period == period]
        links = document_links(period_invoices, document_folders(book_path, book, out), out)
        summary = build_summary(book, period, today, links)
        write_summary(summary, out)
    return summary


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while the summary is built and written: they make few reference cycles, and
    each full collection walks every record of the book read (at 2,000 clients, a third of the time they take)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
