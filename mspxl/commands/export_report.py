"""What `mspxl export` tells the accountant, in the same words on the command line and on the ribbon."""

from __future__ import annotations

from babel.numbers import format_currency

from mspxl.commands.export import ExportRun
from mspxl.export.model import FORMAT_NAMES


def money(amount) -> str:  # noqa: ANN001
    return format_currency(amount, "USD", locale="en_US")


def export_report(run: ExportRun) -> list[str]:
    """What the accountant reads: each file with what it holds, what was exported before, left out, and why."""
    name = FORMAT_NAMES[run.format]
    lines = []
    if run.again:
        lines.append(f"--again: every document of {run.period} is written again, also those exported before; "
                     "import only what the accounting system does not have yet.")
    for f in run.files:
        lines.append(f"{f.path}: {len(f.documents)} {f.kind} for {name}")
    for number, why in run.left_out:
        lines.append(f"{number} not exported: {why}.")
    lines.extend(run.notes)
    if run.already:
        lines.append(f"{len(run.already)} document(s) of {run.period} were exported to {name} before and are not "
                     "written again (--again writes them again).")
    if not run.files:
        lines.append(f"Nothing new to export to {name} for {run.period}.")
    else:
        paid = f" and {run.payments} payment(s)" if run.payments else ""
        lines.append(f"{len(run.exported) - run.payments} invoice(s) and credit note(s) totalling {money(run.total)}"
                     f"{paid} exported; recorded on the Exports sheet.")
    return lines
