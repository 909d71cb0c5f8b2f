"""`mspxl reprice`: an annual price increase as Price Changes rows. Exit codes: 0 done (or nothing new to write),
1 the workbook has errors, is open or cannot be read (nothing written), 2 an option that cannot be used."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, fail, has_errors, out, unit_price
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.billing.reprice import PriceIncrease

if TYPE_CHECKING:
    from mspxl.commands.reprice import RepriceRun


def _who(row: PriceIncrease, run: RepriceRun) -> str:
    return f"{row.client_id} {run.client_names.get(row.client_id, '')}".strip() if row.client_id else "every client"


def _row_json(row: PriceIncrease) -> dict[str, object]:
    return {"service_code": row.service_code, "client_id": row.client_id or None, "old_price": plain(row.old_price),
            "new_price": plain(row.new_price), "existing_row": row.existing_row or None}


def reprice(
    book: BookArg,
    percent: Annotated[str, typer.Option("--percent", help="The increase in percent, e.g. 5 (or -10 to lower).",
                                         show_default=False)],
    start: Annotated[str, typer.Option("--from", help="The month the new prices take effect, YYYY-MM.",
                                       show_default=False)],
    service: Annotated[str | None, typer.Option("--service", help="Only this Service Code.",
                                                show_default=False)] = None,
    client: Annotated[str | None, typer.Option("--client", help="Only this client's prices (Client ID).",
                                               show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the new prices; write nothing.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Raise prices by a percentage from a month: Price Changes rows for the catalogue and for every client with a
    price of its own (or only --service / --client), new price = the price in effect that month x (1 + percent /
    100), rounded half-up to cents. A row already on the sheet is never written twice."""
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.reprice import RepriceRefused, run_reprice
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    try:
        run = run_reprice(book, percent, start, date.today(), service, client, dry_run)
    except RepriceRefused as exc:
        raise fail(f"{exc}; nothing was written.", as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None
    if as_json:
        print(json.dumps({"ok": True, "from": run.start, "percent": plain(run.percent), "dry_run": run.dry_run,
                          "written": [] if run.dry_run else [_row_json(r) for r in run.rows],
                          "planned": [_row_json(r) for r in run.rows] if run.dry_run else [],
                          "already": [_row_json(r) for r in run.already], "left_out": list(run.left_out)}))
        return
    out.print(f"Prices from {run.start}, {plain(run.percent)}%:")
    for row in run.rows:
        out.print(f"  {row.service_code}, {_who(row, run)}: {unit_price(row.old_price)} -> "
                  f"{unit_price(row.new_price)}")
    for row in run.already:
        out.print(f"  {row.service_code}, {_who(row, run)}: {unit_price(row.old_price)} -> "
                  f"{unit_price(row.new_price)}, already on the Price Changes sheet (row {row.existing_row}): "
                  "not added again")
    for note in run.left_out:
        out.print(f"  Left out: {note}.")
    if run.dry_run:
        out.print(f"Dry run: {len(run.rows)} Price Changes row(s) would be written; nothing was written.")
    elif run.rows:
        out.print(f"Wrote {len(run.rows)} Price Changes row(s) to {book.name}.")
    else:
        out.print("Nothing new to write: every row is already on the Price Changes sheet.")
