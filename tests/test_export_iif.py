"""QuickBooks Desktop IIF read back by an independent reader written from Intuit's IIF reference
(tests/accounting_readers.py): every transaction balances, an invoice's TRNS line is its register total to
Accounts Receivable, its item lines its subtotal and its tax line its tax; a credit memo turns every sign; a payment
is applied to the invoices collections says it settles."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from accounting_readers import iif_date, read_iif
from export_fixtures import ALPHA, CN1, FEE, INV1, MAPPING, PAYMENT, REGISTER
from hypothesis import given, settings
from hypothesis import strategies as st

from mspxl.billing.totals import invoice_totals
from mspxl.export.iif import IifAccounts, iif_text
from mspxl.export.model import export_doc, line_item
from mspxl.export.payments import payment_applications
from mspxl.records import InvoiceLine, Payment, Settings

ACCOUNTS = IifAccounts()
BY_NUMBER = {inv.number: inv for inv in REGISTER}


def alpha_payment():
    register = [inv for inv in REGISTER if inv.client_id == "C1"]
    return payment_applications(Settings(), ALPHA, register, [PAYMENT], PAYMENT, "Alpha Dental")


def test_invoices_and_credit_memos_balance_and_re_add_to_the_register():
    text = iif_text([export_doc(inv, MAPPING) for inv in REGISTER], [], ACCOUNTS)
    assert text.splitlines()[0].split("\t")[:4] == ["!TRNS", "TRNSID", "TRNSTYPE", "DATE"]
    transactions = read_iif(text)
    assert [(t.type, t.trns["DOCNUM"]) for t in transactions] == [
        ("INVOICE", "INV-000004"), ("INVOICE", "INV-000001"), ("INVOICE", "INV-000002"), ("INVOICE", "INV-000003"),
        ("CREDIT MEMO", "CN-000001")]
    for t in transactions:
        inv = BY_NUMBER[t.trns["DOCNUM"]]
        items = [s for s in t.splits if s["INVITEM"] != ACCOUNTS.tax_item]
        taxes = [s for s in t.splits if s["INVITEM"] == ACCOUNTS.tax_item]
        assert (t.trns["ACCNT"], D(t.trns["AMOUNT"])) == (ACCOUNTS.receivable, inv.total)
        assert -sum(D(s["AMOUNT"]) for s in items) == inv.subtotal
        assert -sum((D(s["AMOUNT"]) for s in taxes), D(0)) == inv.tax
        assert iif_date(t.trns["DATE"]) == inv.issue_date and iif_date(t.trns["DUEDATE"]) == inv.due_date
        for split in items:  # QNTY x PRICE is the line, with the line's sign
            assert (D(split["QNTY"]) * D(split["PRICE"])).quantize(D("0.01")) == D(split["AMOUNT"])
    alpha = transactions[1]
    assert [(s["ACCNT"], s["AMOUNT"], s["QNTY"], s["PRICE"], s["INVITEM"], s["TAXABLE"]) for s in alpha.splits] == [
        ("4000 Managed services", "-450.00", "-1", "450.00", "Managed base plan", "Y"),
        ("4000 Managed services", "-375.00", "-3", "125.00", "Standard support", "Y"),
        ("4100 Licences", "-66.00", "-3", "22.00", "Microsoft 365", "N"),
        ("Sales Tax Payable", "-68.06", "", "8.25%", "Sales Tax", "N"),
    ]
    assert alpha.splits[-1]["EXTRA"] == "AUTOSTAX" and alpha.trns["NAME"] == "Alpha Dental"
    credit = transactions[-1]
    assert [(s["AMOUNT"], s["QNTY"], s["INVITEM"]) for s in credit.splits] == [
        ("92.90", "1", "Credit"), ("7.10", "", "Sales Tax")]
    assert credit.trns["AMOUNT"] == "-100.00"
    labor = transactions[3].splits[1]
    assert (labor["INVITEM"], labor["ACCNT"]) == ("Labor", "4200 Labor and fees")
    assert line_item("CHARGE", MAPPING) == "Materials" and line_item("FEE", MAPPING) == "Returned payment fee"


def test_a_payment_is_applied_to_the_invoices_collections_says_it_settles():
    payment = alpha_payment()
    assert payment.applied == (("INV-000004", D("67.50")), ("INV-000001", D("859.06")))
    assert payment.unapplied == D("73.44")
    [t] = read_iif(iif_text([], [payment], ACCOUNTS))
    assert (t.type, t.trns["ACCNT"], t.trns["AMOUNT"], t.trns["PAYMETH"], t.trns["DOCNUM"]) == (
        "PAYMENT", "Undeposited Funds", "1000.00", "check", "CHK 1042")
    assert [(s["ACCNT"], s["AMOUNT"], s["DOCNUM"]) for s in t.splits] == [
        ("Accounts Receivable", "-67.50", "INV-000004"), ("Accounts Receivable", "-859.06", "INV-000001"),
        ("Accounts Receivable", "-73.44", "")]


def test_a_payment_naming_an_invoice_settles_it_first():
    named = Payment("PMT-0003", "C1", PAYMENT.date, D("500.00"), "wire", invoice_number="INV-000001")
    payment = payment_applications(Settings(), ALPHA, [FEE, INV1, CN1], [named], named, "Alpha Dental")
    assert payment.applied == (("INV-000001", D("500.00")),) and payment.unapplied == D("0.00")


def test_values_cannot_break_a_field():
    doc = replace(export_doc(FEE, MAPPING), customer='Tab\there "quoted"\nname')
    [t] = read_iif(iif_text([doc], [], ACCOUNTS))
    assert t.trns["NAME"] == "Tab here quoted name"
    polish = replace(export_doc(FEE, MAPPING), customer="Łódź Café 東")  # ó é are Windows-1252; ź becomes z; Ł 東 ?
    [t] = read_iif(iif_text([polish], [], ACCOUNTS).encode("cp1252").decode("cp1252"))
    assert t.trns["NAME"] == "?ódz Café ?"


line_st = st.builds(
    lambda q, p, taxable: InvoiceLine(0, "STD", "line", q, p, (q * p).quantize(D("0.01")), taxable),
    st.integers(min_value=1, max_value=40).map(D),
    st.decimals(min_value=D("0.01"), max_value=D(500), places=2),
    st.booleans(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(line_st, min_size=1, max_size=12), st.sampled_from([D("0.0825"), D("0.07"), D(0)]), st.booleans())
def test_every_transaction_balances_and_re_adds(lines, rate, credit):
    subtotal, tax, total = invoice_totals(lines, rate)
    inv = replace(INV1, lines=tuple(lines), subtotal=subtotal, tax=tax, total=total, tax_rate=rate)
    if credit:
        inv = replace(inv, number="CN-000009", type="credit", subtotal=-subtotal, tax=-tax, total=-total,
                      lines=tuple(replace(ln, quantity=-ln.quantity, amount=-ln.amount) for ln in lines))
    [t] = read_iif(iif_text([export_doc(inv, MAPPING)], [], ACCOUNTS))
    assert t.type == ("CREDIT MEMO" if credit else "INVOICE")
    assert D(t.trns["AMOUNT"]) == inv.total
    assert -sum(D(s["AMOUNT"]) for s in t.splits if s["INVITEM"] != "Sales Tax") == inv.subtotal
