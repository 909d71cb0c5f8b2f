"""What every command of the command line shares: the consoles, the common arguments, and how results and problems
are shown. A module of its own, so command modules can import it without importing the command line itself."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from babel.numbers import format_currency
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
    return format_currency(amount, currency, locale=locale)


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
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f'"{text}" is not a date (expected YYYY-MM-DD)', as_json, 2) from None
