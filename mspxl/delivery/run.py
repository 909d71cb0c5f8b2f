"""`mspxl send` as a function: one message per invoice of a period, to the client's Email, the document attached.

The Sent sheet records each message: Invoice Number, Client ID, Email, Sent At, Via (`smtp HOST:PORT`, or `file
NAME.eml` when written for the accountant to send), Message ID. An invoice with a `smtp` row is never sent again; one
with only a `file` row gets no second file, but is still sent when a server is given. A failed send is reported,
not recorded, and so retried on the next run. A credit note is sent like an invoice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl

from mspxl.ach.sheet import append_rows, sheet_for
from mspxl.app import load_checked, output_folder
from mspxl.audit import note_issued
from mspxl.billing.calendar import parse_period
from mspxl.delivery.message import TEMPLATE_NAME, invoice_message
from mspxl.delivery.outbox import Delivered, send_smtp, write_eml
from mspxl.documents.render import default_template_dir
from mspxl.problems import Problem
from mspxl.records import Invoice
from mspxl.writers.xlsx import open_for_update, refuse_if_lossy, refuse_if_open, save_atomically

SENT_SHEET = "Sent"
SENT_HEADERS = ("Invoice Number", "Client ID", "Email", "Sent At", "Via", "Message ID")


@dataclass(frozen=True)
class Outcome:
    invoice_number: str
    client_id: str
    email: str
    ok: bool
    detail: str  # where it went, or why it did not


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


def sent_before(path: Path) -> dict[str, list[str]]:
    """Invoice Number -> the Via of each Sent row."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        if SENT_SHEET not in wb.sheetnames:
            return {}
        rows = list(wb[SENT_SHEET].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return {}
    head = [str(h or "").strip().lower() for h in rows[0]]
    number, via = head.index("invoice number"), head.index("via")
    done: dict[str, list[str]] = {}
    for row in rows[1:]:
        if row[number]:
            done.setdefault(str(row[number]).strip(), []).append(str(row[via] or ""))
    return done


def is_done(vias: list[str], smtp: str | None) -> bool:
    """Sent by SMTP means done; a .eml file written means done until a server is given."""
    return any(v.startswith("smtp") for v in vias) or (smtp is None and bool(vias))


def attachment_for(invoice: Invoice, out_dir: Path) -> Path | None:
    """The invoice's PDF when one was made, else its .docx."""
    if not invoice.file:
        return None
    docx = out_dir / invoice.file
    pdf = docx.with_suffix(".pdf")
    return pdf if pdf.exists() else docx if docx.exists() else None


def send_invoices(path: Path, period: str, today_now: datetime, smtp: str | None = None, dry_run: bool = False,
                  out: Path | None = None, template_dir: Path | None = None) -> SendRun:
    """Email each invoice of `period` not sent before: over SMTP when `smtp` is given, else as .eml files."""
    parse_period(period)
    if not dry_run:
        refuse_if_open(path)
    book, problems = load_checked(path, today_now.date())
    out_dir = output_folder(path, out, book)
    template = ((template_dir or default_template_dir()) / TEMPLATE_NAME).read_text(encoding="utf-8")
    done = sent_before(path)
    clients = {c.id: c for c in book.clients}
    already, failed, ready = [], [], []
    for inv in (i for i in book.invoices if i.period == period and i.client_id in clients):
        client = clients[inv.client_id]
        if is_done(done.get(inv.number, []), smtp):
            already.append(inv.number)
            continue
        attachment = attachment_for(inv, out_dir)
        if not client.email:
            failed.append(Outcome(inv.number, client.id, "", False, "the client has no Email"))
        elif attachment is None:
            failed.append(Outcome(inv.number, client.id, client.email, False,
                                  f"its document {inv.file or '(none)'} is not in {out_dir}"))
        else:
            ready.append((inv, client, invoice_message(book.settings, client, inv, template, attachment,
                                                       today_now)))
    via = f"smtp {smtp}" if smtp else "files"
    if dry_run or not ready:
        sent = tuple(Outcome(i.number, c.id, c.email, True, "would send") for i, c, _ in ready) if dry_run else ()
        return SendRun(period, via, sent, tuple(failed), tuple(already), dry_run, out_dir, problems)
    refuse_if_lossy(path)
    if smtp:
        results = send_smtp([(inv.number, msg) for inv, _, msg in ready], smtp)
    else:
        results = [Delivered(inv.number, True, f"file {write_eml(msg, out_dir, inv.number, c.name).name}")
                   for inv, c, msg in ready]
    sent = []
    for (inv, client, _msg), result in zip(ready, results, strict=True):
        outcome = Outcome(inv.number, client.id, client.email, result.ok, result.detail)
        (sent if result.ok else failed).append(outcome)
    if sent:
        record_sent(path, sent, {inv.number: str(msg["Message-ID"]) for inv, _, msg in ready}, today_now)
    return SendRun(period, via, tuple(sent), tuple(failed), tuple(already), dry_run, out_dir, problems)


def record_sent(path: Path, sent: list[Outcome], message_ids: dict[str, str], when: datetime) -> None:
    wb = open_for_update(path)
    note_issued({"sent": len(sent)}, None)
    ws = sheet_for(wb, SENT_SHEET, SENT_HEADERS)
    append_rows(ws, "Invoice Number", [
        {"Invoice Number": o.invoice_number, "Client ID": o.client_id, "Email": o.email,
         "Sent At": when.replace(tzinfo=None, microsecond=0), "Via": o.detail,
         "Message ID": message_ids[o.invoice_number]}
        for o in sent
    ])
    save_atomically(wb, path)
