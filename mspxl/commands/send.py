"""`mspxl send`: one message per invoice of a period (`send_invoices`), or per collections notice of a
collections run (`send_notices`), to the client's Email, the document attached.

The Sent sheet records each message: Invoice Number (invoices) or Notice and Notice Date (notices: the notice's
kind, e.g. `payment_failed`, and the As Of date of the `mspxl collect` run that wrote it), Client ID, Email, Sent At,
Via (`smtp HOST:PORT`, or `file NAME.eml` when written for the accountant to send), Message ID. A document with a
`smtp` row is never sent again; one with only a `file` row gets no second file, but is still sent when a server is
given. A failed send is reported, not recorded, and so retried on the next run. A credit note is sent like an
invoice. An invoice that credit notes cancel in full is not sent (its credit note and reissue are) unless asked
(`include_credited`); the run lists it as skipped, with why.

Each document goes as its PDF, made from the .docx when missing (`mspxl.commands.attach`); when no converter is
installed the .docx goes and the run says so. A `.eml` file is marked `X-Unsent: 1`, so that Outlook opens it as a
draft to send rather than as received mail.

Templates come from the workbook's template folder (the packaged ones, replaced by name by the workbook's own:
Settings `Templates Folder`, else a `templates/` folder beside the workbook).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import openpyxl

from mspxl.audit import audited, note_issued
from mspxl.billing.calendar import parse_period
from mspxl.commands.attach import attachments
from mspxl.commands.common import billed_clients, load_checked, output_folder, templates_of
from mspxl.corrections.credit import credit_notes_for, uncredited
from mspxl.delivery.message import (
    CREDIT_TEMPLATE_NAME,
    NOTICE_TEMPLATE_NAME,
    TEMPLATE_NAME,
    invoice_message,
    notice_message,
)
from mspxl.delivery.notice_files import NoticeFile, notice_files
from mspxl.delivery.outbox import Delivered, eml_name, send_smtp, write_eml
from mspxl.lock import run_lock
from mspxl.money import ZERO
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.schema import header_key
from mspxl.writers.changes import RecordRows, WorkbookChanges
from mspxl.writers.xlsx import prepare_update, refuse_if_open, update_workbook

SENT_SHEET = "Sent"
SENT_HEADERS = ("Invoice Number", "Notice", "Notice Date", "Client ID", "Email", "Sent At", "Via", "Message ID")


@dataclass(frozen=True)
class Outcome:
    invoice_number: str
    client_id: str
    email: str
    ok: bool
    detail: str  # where it went (`file NAME.eml`, `smtp HOST:PORT`; on a dry run, where it would go), or why not
    attached: str = ""  # the file attached (on a dry run, the PDF that sending would make)


@dataclass(frozen=True)
class Skipped:
    invoice_number: str
    client_id: str
    reason: str  # which credit notes cancel it, and its reissue


@dataclass(frozen=True)
class SendRun:
    period: str
    via: str  # smtp HOST:PORT | files
    sent: tuple[Outcome, ...]
    failed: tuple[Outcome, ...]
    already: tuple[str, ...]
    dry_run: bool
    out_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    skipped: tuple[Skipped, ...] = ()  # fully credited invoices not sent
    pdf_note: str = ""  # why some documents went as .docx only


@dataclass(frozen=True)
class NoticeOutcome:
    client_id: str
    notice: str
    notice_date: date
    email: str
    ok: bool
    detail: str  # where it went, or why it did not
    document: str = ""  # the attached file's name


@dataclass(frozen=True)
class NoticeSendRun:
    as_of: date
    via: str  # smtp HOST:PORT | files
    sent: tuple[NoticeOutcome, ...]
    failed: tuple[NoticeOutcome, ...]
    already: tuple[str, ...]  # the documents sent before
    dry_run: bool
    out_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    pdf_note: str = ""  # why some documents went as .docx only


def _sent_rows(path: Path) -> list[dict[str, object]]:
    """The Sent sheet's rows, by header key; none when there is no Sent sheet."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        if SENT_SHEET not in wb.sheetnames:
            return []
        rows = list(wb[SENT_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return []
    head = [header_key(str(h or "")) for h in rows[0]]
    return [dict(zip(head, row, strict=False)) for row in rows[1:]]


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "").strip()


def sent_before(path: Path) -> dict[str, list[str]]:
    """Invoice Number -> the Via of each Sent row."""
    done: dict[str, list[str]] = {}
    for row in _sent_rows(path):
        number = _text(row.get(header_key("Invoice Number")))
        if number:
            done.setdefault(number, []).append(_text(row.get(header_key("Via"))))
    return done


def notices_sent_before(path: Path) -> dict[tuple[str, str, str], list[str]]:
    """(Client ID, Notice, Notice Date as YYYY-MM-DD) -> the Via of each Sent row."""
    done: dict[tuple[str, str, str], list[str]] = {}
    for row in _sent_rows(path):
        notice = _text(row.get(header_key("Notice")))
        if notice:
            key = (_text(row.get(header_key("Client ID"))), notice, _text(row.get(header_key("Notice Date"))))
            done.setdefault(key, []).append(_text(row.get(header_key("Via"))))
    return done


def is_done(vias: list[str], smtp: str | None) -> bool:
    """Sent by SMTP means done; a .eml file written means done until a server is given."""
    return any(v.startswith("smtp") for v in vias) or (smtp is None and bool(vias))


def attachment_for(invoice: Invoice, out_dir: Path) -> Path | None:
    """The invoice's PDF when one was made, else its .docx (whose PDF `attachments` makes before it is sent)."""
    if not invoice.file:
        return None
    docx = out_dir / invoice.file
    pdf = docx.with_suffix(".pdf")
    return pdf if pdf.exists() else docx if docx.exists() else None


def cancelled_by(invoice: Invoice, register: Sequence[Invoice]) -> str:
    """Why an invoice is not sent: the credit notes that cancel it in full and its reissue, which are sent instead;
    "" for an invoice still (partly) owed and for a credit note."""
    notes = [n.number for n in credit_notes_for(register, invoice.number)]
    if invoice.type == "credit" or not notes or uncredited(invoice, register) > ZERO:
        return ""
    reissues = [i.number for i in register if i.type != "credit" and i.related_invoice in notes]
    return f"fully credited by {', '.join(notes)}" + (f" and reissued as {', '.join(reissues)}" if reissues else "")


def where_to(smtp: str | None, key: str, client_name: str) -> str:
    """Where a message goes: `smtp HOST:PORT`, or `file NAME.eml`, the file `deliver` writes."""
    return f"smtp {smtp}" if smtp else f"file {eml_name(key, client_name)}"


def deliver(ready: Sequence[tuple[str, str, EmailMessage]], smtp: str | None, out_dir: Path) -> list[Delivered]:
    """Each (key, client name, message) over SMTP when a server is given, else as a .eml file named after the key
    and the client."""
    if smtp:
        return send_smtp([(key, msg) for key, _, msg in ready], smtp)
    return [Delivered(key, True, f"file {write_eml(msg, out_dir, key, name).name}") for key, name, msg in ready]


def send_invoices(path: Path, period: str, today_now: datetime, smtp: str | None = None, dry_run: bool = False,
                  out: Path | None = None, template_dir: Path | None = None,
                  include_credited: bool = False) -> SendRun:
    """Email each invoice of `period` not sent before: over SMTP when `smtp` is given, else as .eml files. An
    invoice credited in full is left out unless `include_credited`."""
    parse_period(period)
    with run_lock(path, dry_run):
        return _send_invoices(path, period, today_now, smtp, dry_run, out, template_dir, include_credited)


def _send_invoices(path: Path, period: str, today_now: datetime, smtp: str | None, dry_run: bool,
                   out: Path | None, template_dir: Path | None, include_credited: bool) -> SendRun:
    if not dry_run:
        refuse_if_open(path)
    book, problems = load_checked(path, today_now.date())
    out_dir = output_folder(path, out, book)
    folder = templates_of(path, book, template_dir)
    templates = {name: (folder / name).read_text(encoding="utf-8") for name in (TEMPLATE_NAME, CREDIT_TEMPLATE_NAME)}
    done = sent_before(path)
    of_period = [i for i in book.invoices if i.period == period]
    clients = billed_clients(book, max((i.issue_date for i in of_period), default=None))
    already, failed, skipped, going = [], [], [], []
    for inv in (i for i in of_period if i.client_id in clients):
        client = clients[inv.client_id]
        if is_done(done.get(inv.number, []), smtp):
            already.append(inv.number)
            continue
        cancelled = "" if include_credited else cancelled_by(inv, book.invoices)
        document = attachment_for(inv, out_dir)
        if cancelled:
            skipped.append(Skipped(inv.number, client.id, cancelled))
        elif not client.email:
            failed.append(Outcome(inv.number, client.id, "", False, "the client has no Email"))
        elif document is None:
            failed.append(Outcome(inv.number, client.id, client.email, False,
                                  f"its document {inv.file or '(none)'} is not in {out_dir}"))
        else:
            going.append((inv, client, document))
    attached = attachments([document for _, _, document in going], dry_run)
    ready = [(inv, client, invoice_message(book.settings, client, inv, templates[
        CREDIT_TEMPLATE_NAME if inv.type == "credit" else TEMPLATE_NAME], attached.files[document], today_now))
        for inv, client, document in going]
    shown = {inv.number: attached.shown(document).name for inv, _, document in going}
    via = f"smtp {smtp}" if smtp else "files"
    if dry_run or not ready:
        sent = tuple(Outcome(i.number, c.id, c.email, True, where_to(smtp, i.number, c.name),
                             shown[i.number]) for i, c, _ in ready) if dry_run else ()
        return SendRun(period, via, sent, tuple(failed), tuple(already), dry_run, out_dir, problems,
                       tuple(skipped), attached.note)
    ids = {inv.number: str(msg["Message-ID"]) for inv, _, msg in ready}
    check_recordable(path, book, [{"Invoice Number": inv.number, "Client ID": c.id, "Email": c.email, "Via": via,
                                   "Message ID": ids[inv.number]} for inv, c, _ in ready], today_now)
    results = deliver([(inv.number, c.name, msg) for inv, c, msg in ready], smtp, out_dir)
    sent = []
    for (inv, client, _msg), result in zip(ready, results, strict=True):
        outcome = Outcome(inv.number, client.id, client.email, result.ok, result.detail, shown[inv.number])
        (sent if result.ok else failed).append(outcome)
    if sent:
        note_issued({"sent": len(sent)}, None)
        record_sent(path, book, [{"Invoice Number": o.invoice_number, "Client ID": o.client_id, "Email": o.email,
                            "Via": o.detail, "Message ID": ids[o.invoice_number]} for o in sent], today_now)
    return SendRun(period, via, tuple(sent), tuple(failed), tuple(already), dry_run, out_dir, problems,
                   tuple(skipped), attached.note)


def send_notices(path: Path, as_of: date, today_now: datetime, smtp: str | None = None, dry_run: bool = False,
                 out: Path | None = None, template_dir: Path | None = None) -> NoticeSendRun:
    """Email each collections notice that `mspxl collect --as-of {as_of}` wrote into the output folder and that was
    not sent before: over SMTP when `smtp` is given, else as .eml files."""
    with run_lock(path, dry_run):
        return _send_notices(path, as_of, today_now, smtp, dry_run, out, template_dir)


def _send_notices(path: Path, as_of: date, today_now: datetime, smtp: str | None, dry_run: bool,
                  out: Path | None, template_dir: Path | None) -> NoticeSendRun:
    if not dry_run:
        refuse_if_open(path)
    book, problems = load_checked(path, today_now.date())
    out_dir = output_folder(path, out, book)
    template = (templates_of(path, book, template_dir) / NOTICE_TEMPLATE_NAME).read_text(encoding="utf-8")
    done = notices_sent_before(path)
    clients = {c.id: c for c in book.clients}
    already: list[str] = []
    failed: list[NoticeOutcome] = []
    going: list[NoticeFile] = []
    for notice in notice_files(list(book.clients), as_of, out_dir):
        client = clients[notice.client_id]
        if is_done(done.get(notice.key, []), smtp):
            already.append(notice.document.name)
        elif not client.email:
            failed.append(NoticeOutcome(client.id, notice.notice, as_of, "", False, "the client has no Email",
                                        notice.document.name))
        else:
            going.append(notice)
    attached = attachments([n.document for n in going], dry_run)
    ready: list[tuple[NoticeFile, EmailMessage]] = [
        (n, notice_message(book.settings, clients[n.client_id], n.notice, as_of, template,
                           attached.files[n.document], today_now)) for n in going]
    via = f"smtp {smtp}" if smtp else "files"

    def outcome(notice: NoticeFile, ok: bool, detail: str) -> NoticeOutcome:
        return NoticeOutcome(notice.client_id, notice.notice, as_of, clients[notice.client_id].email, ok, detail,
                             attached.shown(notice.document).name)

    if dry_run or not ready:
        sent = tuple(outcome(n, True, where_to(smtp, n.stem, clients[n.client_id].name))
                     for n, _ in ready) if dry_run else ()
        return NoticeSendRun(as_of, via, sent, tuple(failed), tuple(already), dry_run, out_dir, problems,
                             attached.note)
    ids = {(n.client_id, n.notice): str(msg["Message-ID"]) for n, msg in ready}
    check_recordable(path, book, [{"Notice": n.notice, "Notice Date": as_of, "Client ID": n.client_id,
                                   "Email": clients[n.client_id].email, "Via": via,
                                   "Message ID": ids[(n.client_id, n.notice)]} for n, _ in ready], today_now)
    results = deliver([(n.stem, clients[n.client_id].name, msg) for n, msg in ready], smtp, out_dir)
    done_now = []
    for (notice, _msg), result in zip(ready, results, strict=True):
        (done_now if result.ok else failed).append(outcome(notice, result.ok, result.detail))
    if done_now:
        note_issued({"notices": len(done_now)}, None)
        record_sent(path, book, [{"Notice": o.notice, "Notice Date": o.notice_date, "Client ID": o.client_id,
                            "Email": o.email, "Via": o.detail, "Message ID": ids[(o.client_id, o.notice)]}
                           for o in done_now], today_now)
    return NoticeSendRun(as_of, via, tuple(done_now), tuple(failed), tuple(already), dry_run, out_dir, problems,
                         attached.note)


def sent_changes(rows: list[dict[str, object]], when: datetime) -> WorkbookChanges:
    """A Sent row for each message delivered (Sent At is `when`, local time without zone)."""
    stamp = when.replace(tzinfo=None, microsecond=0)
    return WorkbookChanges(records={SENT_SHEET: RecordRows(
        SENT_HEADERS, "Client ID", [{**row, "Sent At": stamp} for row in rows],
        {"Notice Date": "date"})})


def record_sent(path: Path, book: Book, rows: list[dict[str, object]], when: datetime) -> None:
    """Append a Sent row for each message delivered, through the workbook writer: only the Sent sheet changes."""
    update_workbook(path, sent_changes(rows, when), book.settings.currency, book.settings.locale)


def check_recordable(path: Path, book: Book, rows: list[dict[str, object]], when: datetime) -> None:
    """Before anything is sent: the Sent rows of every message about to go can be written (nothing is saved)."""
    prepare_update(path, sent_changes(rows, when), book.settings.currency, book.settings.locale)


def run_send(path: Path, period: str | None, as_of: date | None, now: datetime, smtp: str | None = None,
             dry_run: bool = False, out: Path | None = None, include_credited: bool = False) -> SendRun | NoticeSendRun:
    """`mspxl send`: the notices of the collections run of `as_of` when it is given, else the invoices of `period`;
    with its row on the Runs sheet when it sent."""
    what = ["--notices", "--as-of", as_of.isoformat()] if as_of else ["--period", str(period)]
    args = [path.name, *what, *(["--smtp", smtp] if smtp else []), *(["--dry-run"] if dry_run else []),
            *(["--include-credited"] if include_credited else [])]
    if as_of is not None:
        notices = lambda: send_notices(path, as_of, now, smtp, dry_run, out)  # noqa: E731
        return notices() if dry_run else audited(path, "send", args, notices)
    invoices = lambda: send_invoices(path, str(period), now, smtp, dry_run, out,  # noqa: E731
                                     include_credited=include_credited)
    return invoices() if dry_run else audited(path, "send", args, invoices)  # a dry run writes nothing
