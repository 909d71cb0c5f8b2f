"""`mspxl ach`, `mspxl returns` and `mspxl send` on the command line: parse arguments, call the functions of
mspxl.commands, present what they return. Account numbers are shown masked only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mspxl.cli.common import BookArg, JsonOpt, OutOpt, fail, has_errors, money, out, parse_day
from mspxl.money import plain

if TYPE_CHECKING:
    from mspxl.commands.send import NoticeSendRun, SendRun

DateOpt = Annotated[str, typer.Option("--date", help="The day the debits are taken (effective entry date), "
                                                     "YYYY-MM-DD.", show_default=False)]


def ach(book: BookArg, on: DateOpt, out_dir: OutOpt = None, as_json: JsonOpt = False) -> None:
    """Write the NACHA file of the day's ACH debits (autopay invoices due and retries) and record each debit as
    pending on the Payments sheet."""
    from mspxl.ach.originator import OriginatorIncomplete
    from mspxl.commands.ach import run_ach
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    day = parse_day(on, as_json)
    try:
        run = run_ach(book, day, date.today(), out_dir)
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except OriginatorIncomplete as exc:
        raise fail("The ACH file needs these Settings rows: " + "; ".join(exc.problems), as_json, 1) from None
    except (WorkbookRefused, UnreadableWorkbook) as exc:
        raise fail(str(exc), as_json, 1) from None
    if as_json:
        print(json.dumps({
            "ok": True, "date": day.isoformat(), "file": str(run.file) if run.file else None,
            "total": plain(run.total),
            "debits": [{"payment_id": d.payment_id, "client_id": d.client_id, "invoice": d.invoice_number,
                        "amount": plain(d.amount), "trace": d.trace_number, "account": d.account, "kind": d.kind}
                       for d in run.debits],
            "not_debited": [{"client_id": n.client_id, "reason": n.reason} for n in run.left_out],
        }))
        return
    for d in run.debits:
        what = {"retry": f"RETRY PYMT of {d.invoice_number}, returned {d.retry_of}",
                "fee": f"RETURN FEE {d.invoice_number}"}.get(d.kind, d.invoice_number)
        out.print(f"  {d.trace_number} {d.client_id} {d.client_name} {d.account}: {money(d.amount)} ({what})")
    for n in run.left_out:
        out.print(f"  not debited: {n.client_id} {n.client_name}: {n.reason}")
    if run.file is None:
        out.print(f"{day.isoformat()}: no debit to write (none due, or all already written).")
    else:
        out.print(f"{day.isoformat()}: {len(run.debits)} debit(s), total {money(run.total)}, in {run.file}; "
                  "recorded as pending on the Payments sheet.")


def returns(
    book: BookArg,
    returns_file: Annotated[Path, typer.Argument(help="The bank's NACHA return file.", show_default=False)],
    cleared_through: Annotated[str | None, typer.Option(
        "--cleared-through", help="Also mark cleared the pending debits dated on or before this day that were not "
                                  "returned (the bank's return window has passed), YYYY-MM-DD.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Mark the debits a bank return file returns as returned (code and return date); report returns that match
    no debit. Importing the same file twice changes nothing."""
    from mspxl.ach.returncodes import later_debits_wait_for
    from mspxl.ach.returns import ReturnFileError
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.returns import run_returns
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    through = parse_day(cleared_through, as_json) if cleared_through else None
    try:
        run = run_returns(book, returns_file, date.today(), through)
    except ReturnFileError as exc:
        raise fail(f"{returns_file.name}: {exc}; nothing was written.", as_json, 1) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (WorkbookRefused, UnreadableWorkbook, OSError) as exc:
        raise fail(str(exc), as_json, 1) from None
    if as_json:
        print(json.dumps({
            "ok": True,
            "returned": [{"payment_id": m.payment_id, "client_id": m.client_id, "code": m.entry.code,
                          "reason": m.entry.reason, "date": m.entry.return_date.isoformat(),
                          "amount": plain(m.entry.amount), "later_debits": later_debits_wait_for(m.entry.code)}
                         for m in run.returned],
            "already_returned": [m.payment_id for m in run.already],
            "unmatched": [{"line": e.line, "trace": e.original_trace, "code": e.code, "amount": plain(e.amount)}
                          for e in run.unmatched],
            "cleared": list(run.cleared),
            "dishonored_or_contested": [{"payment_id": m.payment_id, "client_id": m.client_id, "code": m.entry.code,
                                         "kind": m.entry.kind, "answers": m.entry.answers} for m in run.answered],
            "changes": [{"payment_id": c.payment_id, "client_id": c.client_id, "code": c.notice.code,
                         "change": c.notice.describe(), "line": c.notice.line} for c in run.changes],
        }))
        return
    for m in run.returned:
        wait = later_debits_wait_for(m.entry.code)
        out.print(f"  returned {m.payment_id} {m.client_id}: {money(m.entry.amount)} {m.entry.code} "
                  f"({m.entry.reason}) on {m.entry.return_date.isoformat()}" + (f": {wait}" if wait else ""))
    for e in run.unmatched:
        out.print(f"  no debit with trace number {e.original_trace} (line {e.line}, {e.name}, {money(e.amount)}, "
                  f"{e.code}): check it with the bank")
    for m in run.answered:
        words = "refused the return" if m.entry.kind == "dishonored" else "contests the refused return"
        out.print(f"  {m.entry.code} {m.entry.kind} return of {m.payment_id} {m.client_id} ({m.entry.answers}): "
                  f"the bank {words}; check with the bank, nothing changed")
    for c in run.changes:
        who = f"{c.payment_id} {c.client_id}" if c.payment_id else f"trace {c.notice.original_trace} (no debit)"
        out.print(f"  notice of change for {who}: {c.notice.describe()}: update the client's bank details")
    if run.cleared:
        out.print(f"  cleared: {', '.join(run.cleared)}")
    out.print(f"{len(run.returned)} debit(s) marked returned, {len(run.already)} already recorded, "
              f"{len(run.unmatched)} not matched, {len(run.cleared)} cleared"
              + (f", {len(run.changes)} notice(s) of change (Bank Changes sheet)" if run.changes else "")
              + ". Run `mspxl collect` next.")


