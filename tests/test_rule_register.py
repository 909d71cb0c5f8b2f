"""Numbers are gapless, continue from the register's highest number, follow Clients order; nothing issued twice."""

from datetime import date

from bookdata import book_of, client
from scenario import run_periods

from mspxl.billing.run import plan_period

START = date(2026, 1, 1)


def two_clients(**settings: object) -> dict[str, list[dict[str, object]]]:
    return {
        "Clients": [client("C2", **{"Hourly Rate": 100}), client("C1")],
        "Subscriptions": [{"Client ID": c, "Service Code": "BASE", "Start Date": START} for c in ("C1", "C2")],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C2", "Date": date(2026, 10, 2), "Hours": 1,
                     "Description": "setup"}],
    }


def test_numbers_follow_clients_order_managed_then_service() -> None:
    _, issued = run_periods(book_of(two_clients()), "2026-11")
    assert [(i.number, i.client_id, i.type) for i in issued["2026-11"]] == [
        ("INV-000001", "C2", "managed"), ("INV-000002", "C2", "service"), ("INV-000003", "C1", "managed")]


def test_numbers_continue_from_the_highest_in_the_register_with_settings_prefix_and_width() -> None:
    sheets = two_clients()
    sheets["Invoices"] = [{"Invoice Number": "MSP-0041", "Client ID": "C1", "Client Name": "x", "Type": "managed",
                           "Period": "2026-09", "Issue Date": date(2026, 9, 5), "Due Date": date(2026, 10, 1),
                           "Subtotal": 500, "Tax": 0, "Total": 500}]
    sheets["InvoiceLines"] = [{"Invoice Number": "MSP-0041", "Line": 1, "Service Code": "BASE",
                               "Description": "Managed base plan, Sep 2026", "Quantity": 1, "Unit Price": 500,
                               "Amount": 500, "Taxable": "Y"}]
    book = book_of(sheets, settings={"Invoice Prefix": "MSP-", "Number Width": 4})
    _, issued = run_periods(book, "2026-11")
    assert [i.number for i in issued["2026-11"]] == ["MSP-0042", "MSP-0043", "MSP-0044"]


def test_running_a_period_twice_and_november_after_january_issue_nothing() -> None:
    book, issued = run_periods(book_of(two_clients()), "2026-11", "2026-12", "2027-01")
    assert sum(len(v) for v in issued.values()) == 7
    for period in ("2026-11", "2026-12", "2027-01"):
        plan = plan_period(book, period)
        assert plan.new == ()
        assert plan.already_issued > 0
