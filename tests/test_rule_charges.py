"""Materials and one-off charges are billed in arrears as work is: on the project's invoice (Labor and Materials) or
on the client's service invoice, each charge once."""

from datetime import date
from decimal import Decimal

from bookdata import book_of, client, load
from scenario import amounts, run_periods

from mspxl.billing.charges import charges_in_arrears
from mspxl.billing.combined_parts import project_total_to_date
from mspxl.workbook.verify import verify_book


def charge(cid: str, day: date, description: str, qty: str, price: str, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {"Charge ID": cid, "Client ID": "C1", "Date": day, "Description": description,
                              "Quantity": qty, "Unit Price": price}
    row.update(extra)
    return row


PROJECT = {"Project ID": "P1", "Client ID": "C1", "Name": "Network refresh"}


def test_project_of_6_5_hours_at_130_and_a_switch_at_2_x_389_taxable_at_8_percent() -> None:
    book = book_of({
        "Clients": [client(**{"Tax Rate": "0.08"})],
        "Projects": [PROJECT],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 11, 12), "Hours": "6.5", "Rate": 130,
                     "Description": "Switch install", "Project ID": "P1"}],
        "Charges": [charge("CH1", date(2026, 11, 12), "Switch, 24-port", "2", "389.00", **{"Project ID": "P1"})],
    })
    book2, issued = run_periods(book, "2026-11", "2026-12", "2027-01")
    assert issued["2026-11"] == ()  # in arrears: November's charge waits for the December run
    (inv,) = issued["2026-12"]
    assert (inv.type, inv.project_id) == ("project", "P1")
    assert amounts(inv) == [("LABOR", "6.5", "845.00"), ("CHARGE", "2", "778.00")]
    assert [ln.section for ln in inv.lines] == ["Labor", "Materials"]
    assert [ln.taxable for ln in inv.lines] == [False, True]  # labor untaxed (Tax Labor N); the switch taxed
    # 845.00 + 778.00 = 1,623.00; tax 8% of 778.00 = 62.24; total 1,685.24
    assert (inv.subtotal, inv.tax, inv.total) == (Decimal("1623.00"), Decimal("62.24"), Decimal("1685.24"))
    assert inv.project_to_date == Decimal("1685.24")
    assert inv.charge_ids == ("CH1",) and inv.due_date == date(2027, 1, 1)
    assert issued["2027-01"] == ()  # billed once
    assert [c.invoice_number for c in book2.charges] == [inv.number]
    assert verify_book(book2) == []


def test_a_one_off_fee_goes_on_the_service_invoice_and_project_total_to_date_adds_earlier_months() -> None:
    book = book_of({
        "Clients": [client(**{"Hourly Rate": 100})],
        "Projects": [PROJECT],
        "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 20), "Hours": "2",
                     "Description": "Survey", "Project ID": "P1"},
                    {"Entry ID": "W2", "Client ID": "C1", "Date": date(2026, 11, 3), "Hours": "1",
                     "Description": "Reset password"}],
        "Charges": [charge("CH1", date(2026, 11, 1), "Onboarding fee", "1", "250.00", Taxable="N"),
                    charge("CH2", date(2026, 11, 30), "Patch cables", "10", "4.995", **{"Project ID": "P1"}),
                    charge("CH3", date(2026, 12, 1), "Rack", "1", "600", **{"Project ID": "P1"})],
    })
    _, issued = run_periods(book, "2026-11", "2026-12", "2027-01")
    (october_work,) = issued["2026-11"]
    assert (october_work.type, october_work.total, october_work.project_to_date) == \
        ("project", Decimal("200.00"), Decimal("200.00"))
    service, project = issued["2026-12"]
    assert (service.type, amounts(service)) == ("service", [("LABOR", "1", "100.00"), ("CHARGE", "1", "250.00")])
    assert [ln.section for ln in service.lines] == ["Labor", "Charges"]
    assert amounts(project) == [("CHARGE", "10", "49.95")]  # 10 x 4.995 = 49.95
    assert project.project_to_date == Decimal("249.95")  # 200.00 in November + 49.95
    (january,) = issued["2027-01"]
    assert january.project_to_date == Decimal("849.95")


