"""`mspxl statement`: a client's statement of account as a Word document. Exit codes: 0 done, 1 the workbook has
errors or cannot be read (nothing written), 2 a bad date or an unknown client."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, fail, has_errors
from mspxl.cli.common import out as console


def _day(text: str, option: str, as_json: bool) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"{option} {text!r} is not a date: write it as YYYY-MM-DD", as_json, 2) from None


def statement(
    book: BookArg,
    client: Annotated[str, typer.Option("--client", help="The Client ID.", show_default=False)],
    as_of: Annotated[str, typer.Option("--as-of", help="The statement date, YYYY-MM-DD.", show_default=False)],
    start: Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: January 1 of the "
                                                             "statement date's year).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the document (default: Settings Output "
                                                           "Folder, else a folder beside the workbook).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a client's statement of account: opening balance, every charge and payment, closing balance, aging."""
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.statement import UnknownClient
    from mspxl.commands.statement import statement as write_statement
    from mspxl.documents.errors import DocumentError
    from mspxl.workbook.source_file import UnreadableWorkbook

    end = _day(as_of, "--as-of", as_json)
    first = _day(start, "--from", as_json) if start is not None else date(end.year, 1, 1)
    if first > end:
        raise fail(f"--from {first.isoformat()} is after --as-of {end.isoformat()}", as_json, 2)
    client_id = client.strip()
    try:
        path = write_statement(book, client_id, first, end, date.today(), out)
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except UnknownClient as exc:
        raise fail(str(exc), as_json, 2) from None
    except (UnreadableWorkbook, DocumentError) as exc:
        raise fail(str(exc), as_json, 1) from None
    if as_json:
        print(json.dumps({"ok": True, "client": client_id, "from": first.isoformat(), "as_of": end.isoformat(),
                          "path": str(path)}))
    else:
        console.print(str(path))
