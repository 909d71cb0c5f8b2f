"""Email messages: an invoice's from the editable template `templates/email-invoice.txt`, a credit note's from
`templates/email-credit.txt`, a collections notice's from `templates/email-notice.txt`; the document attached.

A template's first line is `Subject: ...`; after a blank line comes the body. Both are Jinja2 text with the
names listed in `message_facts` (invoices) or `notice_facts` (notices); a name the template uses that does not exist
is an error, never a blank.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from mspxl.ach.routing import mask
from mspxl.documents.context import date_text, money_text, period_label
from mspxl.records import Client, Invoice, Settings

TEMPLATE_NAME = "email-invoice.txt"
CREDIT_TEMPLATE_NAME = "email-credit.txt"  # a credit note: no due date, no payment asked for
NOTICE_TEMPLATE_NAME = "email-notice.txt"


class EmailTemplateError(ValueError):
    """The email template cannot be used; the message says where and why."""


def message_facts(settings: Settings, client: Client, invoice: Invoice) -> dict[str, object]:
    """What the template may say: amounts and dates written in the workbook's currency and locale."""
    return {
        "invoice_number": invoice.number,
        "invoice_type": invoice.type,
        "period": invoice.period,
        "period_name": period_label(invoice.period, settings),
        "issue_date": date_text(invoice.issue_date, settings),
        "due_date": date_text(invoice.due_date, settings),
        "total": money_text(invoice.total, settings),
        "credit": money_text(-invoice.total, settings) if invoice.type == "credit" else "",
        "related_invoice": invoice.related_invoice,
        **addressee_facts(settings, client),
    }


def addressee_facts(settings: Settings, client: Client) -> dict[str, object]:
    """What every message may say about its client and the MSP sending it."""
    return {
        "client_id": client.id,
        "client_name": client.name,
        "contact_name": client.contact_name,
        "autopay": client.autopay and bool(client.bank_account),
        "account": mask(client.bank_account),
        "remittance": settings.remittance.strip(),
        "company_name": settings.company_name,
        "company_email": settings.company_email,
        "company_phone": settings.company_phone,
        "company_address": settings.company_address,
    }


def split_template(text: str, source: str = TEMPLATE_NAME) -> tuple[str, str]:
    """The template's subject line and body."""
    first, _, body = text.partition("\n")
    if not first.lower().startswith("subject:"):
        raise EmailTemplateError(f"{source}: the first line must be `Subject: ...`")
    return first[len("subject:"):].strip(), body.lstrip("\n")


def render_text(text: str, facts: dict[str, object], source: str = TEMPLATE_NAME) -> tuple[str, str]:
    """Subject and body of one message."""
    subject_source, body_source = split_template(text, source)
    env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True)
    try:
        subject = env.from_string(subject_source).render(facts)
        body = env.from_string(body_source).render(facts)
    except TemplateError as exc:
        raise EmailTemplateError(f"{source}: {exc}") from exc
    return " ".join(subject.split()), body


def notice_facts(settings: Settings, client: Client, notice: str, notice_date: date) -> dict[str, object]:
    """What the notice template may say: `notice` is the notice's kind (`past_due`, `payment_failed`,
    `credit_hold`, `service_hold`, `released`, `bank_details` or `authorization`), `notice_date` the day of the
    collections run that wrote it."""
    return {"notice": notice, "notice_date": date_text(notice_date, settings), **addressee_facts(settings, client)}


def invoice_message(settings: Settings, client: Client, invoice: Invoice, template: str, attachment: Path,
                    now: datetime) -> EmailMessage:
    """One message to the client's Email with the invoice's document attached (`template`: the text of
    email-invoice.txt, or of email-credit.txt for a credit note)."""
    source = CREDIT_TEMPLATE_NAME if invoice.type == "credit" else TEMPLATE_NAME
    subject, body = render_text(template, message_facts(settings, client, invoice), source)
    return compose(settings, client.email, subject, body, attachment, now, invoice.number)


def notice_message(settings: Settings, client: Client, notice: str, notice_date: date, template: str,
                   attachment: Path, now: datetime) -> EmailMessage:
    """One message to the client's Email with the collections notice attached."""
    subject, body = render_text(template, notice_facts(settings, client, notice, notice_date), NOTICE_TEMPLATE_NAME)
    return compose(settings, client.email, subject, body, attachment, now,
                   f"{client.id}.{notice}.{notice_date.isoformat()}")


def compose(settings: Settings, to: str, subject: str, body: str, attachment: Path, now: datetime,
            idstring: str) -> EmailMessage:
    """A message from the company to `to`, with one file attached."""
    msg = EmailMessage()
    sender = settings.company_email or "billing@localhost"
    msg["From"] = f"{settings.company_name} <{sender}>" if settings.company_name else sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=re.sub(r"[^A-Za-z0-9._-]", "-", idstring), domain=domain)
    msg.set_content(body)
    kind, _ = mimetypes.guess_type(attachment.name)
    maintype, _, subtype = (kind or "application/octet-stream").partition("/")
    msg.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.name)
    return msg
