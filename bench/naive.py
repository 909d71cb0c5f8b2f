"""The naive pipeline the benchmark measures mspxl against, written plainly.

pandas reads every sheet through openpyxl; the same billing rules turn the rows into invoices; openpyxl loads the
whole workbook, appends the register rows and saves it; each invoice is `DocxTemplate(path)`, `render`, `save`,
for the same invoices, from the same templates and with the same context as mspxl's documents.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
from docxtpl import DocxTemplate

from mspxl.billing.run import PeriodPlan, plan_period
from mspxl.commands.common import billed_clients
from mspxl.documents.context import invoice_context
from mspxl.documents.template import document_filename
from mspxl.records import Book, Invoice
from mspxl.workbook.load import Loaded, load_raw
from mspxl.workbook.raw import RawBook, RawSheet, clean_rows
from mspxl.writers.changes import issue_changes
from mspxl.writers.xlsx import update_workbook


def _plain(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def read(path: Path) -> RawBook:
    """Every sheet with pandas (openpyxl engine), as rows of plain values."""
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    return {name: RawSheet(name, clean_rows([[_plain(v) for v in row] for row in frame.itertuples(index=False)]))
            for name, frame in frames.items()}


def validate(raw: RawBook, today: date) -> Loaded:
    return load_raw(raw, today)


def compute(book: Book, period: str) -> PeriodPlan:
    return plan_period(book, period)


def write_register(path: Path, invoices: list[Invoice], book: Book) -> None:
    update_workbook(path, issue_changes(invoices), book.settings.currency, book.settings.locale, writer="openpyxl")


def render(book: Book, invoices: list[Invoice], template_dir: Path, out_dir: Path) -> int:
    """One document per invoice, the same documents mspxl writes (its templates, its invoices, the clients as its
    invoices speak of them): load the template, render, save."""
    out_dir.mkdir(parents=True, exist_ok=True)
    clients = billed_clients(book, max((inv.issue_date for inv in invoices), default=None))
    for inv in invoices:
        project = book.projects.get(inv.project_id)
        context = invoice_context(inv, clients[inv.client_id], book.settings, project.name if project else "")
        doc = DocxTemplate(template_dir / f"invoice-{inv.type}.docx")
        doc.render(context, autoescape=True)
        doc.save(out_dir / document_filename(inv.number, inv.client_name))
    return len(invoices)


__all__ = ["compute", "read", "render", "validate", "write_register"]
