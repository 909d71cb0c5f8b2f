"""Prepaid blocks of hours: the purchase billed once in arrears on the service invoice; billable hours draw the
oldest unexpired block down first, billed at 0.00; hours beyond the blocks at the rate; expired hours not billed."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client, load
from scenario import amounts, run_periods

from mspxl.billing.blocks import block_balances, expired_unused, ledger_before_run


def work(entry: str, day: date, hours: str, **extra: object) -> dict[str, object]:
    return {"Entry ID": entry, "Client ID": "C1", "Date": day, "Hours": hours, "Description": f"job {entry}",
            "Technician": "A. Tech", **extra}


def block(block_id: str, hours: int, price: int, bought: date, expires: date | None = None) -> dict[str, object]:
    return {"Block ID": block_id, "Client ID": "C1", "Hours": hours, "Price": price, "Purchased On": bought,
            "Expires On": expires}


def test_a_10_hour_block_drawn_by_3_5_h_then_8_h() -> None:
    book = book_of({
        "Clients": [client(**{"Hourly Rate": 150})],
        "Blocks": [block("B1", 10, 1200, date(2026, 10, 1))],
        "WorkLog": [work("W1", date(2026, 10, 10), "3.5"), work("W2", date(2026, 11, 12), "8")],
    })
    book2, issued = run_periods(book, "2026-11", "2026-12", "2027-01")
    (nov,) = issued["2026-11"]
    assert nov.type == "service"
    # the work under Labor, the block bought under Charges
    assert amounts(nov) == [("LABOR", "3.5", "0.00"), ("BLOCK", "1", "1200.00")]
    assert nov.lines[0].description == "2026-10-10 job W1 (A. Tech): from block B1: 3.5 h, 6.5 h left"
    assert nov.lines[1].description == "Prepaid support hours, block B1: 10 h"
    assert [ln.section for ln in nov.lines] == ["Labor", "Charges"]
    assert nov.total == Decimal("1200.00")
    (dec,) = issued["2026-12"]
    # 6.5 h from the block at 0.00, the 1.5 h beyond it at 150.00 = 225.00
    assert amounts(dec) == [("LABOR", "6.5", "0.00"), ("LABOR", "1.5", "225.00")]
    assert dec.lines[0].description == "2026-11-12 job W2 (A. Tech): from block B1: 6.5 h, 0 h left"
    assert dec.total == Decimal("225.00")
    assert issued["2027-01"] == ()  # the block's purchase is billed once
    assert {b.block_id: b.invoice_number for b in book2.blocks} == {"B1": nov.number}
    assert {w.entry_id: w.invoice_number for w in book2.work} == {"W1": nov.number, "W2": dec.number}


def test_the_oldest_unexpired_block_first_and_expired_hours_reported_not_billed() -> None:
    book = book_of({
        "Clients": [client(**{"Hourly Rate": 100})],
        "Blocks": [block("OLD", 5, 450, date(2026, 9, 1), expires=date(2026, 10, 31)),
                   block("NEW", 10, 900, date(2026, 10, 15))],
        "WorkLog": [work("W1", date(2026, 10, 20), "2"), work("W2", date(2026, 11, 3), "4")],
    })
    book2, issued = run_periods(book, "2026-12")
    (inv,) = issued["2026-12"]
    # W1 from OLD (oldest, unexpired on 10-20), W2 from NEW (OLD expired 10-31), then both blocks' purchases.
    assert amounts(inv) == [("LABOR", "2", "0.00"), ("LABOR", "4", "0.00"),
                            ("BLOCK", "1", "450.00"), ("BLOCK", "1", "900.00")]
    assert inv.lines[0].description.endswith("from block OLD: 2 h, 3 h left")
    assert inv.lines[1].description.endswith("from block NEW: 4 h, 6 h left")
    ledger = ledger_before_run(book2, book2.client("C1"))
    assert [(b.block_id, left) for b, left in expired_unused(ledger, date(2026, 12, 5))] == [("OLD", Decimal(3))]
    assert [(b.block_id, left) for b, left in block_balances(ledger, date(2026, 12, 5))] == [("NEW", Decimal(6))]


def test_a_block_with_no_hours_or_expiring_before_its_purchase_is_an_error() -> None:
    loaded = load({"Clients": [client()],
                   "Blocks": [block("B1", 0, 100, date(2026, 10, 1)),
                              block("B2", 5, 100, date(2026, 10, 1), expires=date(2026, 9, 1)),
                              {**block("B3", 5, 100, date(2026, 10, 1)), "Client ID": "C9"}]})
    rendered = [p.render() for p in loaded.problems if p.severity.value == "error"]
    assert 'Blocks!C2 (Hours): "0" must be more than 0' in rendered
    assert 'Blocks!F3 (Expires On): "2026-09-01" is before Purchased On (2026-10-01)' in rendered
    assert 'Blocks!B4 (Client ID): "C9" is not a known Client ID (Clients sheet)' in rendered


def test_the_run_reports_hours_left_on_an_expired_block() -> None:
    from mspxl.billing.run import plan_period

    book = book_of({"Clients": [client(**{"Hourly Rate": 100})],
                    "Blocks": [block("OLD", 5, 450, date(2026, 9, 1), expires=date(2026, 10, 31))],
                    "WorkLog": [work("W1", date(2026, 10, 20), "2")]})
    book2, _ = run_periods(book, "2026-11")
    assert plan_period(book2, "2026-12").notes == (
        "C1 Client C1: prepaid block OLD expired on 2026-10-31 with 3 h unused (not billed)",)


def all_cells(container):  # noqa: ANN001, ANN201
    """Every table cell of a document, nested tables included."""
    for table in container.tables:
        for row in table.rows:
            for cell in row.cells:
                yield cell
                yield from all_cells(cell)


def test_the_block_balance_is_on_the_clients_invoice_document(tmp_path) -> None:  # noqa: ANN001
    from docx import Document

    from mspxl.documents import InvoiceRenderer, default_template_dir

    book = book_of({"Clients": [client(**{"Hourly Rate": 150})],
                    "Blocks": [block("B1", 10, 1200, date(2026, 10, 1), expires=date(2027, 6, 30))],
                    "WorkLog": [work("W1", date(2026, 10, 10), "3.5")]})
    _, issued = run_periods(book, "2026-11")
    (inv,) = issued["2026-11"]
    assert inv.prepaid_hours == "B1: 6.5 h left (until 2027-06-30)"
    path = InvoiceRenderer(default_template_dir()).render(inv, book.client("C1"), book.settings, tmp_path)
    document = Document(str(path))
    cells = [cell.text for cell in all_cells(document)]
    assert cells[cells.index("Prepaid hours") + 1] == "B1: 6.5 h left (until June 30, 2027)"
    lines = [[c.text for c in row.cells] for table in document.tables for row in table.rows
             if row.cells[0].text.startswith("Prepaid support hours") or "from block" in row.cells[0].text]
    assert [row[:5] for row in lines] == [
        ["October 10, 2026 job W1 (A. Tech): from block B1: 3.5 h, 6.5 h left", "3.5", "h", "$0.00", "$0.00"],
        ["Prepaid support hours, block B1: 10 h, valid until June 30, 2027", "1", "block", "$1,200.00",
         "$1,200.00"]]


def test_the_block_balance_is_on_the_clients_statement(tmp_path) -> None:  # noqa: ANN001
    from docx import Document

    from mspxl.documents.notices import render_statement

    book = book_of({"Clients": [client(**{"Hourly Rate": 150})],
                    "Blocks": [block("B1", 10, 1200, date(2026, 10, 1))],
                    "WorkLog": [work("W1", date(2026, 10, 10), "3.5")]})
    book2, _ = run_periods(book, "2026-11")
    path = render_statement(book2, "C1", date(2026, 11, 1), date(2026, 11, 30), tmp_path)
    cells = [cell.text for cell in all_cells(Document(str(path)))]
    assert cells[cells.index("Prepaid hours") + 1] == "B1: 6.5 h left"
    october = tmp_path / "october"
    october.mkdir()
    before = render_statement(book2, "C1", date(2026, 10, 1), date(2026, 10, 31), october)
    cells = [cell.text for cell in all_cells(Document(str(before)))]
    assert cells[cells.index("Prepaid hours") + 1] == "B1: 10 h left"  # before November's invoice drew on it


def test_the_summary_shows_each_clients_prepaid_hours_left() -> None:
    from mspxl.summary import build_summary

    book = book_of({"Clients": [client(**{"Hourly Rate": 150}), client("C2", **{"Hourly Rate": 150})],
                    "Blocks": [block("B1", 10, 1200, date(2026, 10, 1)),
                               {**block("B2", 20, 2000, date(2026, 11, 2)), "Client ID": "C2"}],
                    "WorkLog": [work("W1", date(2026, 10, 10), "3.5")]})
    book2, _ = run_periods(book, "2026-11")
    summary = build_summary(book2, "2026-11", date(2026, 12, 1))
    rows = {r.client_id: r.block_hours for r in summary.revenue_by_client}
    assert rows["C1"] == Decimal("6.5")  # 10 h less the 3.5 h November's invoice drew
    assert rows["C2"] == Decimal(20)  # bought in November: billed in December, its hours already usable
