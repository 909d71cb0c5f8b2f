"""`mspxl statement`: a client's statement of account as a Word document."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mspxl.commands.common import load_checked, output_folder, templates_of
from mspxl.documents.notices import render_statement


class UnknownClient(ValueError):
    """The Client ID names no client on the Clients sheet."""


def statement(path: Path, client_id: str, start: date, end: date, today: date, out: Path | None = None) -> Path:
    """The statement of `client_id` from `start` to `end`: opening balance, every charge and payment, closing
    balance, aging; returns the document written. WorkbookHasErrors or UnknownClient: nothing is written."""
    records, _ = load_checked(path, today)
    if client_id not in {c.id for c in records.clients}:
        raise UnknownClient(f"no client {client_id!r} on the Clients sheet")
    return render_statement(records, client_id, start, end, output_folder(path, out, records),
                            template_dir=templates_of(path, records))
