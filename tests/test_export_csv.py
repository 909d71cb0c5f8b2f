"""QuickBooks Online and Xero import files, read back as their importers read them: the exact header, rows grouped
by document number, each document's lines re-adding to its register subtotal and, with the tax the target works
out, to its total; file limits."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from accounting_readers import cent, group, read_csv
from export_fixtures import CN1, FEE, INV1, MAPPING, REGISTER
from hypothesis import given, settings
from hypothesis import strategies as st

from mspxl.billing.totals import invoice_totals
from mspxl.export.model import export_doc
from mspxl.export.qbo import MAX_INVOICES, QBO_HEADER, qbo_export
from mspxl.export.xero import XERO_HEADER, XeroAccounts, xero_export
from mspxl.records import InvoiceLine

DOCS = [export_doc(inv, MAPPING) for inv in REGISTER]
BY_NUMBER = {inv.number: inv for inv in REGISTER}
XERO = XeroAccounts(rounding_account="860", exempt_tax_code="Tax Exempt", currency="USD", date_format="MM/DD/YYYY")
XERO_MAPPING = replace(MAPPING, exempt_tax_code="Tax Exempt", tax_codes=dict.fromkeys(MAPPING.tax_codes, "Sales Tax"))
XERO_DOCS = [export_doc(inv, XERO_MAPPING) for inv in REGISTER]


def qbo_tax(rows: list[dict[str, str]], rate: D) -> D:
    """QuickBooks Online's sales tax: the rate on the lines coded TAX, rounded once."""
    return cent(sum(D(r["ItemAmount"]) for r in rows if r["ItemTaxCode"] == "TAX") * rate)


def test_qbo_lines_re_add_to_the_register_and_credit_notes_are_left_out():
    export = qbo_export(DOCS, "MM/DD/YYYY")
    [(text, numbers)] = export.files
    rows = read_csv(text, QBO_HEADER)
    invoices = group(rows, "InvoiceNo")
    assert list(invoices) == list(numbers) == ["INV-000004", "INV-000001", "INV-000002", "INV-000003"]
    for number, lines in invoices.items():
        inv = BY_NUMBER[number]
        assert sum(D(r["ItemAmount"]) for r in lines) == inv.subtotal
        assert qbo_tax(lines, inv.tax_rate) + inv.subtotal == inv.total
    alpha = invoices["INV-000001"]
    assert [(r["Customer"], r["InvoiceDate"], r["DueDate"], r["Item(Product/Service)"], r["ItemQuantity"],
             r["ItemRate"], r["ItemAmount"], r["ItemTaxCode"]) for r in alpha] == [
        ("Alpha Dental", "12/05/2026", "01/01/2027", "Managed base plan", "1", "450.00", "450.00", "TAX"),
        ("Alpha Dental", "12/05/2026", "01/01/2027", "Standard support", "3", "125.00", "375.00", "TAX"),
        ("Alpha Dental", "12/05/2026", "01/01/2027", "Microsoft 365", "3", "22.00", "66.00", "NON"),
    ]
    assert [r["Item(Product/Service)"] for r in invoices["INV-000003"]] == ["Cloud storage", "Labor"]
    assert [r["ItemQuantity"] for r in invoices["INV-000003"]] == ["1234.5", "1.5"]
    assert export.left_out == (("CN-000001", export.left_out[0][1]),)
    assert "credit memo" in export.left_out[0][1]
    assert export.notes == ()


def test_qbo_files_hold_at_most_100_invoices_and_1000_lines():
    many = [replace(DOCS[1], number=f"INV-{n:06d}") for n in range(1, 251)]  # 250 invoices of 3 lines
    export = qbo_export(many)
    counts = [len(group(read_csv(text, QBO_HEADER), "InvoiceNo")) for text, _ in export.files]
    assert counts == [MAX_INVOICES, MAX_INVOICES, 50]
    long = [replace(DOCS[1], number=f"INV-{n:06d}", lines=DOCS[1].lines * 100) for n in range(1, 5)]  # 300 rows
    sizes = [len(text.splitlines()) for text, _ in qbo_export(long).files]
    assert sizes == [901, 301]  # header + 3 invoices (900 rows), header + 1: none over 1,000 lines
    assert sum(len(numbers) for _, numbers in qbo_export(long).files) == 4


def xero_total(rows: list[dict[str, str]], rate: D, exempt: str) -> D:
    """A document's total as Xero works it out: each line quantity x unit amount, tax on each taxed line rounded,
    added up."""
    amounts = [(cent(D(r["*Quantity"]) * D(r["*UnitAmount"])), r["*TaxType"] != exempt) for r in rows]
    return sum(a for a, _ in amounts) + sum(cent(a * rate) for a, taxed in amounts if taxed)


