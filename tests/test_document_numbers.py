"""Every number a client reads inside a description is written the document locale's way: quantities grouped
(`1,262.5 GB used`, `1.262,5` in de_DE) and amounts of money with their currency (`ACH payment of $1,500.00
returned`), while the register keeps the plain numbers the invoice was issued with."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from bookdata import book_of, client
from docx import Document
from docx.oxml.ns import qn
from scenario import managed, run_periods

from mspxl.documents import InvoiceRenderer, default_template_dir
from mspxl.documents.notices import render_statement


def text_of(path: Path) -> list[str]:
    """Each paragraph of the document, nested tables included."""
    body = Document(str(path)).element.body
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]


def book_in(locale: str):  # noqa: ANN201
    """A managed client on the base plan and cloud storage (500 GB included at $0.10 a GB) that used 1,262.5 GB in
    October 2026, and whose $1,500.00 ACH debit came back on November 2."""
    return book_of({
        "Clients": [client("C1", Name="Alpha Dental")],
        "Subscriptions": [{"Client ID": "C1", "Service Code": code, "Start Date": date(2026, 1, 1)}
                          for code in ("BASE", "STOR")],
        "Usage": [{"Client ID": "C1", "Period": "2026-10", "Service Code": "STOR", "Quantity": "1262.5"}],
        "Payments": [{"Payment ID": "P1", "Client ID": "C1", "Date": date(2026, 11, 2), "Amount": 1500,
                      "Status": "returned", "Return Code": "R01"}],
    }, settings={"Locale": locale})


@pytest.mark.parametrize(("locale", "usage_row", "returned"), [
    ("en_US", ["Cloud storage, Oct 2026: 1,262.5 GB used, 500 GB included", "762.5", "GB", "$0.10", "$76.25"],
     "ACH payment of $1,500.00 returned: insufficient funds (R01)"),
    ("de_DE", ["Cloud storage, Okt. 2026: 1.262,5 GB used, 500 GB included", "762,5", "GB", "0,10\xa0$",
               "76,25\xa0$"],
     "ACH payment of 1.500,00\xa0$ returned: insufficient funds (R01)"),
])
def test_quantities_and_amounts_in_descriptions_are_written_in_the_locale(
        locale: str, usage_row: list[str], returned: str, tmp_path: Path) -> None:
    book, invoices = run_periods(book_in(locale), "2026-11")
    november = managed(invoices["2026-11"])
    (line,) = [ln for ln in november.lines if ln.service_code == "STOR"]
    assert line.description == "Cloud storage, Oct 2026: 1262.5 GB used, 500 GB included"  # the register's text

    text = text_of(InvoiceRenderer(default_template_dir()).render(november, book.client("C1"), book.settings,
                                                                  tmp_path))
    start = text.index(usage_row[0])  # 1262.5 - 500 included = 762.5 GB at $0.10 = $76.25
    assert text[start:start + 5] == usage_row

    statement = text_of(render_statement(book, "C1", date(2026, 11, 1), date(2026, 11, 30), tmp_path))
    assert returned in statement
