"""One invoice per client (Clients One Invoice Y): the month's managed, service, project and charge lines on one
invoice, in sections with subtotals, numbered once; marks, collections, verify and a reissue keep working."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import amounts, run_periods

from mspxl.collections import run_collections
from mspxl.commands.credit import plan_credit
from mspxl.documents.context import invoice_context
from mspxl.workbook.verify import verify_book

START = date(2026, 1, 1)


def month_for(*clients: dict[str, object]):  # noqa: ANN201
    ids = [str(c["Client ID"]) for c in clients]
    return book_of({
        "Clients": list(clients),
        "Subscriptions": [row for c in ids for row in (
            {"Client ID": c, "Service Code": "BASE", "Start Date": START},
            {"Client ID": c, "Service Code": "STD", "Start Date": START})],
        "Users": [{"Client ID": c, "User Name": f"u{i}", "Added On": START} for c in ids for i in range(3)],
        "Projects": [{"Project ID": f"P{c}", "Client ID": c, "Name": "Network refresh"} for c in ids],
        "WorkLog": [row for c in ids for row in (
            {"Entry ID": f"{c}-W1", "Client ID": c, "Date": date(2026, 11, 10), "Hours": "2",
             "Description": "Printer fix"},
            {"Entry ID": f"{c}-W2", "Client ID": c, "Date": date(2026, 11, 12), "Hours": "6.5",
             "Description": "Switch install", "Project ID": f"P{c}"})],
        "Charges": [{"Charge ID": f"{c}-CH1", "Client ID": c, "Date": date(2026, 11, 12),
                     "Description": "Switch, 24-port", "Quantity": 2, "Unit Price": "389.00",
                     "Project ID": f"P{c}"} for c in ids],
    })


def test_one_invoice_client_gets_managed_service_and_project_lines_on_one_invoice_to_the_cent() -> None:
    terms = {"Tax Rate": "0.08", "Hourly Rate": 130, "Autopay": "N"}
    book = month_for(client("C1", **{"One Invoice": "Y"}, **terms), client("C2", **terms))
    book2, issued = run_periods(book, "2026-12")
    one, *separate = issued["2026-12"]
    assert [(inv.client_id, inv.type) for inv in separate] == [("C2", "managed"), ("C2", "service"),
                                                               ("C2", "project")]
    assert (one.client_id, one.type, one.number) == ("C1", "combined", "INV-000001")  # numbered once
    assert amounts(one) == [("BASE", "1", "500.00"), ("STD", "3", "300.00"), ("LABOR", "2", "260.00"),
                            ("LABOR", "6.5", "845.00"), ("CHARGE", "2", "778.00")]
    assert [ln.section for ln in one.lines] == ["Managed services", "Managed services", "Labor",
                                                "Project Network refresh: Labor",
                                                "Project Network refresh: Materials"]
    # 500.00 + 300.00 + 260.00 + 845.00 + 778.00 = 2,683.00; tax 8% of the taxable 500 + 300 + 778 = 1,578.00
    # is 126.24 (labor untaxed); total 2,809.24, the three separate invoices' totals added up
    assert (one.subtotal, one.tax, one.total) == (Decimal("2683.00"), Decimal("126.24"), Decimal("2809.24"))
    assert sum(inv.total for inv in separate) == one.total
    assert (one.issue_date, one.due_date, one.billed_users) == (date(2026, 12, 5), date(2027, 1, 1), 3)
    assert {w.entry_id: w.invoice_number for w in book2.work if w.client_id == "C1"} == \
        {"C1-W1": "INV-000001", "C1-W2": "INV-000001"}
    assert [c.invoice_number for c in book2.charges if c.client_id == "C1"] == ["INV-000001"]
    assert verify_book(book2) == []
    sections = invoice_context(one, book.clients[0], book.settings)["sections"]
    assert [(s["title"], s["subtotal"]) for s in sections] == [
        ("Managed services", "$800.00"), ("Labor", "$260.00"), ("Project Network refresh: Labor", "$845.00"),
        ("Project Network refresh: Materials", "$778.00")]
    result = run_collections(book2.settings, book2.clients, book2.invoices, book2.payments, date(2027, 1, 2), {})
    balance = {s.client_id: s.balance for s in result.statuses}
    assert balance["C1"] == Decimal("2809.24") == balance["C2"]
    again, more = run_periods(book2, "2026-12", "2027-01")
    assert more["2026-12"] == ()  # nothing twice
    (january,) = [inv for inv in more["2027-01"] if inv.client_id == "C1"]  # no work in December: managed lines
    assert (january.type, amounts(january)) == ("combined", [("BASE", "1", "500.00"), ("STD", "3", "300.00")])


def test_a_combined_invoice_is_credited_and_reissued_whole() -> None:
    book = month_for(client("C1", **{"One Invoice": "Y", "Hourly Rate": 130}))
    book2, issued = run_periods(book, "2026-12")
    (one,) = issued["2026-12"]
    _, note, reissued = plan_credit(book2, one.number, date(2026, 12, 20), "wrong rate", reissue=True)
    assert note.total == -one.total == Decimal("-2683.00")
    assert reissued is not None and reissued.type == "combined" and reissued.related_invoice == note.number
    assert amounts(reissued) == amounts(one) and reissued.total == one.total


def test_the_decrease_rule_reads_the_previous_combined_invoice() -> None:
    book = book_of({
        "Clients": [client("C1", **{"One Invoice": "Y"})],
        "Subscriptions": [{"Client ID": "C1", "Service Code": "STD", "Start Date": START}],
        "Users": [{"Client ID": "C1", "User Name": f"u{i}", "Added On": START,
                   "Removed On": date(2026, 11, 20) if i == 0 else None} for i in range(3)],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 10), "Hours": "1", "Rate": 100,
                     "Description": "Setup"}],
    })
    _, issued = run_periods(book, "2026-11", "2026-12")
    (november,), (december,) = issued["2026-11"], issued["2026-12"]
    assert amounts(november) == [("STD", "3", "300.00"), ("LABOR", "1", "100.00")]
    # a user removed on 11-20: December still bills November's 3 (decreases wait for the January true-down)
    assert amounts(december) == [("STD", "3", "300.00")]
