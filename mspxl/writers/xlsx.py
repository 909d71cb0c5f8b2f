"""Applying changes to a workbook file: one atomic save, nothing the accountant had is lost; what is refused and why."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from babel.numbers import get_currency_symbol

from mspxl.writers.changes import WorkbookChanges
from mspxl.writers.formats import DATE_FORMAT as DATE_FORMAT
from mspxl.writers.formats import DECIMAL_FORMAT as DECIMAL_FORMAT
from mspxl.writers.formats import FORMULA_STARTS as FORMULA_STARTS
from mspxl.writers.formats import INT_FORMAT as INT_FORMAT
from mspxl.writers.prepared import PreparedSave


class WorkbookRefused(Exception):
    """The workbook cannot be written safely; the message says why and what to do."""


def lock_file(path: Path) -> Path:
    """Excel's owner file beside a workbook it has open: `~$Book.xlsx`."""
    return path.with_name("~$" + path.name)


def libreoffice_lock_file(path: Path) -> Path:
    """LibreOffice's lock beside a workbook it has open: `.~lock.Book.xlsx#`."""
    return path.with_name(f".~lock.{path.name}#")


def refuse_if_open(path: Path) -> None:
    """A workbook open in Excel or LibreOffice, or marked read-only, is refused with a clear message, not
    overwritten."""
    if lock_file(path).exists():
        raise WorkbookRefused(
            f"{path.name} is open in Excel ({lock_file(path).name} exists): close it first, "
            "or use the MSP Billing ribbon inside Excel."
        )
    if libreoffice_lock_file(path).exists():
        raise WorkbookRefused(
            f"{path.name} is open in LibreOffice ({libreoffice_lock_file(path).name} exists): close it first.")
    refuse_if_read_only(path)


def refuse_if_read_only(path: Path) -> None:
    """A workbook marked read-only (file permissions, or the Read-only attribute on Windows) is left as it is: the
    mark is the accountant's, and replacing the file would silently undo it (a process running as root or an
    administrator could otherwise write it anyway)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & stat.S_IWUSR:
        raise WorkbookRefused(
            f"{path.name} is read-only: mspxl leaves a read-only workbook as it is. Make it writable (Properties > "
            "clear Read-only, or chmod u+w) and run again.")


LOSSY_PARTS = {
    "xl/charts/": "charts",
    "xl/drawings/": "drawings or images",
    "xl/media/": "images",
    "xl/pivotTables/": "pivot tables",
    "xl/pivotCache/": "pivot caches",
    "xl/slicers/": "slicers",
    "xl/externalLinks/": "external links",
}


WRITERS = ("package", "openpyxl")


def writer_name(writer: str | None = None) -> str:
    """The writer to use: `writer` if given, else the MSPXL_WRITER environment variable, else "package".

    "package" edits only the changed sheets inside the .xlsx and copies every other part unchanged (charts, images,
    pivot tables and VBA survive); "openpyxl" loads and re-saves the whole workbook (the reference implementation).
    """
    name = (writer or os.environ.get("MSPXL_WRITER") or "package").strip().lower()
    if name not in WRITERS:
        raise ValueError(f"unknown workbook writer {name!r}: one of {', '.join(WRITERS)}")
    return name


def refuse_if_lossy(path: Path, writer: str | None = None) -> None:
    """Where openpyxl would silently drop something it cannot round-trip, refuse and say what would be lost.

    The package writer copies those parts unchanged, so with it only a file that is not a workbook is refused."""
    try:
        with zipfile.ZipFile(path) as package:
            names = package.namelist()
    except zipfile.BadZipFile as exc:
        raise WorkbookRefused(f"{path.name} is not an .xlsx workbook") from exc
    if writer_name(writer) != "openpyxl":
        return
    found = sorted({what for prefix, what in LOSSY_PARTS.items() if any(n.startswith(prefix) for n in names)})
    if found:
        raise WorkbookRefused(
            f"{path.name} contains {', '.join(found)}, which saving this file with mspxl would lose. "
            "Move them to another workbook that refers to this one, or use the MSP Billing ribbon inside Excel."
        )


def money_format(currency: str, locale: str) -> str:
    symbol = get_currency_symbol(currency, locale=locale)
    return f'"{symbol}"#,##0.00;-"{symbol}"#,##0.00'


def prepare_update(path: Path, changes: WorkbookChanges, currency: str, locale: str,
                   writer: str | None = None) -> PreparedSave:
    """Apply `changes` to the workbook in memory and return the step that saves it: whatever cannot be written is
    found here, before a command writes any document; refused when Excel holds the file or saving would lose
    something.

    `writer` (default: MSPXL_WRITER, else "package") picks the package writer or the openpyxl reference."""
    refuse_if_open(path)
    refuse_if_lossy(path, writer)
    if writer_name(writer) == "package":
        from mspxl.writers.update import prepared_package, write_package

        package = prepared_package(path, changes, money_format(currency, locale))
        return PreparedSave(path, lambda tmp: write_package(package, tmp, path))
    from mspxl.writers.reference import apply_changes, open_for_update

    wb = open_for_update(path)
    apply_changes(wb, changes, money_format(currency, locale))
    return PreparedSave(path, lambda tmp: wb.save(tmp))


def prepare_update_ahead(path: Path, changes: Callable[[], WorkbookChanges], currency: str, locale: str,
                         writer: str | None = None) -> PreparedSave:
    """`prepare_update` for a run that writes its copy ahead (`PreparedSave.write_ahead`) while it writes its
    documents: the refusals (Excel holds the file, saving would lose something) are checked here, but the change
    is made in memory by whoever writes the copy, the write-ahead child on the other core, so the run's documents
    start without waiting for it (0.6 s at 2,000 clients). Where no child writes it, the save makes it. The
    openpyxl reference writer prepares as `prepare_update` does."""
    if writer_name(writer) != "package":
        return prepare_update(path, changes(), currency, locale, writer)
    refuse_if_open(path)
    refuse_if_lossy(path, writer)
    from mspxl.writers.update import prepared_package, write_package

    number_format = money_format(currency, locale)
    return PreparedSave(path, lambda tmp: write_package(prepared_package(path, changes(), number_format), tmp, path))


def update_workbook(path: Path, changes: WorkbookChanges, currency: str, locale: str,
                    writer: str | None = None) -> None:
    """Apply and save atomically (see prepare_update)."""
    prepare_update(path, changes, currency, locale, writer)()