def test_charges_wait_for_the_month_after_their_date() -> None:
    book = book_of({"Clients": [client()],
                    "Charges": [charge("CH1", date(2026, 11, 30), "Cable", "1", "5"),
                                charge("CH2", date(2026, 12, 1), "Cable", "1", "5")]})
    assert [c.charge_id for c in charges_in_arrears(book, book.clients[0], "2026-12")] == ["CH1"]


def test_project_total_to_date_nets_credit_notes() -> None:
    book = book_of({"Clients": [client(**{"Hourly Rate": 100})], "Projects": [PROJECT],
                    "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 10, 20), "Hours": "2",
                                 "Description": "Survey", "Project ID": "P1"}]})
    _, issued = run_periods(book, "2026-11")
    (first,) = issued["2026-11"]
    from dataclasses import replace
    credit = replace(first, number="CN-000001", type="credit", total=Decimal("-50.00"), project_id="",
                     related_invoice=first.number)
    later = replace(first, number="", total=Decimal("10.00"))
    assert project_total_to_date((first, credit), later) == Decimal("160.00")  # 200.00 - 50.00 + 10.00


def test_check_cites_each_bad_charges_cell() -> None:
    loaded = load({"Clients": [client()], "Projects": [PROJECT | {"Client ID": "C1"}],
                   "Charges": [charge("CH1", date(2026, 11, 1), "Fee", "-1", "10"),
                               charge("CH1", date(2026, 11, 1), "Fee", "1", "ten"),
                               charge("CH3", date(2026, 11, 1), "Fee", "1", "10", **{"Client ID": "C9"}),
                               charge("CH4", date(2026, 11, 1), "Fee", "1", "10", **{"Project ID": "P9"})]})
    rendered = sorted(p.render() for p in loaded.problems)
    assert any(r.startswith("Charges!E2 (Quantity)") for r in rendered), rendered
    assert any(r.startswith("Charges!F3 (Unit Price)") for r in rendered), rendered
    assert any(r.startswith("Charges!A3 (Charge ID)") and "duplicate" in r for r in rendered), rendered
    assert any(r.startswith("Charges!B4 (Client ID)") for r in rendered), rendered
    assert any(r.startswith("Charges!H5 (Project ID)") for r in rendered), rendered


def test_verify_reports_a_charge_mark_pointing_at_the_wrong_invoice() -> None:
    book = book_of({"Clients": [client(**{"Hourly Rate": 100})], "Projects": [PROJECT],
                    "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 11, 3), "Hours": "1",
                                 "Description": "Reset"}],
                    "Charges": [charge("CH1", date(2026, 11, 1), "Cable", "1", "5", **{"Project ID": "P1"})]})
    book2, issued = run_periods(book, "2026-12")
    service, _project = issued["2026-12"]
    from dataclasses import replace
    wrong = replace(book2, charges=tuple(replace(c, invoice_number=service.number) for c in book2.charges))
    (problem,) = verify_book(wrong)
    assert problem.sheet == "Charges" and problem.cell == "I2" and "project P1" in problem.render()
    missing = replace(book2, charges=tuple(replace(c, invoice_number="INV-000099") for c in book2.charges))
    assert "not on the Invoices sheet" in verify_book(missing)[0].render()


def test_a_reissued_project_invoice_bills_its_charges_again_and_counts_the_credit() -> None:
    from mspxl.commands.credit import plan_credit
    book = book_of({"Clients": [client(**{"Hourly Rate": 100})], "Projects": [PROJECT],
                    "WorkLog": [{"Entry ID": "W1", "Client ID": "C1", "Date": date(2026, 11, 3), "Hours": "1",
                                 "Description": "Cabling", "Project ID": "P1"}],
                    "Charges": [charge("CH1", date(2026, 11, 1), "Cable", "3", "5", **{"Project ID": "P1"})]})
    book2, issued = run_periods(book, "2026-12")
    (project,) = issued["2026-12"]  # 100.00 + 15.00 = 115.00
    _, note, reissued = plan_credit(book2, project.number, date(2026, 12, 20), "Wrong cable count", reissue=True)
    assert note.total == Decimal("-115.00")
    assert reissued is not None and amounts(reissued) == [("LABOR", "1", "100.00"), ("CHARGE", "3", "15.00")]
    assert reissued.charge_ids == ("CH1",)
    assert reissued.project_to_date == Decimal("115.00")  # 115.00 - 115.00 + 115.00