def send(
    book: BookArg,
    period: Annotated[str | None, typer.Option("--period", help="The billing period whose invoices to send, "
                                                                 "YYYY-MM.", show_default=False)] = None,
    notices: Annotated[bool, typer.Option("--notices", help="Send the collections notices instead: those written by "
                                                            "`mspxl collect` with the same --as-of.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="With --notices: the As Of date of the collections "
                                                              "run whose notices to send, YYYY-MM-DD.",
                                              show_default=False)] = None,
    smtp: Annotated[str | None, typer.Option(
        "--smtp", help="SMTP server HOST:PORT (STARTTLS when offered; login from MSPXL_SMTP_USER and "
                       "MSPXL_SMTP_PASSWORD). Without it, each message is written to the output folder as a "
                       ".eml draft, to open and send from a mail program.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be written or sent; write and send "
                                                           "nothing.")] = False,
    include_credited: Annotated[bool, typer.Option(
        "--include-credited", help="Also send invoices that credit notes cancel in full (by default only their "
                                   "credit notes and reissues are sent).")] = False,
    out_dir: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Email each invoice of the period (--period), or each collections notice of a collections run (--notices
    --as-of), to its client, the document attached as a PDF (made when LibreOffice, or Word with docx2pdf, is
    there); nothing is ever sent twice."""
    from datetime import datetime

    from mspxl.billing.calendar import BadPeriod
    from mspxl.commands.common import WorkbookHasErrors
    from mspxl.commands.send import run_send
    from mspxl.delivery.message import EmailTemplateError
    from mspxl.delivery.outbox import SmtpProblem
    from mspxl.workbook.source_file import UnreadableWorkbook
    from mspxl.writers.xlsx import WorkbookRefused

    if notices == (period is not None) or (notices and as_of is None) or (not notices and as_of is not None):
        raise fail("Give --period YYYY-MM to send invoices, or --notices --as-of YYYY-MM-DD to send the notices of "
                   "that collections run.", as_json, 2)
    day = parse_day(as_of, as_json) if as_of is not None else None
    now = datetime.now().astimezone()
    run: SendRun | NoticeSendRun
    try:
        run = run_send(book, period, day, now, smtp, dry_run, out_dir, include_credited)
    except BadPeriod as exc:
        raise fail(str(exc), as_json, 2) from None
    except WorkbookHasErrors as exc:
        raise has_errors(book, exc.problems, as_json) from None
    except (SmtpProblem, EmailTemplateError, WorkbookRefused, UnreadableWorkbook, ValueError, OSError) as exc:
        raise fail(f"{exc}; nothing was sent.", as_json, 1) from None
    if day is not None:
        _present_notices(run, as_json)  # type: ignore[arg-type]
    else:
        _present_invoices(run, as_json)  # type: ignore[arg-type]
    if run.failed:
        raise typer.Exit(1)


def _doing(run: SendRun | NoticeSendRun) -> str:
    """What happens to each message: written as a .eml file, sent over SMTP, or on a dry run what would."""
    if run.via == "files":
        return "would write" if run.dry_run else "written"
    return "would send" if run.dry_run else "sent"


def _message_line(run: SendRun | NoticeSendRun, what: str, email: str, detail: str, attached: str) -> str:
    """`  written INV-000001 Alpha.eml for ap@alpha.test (attached: INV-000001 Alpha.pdf)`, or with a server
    `  sent INV-000001 to ap@alpha.test over smtp HOST:PORT (attached: ...)`."""
    with_file = f" (attached: {attached})" if attached else ""
    if run.via == "files":
        return f"  {_doing(run)} {detail.removeprefix('file ')} for {email}{with_file}"
    return f"  {_doing(run)} {what} to {email} over {detail}{with_file}"


def _summary(run: SendRun | NoticeSendRun, head: str, skipped: str = "") -> str:
    """The last line: how many went and how (files to send from a mail program, or sent), then the rest."""
    done, rest = len(run.sent), f"{skipped}{len(run.failed)} failed, {len(run.already)}"
    if run.via == "files":
        if run.dry_run:
            return (f"{head} (dry run, nothing written): {done} would be written as .eml files, {rest} written or "
                    "sent before.")
        return (f"{head}: {done} written as .eml files in {run.out_dir}, to open and send from your mail program "
                f"(they open as drafts); {rest} written or sent before.")
    if run.dry_run:
        return f"{head} (dry run, nothing sent): {done} would be sent ({run.via}), {rest} sent before."
    return f"{head}: {done} sent ({run.via}), {rest} sent before."


def _present_invoices(run: SendRun, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "ok": not run.failed, "period": run.period, "via": run.via, "dry_run": run.dry_run,
            "action": _doing(run),
            "sent": [{"invoice": o.invoice_number, "client_id": o.client_id, "email": o.email, "via": o.detail,
                      "attached": o.attached} for o in run.sent],
            "failed": [{"invoice": o.invoice_number, "client_id": o.client_id, "reason": o.detail}
                       for o in run.failed],
            "skipped": [{"invoice": s.invoice_number, "client_id": s.client_id, "reason": s.reason}
                        for s in run.skipped],
            "already_sent": list(run.already),
            "docx_only": run.pdf_note,
        }))
        return
    for o in run.sent:
        out.print(_message_line(run, o.invoice_number, o.email, o.detail, o.attached))
    for s in run.skipped:
        out.print(f"  skipped {s.invoice_number} {s.client_id}: {s.reason}; not sent (--include-credited sends it "
                  "too)")
    for o in run.failed:
        out.print(f"  not sent {o.invoice_number} {o.client_id}: {o.detail} (tried again next run)")
    if run.pdf_note:
        out.print(run.pdf_note)
    out.print(_summary(run, run.period, f"{len(run.skipped)} skipped, " if run.skipped else ""))


def _present_notices(run: NoticeSendRun, as_json: bool) -> None:
    if as_json:
        print(json.dumps({
            "ok": not run.failed, "as_of": run.as_of.isoformat(), "via": run.via, "dry_run": run.dry_run,
            "action": _doing(run),
            "sent": [{"notice": o.notice, "client_id": o.client_id, "email": o.email, "document": o.document,
                      "via": o.detail} for o in run.sent],
            "failed": [{"notice": o.notice, "client_id": o.client_id, "document": o.document, "reason": o.detail}
                       for o in run.failed],
            "already_sent": list(run.already),
            "docx_only": run.pdf_note,
        }))
        return
    for o in run.sent:
        out.print(_message_line(run, f"{o.notice} notice of {o.client_id}", o.email, o.detail, o.document))
    for o in run.failed:
        out.print(f"  not sent {o.notice} notice {o.client_id}: {o.detail} (tried again next run)")
    if not (run.sent or run.failed or run.already):
        out.print(f"  no notice of {run.as_of.isoformat()} in {run.out_dir} (run `mspxl collect --as-of "
                  f"{run.as_of.isoformat()}` first)")
    if run.pdf_note:
        out.print(run.pdf_note)
    out.print(_summary(run, f"Notices of {run.as_of.isoformat()}"))
