"""Invoice documents: the fields a template gets, the rendered .docx, the sandbox and safe file names."""

from __future__ import annotations

import os
import sys
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from mspxl.documents import (
    InvoiceRenderer,
    TemplateInvalid,
    TemplateMissing,
    TemplateUnsafe,
    default_template_dir,
    document_filename,
    invoice_context,
    render_docx,
)
from mspxl.records import Client, Invoice, InvoiceLine, Settings

D = Decimal

SETTINGS = Settings(
    company_name="Northwind Managed IT",
    company_address="1200 Harbor Road, Suite 300\nAustin, TX 78701",
    company_email="billing@northwind-it.example",
    company_phone="(512) 555-0148",
)


def make_client(name: str = "Alpha Dental", autopay: bool = True, bank_account: str = "000123456789") -> Client:
    return Client(
        id="C001",
        name=name,
        email="office@alphadental.example",
        start_date=date(2025, 1, 1),
        contact_first_name="Jane",
        contact_last_name="Roe",
        address="77 Elm Street\nRound Rock, TX 78664",
        tax_rate=D("0.0825"),
        autopay=autopay,
        bank_routing="111000025",
        bank_account=bank_account,
    )


# Managed invoice for November 2026, worked by hand:
#   12 users x $95.00 = $1,140.00; 30 devices x $8.50 = $255.00; 412.5 GB x $0.125 = $51.5625 -> $51.56
#   subtotal 1,140.00 + 255.00 + 51.56 = $1,446.56; tax 8.25% = 119.3412 -> $119.34; total $1,565.90
MANAGED_LINES = (
    InvoiceLine(1, "MS-USER", "Managed user support", D("12"), D("95.00"), D("1140.00"), True, "user"),
    InvoiceLine(2, "MS-DEV", "Endpoint monitoring & patching", D("30"), D("8.50"), D("255.00"), True, "device"),
    InvoiceLine(3, "BKP-GB", "Cloud backup storage, October 2026", D("412.5"), D("0.125"), D("51.56"), True, "GB"),
)
# Service invoice: 2.5 h x $120.00 = $300.00; 0.75 h x $120.00 = $90.00; subtotal $390.00, untaxed: total $390.00
SERVICE_LINES = (
    InvoiceLine(1, "", "2026-11-03 New user setup: M. Chen", D("2.50"), D("120.00"), D("300.00"), False, "hour"),
    InvoiceLine(2, "", "2026-11-19 Printer driver rollout", D("0.75"), D("120.00"), D("90.00"), False, "hour"),
)
# Project invoice: 16 h x $135.00 = $2,160.00; 1 x $1,234.50 = $1,234.50; subtotal $3,394.50, untaxed
PROJECT_LINES = (
    InvoiceLine(1, "", "Cloud phone migration: design and cut-over", D("16"), D("135.00"), D("2160.00"), False, "hour"),
    InvoiceLine(2, "VOIP-HW", "Desk phones (12)", D("1"), D("1234.50"), D("1234.50"), False, ""),
)
# Fee: 15% of a returned debit of $1,565.90 = 234.885 -> $234.89, untaxed
FEE_LINES = (
    InvoiceLine(1, "FEE", "Processing fee: returned ACH debit of December 1, 2026", D("1"), D("234.89"),
                D("234.89"), False, ""),
)


def make_invoice(kind: str = "managed", client_name: str = "Alpha Dental", number: str = "INV-000123") -> Invoice:
    figures = {
        "managed": (MANAGED_LINES, D("1446.56"), D("119.34"), D("1565.90"), D("0.0825")),
        "service": (SERVICE_LINES, D("390.00"), D("0.00"), D("390.00"), D("0.0825")),
        "project": (PROJECT_LINES, D("3394.50"), D("0.00"), D("3394.50"), D("0.0825")),
        "fee": (FEE_LINES, D("234.89"), D("0.00"), D("234.89"), D("0")),
    }
    lines, subtotal, tax, total, rate = figures[kind]
    return Invoice(
        number=number,
        client_id="C001",
        client_name=client_name,
        type=kind,
        period="2026-11",
        issue_date=date(2026, 11, 5),
        due_date=date(2026, 12, 1),
        subtotal=subtotal,
        tax=tax,
        total=total,
        lines=lines,
        billed_users=12 if kind == "managed" else None,
        billed_devices=30 if kind == "managed" else None,
        project_id="P-7" if kind == "project" else "",
        tax_rate=rate,
    )


