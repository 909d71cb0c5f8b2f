"""The collections notices a `mspxl collect` run wrote into the output folder, found again by their file names.

`render_notices` names each notice `Notice {as_of} {kind} {Client Name}.docx`; the notices of one run are found by
trying that name for every client and kind. A PDF beside the .docx (`mspxl collect --pdf`) is attached instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from mspxl.documents.context import one_line
from mspxl.documents.notices import NOTICE_KINDS
from mspxl.documents.template import document_filename
from mspxl.records import Client


@dataclass(frozen=True)
class NoticeFile:
    client_id: str
    notice: str  # past_due | payment_failed | credit_hold | service_hold | released
    notice_date: date  # the As Of date of the collections run that wrote it
    document: Path  # the .pdf when made, else the .docx

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the notice on the Sent sheet: Client ID, Notice, Notice Date."""
        return self.client_id, self.notice, self.notice_date.isoformat()

    @property
    def stem(self) -> str:
        """The notice's name without the client: `Notice 2026-12-03 payment_failed`."""
        return f"Notice {self.notice_date.isoformat()} {self.notice}"


def notice_files(clients: list[Client], as_of: date, out_dir: Path) -> list[NoticeFile]:
    """Each notice the collections run as of `as_of` wrote into `out_dir`, in the order of `clients`."""
    found = []
    for client in clients:
        for kind in NOTICE_KINDS:
            docx = out_dir / document_filename(f"Notice {as_of.isoformat()} {kind}", one_line(client.name))
            pdf = docx.with_suffix(".pdf")
            if pdf.exists() or docx.exists():
                found.append(NoticeFile(client.id, kind, as_of, pdf if pdf.exists() else docx))
    return found
