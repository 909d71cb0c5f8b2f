"""What every command of the command line shares: the consoles, the common arguments and options, how results and
problems are shown, and how the errors of a writing command are reported."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from mspxl.problems import Problem, Severity

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")

BookArg = Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm).", show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Folder for documents (default: Settings Output Folder, "
                                                          "else a folder beside the workbook).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of prose.")]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Also write PDFs of the documents (needs LibreOffice).")]


def money(amount: Decimal, currency: str = "USD", locale: str = "en_US") -> str:
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=locale)


def unit_price(amount: Decimal, currency: str = "USD", locale: str = "en_US") -> str:
    """A unit price at its own precision: $0.035 stays $0.035 (never rounded to $0.04), $95 shows as $95.00."""
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=locale, decimal_quantization=False)


def print_problems(problems: list[Problem]) -> None:
    for p in problems:
        style = "red" if p.severity is Severity.ERROR else "yellow"
        err.print(f"[{style}]{p.severity.value}[/]: {p.render()}", markup=True)


def problems_json(problems: list[Problem]) -> list[dict[str, object]]:
    return [
        {"severity": p.severity.value, "place": p.place, "header": p.header, "message": p.render()}
        for p in problems
    ]


def fail(message: str, as_json: bool, code: int = 1, problems: list[Problem] | None = None) -> typer.Exit:
    if as_json:
        print(json.dumps({"ok": False, "error": message, "problems": problems_json(problems or [])}))
    else:
        if problems:
            print_problems(problems)
        err.print(f"[red]{message}[/]", markup=True)
    return typer.Exit(code)


def has_errors(book: Path, problems: list[Problem], as_json: bool) -> typer.Exit:
    """The workbook has errors: each one listed, then the one sentence every command ends with, exit 1."""
    return fail(f"{book.name} has errors; nothing was written. Fix them and run again.", as_json, 1, problems)


def parse_day(text: str, as_json: bool) -> date:
    from mspxl.commands.common import BadDate, read_day

    try:
        return read_day(text)
    except BadDate as exc:
        raise fail(str(exc), as_json, 2) from None


def progress_bar(items: Sequence[T], label: str) -> Iterable[T]:
    """A progress bar on a terminal, none when output is not a terminal."""
    if not sys.stdout.isatty() or len(items) < 2:
        yield from items
        return
    from rich.progress import Progress

    with Progress(console=out, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


def no_bar(items: Sequence[T], label: str) -> Iterable[T]:
    return items


def write_pdfs(files: list[Path], out_dir: Path, as_json: bool) -> list[Path]:
    """PDFs of the documents just written, in one LibreOffice call; a clear message when it is not installed."""
    from mspxl.pdf import PdfError, convert_to_pdf

    if not files:
        return []
    try:
        return convert_to_pdf(files, out_dir)
    except PdfError as exc:
        raise fail(f"The documents were written, but not their PDFs: {exc}", as_json, 1) from None


def could_not_write(exc: BaseException) -> str:
    """A file that could not be written (a full disk, a folder that cannot be made, a document that failed), in one
    sentence. The workbook is saved last and atomically, so it is as it was."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        detail = f"{exc.strerror}:{where}" if where else exc.strerror
    else:
        detail = str(exc)
    return f"Could not write a file ({detail}); the workbook is as it was. Free some space or fix the folder, then " \
           "run again."


def reported(book: Path, as_json: bool, action: Callable[[], T]) -> T:
    """Run a command that issues documents (invoice, collect, demo); its refusals and failures as one message each:
    a bad period exits 2, a workbook with errors lists them, anything else that stopped it exits 1."""
    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    try:
        return action()
    except BadPeriod as exc:
        raise fail(str(exc), as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None
    except OSError as exc:
        raise fail(could_not_write(exc), as_json, 1) from None
    except Exception as exc:
        if raised_by(exc, "mspxl.commands.collect", "BackDatedCollect"):
            raise fail(str(exc), as_json, 1) from None
        if raised_by(exc, "mspxl.documents.errors", "DocumentError"):
            raise fail(could_not_write(exc), as_json, 1) from None
        raise


def raised_by(exc: BaseException, module: str, name: str) -> bool:
    """`exc` is a `module.name`: told without importing the module (a command that never loaded it, such as an
    invoice run for the back-dated collect, or a collect that rendered nothing for the documents' errors, cannot
    have raised it, and importing it would load what that command does not use, docxtpl among others)."""
    loaded = sys.modules.get(module)
    kind = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(kind, type) and isinstance(exc, kind)