def document_text(path: Path) -> str:
    """Every paragraph of the document (body, tables at any depth, footer), one per line."""
    document = Document(str(path))
    texts: list[str] = []

    def walk(container) -> None:  # type: ignore[no-untyped-def]
        for paragraph in container.paragraphs:
            texts.append(paragraph.text)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.footer)
    return "\n".join(texts)


def line_rows(path: Path) -> list[list[str]]:
    """The rows of the lines table (the table whose header starts with Description or Work performed)."""
    document = Document(str(path))
    for table in document.tables:
        header = [cell.text for cell in table.rows[0].cells]
        if header[0] in ("Description", "Work performed"):
            return [[cell.text for cell in row.cells] for row in table.rows[1:]]
    raise AssertionError("no lines table")


@pytest.fixture(scope="module")
def renderer() -> InvoiceRenderer:
    return InvoiceRenderer(default_template_dir())


# --- the context ----------------------------------------------------------------------------------------------


def test_context_formats_money_dates_quantities_and_rate() -> None:
    context = invoice_context(make_invoice("managed"), make_client(), SETTINGS)
    assert context["subtotal"] == "$1,446.56"
    assert context["tax"] == "$119.34"
    assert context["total"] == "$1,565.90"
    assert context["tax_rate"] == "8.25%"
    assert context["issue_date"] == "November 5, 2026"
    assert context["due_date"] == "December 1, 2026"
    assert context["period_label"] == "November 2026"
    assert context["billed_users"] == "12"
    assert context["billed_devices"] == "30"
    assert [(line["quantity"], line["unit_price"], line["amount"]) for line in context["lines"]] == [
        ("12", "$95.00", "$1,140.00"),
        ("30", "$8.50", "$255.00"),
        ("412.5", "$0.125", "$51.56"),
    ]
    assert context["title"] == "Managed Services Invoice"
    assert context["bill_to_lines"] == "Attn: Jane Roe\n77 Elm Street\nRound Rock, TX 78664\noffice@alphadental.example"
    assert context["company_contact"] == "billing@northwind-it.example · (512) 555-0148"


def test_context_follows_the_locale() -> None:
    british = Settings(currency="GBP", locale="en_GB")
    context = invoice_context(make_invoice("service"), make_client(), british)
    assert context["due_date"] == "1 December 2026"
    assert context["total"] == "£390.00"
    assert context["lines"][0]["quantity"] == "2.5"
    assert context["lines"][1]["quantity"] == "0.75"
    german = invoice_context(make_invoice("managed"), make_client(), Settings(currency="EUR", locale="de_DE"))
    assert german["total"] == "1.565,90\xa0€"
    assert german["period_label"] == "November 2026"


def test_quantities_lose_trailing_zeros_only() -> None:
    quantities = (D("1000.00"), D("2.50"), D("0.3333"), D("10"), D("0"))
    lines = tuple(InvoiceLine(n, "X", "x", q, D("1"), q, True) for n, q in enumerate(quantities, 1))
    context = invoice_context(replace(make_invoice(), lines=lines), make_client(), SETTINGS)
    assert [line["quantity"] for line in context["lines"]] == ["1,000", "2.5", "0.3333", "10", "0"]


