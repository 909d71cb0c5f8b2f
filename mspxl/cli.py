"""The command line: parses arguments, calls mspxl.app, presents the result. Exit codes: 0 done, 1 the workbook has
errors (nothing written), 2 bad command-line usage."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from mspxl import __version__, app, audit
from mspxl.billing.calendar import BadPeriod
from mspxl.cli_common import (
    BookArg,
    JsonOpt,
    OutOpt,
    PdfOpt,
    T,
    fail,
    has_errors,
    money,
    out,
    parse_day,
    print_problems,
    problems_json,
)
from mspxl.documents.errors import DocumentError
from mspxl.money import plain
from mspxl.problems import Severity
from mspxl.workbook.source_file import UnreadableWorkbook
from mspxl.writers.xlsx import WorkbookRefused

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Billing and collections for MSPs, in Excel.")


def write_pdfs(files: list[Path], out_dir: Path, as_json: bool) -> list[Path]:
    """PDFs of the documents just written, in one LibreOffice call; a clear message when it is not installed."""
    from mspxl.pdf import PdfError, convert_to_pdf

    if not files:
        return []
    try:
        return convert_to_pdf(files, out_dir)
    except PdfError as exc:
        raise fail(f"The documents were written, but not their PDFs: {exc}", as_json, 1) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"mspxl {__version__}")
        raise typer.Exit()


@cli.callback()
def main_options(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """mspxl: invoices and collections from an MSP's Excel workbook."""


def progress_bar(items: Sequence[T], label: str) -> Iterable[T]:
    """A progress bar on a terminal, none when output is not a terminal."""
    if not sys.stdout.isatty() or len(items) < 2:
        yield from items
        return
    with Progress(console=out, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        for item in items:
            yield item
            bar.advance(task)


@cli.command()
def init(path: Annotated[Path, typer.Argument(help="The new workbook to create.", show_default=False)]) -> None:
    """Write a new, empty workbook with every sheet, header, number format and validation list."""
    from mspxl.init_book import create_workbook

    try:
        create_workbook(path)
    except FileExistsError:
        raise fail(f"{path} already exists: choose another name", False, 2) from None
    out.print(f"Created {path}: fill in Settings, Services, Clients and Subscriptions, then run `mspxl check {path}`.")


@cli.command()
def check(book: BookArg, as_json: JsonOpt = False) -> None:
    """Validate the workbook and print every problem with its cell; exit 1 when there is any error."""
    problems = app.check(book, date.today())
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    warnings = len(problems) - errors
    if as_json:
        print(json.dumps({"ok": errors == 0, "errors": errors, "warnings": warnings,
                          "problems": problems_json(problems)}))
    else:
        print_problems(problems)
        verdict = "[green]OK[/]" if errors == 0 else "[red]not OK[/]"
        out.print(f"{book.name}: {verdict}: {errors} error(s), {warnings} warning(s).", markup=True)
    if errors:
        raise typer.Exit(1)


def _run_invoice(book: Path, period: str, out_dir: Path | None, dry_run: bool, as_json: bool,
                 allow_gap: bool = False) -> app.InvoiceRun:
    """Issue the period, with its row on the Runs sheet when it wrote."""
    args = [book.name, "--period", period, *(["--out", str(out_dir)] if out_dir else []),
            *(["--dry-run"] if dry_run else []), *(["--allow-gap"] if allow_gap else [])]
    try:
        return audit.audited(book, "invoice", args,
                       lambda: app.invoice(book, period, date.today(), out_dir, dry_run,
                                           progress=no_bar if as_json else progress_bar, allow_gap=allow_gap))
    except BadPeriod as exc:
        raise fail(str(exc), as_json, 2) from None
    except app.WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None
    except (OSError, DocumentError) as exc:
        raise fail(could_not_write(exc), as_json, 1) from None


def could_not_write(exc: BaseException) -> str:
    """A file that could not be written (a full disk, a folder that cannot be made, a document that failed), in one
    sentence. The workbook is saved last and atomically, so it is as it was."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        detail = f"{exc.strerror}:{where}" if where else exc.strerror
    else:
        detail = str(exc)
    return f"Could not write a file ({detail}); the workbook is as it was. Free some space or fix the folder, then " \
           "run again."


def no_bar(items: Sequence[T], label: str) -> Iterable[T]:
    return items


@cli.command()
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
    run = _run_invoice(book, period, out_dir, dry_run, as_json, allow_gap)
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


def invoice_json(run: app.InvoiceRun) -> dict[str, object]:
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


def print_preview(run: app.InvoiceRun) -> None:
    """Per client: lines, billed users, total, and the change from the client's previous invoice."""
    for inv in run.issued:
        out.print(f"[bold]{inv.number} {inv.client_name}[/] ({inv.type}, {inv.client_id})", markup=True)
        for ln in inv.lines:
            out.print(f"    {ln.description}: {plain(ln.quantity.normalize())} x {money(ln.unit_price)} = "
                      f"{money(ln.amount)}")
        users = f", billed users {inv.billed_users}" if inv.billed_users is not None else ""
        previous = run.previous_totals.get((inv.client_id, inv.type, inv.project_id))
        change = "first invoice of this kind" if previous is None else (
            f"change from previous {money(inv.total - previous)}")
        out.print(f"    total {money(inv.total)}{users}; {change}")


def invoice_summary(run: app.InvoiceRun) -> str:
    if not run.issued:
        return (f"{run.period}: nothing new to issue ({run.already_issued} invoice(s) already in the register).")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(run.counts.items()))
    verb = "would issue" if run.dry_run else "issued"
    where = "" if run.dry_run else f"; documents in {run.out_dir}"
    return f"{run.period}: {verb} {len(run.issued)} invoice(s) ({kinds}), total billed {money(run.total)}{where}."


