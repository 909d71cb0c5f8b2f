"""An invoice's email message: subject and body from the editable template `templates/email-invoice.txt`, the
document attached.

The template's first line is `Subject: ...`; after a blank line comes the body. Both are Jinja2 text with the
names listed in `message_facts`; a name the template uses that does not exist is an error, never a blank.
"""

from __future__ import annotations

import mimetypes
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from mspxl.ach.routing import mask
from mspxl.records import Client, Invoice, Settings

TEMPLATE_NAME = "email-invoice.txt"


class EmailTemplateError(ValueError):
    """The email template cannot be used; the message says where and why."""


def message_facts(settings: Settings, client: Client, invoice: Invoice) -> dict[str, object]:
    """What the template may say: amounts and dates written in the workbook's currency and locale."""
    year, month = (int(p) for p in invoice.period.split("-"))
    locale = settings.locale
    return {
        "invoice_number": invoice.number,
        "invoice_type": invoice.type,
        "period": invoice.period,
        "period_name": format_date(date(year, month, 1), "MMMM y", locale=locale),
        "issue_date": format_date(invoice.issue_date, "long", locale=locale),
        "due_date": format_date(invoice.due_date, "long", locale=locale),
        "total": format_currency(invoice.total, settings.currency, locale=locale),
        "client_id": client.id,
        "client_name": client.name,
        "contact_name": client.contact_name,
        "autopay": client.autopay and bool(client.bank_account),
        "account": mask(client.bank_account),
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


def invoice_message(settings: Settings, client: Client, invoice: Invoice, template: str, attachment: Path,
                    now: datetime) -> EmailMessage:
    """One message to the client's Email with the invoice's document attached."""
    subject, body = render_text(template, message_facts(settings, client, invoice))
    msg = EmailMessage()
    sender = settings.company_email or "billing@localhost"
    msg["From"] = f"{settings.company_name} <{sender}>" if settings.company_name else sender
    msg["To"] = client.email
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=invoice.number, domain=sender.rpartition("@")[2] or "localhost")
    msg.set_content(body)
    kind, _ = mimetypes.guess_type(attachment.name)
    maintype, _, subtype = (kind or "application/octet-stream").partition("/")
    msg.add_attachment(attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.name)
    return msg
