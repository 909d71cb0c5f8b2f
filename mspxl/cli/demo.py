"""`mspxl demo`: the sample workbook copied and run through a quarter, each step reported as its own command
reports it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from mspxl.cli.collect import collect_json, collect_report
from mspxl.cli.common import (
    JsonOpt,
    money,
    no_bar,
    out,
    progress_bar,
    reported,
)
from mspxl.cli.export import export_json
from mspxl.cli.invoice import invoice_json, invoice_summary
from mspxl.cli.reconcile import run_json
from mspxl.cli.summary import summary_json, summary_prose
from mspxl.money import plain


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's workbook and files.")] = Path("out"),
    as_json: JsonOpt = False,
) -> None:
    """Copy the sample workbook into the --out folder and run it: invoices for October to December 2026,
    collections as of 20 December 2026, the ACH file of 1 January 2027 and December's summary workbook."""
    from mspxl.commands.demo import run_demo
    from mspxl.commands.export_report import export_report
    from mspxl.commands.reconcile import money_at_stake
    from mspxl.resources import SAMPLE_NAME

    book = out_dir / SAMPLE_NAME
    run = reported(book, as_json, lambda: run_demo(out_dir, date.today(), no_bar if as_json else progress_bar))
    if as_json:
        print(json.dumps({"ok": True, "workbook": str(run.book), "runs": [invoice_json(r) for r in run.invoices],
                          "collections": collect_json(run.collected),
                          "ach": {"date": run.ach_day.isoformat(), "file": str(run.debits.file),
                                  "debits": len(run.debits.debits), "total": plain(run.debits.total)},
                          "reconcile": [run_json(r, True) for r in run.reconciled],
                          "summary": summary_json(run.summary), "export": export_json(run.export)}))
        return
    for invoiced in run.invoices:
        out.print(invoice_summary(invoiced))
    for line in collect_report(run.collected):
        out.print(line)
    debits = run.debits
    held = f"; {len(debits.left_out)} client(s) on hold not debited" if debits.left_out else ""
    out.print(f"{run.ach_day.isoformat()}: ACH file of {len(debits.debits)} debit(s), total "
              f"{money(debits.total)}, in {debits.file}{held}.")
    for reconciled in run.reconciled:
        out.print(money_at_stake(reconciled))
    for line in summary_prose(run.summary) + export_report(run.export):
        out.print(line)
    out.print(f"Workbook with its register, Collections and Aging: {run.book}")
