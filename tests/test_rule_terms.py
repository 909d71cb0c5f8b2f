"""Payment terms per client: Net 15, Net 30, Due on receipt or blank (the ACH day) set the due date, the documents,
past-due state and aging; autopay clients are still debited on the ACH day."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client, load
from scenario import run_periods

from mspxl.ach.debits import debits_due
from mspxl.billing.terms import debit_date, terms_due_date
from mspxl.collections import run_collections
from mspxl.documents.context import invoice_context

START = date(2026, 1, 1)
BANK = {"Bank Routing": "011000015", "Bank Account": "000123456789"}


def book_with(*clients: dict[str, object]):  # noqa: ANN201
    ids = [str(c["Client ID"]) for c in clients]
    return book_of({
        "Clients": list(clients),
        "Subscriptions": [{"Client ID": c, "Service Code": "STD", "Start Date": START} for c in ids],
        "Users": [{"Client ID": c, "User Name": f"u{i}", "Added On": START} for c in ids for i in range(3)],
    })


def test_terms_due_dates() -> None:
    issued, ach = date(2026, 12, 5), date(2027, 1, 1)
    assert terms_due_date(issued, "Net 15", ach) == date(2026, 12, 20)
    assert terms_due_date(issued, "Net 30", ach) == date(2027, 1, 4)
    assert terms_due_date(issued, "Due on receipt", ach) == issued
    assert terms_due_date(issued, "", ach) == ach


def test_net_15_client_is_past_due_on_day_16() -> None:
    book = book_with(client("C1", Autopay="N", Terms="Net 15"), client("C2", Autopay="N"))
    book2, issued = run_periods(book, "2026-12")
    net15, blank = issued["2026-12"]
    # 3 users x 100.00 = 300.00, issued 2026-12-05, due 15 days later
    assert (net15.total, net15.issue_date, net15.due_date) == (Decimal("300.00"), date(2026, 12, 5),
                                                               date(2026, 12, 20))
    assert blank.due_date == date(2027, 1, 1)  # blank Terms: today's rule, the ACH day

    def standing(as_of: date):  # noqa: ANN202
        result = run_collections(book2.settings, book2.clients, book2.invoices, book2.payments, as_of, {})
        status = {s.client_id: s for s in result.statuses}["C1"]
        aging = {a.client_id: a for a in result.aging}["C1"]
        return status.state, status.days_past_due, aging.current, aging.days_1_30

    assert standing(date(2026, 12, 20)) == ("current", 0, Decimal("300.00"), Decimal("0"))  # day 15: due today
    assert standing(date(2026, 12, 21)) == ("past_due", 1, Decimal("0"), Decimal("300.00"))  # day 16


def test_autopay_net_15_client_is_debited_on_the_ach_day_and_the_document_says_both_dates() -> None:
    book = book_with(client("C1", Terms="Net 15", **BANK))
    book2, issued = run_periods(book, "2026-12")
    (inv,) = issued["2026-12"]
    assert inv.due_date == date(2026, 12, 20)
    assert debit_date(inv, book2.settings) == date(2027, 1, 1)
    assert debits_due(book2, date(2026, 12, 20))[0] == []
    (debit,), _ = debits_due(book2, date(2027, 1, 1))
    assert (debit.invoice_number, debit.amount) == (inv.number, Decimal("300.00"))
    context = invoice_context(inv, book2.clients[0], book2.settings)
    assert (context["due_date"], context["debit_date"]) == ("December 20, 2026", "January 1, 2027")


def test_due_on_receipt_and_net_30() -> None:
    book = book_with(client("C1", Autopay="N", Terms="due on receipt"), client("C2", Autopay="N", Terms="Net 30"))
    _, issued = run_periods(book, "2026-12")
    assert [i.due_date for i in issued["2026-12"]] == [date(2026, 12, 5), date(2027, 1, 4)]


def test_unknown_terms_are_an_error_at_their_cell() -> None:
    loaded = load({"Clients": [client("C1", Terms="Net 45")]})
    assert any(p.render().startswith('Clients!') and "(Terms)" in p.render() and "Net 45" in p.render()
               for p in loaded.problems), [p.render() for p in loaded.problems]


def test_check_warns_of_autopay_terms_that_fall_due_before_the_debit() -> None:
    loaded = load({"Clients": [client("C1", Terms="Net 15"), client("C2", Terms="Net 30"),
                               client("C3", Autopay="N", Terms="Net 15")]})
    warned = [p.render() for p in loaded.problems if "(Terms)" in p.render()]
    assert len(warned) == 1 and warned[0].startswith("Clients!P2 (Terms)"), warned
