"""`mspxl export` on the command line: parse the options, call `mspxl.commands.export.run_export` (the export
with its Runs row), present what it returns. Exit codes: 0 done (also when everything was exported before),
1 the workbook has errors, a mapping cell is blank or nothing was issued in the period (nothing written), 2 bad
usage (an unknown format, a period that is not YYYY-MM)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, fail, has_errors
from mspxl.cli.common import out as console
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.export import ExportRun


def export(
    book: BookArg,
    period: Annotated[str, typer.Option("--period", help="The month whose documents to export, YYYY-MM.",
                                        show_default=False)],
    to: Annotated[str | None, typer.Option("--to", help="qbo (QuickBooks Online), iif (QuickBooks Desktop) or xero "
                                                        "(default: Settings Accounting System).",
                                           show_default=False)] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the files (default: Settings Output "
                                                               "Folder, else a folder beside the workbook).")] = None,
    again: Annotated[bool, typer.Option("--again", help="Write every document of the period again, also those "
                                                        "exported before.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the period's invoices, credit notes and (QuickBooks Desktop) payments as the file the accounting system
    imports; each document is recorded on the Exports sheet and never exported twice (unless --again)."""
    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.export import ExportRefused, MappingIncomplete, run_export
    from mspxl.commands.export_report import export_report
    from mspxl.export.model import FORMATS
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    if to is not None and to.strip().lower() not in FORMATS:
        raise fail(f'--to "{to}" is not an accounting system mspxl exports to: use qbo (QuickBooks Online), iif '
                   "(QuickBooks Desktop) or xero", as_json, 2)
    try:
        run = run_export(book, to, period, datetime.now(), out_dir, again)
    except BadPeriod as exc:
        raise fail(str(exc), as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except MappingIncomplete as exc:
        raise fail(f"{book.name}: the accounting mapping has blank cells; nothing was written. Fill them in and run "
                   "again.", as_json, 1, exc.problems) from None
    except (ExportRefused, WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(f"{exc}; nothing was written.", as_json, 1) from None
    if as_json:
        print(json.dumps(export_json(run)))
        return
    for line in export_report(run):
        console.print(line)


def export_json(run: ExportRun) -> dict[str, object]:
    return {"ok": True, "format": run.format, "period": run.period, "again": run.again,
            "files": [{"path": str(f.path), "kind": f.kind, "documents": list(f.documents)} for f in run.files],
            "exported": list(run.exported), "already": list(run.already),
            "left_out": [{"number": n, "why": why} for n, why in run.left_out], "notes": list(run.notes),
            "total": plain(run.total), "payments": run.payments}