def test_xero_invoices_re_add_to_the_cent_with_a_rounding_line():
    docs = [d for d in XERO_DOCS if not d.is_credit]
    export = xero_export(docs, XERO)
    [(text, _)] = export.files
    documents = group(read_csv(text, XERO_HEADER), "*InvoiceNumber")
    for number, rows in documents.items():
        inv = BY_NUMBER[number]
        assert xero_total(rows, inv.tax_rate, "Tax Exempt") == inv.total == D(rows[0]["Total"])
    rounding = documents["INV-000002"][-1]
    assert (rounding["*Description"].startswith("Rounding"), rounding["*UnitAmount"], rounding["*AccountCode"],
            rounding["*TaxType"]) == (True, "0.01", "860", "Tax Exempt")
    assert documents["INV-000001"][-1]["*UnitAmount"] == "-0.01"  # 68.06 issued, 68.07 line by line
    storage = documents["INV-000003"][0]
    assert (storage["*Quantity"], storage["*UnitAmount"]) == ("1", "185.18")
    assert storage["*Description"].endswith("(1234.5 x 0.15)")
    assert [len(rows) for rows in documents.values()] == [1, 4, 4, 2]
    assert documents["INV-000001"][0]["POAddressLine1"] == ""
    assert any("INV-000002: a rounding line of 0.01" in note for note in export.notes)
    assert any("INV-000001" in note and "half a cent" in note for note in export.notes)  # 450 x 8.25% = 37.125


def test_xero_credit_notes_have_positive_quantities_negative_unit_amounts_and_re_add():
    credit = export_doc(CN1, replace(XERO_MAPPING, addresses={"C1": "12 Main St\nSuite 4\nSeattle, WA 98101"}))
    [(text, numbers)] = xero_export([credit], XERO).files
    rows = read_csv(text, XERO_HEADER)
    assert numbers == ("CN-000001",)
    assert (rows[0]["*Quantity"], rows[0]["*UnitAmount"], rows[0]["Reference"]) == (
        "1", "-92.90", "Credit note for INV-000001")
    assert rows[1]["*Description"].startswith("Tax adjustment") and rows[1]["*UnitAmount"] == "0.56"
    assert xero_total(rows, CN1.tax_rate, "Tax Exempt") == CN1.total == D("-100.00")
    assert [rows[0][f"POAddressLine{i}"] for i in (1, 2, 3, 4)] == ["12 Main St", "Suite 4", "Seattle, WA 98101", ""]


def test_xero_files_hold_at_most_500_rows():
    many = [replace(export_doc(FEE, XERO_MAPPING), number=f"INV-{n:06d}") for n in range(1, 1202)]
    files = xero_export(many, XERO).files
    assert [len(read_csv(text, XERO_HEADER)) for text, _ in files] == [500, 500, 201]


line_st = st.builds(
    lambda q, p, taxable: InvoiceLine(0, "STD", "line", q, p, cent(q * p), taxable),
    st.decimals(min_value=D("0.5"), max_value=D(40), places=1),
    st.decimals(min_value=D("0.01"), max_value=D(500), places=2),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=12), st.sampled_from([D("0.0825"), D("0.0725"), D("0.15"), D(0)]))
def test_every_invoice_re_adds_in_qbo_and_xero(lines, rate):
    subtotal, tax, total = invoice_totals(lines, rate)
    inv = replace(INV1, lines=tuple(lines), subtotal=subtotal, tax=tax, total=total, tax_rate=rate)
    doc = export_doc(inv, MAPPING)
    [(qbo_text, _)] = qbo_export([doc]).files
    qbo_rows = read_csv(qbo_text, QBO_HEADER)
    assert sum(D(r["ItemAmount"]) for r in qbo_rows) == subtotal
    assert qbo_tax(qbo_rows, rate) == tax
    [(xero_text, _)] = xero_export([export_doc(inv, XERO_MAPPING)], XERO).files
    assert xero_total(read_csv(xero_text, XERO_HEADER), rate, "Tax Exempt") == total


def test_a_register_that_rounds_tax_line_by_line_needs_no_rounding_line():
    line_rounded = replace(INV1, tax=D("68.07"), total=D("959.07"))  # Tax Rounding = line: 37.13 + 30.94
    export = xero_export([export_doc(line_rounded, XERO_MAPPING)], XERO)
    rows = read_csv(export.files[0][0], XERO_HEADER)
    assert len(rows) == 3 and not any("rounding line" in note for note in export.notes)
    assert xero_total(rows, D("0.0825"), "Tax Exempt") == D("959.07")
    assert qbo_export([export_doc(line_rounded, MAPPING)]).notes == (
        "INV-000001: QuickBooks Online will work out tax 68.06 where the register says 68.07; check the invoice's "
        "tax after the import",)
