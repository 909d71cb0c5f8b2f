"""`mspxl credit`, `mspxl verify` and `mspxl templates export` on the command line: parse arguments, call the
functions of mspxl.corrections, mspxl.commands.verify and mspxl.resources, present what they return."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer

from mspxl.app import WorkbookHasErrors, no_progress
from mspxl.audit import audited
from mspxl.corrections import CreditRefused, parse_line_numbers
from mspxl.money import NotANumber, plain, to_decimal
from mspxl.problems import Severity
from mspxl.records import Invoice
from mspxl.workbook.source_file import UnreadableWorkbook
from mspxl.writers.xlsx import WorkbookRefused

# The options as mspxl.cli declares them; mspxl.cli is imported inside the commands, since it imports this module to
# register them.
BookArg = Annotated[Path, typer.Argument(help="The workbook (.xlsx or .xlsm).", show_default=False)]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Folder for documents (default: Settings Output Folder, "
                                                          "else a folder beside the workbook).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of prose.")]


def _amount(text: str | None, as_json: bool) -> Decimal | None:
    from mspxl.cli import fail

    if text is None:
        return None
    try:
        return to_decimal(text)
    except NotANumber:
        raise fail(f'--amount "{text}" is not an amount (expected a number like 125.00)', as_json, 2) from None


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
    from mspxl.cli import fail, money, out
    from mspxl.cli_common import has_errors, parse_day
    from mspxl.corrections.run import issue_credit

    value = _amount(amount, as_json)
    day = parse_day(on, as_json) if on is not None else None
    try:
        numbers = parse_line_numbers(lines) if lines is not None else ()
    except CreditRefused as exc:
        raise fail(str(exc), as_json, 2) from None
    args = [book.name, "--invoice", invoice, "--reason", reason]
    args += ["--amount", amount] if amount is not None else []
    args += ["--lines", lines] if lines is not None else []
    args += ["--reissue"] if reissue else []
    args += ["--date", on] if on is not None else []
    try:
        run = audited(book, "credit", args,
                      lambda: issue_credit(book, invoice, date.today(), reason, value, numbers, reissue, out_dir,
                                           no_progress, on=day))
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


def verify(book: BookArg, as_json: JsonOpt = False) -> None:
    """Recompute every register row from its lines and check numbering, WorkLog and Usage marks and credit notes;
    print each discrepancy with its cell; exit 1 when there is any."""
    from mspxl.cli import out, print_problems, problems_json
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


templates_app = typer.Typer(no_args_is_help=True, help="The document templates mspxl ships.")


@templates_app.command("export")
def templates_export(
    folder: Annotated[Path, typer.Argument(help="Where to write the templates.", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Replace templates already in the folder.")] = False,
) -> None:
    """Write the packaged templates into FOLDER for editing in Word; a file already there is kept unless --force."""
    from mspxl.cli import out
    from mspxl.resources import export_templates

    written, kept = export_templates(folder, force)
    for path in written:
        out.print(f"  {path}")
    for path in kept:
        out.print(f"  kept {path} (already there; --force replaces it)")
    out.print(f"{len(written)} template(s) written to {folder}.")