def _run_collect(book: Path, as_of: date, out_dir: Path | None, as_json: bool, replay: bool = False
                 ) -> app.CollectRun:
    """Collections as of the date, with its row on the Runs sheet."""
    args = [book.name, "--as-of", as_of.isoformat(), *(["--out", str(out_dir)] if out_dir else []),
            *(["--replay"] if replay else [])]
    try:
        return audit.audited(book, "collect", args,
                       lambda: app.collect(book, as_of, date.today(), out_dir,
                                           progress=no_bar if as_json else progress_bar, replay=replay))
    except app.WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook, app.BackDatedCollect) as exc:
        raise fail(str(exc), as_json, 1) from None
    except (OSError, DocumentError) as exc:
        raise fail(could_not_write(exc), as_json, 1) from None


@cli.command()
def collect(
    book: BookArg,
    as_of: Annotated[str, typer.Option("--as-of", help="The date to run collections for, YYYY-MM-DD.",
                                       show_default=False)],
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
    pdf: PdfOpt = False,
    replay: Annotated[bool, typer.Option("--replay", help="Recompute only the Collections and Aging sheets, for a "
                                         "date before the last collect: no fee, no notice.")] = False,
) -> None:
    """Fee invoices for returned debits, each client's collection state, the Collections and Aging sheets. A date
    before the last collect's is refused, unless --replay."""
    run = _run_collect(book, parse_day(as_of, as_json), out_dir, as_json, replay)
    if pdf:
        write_pdfs([run.out_dir / f.file for f in run.fees if f.file] + list(run.notices), run.out_dir, as_json)
    if as_json:
        print(json.dumps(collect_json(run)))
        return
    for line in collect_report(run):
        out.print(line)


def collect_json(run: app.CollectRun) -> dict[str, object]:
    return {
        "ok": True,
        "as_of": run.as_of.isoformat(),
        "fees": [{"number": f.number, "client_id": f.client_id, "total": plain(f.total), "related": f.related_invoice,
                  "file": f.file or None} for f in run.fees],
        "states": run.state_counts,
        "clients": [{"client_id": s.client_id, "state": s.state, "since": s.since.isoformat() if s.since else None,
                     "balance": plain(s.balance), "next_action": s.next_action}
                    for s in run.result.statuses if s.on_collections_sheet],
        "notices": [str(p) for p in run.notices],
        "service_desk": [{"client_id": d.client_id, "client": d.client_name, "action": d.action,
                          "date": d.date.isoformat() if d.date else None} for d in run.result.service_desk],
        "out": str(run.out_dir),
    }


def collect_report(run: app.CollectRun) -> list[str]:
    if run.replay:
        lines = [f"Collections replayed as of {run.as_of.isoformat()}: the Collections and Aging sheets show that "
                 "day; no fee charged, no notice written."]
        if run.replayed_over is not None and run.replayed_over > run.as_of:
            lines.append(f"Before the next collect, put back the latest state: mspxl collect BOOK --as-of "
                         f"{run.replayed_over.isoformat()} --replay")
        return lines
    lines = [f"Collections as of {run.as_of.isoformat()}:"]
    for fee in run.fees:
        lines.append(f"  fee {fee.number} for {fee.client_id} {fee.client_name}: {money(fee.total)}")
    for status in run.result.statuses:
        if status.on_collections_sheet:
            since = f" since {status.since.isoformat()}" if status.since else ""
            action = f"; next: {status.next_action}" if status.next_action else ""
            lines.append(f"  {status.client_id} {status.client_name}: {status.state}{since}, balance "
                         f"{money(status.balance)}{action}")
    if run.result.service_desk:
        lines.append("For the service desk:")
        for item in run.result.service_desk:
            lines.append(f"  {item.client_id} {item.client_name}: {item.action}")
    for notice in run.notices:
        lines.append(f"  notice: {notice.name}")
    counts = ", ".join(f"{n} {state}" for state, n in sorted(run.state_counts.items()))
    lines.append(f"{len(run.fees)} fee invoice(s) and {len(run.notices)} notice(s) in {run.out_dir}; clients by state: "
                 f"{counts}. Collections and Aging sheets updated.")
    return lines


