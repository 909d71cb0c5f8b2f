"""`mspxl credit`: a credit note for an invoice, and with --reissue the corrected invoice."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, OutOpt, fail, has_errors, money, out
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.records import Invoice


def _document_json(inv: Invoice) -> dict[str, object]:
    return {"number": inv.number, "type": inv.type, "client_id": inv.client_id, "period": inv.period,
            "issue_date": inv.issue_date.isoformat(), "subtotal": plain(inv.subtotal), "tax": plain(inv.tax),
            "total": plain(inv.total), "related_invoice": inv.related_invoice or None, "file": inv.file or None}


def credit(
    book: BookArg,
    invoice: Annotated[str, typer.Option("--invoice", help="The invoice to credit, e.g. INV-000123.",
                                         show_default=False)],
    reason: Annotated[str, typer.Option("--reason", help="Why: shown on the credit note and in the register.",
                                        show_default=False)],
    amount: Annotated[str | None, typer.Option("--amount", help="Credit this amount (tax included) instead of "
                                                                "the whole invoice.", show_default=False)] = None,
    lines: Annotated[str | None, typer.Option("--lines", help="Credit these lines of the invoice, e.g. 2,3.",
                                              show_default=False)] = None,
    reissue: Annotated[bool, typer.Option("--reissue", help="Then issue the corrected invoice from the "
                                                            "workbook's current data.")] = False,
    on: Annotated[str | None, typer.Option("--date", help="The credit note's date, YYYY-MM-DD (default: today); "
                                           "on or after the invoice's.", show_default=False)] = None,
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Issue a credit note for an invoice (the whole of it unless --amount or --lines), and with --reissue the
    corrected invoice; register rows and one .docx each."""
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.credit import CreditOptionError, run_credit
    from mspxl.corrections import CreditRefused
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    try:
        run = run_credit(book, invoice, date.today(), reason, amount, lines, reissue, out_dir, on=on)
    except CreditOptionError as exc:
        raise fail(str(exc), as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except CreditRefused as exc:
        raise fail(f"{exc}; nothing was written.", as_json, 1) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None
    if as_json:
        print(json.dumps({"ok": True, "credited": invoice, "credit_note": _document_json(run.credit_note),
                          "reissued": _document_json(run.reissued) if run.reissued else None,
                          "out_dir": str(run.out_dir)}))
        return
    note = run.credit_note
    out.print(f"{note.number}: credit of {money(-note.total)} on {invoice} ({note.client_id} {note.client_name}), "
              f"{note.file}")
    if run.reissued is not None:
        new = run.reissued
        out.print(f"{new.number}: {new.type} invoice for {new.period} reissued, {money(new.total)} "
                  f"(was {money(run.credited.total)}), {new.file}")
    elif reissue:
        out.print("Nothing to reissue: the workbook's current data bill nothing for that invoice.")