def test_only_the_last_four_digits_of_a_bank_account_reach_the_context() -> None:
    context = invoice_context(make_invoice(), make_client(bank_account="000123456789"), SETTINGS)
    assert context["account_last4"] == "6789"
    flat = repr(context)
    assert "000123456789" not in flat and "123456789" not in flat
    assert "111000025" not in flat  # the routing number never appears
    assert invoice_context(make_invoice(), make_client(bank_account="6789"), SETTINGS)["account_last4"] == ""
    assert invoice_context(make_invoice(), make_client(bank_account=""), SETTINGS)["account_last4"] == ""


def test_project_title_names_the_project_or_its_id() -> None:
    named = invoice_context(make_invoice("project"), make_client(), SETTINGS, project_name="Cloud phone migration")
    assert named["title"] == "Project Invoice: Cloud phone migration"
    unnamed = invoice_context(make_invoice("project"), make_client(), SETTINGS)
    assert unnamed["title"] == "Project Invoice: P-7"


def test_counts_are_empty_when_the_invoice_has_none() -> None:
    context = invoice_context(make_invoice("service"), make_client(), SETTINGS)
    assert context["billed_users"] == "" and context["billed_devices"] == ""


# --- rendered documents ---------------------------------------------------------------------------------------

TOTALS = {"managed": "$1,565.90", "service": "$390.00", "project": "$3,394.50", "fee": "$234.89"}
TITLES = {
    "managed": "Managed Services Invoice",
    "service": "Service Invoice",
    "project": "Project Invoice: Cloud phone migration",
    "fee": "Processing Fee",
}


