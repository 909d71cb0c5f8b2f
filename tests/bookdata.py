"""Building test workbooks from plain rows: in memory (raw sheets) or as .xlsx files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

from mspxl import schema as S
from mspxl.records import Book
from mspxl.settings import SETTING_DEFS
from mspxl.workbook.load import Loaded, load_raw
from mspxl.workbook.raw import RawBook, RawSheet

TODAY = date(2026, 11, 25)

SERVICES = [
    {"Service Code": "BASE", "Name": "Managed base plan", "Model": "flat", "Unit Price": 500},
    {"Service Code": "STD", "Name": "Standard per-user package", "Model": "per_user", "Unit Price": 100},
    {"Service Code": "PREM", "Name": "Premium per-user package", "Model": "per_user", "Unit Price": 150},
    {"Service Code": "SRV", "Name": "Server monitoring", "Model": "per_device", "Unit Price": 75,
     "Device Type": "Server"},
    {"Service Code": "AV", "Name": "Endpoint antivirus", "Model": "per_device", "Unit Price": 5},
    {"Service Code": "STOR", "Name": "Cloud storage", "Model": "usage", "Unit Price": "0.10",
     "Included Qty": 500, "Unit": "GB"},
]


def client(cid: str = "C1", **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"Client ID": cid, "Name": f"Client {cid}", "Email": f"{cid.lower()}@example.com",
                              "Start Date": date(2026, 1, 1)}
    row.update(extra)
    return row


def sheet_rows(sheet: S.Sheet | str, rows: list[dict[str, object]]) -> list[list[object]]:
    if isinstance(sheet, str):
        headers = [h for h, _ in S.OUTPUT_SHEETS[sheet]]
    else:
        headers = [c.header for c in sheet.columns]
    return [list(headers)] + [[r.get(h) for h in headers] for r in rows]


def raw_book(sheets: dict[str, list[dict[str, object]]], settings: dict[str, object] | None = None) -> RawBook:
    """Every input sheet (empty unless given), Services defaulting to SERVICES."""
    raw: RawBook = {}
    data = {"Services": SERVICES, **sheets}
    for sheet in S.INPUT_SHEETS:
        if sheet.name == "Settings":
            rows = [{"Setting": k, "Value": v} for k, v in (settings or {}).items()]
        else:
            rows = data.get(sheet.name, [])
        raw[sheet.name] = RawSheet(sheet.name, sheet_rows(sheet, rows))
    for name in ("Invoices", "InvoiceLines"):
        if name in sheets:
            raw[name] = RawSheet(name, sheet_rows(name, sheets[name]))
    return raw


def load(sheets: dict[str, list[dict[str, object]]], settings: dict[str, object] | None = None) -> Loaded:
    return load_raw(raw_book(sheets, settings), TODAY)


def book_of(sheets: dict[str, list[dict[str, object]]], settings: dict[str, object] | None = None) -> Book:
    loaded = load(sheets, settings)
    errors = [p.render() for p in loaded.problems if p.severity.value == "error"]
    assert not errors, errors
    assert loaded.book is not None
    return loaded.book


def write_book(path: Path, sheets: dict[str, list[dict[str, object]]],
               settings: dict[str, object] | None = None) -> Path:
    """The same sheets as an .xlsx file (Settings filled with the given rows only)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, raw in raw_book(sheets, settings).items():
        ws = wb.create_sheet(name)
        for row in raw.rows:
            ws.append(row)
    wb.save(path)
    return path


def default_settings() -> dict[str, object]:
    return {d.name: d.default for d in SETTING_DEFS if d.kind not in ("months",) and d.default is not None}
