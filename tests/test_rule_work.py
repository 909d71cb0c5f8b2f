"""Work is billed in arrears with the next managed invoice: service invoices per client, project invoices per
project, rate fallback row -> client -> Settings, untaxed unless Tax Labor."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client
from scenario import amounts, run_periods


def work(entry: str, day: date, hours: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"Entry ID": entry, "Client ID": "C1", "Date": day, "Hours": hours,
                              "Description": f"job {entry}"}
    row.update(extra)
    return row


def test_half_hour_at_a_row_rate_of_150_bills_75() -> None:
    book = book_of({"Clients": [client()], "WorkLog": [work("W1", date(2026, 11, 12), "0.5", Rate=150)]})
    _, issued = run_periods(book, "2026-12")
    (inv,) = issued["2026-12"]
    assert inv.type == "service"
    assert amounts(inv) == [("LABOR", "0.5", "75.00")]
    assert (inv.issue_date, inv.due_date) == (date(2026, 12, 5), date(2027, 1, 1))


def test_november_work_is_billed_on_the_december_invoice_and_only_once() -> None:
    book = book_of({"Clients": [client()], "WorkLog": [
        work("W1", date(2026, 11, 30), "1", Rate=100),
        work("W2", date(2026, 12, 1), "2", Rate=100),
        work("W3", date(2026, 11, 3), "3", Rate=100, Billable="N"),
    ]})
    book2, issued = run_periods(book, "2026-11", "2026-12", "2027-01")
    assert issued["2026-11"] == ()
    (dec,) = issued["2026-12"]
    assert amounts(dec) == [("LABOR", "1", "100.00")]
    (jan,) = issued["2027-01"]
    assert amounts(jan) == [("LABOR", "2", "200.00")]
    assert {w.entry_id: w.invoice_number for w in book2.work} == {"W1": dec.number, "W2": jan.number, "W3": ""}


def test_rate_falls_back_to_client_then_default() -> None:
    book = book_of({
        "Clients": [client("C1", **{"Hourly Rate": 120}), client("C2")],
        "WorkLog": [work("W1", date(2026, 11, 2), "1.25"),
                    {**work("W2", date(2026, 11, 2), "1"), "Client ID": "C2"}],
    }, settings={"Default Hourly Rate": 150})
    _, issued = run_periods(book, "2026-12")
    assert [amounts(i) for i in issued["2026-12"]] == [[("LABOR", "1.25", "150.00")], [("LABOR", "1", "150.00")]]


def test_project_work_goes_on_its_own_invoice_after_the_service_invoice() -> None:
    book = book_of({
        "Clients": [client(**{"Hourly Rate": 100, "Tax Rate": "0.10"})],
        "Projects": [{"Project ID": "P2", "Client ID": "C1", "Name": "Cloud phone migration"},
                     {"Project ID": "P1", "Client ID": "C1", "Name": "Firewall"}],
        "WorkLog": [work("W1", date(2026, 11, 2), "2", **{"Project ID": "P2"}),
                    work("W2", date(2026, 11, 3), "1"),
                    work("W3", date(2026, 11, 4), "4", **{"Project ID": "P1"})],
    })
    _, issued = run_periods(book, "2026-12")
    assert [(i.number, i.type, i.project_id, str(i.total)) for i in issued["2026-12"]] == [
        ("INV-000001", "service", "", "100.00"),
        ("INV-000002", "project", "P1", "400.00"),  # labor untaxed
        ("INV-000003", "project", "P2", "200.00"),
    ]


def test_tax_labor_setting_taxes_work() -> None:
    book = book_of({"Clients": [client(**{"Tax Rate": "0.10"})],
                    "WorkLog": [work("W1", date(2026, 11, 2), "1", Rate="99.99")]},
                   settings={"Tax Labor": "Y"})
    _, issued = run_periods(book, "2026-12")
    (inv,) = issued["2026-12"]
    assert (inv.subtotal, inv.tax, inv.total) == (Decimal("99.99"), Decimal("10.00"), Decimal("109.99"))


def test_inactive_client_work_is_still_billed() -> None:
    book = book_of({"Clients": [client(Status="inactive")], "WorkLog": [work("W1", date(2026, 11, 2), "1", Rate=80)]})
    _, issued = run_periods(book, "2026-12")
    assert [i.type for i in issued["2026-12"]] == ["service"]
