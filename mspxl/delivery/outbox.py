"""Where messages go: `.eml` files in a folder, or an SMTP server (STARTTLS whenever the server offers it).

Credentials come from the environment variables MSPXL_SMTP_USER and MSPXL_SMTP_PASSWORD, never from the workbook
or the command line; they are only sent over an encrypted connection.
"""

from __future__ import annotations

import copy
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from mspxl.documents.template import document_filename

USER_VARIABLE = "MSPXL_SMTP_USER"
PASSWORD_VARIABLE = "MSPXL_SMTP_PASSWORD"


class SmtpProblem(Exception):
    """The SMTP server could not be reached or refused the connection; nothing was sent."""


@dataclass(frozen=True)
class Delivered:
    key: str  # the invoice number
    ok: bool
    detail: str  # the file written, or the server's answer / error


def parse_server(text: str) -> tuple[str, int]:
    """`HOST:PORT` (port 587 when omitted)."""
    host, _, port = text.rpartition(":") if ":" in text else (text, "", "587")
    if not host or not port.isdigit():
        raise ValueError(f'"{text}" is not HOST:PORT')
    return host, int(port)


def eml_name(key: str, client_name: str) -> str:
    """`{Invoice Number} {Client Name}.eml`, named like the document it carries."""
    return document_filename(key, client_name).removesuffix(".docx") + ".eml"


def write_eml(msg: EmailMessage, out_dir: Path, key: str, client_name: str) -> Path:
    """The message as `{Invoice Number} {Client Name}.eml`, marked `X-Unsent: 1`: Outlook (and other mail programs
    that know the header) opens it as a draft, ready to send, rather than as a message received."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / eml_name(key, client_name)
    draft = copy.deepcopy(msg)
    draft["X-Unsent"] = "1"
    target.write_bytes(bytes(draft))
    return target


def send_smtp(messages: Sequence[tuple[str, EmailMessage]], server: str, timeout: float = 30) -> list[Delivered]:
    """Send each message over one connection; a message the server refuses is reported and the rest still go."""
    host, port = parse_server(server)
    user = os.environ.get(USER_VARIABLE, "")
    password = os.environ.get(PASSWORD_VARIABLE, "")
    try:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    except OSError as exc:
        raise SmtpProblem(f"cannot reach the SMTP server {host}:{port}: {exc}") from exc
    results = []
    with smtp:
        try:
            smtp.ehlo()
            encrypted = False
            if smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
                encrypted = True
            if user:
                if not encrypted:
                    raise SmtpProblem(f"{host}:{port} does not offer STARTTLS: the password is not sent unencrypted")
                smtp.login(user, password)
        except smtplib.SMTPException as exc:
            raise SmtpProblem(f"{host}:{port}: {exc}") from exc
        for key, msg in messages:
            try:
                refused = smtp.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                refused = exc.recipients
            except (smtplib.SMTPException, OSError) as exc:
                results.append(Delivered(key, False, str(exc)))
                continue
            if refused:
                why = ", ".join(f"{address} ({code} {_text(answer)})" for address, (code, answer) in refused.items())
                results.append(Delivered(key, False, f"refused: {why}"))
            else:
                results.append(Delivered(key, True, f"smtp {host}:{port}"))
    return results


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
