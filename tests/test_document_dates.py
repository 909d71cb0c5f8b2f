"""Every date a client reads on a document is written the document locale's way: the header dates and the dates
inside line descriptions and statement rows (the register keeps them as ISO dates)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from bookdata import book_of, client
from docx import Document
from docx.oxml.ns import qn
from scenario import managed, run_periods

from mspxl.documents import InvoiceRenderer, default_template_dir
from mspxl.documents.notices import render_statement

ISO = re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b")


def text_of(path: Path) -> list[str]:
    """Each paragraph of the document, nested tables included."""
    body = Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def book_in(locale: str):  # noqa: ANN201
    """A managed client that adds two users on 2027-03-10 (billed prorated in April) and has work logged in
    October 2026 (a service invoice), each in the given document locale."""
    users = [{"Client ID": "C1", "User Name": f"U{i}", "Added On": date(2026, 11, 1)} for i in range(5)]
    users += [{"Client ID": "C1", "User Name": f"N{i}", "Added On": date(2027, 3, 10)} for i in range(2)]
    return book_of({
        "Clients": [client(Frequency="annual", **{"Start Date": date(2026, 12, 1), "Hourly Rate": 150})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": date(2026, 12, 1)}],
        "Users": users,
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 12, 14), "Hours": "1.5",
                     "Description": "Printer driver rollout", "Technician": "A. Tech"}],
    }, settings={"Prorate Additions": "daily", "Locale": locale})


@pytest.mark.parametrize(("locale", "added", "cycle", "issued", "work_day"), [
    ("en_US", "added on March 10, 2027", "days of Dec 2026 - Nov 2027 at $1,200.00", "April 5, 2027",
     "December 14, 2026 Printer driver rollout (A. Tech)"),
    ("en_GB", "added on 10 March 2027", "days of Dec 2026 - Nov 2027 at US$1,200.00", "5 April 2027",
     "14 December 2026 Printer driver rollout (A. Tech)"),
    ("de_DE", "added on 10. März 2027", "days of Dez. 2026 - Nov. 2027 at 1.200,00\xa0$", "5. April 2027",
     "14. Dezember 2026 Printer driver rollout (A. Tech)"),
])
def test_line_dates_read_like_the_header_dates(locale: str, added: str, cycle: str, issued: str, work_day: str,
                                               tmp_path: Path) -> None:
    book, invoices = run_periods(book_in(locale), "2026-12", "2027-01", "2027-04")
    april = managed(invoices["2027-04"])
    assert "added on 2027-03-10" in april.lines[0].description  # the register keeps the ISO date ...
    # ... and its short English months and plain price
    assert "days of Dec 2026 - Nov 2027 at 1200.00" in april.lines[0].description
    (service,) = [inv for inv in invoices["2027-01"] if inv.type == "service"]
    renderer = InvoiceRenderer(default_template_dir())
    client_row = book.client("C1")

    managed_text = text_of(renderer.render(april, client_row, book.settings, tmp_path / "m"))
    (line,) = [t for t in managed_text if t.startswith("Standard per-user package")]
    assert added in line and "prorated 266/365 " + cycle in line
    assert any(issued in t for t in managed_text)
    service_text = text_of(renderer.render(service, client_row, book.settings, tmp_path / "s"))
    assert work_day in service_text
    for text in managed_text + service_text:
        assert not ISO.search(text), text


def test_statement_rows_write_their_dates_and_months_in_the_locale(tmp_path: Path) -> None:
    book, _ = run_periods(book_of({
        "Clients": [client("C1", Name="Alpha Dental")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": date(2026, 1, 1)}],
    }, settings={"Locale": "en_GB"}), "2026-10", "2026-11")
    text = text_of(render_statement(book, "C1", date(2026, 10, 1), date(2026, 11, 30), tmp_path))
    assert "Invoice INV-000001: managed services October 2026, due 1 November 2026" in text
    assert "Invoice INV-000002: managed services November 2026, due 1 December 2026" in text
    assert "5 November 2026" in text  # the row's own date
    assert not [t for t in text if ISO.search(t)]