def sample_workbook() -> Path:
    from mspxl.resources import sample_workbook as packaged_sample

    return packaged_sample()


DEMO_PERIODS = ("2026-10", "2026-11", "2026-12")
DEMO_AS_OF = date(2026, 12, 20)
DEMO_ACH_DAY = date(2027, 1, 1)  # the ACH file debiting December's invoices


@cli.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's workbook and files.")] = Path("out"),
    as_json: JsonOpt = False,
) -> None:
    """Copy the sample workbook to DIR and run it: invoices for October to December 2026, collections as of
    20 December 2026, the ACH file of 1 January 2027 and December's summary workbook."""
    out_dir.mkdir(parents=True, exist_ok=True)
    book = out_dir / "northwind.xlsx"
    shutil.copyfile(sample_workbook(), book)
    invoices = out_dir / "invoices"
    results = []
    for period in DEMO_PERIODS:
        run = _run_invoice(book, period, invoices, False, as_json)
        results.append(invoice_json(run))
        if not as_json:
            out.print(invoice_summary(run))
    collected = _run_collect(book, DEMO_AS_OF, invoices, as_json)
    if not as_json:
        for line in collect_report(collected):
            out.print(line)
    from mspxl.ach.run import write_ach
    from mspxl.summary.command import summary_json, summary_prose
    from mspxl.summary.export import export_summary

    debits = audit.audited(book, "ach", [book.name, "--date", DEMO_ACH_DAY.isoformat(), "--out", str(invoices)],
                           lambda: write_ach(book, DEMO_ACH_DAY, date.today(), invoices))
    if not as_json:
        held = f"; {len(debits.left_out)} client(s) on hold not debited" if debits.left_out else ""
        out.print(f"{DEMO_ACH_DAY.isoformat()}: ACH file of {len(debits.debits)} debit(s), total "
                  f"{money(debits.total)}, in {debits.file}{held}.")

    reconciled = demo_reconcile(book, as_json)
    done = export_summary(book, DEMO_PERIODS[-1], out_dir / f"summary-{DEMO_PERIODS[-1]}.xlsx", date.today())
    from mspxl.commands.export import export_period
    from mspxl.export_cli import export_json, export_report

    books = audit.audited(book, "export", [book.name, "--period", DEMO_PERIODS[-1], "--out", str(out_dir)],
                          lambda: export_period(book, None, DEMO_PERIODS[-1], datetime.now(), out_dir))
    if as_json:
        print(json.dumps({"ok": True, "workbook": str(book), "runs": results, "collections": collect_json(collected),
                          "ach": {"date": DEMO_ACH_DAY.isoformat(), "file": str(debits.file),
                                  "debits": len(debits.debits), "total": plain(debits.total)},
                          "reconcile": reconciled, "summary": summary_json(done), "export": export_json(books)}))
    else:
        for line in summary_prose(done) + export_report(books):
            out.print(line)
        out.print(f"Workbook with its register, Collections and Aging: {book}")


DEMO_VENDOR_FILES = ("partner-center-2026-12.csv", "ninjaone-devices-2026-12.csv")


def demo_reconcile(book: Path, as_json: bool) -> list[dict[str, object]]:
    """December reconciled against the sample Microsoft and NinjaOne files (the Microsoft one with --propose)."""
    from mspxl.reconcile_cli import money_at_stake, run_json, run_reconcile
    from mspxl.resources import sample_vendor_file

    results = []
    for index, name in enumerate(DEMO_VENDOR_FILES):
        run = run_reconcile(book, DEMO_PERIODS[-1], sample_vendor_file(name), None, index == 0, False, as_json)
        results.append(run_json(run, True))
        if not as_json:
            out.print(money_at_stake(run))
    return results


def _register_commands() -> None:
    from mspxl.export_cli import export
    from mspxl.payments_command import ach, returns, send
    from mspxl.reconcile_cli import reconcile
    from mspxl.release_command import credit, templates_app, verify
    from mspxl.statement_command import statement
    from mspxl.summary.command import summary
    from mspxl.xl.addin_cli import addin_app

    cli.command("summary")(summary)
    cli.command("statement")(statement)
    cli.add_typer(addin_app, name="addin")
    cli.command("ach")(ach)
    cli.command("returns")(returns)
    cli.command("send")(send)
    cli.command("credit")(credit)
    cli.command("verify")(verify)
    cli.command("export")(export)
    cli.command("reconcile")(reconcile)
    cli.add_typer(templates_app, name="templates")


_register_commands()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
