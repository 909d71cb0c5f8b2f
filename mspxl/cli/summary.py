"""`mspxl summary BOOK --period YYYY-MM --out FILE.xlsx [--pdf] [--json]`: parses arguments, calls
`export_summary`, presents the result."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, fail, has_errors, money, print_problems
from mspxl.cli.common import out as console
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.summary import SummaryExport


def summary_json(done: SummaryExport) -> dict[str, object]:
    """The summary's headline figures as one JSON object (amounts as decimal strings)."""
    from mspxl.summary.model import MonthlySummary

    s: MonthlySummary = done.summary
    return {
        "ok": True,
        "period": s.period,
        "as_of": s.as_of.isoformat(),
        "out": str(done.path),
        "pdf": str(done.pdf) if done.pdf else None,
        "billed": {t.type: {"count": t.count, "subtotal": plain(t.subtotal), "tax": plain(t.tax),
                            "total": plain(t.total)} for t in s.by_type},
        "billed_total": plain(s.billed_total),
        "mrr": plain(s.mrr),
        "previous_mrr": plain(s.previous_mrr),
        "cash_collected": plain(s.cash.collected),
        "returned": plain(s.cash.returned),
        "outstanding": plain(s.outstanding),
        "past_due": plain(s.past_due),
        "clients": {"active": s.clients.active, "new": s.clients.new, "ended": s.clients.ended},
        "users": {"billed": s.users.billed, "previous": s.users.previous, "added": s.users.added,
                  "decreased": s.users.decreased},
        "devices": {"billed": s.devices.billed, "previous": s.devices.previous, "added": s.devices.added,
                    "decreased": s.devices.decreased},
        "states": s.states,
        "unissued_fees": s.unissued_fees,
    }


def summary_prose(done: SummaryExport) -> list[str]:
    s = done.summary
    cur, loc = s.settings.currency, s.settings.locale
    lines = [
        f"{s.period}: billed {money(s.billed_total, cur, loc)} on {sum(t.count for t in s.by_type)} invoice(s); "
        f"MRR {money(s.mrr, cur, loc)}; collected {money(s.cash.collected, cur, loc)}; outstanding on "
        f"{s.as_of.isoformat()} {money(s.outstanding, cur, loc)}.",
        f"Summary written to {done.path}.",
    ]
    if s.unissued_fees:
        lines.append(f"  {s.unissued_fees} returned debit(s) have no fee invoice in the register yet: run "
                     f"`mspxl collect` to issue them.")
    if done.pdf:
        lines.append(f"PDF written to {done.pdf}.")
    return lines


def summary(
    book: BookArg,
    period: Annotated[str, typer.Option("--period", help="The month to summarise, YYYY-MM.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The summary workbook to write (.xlsx).", show_default=False)],
    as_json: JsonOpt = False,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a PDF of the summary (needs LibreOffice).")] = False,
) -> None:
    """Export the monthly summary: the month's billing, MRR, cash, collections and aging, with charts."""
    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.summary import BadSummaryPath, export_summary
    from mspxl.pdf import PdfError
    from mspxl.workbook.source_file import UnreadableWorkbook

    try:
        done = export_summary(book, period, out, date.today(), pdf=pdf)
    except (BadPeriod, BadSummaryPath) as exc:
        raise fail(str(exc), as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except UnreadableWorkbook as exc:
        raise fail(str(exc), as_json, 1) from None
    except PdfError as exc:
        raise fail(f"The summary was written to {out}, but not its PDF: {exc}", as_json, 1) from None
    if as_json:
        print(json.dumps(summary_json(done)))
        return
    print_problems(done.warnings)
    for line in summary_prose(done):
        console.print(line)
