"""Tax is computed on the sum of an invoice's taxable lines, then rounded half-up; labor is untaxed unless Tax Labor."""

from datetime import date
from decimal import Decimal

from bookdata import SERVICES, book_of, client
from scenario import managed, run_periods

START = date(2026, 1, 1)


def test_tax_on_taxable_lines_rounded_half_up() -> None:
    services = SERVICES + [{"Service Code": "DOC", "Name": "Documentation portal", "Model": "flat",
                            "Unit Price": "19.99", "Taxable": "N"}]
    book = book_of({
        "Services": services,
        "Clients": [client(**{"Tax Rate": "0.0825"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": c, "Start Date": START} for c in ("BASE", "AV", "DOC")],
        "Devices": [{"Client ID": "C1", "Device Name": f"D{i}", "Added On": START} for i in range(3)],
    })
    _, issued = run_periods(book, "2026-11")
    inv = managed(issued["2026-11"])
    # taxable 500.00 + 15.00 = 515.00; x 0.0825 = 42.4875 -> 42.49; subtotal 534.99
    assert (inv.subtotal, inv.tax, inv.total) == (Decimal("534.99"), Decimal("42.49"), Decimal("577.48"))


def test_percentage_text_is_accepted_for_tax_rate() -> None:
    book = book_of({
        "Clients": [client(**{"Tax Rate": "10%"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "BASE", "Start Date": START}],
    })
    _, issued = run_periods(book, "2026-11")
    assert managed(issued["2026-11"]).tax == Decimal("50.00")
