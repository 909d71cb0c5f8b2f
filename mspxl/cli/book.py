"""`mspxl init`, `mspxl check` and `mspxl verify`: a new workbook, and the workbook and its register checked."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mspxl.cli.common import (
    BookArg,
    JsonOpt,
    fail,
    out,
    print_problems,
    problems_json,
)
from mspxl.problems import Severity


def init(path: Annotated[Path, typer.Argument(help="The new workbook to create.", show_default=False)]) -> None:
    """Write a new, empty workbook with every sheet, header, number format and validation list."""
    from mspxl.commands.init import init as init_workbook

    try:
        init_workbook(path)
    except FileExistsError:
        raise fail(f"{path} already exists: choose another name", False, 2) from None
    out.print(f"Created {path}: fill in Settings, Services, Clients and Subscriptions, then run `mspxl check {path}`.")


def check(book: BookArg, as_json: JsonOpt = False) -> None:
    """Validate the workbook and print every problem with its cell; exit 1 when there is any error."""
    from mspxl.commands.check import check as check_workbook

    problems = check_workbook(book, date.today())
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if as_json:
        print(json.dumps({"ok": errors == 0, "errors": errors, "warnings": warnings,
                          "problems": problems_json(problems)}))
    else:
        print_problems(problems)
        verdict = "[green]OK[/]" if errors == 0 else "[red]not OK[/]"
        out.print(f"{book.name}: {verdict}: {errors} error(s), {warnings} warning(s).", markup=True)
    if errors:
        raise typer.Exit(1)


def verify(book: BookArg, as_json: JsonOpt = False) -> None:
    """Recompute every register row from its lines and check numbering, WorkLog and Usage marks and credit notes;
    print each discrepancy with its cell; exit 1 when there is any."""
    from mspxl.commands.verify import verify_file

    problems = verify_file(book, date.today())
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    if as_json:
        print(json.dumps({"ok": errors == 0, "errors": errors, "warnings": len(problems) - errors,
                          "problems": problems_json(problems)}))
    else:
        print_problems(problems)
        verdict = "the register verifies" if errors == 0 else f"{errors} discrepancy(ies) in the register"
        out.print(f"{book.name}: {verdict}.")
    if errors:
        raise typer.Exit(1)