@pytest.mark.parametrize("kind", ["managed", "service", "project", "fee"])
def test_each_invoice_type_renders_its_figures(kind: str, renderer: InvoiceRenderer, tmp_path: Path) -> None:
    invoice = make_invoice(kind)
    path = renderer.render(invoice, make_client(), SETTINGS, tmp_path, project_name="Cloud phone migration")
    assert path == tmp_path / "INV-000123 Alpha Dental.docx"
    text = document_text(path)
    for expected in ("Alpha Dental", "INV-000123", TITLES[kind], TOTALS[kind], "Northwind Managed IT",
                     "billing@northwind-it.example", "Attn: Jane Roe", "November 2026", "November 5, 2026"):
        assert expected in text, expected
    rows = line_rows(path)
    written = {"2026-11-03 New user setup: M. Chen": "November 3, 2026 New user setup: M. Chen",
               "2026-11-19 Printer driver rollout": "November 19, 2026 Printer driver rollout"}
    assert [row[0] for row in rows] == [written.get(line.description, line.description) for line in invoice.lines]
    amounts = {"managed": ["$1,140.00", "$255.00", "$51.56"], "service": ["$300.00", "$90.00"],
               "project": ["$2,160.00", "$1,234.50"], "fee": ["$234.89"]}[kind]
    assert [row[4] for row in rows] == amounts
    assert "{{" not in text and "{%" not in text
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_managed_invoice_shows_tax_counts_and_quantities(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    path = renderer.render(make_invoice("managed"), make_client(), SETTINGS, tmp_path)
    text = document_text(path)
    assert "Sales tax 8.25% on $1,446.56\n$119.34" in text and "$1,446.56" in text
    assert "Users billed\n12" in text and "Devices billed\n30" in text
    assert line_rows(path)[2] == ["Cloud backup storage, October 2026", "412.5", "GB", "$0.125", "$51.56", "T"]


def test_untaxed_invoices_show_only_the_total(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    assert invoice_context(make_invoice("service"), make_client(), SETTINGS)["taxed"] is False
    assert invoice_context(make_invoice("managed"), make_client(), SETTINGS)["taxed"] is True
    path = renderer.render(make_invoice("service"), make_client(), SETTINGS, tmp_path)
    text = document_text(path)
    assert "Subtotal" not in text and "Sales tax" not in text and "T: a taxable line" not in text
    assert all(row[5] == "" for row in line_rows(path))
    assert "Total\n$390.00" in text


def test_counts_are_left_out_when_unknown(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    invoice = replace(make_invoice("managed"), billed_users=None, billed_devices=None)
    text = document_text(renderer.render(invoice, make_client(), SETTINGS, tmp_path))
    assert "Users billed" not in text and "Devices billed" not in text


def test_fee_explains_the_returned_debit_and_has_no_tax_line(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    fee = replace(make_invoice("fee"), related_invoice="ACH-20261201-0000007")
    text = document_text(renderer.render(fee, make_client(), SETTINGS, tmp_path))
    assert "a processing fee of 15% of the returned amount is charged" in text
    assert "ACH-20261201-0000007" not in text
    assert ("Your account will be debited by ACH on December 1, 2026 (account ending 6789), as a return fee entry of "
            "its own, apart from the retry of the returned amount. No action is needed") in text
    assert "Tax (" not in text and "Relates to" not in text  # the returned debit's Payment ID is not shown
    kept = replace(SETTINGS, debit_return_fee=False)  # Settings Debit Return Fee N: the client pays the fee
    text = document_text(renderer.render(make_invoice("fee"), make_client(), kept, tmp_path / "n"))
    assert "Please pay $234.89 by December 1, 2026 and quote invoice number INV-000123" in text
    assert "debited" not in text


def test_autopay_client_is_told_of_the_debit(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    text = document_text(renderer.render(make_invoice(), make_client(autopay=True), SETTINGS, tmp_path))
    assert "Your account will be debited by ACH on December 1, 2026 (account ending 6789)." in text
    assert "Please pay" not in text
    assert "123456789" not in text and "111000025" not in text


def test_autopay_without_a_known_account_says_no_digits(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    text = document_text(renderer.render(make_invoice(), make_client(bank_account=""), SETTINGS, tmp_path))
    assert "Your account will be debited by ACH on December 1, 2026. No action is needed" in text
    assert "account ending" not in text


def test_other_clients_get_payment_instructions(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    text = document_text(renderer.render(make_invoice(), make_client(autopay=False), SETTINGS, tmp_path))
    assert "Please pay $1,565.90 by December 1, 2026 and quote invoice number INV-000123" in text
    assert "Contact Northwind Managed IT at billing@northwind-it.example · (512) 555-0148." in text
    assert "debited" not in text and "6789" not in text


@pytest.mark.parametrize(
    "name",
    ["Alpha Dental & Co <Main>", "{{ 7*7 }}", "{% raw %}x", "{_{ total }_}", "O'Brien \"Quotes\" Ltd", "]]>&amp;"],
)
def test_hostile_names_render_literally(name: str, renderer: InvoiceRenderer, tmp_path: Path) -> None:
    lines = (InvoiceLine(1, "", name, D("1"), D("10.00"), D("10.00"), False, "hour"),)
    invoice = replace(make_invoice("service", client_name=name), lines=lines)
    path = renderer.render(invoice, make_client(name), SETTINGS, tmp_path)
    document = Document(str(path))
    paragraphs = [p.text for p in document.tables[1].rows[0].cells[0].paragraphs]
    assert name in paragraphs  # the bill-to name, exactly as typed
    assert line_rows(path)[0][0] == name


def test_control_characters_in_a_name_do_not_break_the_document(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    name = "Beta\x00 Legal\x0c\tLLP\x07"
    path = renderer.render(make_invoice("service", client_name=name), make_client(name), SETTINGS, tmp_path)
    assert "Beta Legal LLP" in document_text(path)


def test_default_settings_render(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    client = Client(id="C9", name="Gamma Co", email="", start_date=date(2025, 1, 1), autopay=False)
    path = renderer.render(make_invoice("managed", client_name="Gamma Co"), client, Settings(), tmp_path)
    text = document_text(path)
    assert "Your MSP" in text and "Gamma Co" in text and "$1,565.90" in text
    assert "Contact Your MSP." in text


def test_rendering_replaces_an_existing_file(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    target = tmp_path / "INV-000123 Alpha Dental.docx"
    target.write_bytes(b"old")
    path = renderer.render(make_invoice(), make_client(), SETTINGS, tmp_path)
    assert path == target and "$1,565.90" in document_text(path)


def test_output_folder_is_created(renderer: InvoiceRenderer, tmp_path: Path) -> None:
    out = tmp_path / "out" / "2026-11"
    assert renderer.render(make_invoice(), make_client(), SETTINGS, out).parent == out


# --- templates: missing, broken, unsafe -------------------------------------------------------------------------


def write_template(folder: Path, kind: str, *paragraphs: str) -> Path:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = folder / f"invoice-{kind}.docx"
    document.save(str(path))
    return path


def test_a_missing_template_is_named(tmp_path: Path) -> None:
    renderer = InvoiceRenderer(tmp_path)
    with pytest.raises(TemplateMissing, match="invoice-managed.docx"):
        renderer.render(make_invoice(), make_client(), SETTINGS, tmp_path / "out")
    with pytest.raises(TemplateMissing, match="refund"):
        InvoiceRenderer(default_template_dir()).render(
            replace(make_invoice(), type="refund"), make_client(), SETTINGS, tmp_path / "out"
        )


@pytest.mark.parametrize(
    "tag",
    [
        "{{ client_name.__class__ }}",
        "{{ client_name.__class__.__mro__[1].__subclasses__() }}",
        "{{ lines.__class__.__init__.__globals__ }}",
        "{{ ''.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    ],
)
def test_the_sandbox_refuses_python_internals(tag: str, tmp_path: Path) -> None:
    write_template(tmp_path, "managed", "Invoice {{ invoice_number }}", tag)
    renderer = InvoiceRenderer(tmp_path)
    with pytest.raises(TemplateUnsafe) as caught:
        renderer.render(make_invoice(), make_client(), SETTINGS, tmp_path / "out")
    assert "invoice-managed.docx" in str(caught.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_broken_template_is_named(tmp_path: Path) -> None:
    write_template(tmp_path, "managed", "{% if autopay %}unclosed")
    with pytest.raises(TemplateInvalid, match="invoice-managed.docx"):
        InvoiceRenderer(tmp_path).render(make_invoice(), make_client(), SETTINGS, tmp_path / "out")
    write_template(tmp_path, "service", "{{ no_such_field }}")
    with pytest.raises(TemplateInvalid, match="no_such_field"):
        InvoiceRenderer(tmp_path).render(make_invoice("service"), make_client(), SETTINGS, tmp_path / "out")
    (tmp_path / "invoice-fee.docx").write_bytes(b"not a zip")
    with pytest.raises(TemplateInvalid, match="not a Word"):
        InvoiceRenderer(tmp_path).render(make_invoice("fee"), make_client(), SETTINGS, tmp_path / "out")


def test_templates_are_read_once_per_renderer(tmp_path: Path) -> None:
    write_template(tmp_path, "managed", "First {{ invoice_number }}")
    renderer = InvoiceRenderer(tmp_path)
    first = renderer.render(make_invoice(), make_client(), SETTINGS, tmp_path / "a")
    write_template(tmp_path, "managed", "Second {{ invoice_number }}")
    second = renderer.render(make_invoice(), make_client(), SETTINGS, tmp_path / "b")
    assert "First INV-000123" in document_text(first)
    assert "First INV-000123" in document_text(second)


def test_render_docx_renders_any_template(tmp_path: Path) -> None:
    template = write_template(tmp_path, "notice", "Dear {{ name }}, {{ amount }}")
    target = render_docx(template, {"name": "A & B", "amount": "$1.00"}, tmp_path / "out" / "notice.docx")
    assert "Dear A & B, $1.00" in document_text(target)


@pytest.fixture(scope="module")
def template_script():  # type: ignore[no-untyped-def]
    """templates/make_templates.py, loaded as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", default_template_dir() / "make_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_templates"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["make_templates"]
    return module


def test_committed_templates_are_current(template_script, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The committed templates carry the text and tags the script writes (a changed script needs `make templates`)."""
    for path in template_script.main(tmp_path):
        assert document_text(path) == document_text(default_template_dir() / path.name), path.name


def out_of_order(xml: bytes, order: dict[str, tuple[str, ...]]) -> list[str]:
    """Property elements whose children are not in the schema's sequence (Word refuses such a document)."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    found = []
    for element in etree.fromstring(xml).iter():
        local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if local not in order or not element.tag.startswith(w):
            continue
        names = [child.tag[len(w):] for child in element if isinstance(child.tag, str) and child.tag.startswith(w)]
        positions = [order[local].index(name) for name in names if name in order[local]]
        if positions != sorted(positions):
            found.append(f"{local}: {names}")
    return found


@pytest.mark.parametrize("kind", ["managed", "service", "project", "fee"])
def test_word_xml_keeps_the_schema_order(kind: str, template_script, renderer: InvoiceRenderer,  # type: ignore[no-untyped-def]
                                         tmp_path: Path) -> None:
    rendered = renderer.render(make_invoice(kind), make_client(), SETTINGS, tmp_path)
    for path in (default_template_dir() / f"invoice-{kind}.docx", rendered):
        with zipfile.ZipFile(path) as package:
            for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
                if part in package.namelist():
                    assert out_of_order(package.read(part), template_script.ORDER) == [], (path.name, part)


# --- file names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "client", "expected"),
    [
        ("INV-000123", "Alpha Dental", "INV-000123 Alpha Dental.docx"),
        ("INV-000123", "a/b", "INV-000123 a-b.docx"),
        ("INV-000123", "AC/DC: \"Live\" <Ltd>?|*", "INV-000123 AC-DC- -Live- -Ltd----.docx"),
        ("INV-000123", "Trailing dots...", "INV-000123 Trailing dots.docx"),
        ("INV-000123", "Spaces   and\ttabs  ", "INV-000123 Spaces and tabs.docx"),
        ("", "CON", "_CON.docx"),
        ("", "nul.txt", "_nul.txt.docx"),
        ("", "com1 ", "_com1.docx"),
        ("", "LPT9", "_LPT9.docx"),
        ("INV-000001", "CON", "INV-000001 CON.docx"),
        ("", "..\\x", "-x.docx"),
        ("", "../../etc/passwd", "-..-etc-passwd.docx"),
        ("", "..", "invoice.docx"),
        ("", "", "invoice.docx"),
        ("", " . ", "invoice.docx"),
    ],
)
def test_document_filename(number: str, client: str, expected: str) -> None:
    assert document_filename(number, client) == expected


def test_long_names_are_cut_to_150_characters() -> None:
    name = document_filename("INV-000123", "A" * 300)
    assert len(name) == 150 and name.startswith("INV-000123 AAA") and name.endswith("A.docx")
    dotted = document_filename("INV-000123", "B" * 133 + ". " + "C" * 100)
    assert dotted == "INV-000123 " + "B" * 133 + ".docx"


def test_wide_characters_stay_within_the_byte_limit() -> None:
    name = document_filename("INV-000123", "東" * 300)
    assert len(name.encode("utf-8")) <= 240 and name.endswith("東.docx")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(max_size=30))
def test_any_name_gives_a_safe_plain_file_name(client: str, number: str) -> None:
    name = document_filename(number, client)
    assert name.endswith(".docx") and len(name) <= 150 and len(name.encode("utf-8")) <= 240
    assert not any(ch in name for ch in '/\\:*?"<>|') and all(ord(ch) >= 32 and ord(ch) != 127 for ch in name)
    stem = name[: -len(".docx")]
    assert stem and stem == stem.strip(" .")
    assert stem.split(".")[0].rstrip(" ").upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert os.path.basename(name) == name and name not in (".", "..")
