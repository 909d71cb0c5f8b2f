"""`mspxl reconcile BOOK --period YYYY-MM --vendor-file FILE [--format ...] [--propose]` on the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, fail, has_errors, out
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.reconcile import ReconcileRun

PeriodOpt = Annotated[str, typer.Option("--period", help="The month to reconcile, YYYY-MM.", show_default=False)]
VendorFileOpt = Annotated[Path, typer.Option("--vendor-file", help="The vendor's export (CSV or .xlsx).",
                                             show_default=False)]
FormatOpt = Annotated[str | None, typer.Option(
    "--format", help="microsoft | pax8 | rmm | generic (default: told from the file's headings).")]
ProposeOpt = Annotated[bool, typer.Option(
    "--propose", help="Also write the changes that would close the findings to the Proposed Changes sheet.")]


def run_json(run: ReconcileRun, written: bool) -> dict[str, object]:
    from mspxl.reconcile.model import FINDINGS, UNMAPPED

    r = run.result
    return {
        "ok": True, "period": r.period, "vendor": r.vendor, "file": r.file, "written": written,
        "matched": r.matched, "counts": r.counts(),
        "revenue_at_stake": {k: plain(r.total(k)) for k in FINDINGS if k != UNMAPPED},
        "unmapped_cost": plain(r.total(UNMAPPED, "cost")),
        "findings": [{"finding": f.finding, "client_id": f.client_id, "service_code": f.service_code,
                      "billed_qty": plain(f.billed_qty), "vendor_qty": plain(f.vendor_qty),
                      "revenue_at_stake": None if f.revenue_at_stake is None else plain(f.revenue_at_stake),
                      "cost_at_stake": None if f.cost_at_stake is None else plain(f.cost_at_stake),
                      "vendor_customer": f.customer, "vendor_item": f.item, "rows": list(f.rows)}
                     for f in r.findings],
        "proposals": len(run.proposals), "skipped": list(r.skipped),
    }


def reconciled(book: Path, period: str, vendor_file: Path, fmt: str | None, propose: bool, dry_run: bool,
               as_json: bool) -> ReconcileRun:
    """The command with its Runs row, its failures as sentences and exit codes."""
    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.reconcile import VendorFileHasErrors, run_reconcile
    from mspxl.reconcile.columns import UnknownFormat
    from mspxl.reconcile.table import BadVendorFile
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    try:
        return run_reconcile(book, period, vendor_file, date.today(), fmt, propose, dry_run)
    except (BadPeriod, UnknownFormat) as exc:
        raise fail(str(exc), as_json, 2) from None
    except BadVendorFile as exc:
        raise fail(f"{exc} Nothing was written.", as_json, 1) from None
    except VendorFileHasErrors as exc:
        if as_json:
            print(json.dumps({"ok": False, "error": str(exc), "vendor_problems": exc.problems}))
            raise typer.Exit(1) from None
        for problem in exc.problems:
            out.print(problem)
        raise fail(f"{exc} Fix the file (or choose --format) and run again.", False, 1) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None


def reconcile(book: BookArg, period: PeriodOpt, vendor_file: VendorFileOpt, fmt: FormatOpt = None,
              propose: ProposeOpt = False,
              dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the findings; write nothing.")] = False,
              as_json: JsonOpt = False) -> None:
    """Compare what a vendor charges (Microsoft Partner Center, Pax8, an RMM's devices, a generic list) with what the
    month's invoices bill; write the findings and the money at stake to the Reconcile sheet."""
    from mspxl.commands.reconcile import money_at_stake

    run = reconciled(book, period, vendor_file, fmt, propose, dry_run, as_json)
    if as_json:
        print(json.dumps(run_json(run, not dry_run)))
        return
    out.print(money_at_stake(run))
    if dry_run:
        out.print("Dry run: nothing was written.")
        return
    sheets = "Reconcile and Proposed Changes sheets" if propose else "Reconcile sheet"
    out.print(f"{len(run.result.findings)} finding(s) on the {sheets}"
              + (f", {len(run.proposals)} proposed change(s) to make by hand." if propose else "."))
