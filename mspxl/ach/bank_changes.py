"""The Bank Changes sheet: each notification of change a bank sent, as `mspxl returns` read it.

One row per NOC: Received (the date of the bank's file), Client ID and Payment ID of the debit it is about, Change
Code (`C01`), Change (`account number`), Corrected Data (the corrected values, as the bank wrote them: the
accountant copies them to the Clients sheet), Original Trace. mspxl never changes the Clients sheet itself. The same
NOC read again (same trace, code and corrected data) is not added twice. `mspxl collect` shows each NOC on the
client's Collections row ("update the client's bank details: ...") until the Clients sheet has the corrected routing
and account number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from mspxl.ach.returns import ChangeMatch
from mspxl.ach.routing import mask, routing_digits
from mspxl.records import Client
from mspxl.schema import header_key
from mspxl.workbook.source_file import read_raw
from mspxl.writers.changes import Value

BANK_CHANGES = "Bank Changes"
BANK_CHANGES_HEADERS = ("Received", "Client ID", "Payment ID", "Change Code", "Change", "Corrected Data",
                        "Original Trace")


def recorded_changes(path: Path) -> list[dict[str, object]]:
    """The rows of the Bank Changes sheet, by header key (none when the workbook has no such sheet)."""
    sheet = read_raw(path, {BANK_CHANGES}).get(BANK_CHANGES)
    if sheet is None or not sheet.rows:
        return []
    head = [header_key(str(h or "")) for h in sheet.rows[0]]
    return [dict(zip(head, row, strict=False)) for row in sheet.rows[1:] if any(v is not None for v in row)]


def _key(trace: object, code: object, corrected: object) -> tuple[str, str, str]:
    return tuple(str(v or "").strip() for v in (trace, code, corrected))  # type: ignore[return-value]


def new_change_rows(path: Path, changes: Sequence[ChangeMatch], received: date | None = None
                    ) -> list[dict[str, Value]]:
    """The Bank Changes rows of the NOCs not recorded before."""
    if not changes:
        return []
    seen = {_key(r.get(header_key("Original Trace")), r.get(header_key("Change Code")),
                 r.get(header_key("Corrected Data"))) for r in recorded_changes(path)}
    rows: list[dict[str, Value]] = []
    for change in changes:
        notice = change.notice
        corrected = ", ".join(f"{name} {value}" for name, value in notice.fields().items())
        key = _key(notice.original_trace, notice.code, corrected)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"Received": notice.received or received, "Client ID": change.client_id or None,
                     "Payment ID": change.payment_id or None, "Change Code": notice.code, "Change": notice.what,
                     "Corrected Data": corrected,
                     "Original Trace": notice.original_trace})
    return rows


SHOWN_DAYS = 60  # a change mspxl cannot check against the Clients sheet (a name, a transaction code) is shown this long
BANK_FIELDS = {"routing": "bank_routing", "account": "bank_account"}


def _fields(text: str) -> dict[str, str]:
    """`routing 091000019, account 1918171614` -> {"routing": "091000019", "account": "1918171614"}."""
    fields = {}
    for part in text.split(", "):
        name, _, value = part.strip().rpartition(" ")
        if name:
            fields[name] = value
    return fields


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def bank_notes(path: Path, clients: Sequence[Client], as_of: date) -> dict[str, str]:
    """Client ID -> "update the client's bank details: ..." for each notification of change on the Bank Changes
    sheet that the Clients sheet does not show yet (a routing or account number still as it was), or, for a change
    that cannot be checked there, received within SHOWN_DAYS of `as_of`. Account numbers are masked."""
    by_id = {c.id: c for c in clients}
    notes: dict[str, list[str]] = {}
    for row in recorded_changes(path):
        client = by_id.get(str(row.get(header_key("Client ID")) or "").strip())
        received = _as_date(row.get(header_key("Received")))
        if client is None or received is None or received > as_of:
            continue
        fields = _fields(str(row.get(header_key("Corrected Data")) or ""))
        checked = {name: value for name, value in fields.items() if name in BANK_FIELDS}
        if checked:
            current = {"routing": routing_digits(client.bank_routing), "account": client.bank_account.strip()}
            if all(current[name] == value for name, value in checked.items()):
                continue  # the accountant has made the change
        elif (as_of - received).days > SHOWN_DAYS:
            continue
        shown = ", ".join(f"{name} {mask(value) if name == 'account' else value}" for name, value in fields.items())
        code = str(row.get(header_key("Change Code")) or "").strip()
        notes.setdefault(client.id, []).append(f"{code} {shown} (bank's notice of {received.isoformat()})")
    return {cid: "update the client's bank details: " + "; ".join(items) for cid, items in notes.items()}
