"""`mspxl invoice`: the period's invoices issued, or previewed with --dry-run."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import (
    BookArg,
    JsonOpt,
    OutOpt,
    PdfOpt,
    money,
    no_bar,
    out,
    problems_json,
    progress_bar,
    reported,
    unit_price,
    write_pdfs,
)
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.invoice import InvoiceRun


def invoice(
    book: BookArg,
    period: Annotated[str, typer.Option("--period", help="The billing period, YYYY-MM.", show_default=False)],
    out_dir: OutOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be issued; write nothing.")] = False,
    as_json: JsonOpt = False,
    pdf: PdfOpt = False,
    allow_gap: Annotated[bool, typer.Option("--allow-gap", help="Bill the period even though an earlier month "
                                            "after the latest period billed has not been billed.")] = False,
) -> None:
    """Issue the period's managed, service and project invoices: register rows and one .docx each."""
    from mspxl.commands.invoice import run_invoice

    run = reported(book, as_json, lambda: run_invoice(book, period, date.today(), out_dir, dry_run,
                                                   progress=no_bar if as_json else progress_bar, allow_gap=allow_gap))
    if pdf and not dry_run:
        write_pdfs([run.out_dir / inv.file for inv in run.issued if inv.file], run.out_dir, as_json)
    if as_json:
        print(json.dumps(invoice_json(run)))
        return
    if dry_run:
        print_preview(run)
    if run.gap:
        out.print(f"  --allow-gap: {', '.join(run.gap)} not billed; {run.period}'s invoices take in their usage and "
                  "work")
    for skipped in run.skipped:
        out.print(f"  no managed invoice for {skipped.client_id} {skipped.client_name}: {skipped.reason}")
    for note in run.notes:
        out.print(f"  {note}")
    out.print(invoice_summary(run))


def invoice_json(run: InvoiceRun) -> dict[str, object]:
    return {
        "ok": True,
        "period": run.period,
        "dry_run": run.dry_run,
        "issued": run.counts,
        "already_issued": run.already_issued,
        "skipped_months": list(run.gap),
        "total": plain(run.total),
        "out": str(run.out_dir),
        "invoices": [
            {"number": inv.number, "client_id": inv.client_id, "client": inv.client_name, "type": inv.type,
             "total": plain(inv.total), "billed_users": inv.billed_users, "billed_devices": inv.billed_devices,
             "file": inv.file or None,
             "lines": [{"description": ln.description, "quantity": plain(ln.quantity),
                        "unit_price": plain(ln.unit_price), "amount": plain(ln.amount)} for ln in inv.lines]}
            for inv in run.issued
        ],
        "skipped": [{"client_id": s.client_id, "reason": s.reason} for s in run.skipped],
        "notes": list(run.notes),
        "warnings": problems_json(run.warnings),
    }


def print_preview(run: InvoiceRun) -> None:
    """Per client: lines, billed users, total, and the change from the client's previous invoice."""
    for inv in run.issued:
        out.print(f"[bold]{inv.number} {inv.client_name}[/] ({inv.type}, {inv.client_id})", markup=True)
        for ln in inv.lines:
            out.print(f"    {ln.description}: {plain(ln.quantity.normalize())} x {unit_price(ln.unit_price)} = "
                      f"{money(ln.amount)}")
        users = f", billed users {inv.billed_users}" if inv.billed_users is not None else ""
        previous = run.previous_totals.get((inv.client_id, inv.type, inv.project_id))
        change = "first invoice of this kind" if previous is None else (
            f"change from previous {money(inv.total - previous)}")
        out.print(f"    total {money(inv.total)}{users}; {change}")


def invoice_summary(run: InvoiceRun) -> str:
    if not run.issued:
        return (f"{run.period}: nothing new to issue ({run.already_issued} invoice(s) already in the register).")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(run.counts.items()))
    verb = "would issue" if run.dry_run else "issued"
    where = "" if run.dry_run else f"; documents in {run.out_dir}"
    return f"{run.period}: {verb} {len(run.issued)} invoice(s) ({kinds}), total billed {money(run.total)}{where}."
