"""Write the collections notices (`notice-{state}.docx`) and the statement of account (`statement.docx`).

They share the look of the invoices (fonts, colours and Word XML helpers come from `make_templates.py`). Every
field they use is listed in `mspxl/documents/notices.py`. Run this script after changing it, and commit the .docx
files it writes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_templates import (  # noqa: E402
    ACCENT,
    CENTER,
    LEFT,
    MUTED,
    PAGE_WIDTH,
    RIGHT,
    RULE,
    TINT,
    _set,
    cell_borders,
    cell_padding,
    column_widths,
    drop_unused_parts,
    facts_table,
    keep_row_together,
    label,
    masthead,
    page_field,
    repeat_as_header,
    setup,
    shade,
    shaded_box,
    table_without_borders,
    tag_paragraph,
    tag_row,
    write,
)


@dataclass(frozen=True)
class Notice:
    """What differs between the notices: the title, the facts shown beside the address, the letter's text."""

    state: str
    title: str
    facts: tuple[tuple[str, str, str], ...]  # (caption, value, condition)
    body: tuple[str, ...]
    closing: str = "Thank you for your prompt attention."


BALANCE = ("Balance due", "{{ balance }}", "")
OLDEST = ("Oldest unpaid invoice", "{{ oldest_unpaid_invoice }}", "oldest_unpaid_invoice")
OVERDUE = ("Days past due", "{{ days_past_due }}", "days_past_due")

HOW_TO_PAY = (
    "How to pay: send {{ balance }} by ACH, check or wire, quoting your client ID {{ client_id }}"
    "{% if oldest_unpaid_invoice %} and invoice number {{ oldest_unpaid_invoice }}{% endif %}."
    "{% if remittance %} {{ remittance }}{% endif %}"
)
PAST_DUE = ("Past due", "{{ past_due_amount }}", "")
DUE_LATER = ("Due later", "{{ due_later_amount }}", "due_later_amount")
OWED = (
    "Past due: {{ past_due_items }}, {{ past_due_amount }} in all.{% if due_later_items %} Not yet due, and not "
    "part of what is past due: {{ due_later_items }}.{% endif %}"
)
PAY_PAST_DUE = (
    "How to pay: send {{ past_due_amount }} by check or wire, quoting your client ID {{ client_id }} and the invoice "
    "numbers above.{% if remittance %} {{ remittance }}{% endif %}"
)
RETURNED_DEBIT = (
    "Your ACH debit of {{ returned_amount }} on {{ debited_on }}"
    "{% if returned_invoice %} for invoice {{ returned_invoice }}{% endif %}"
    "{% if account_last4 %} from the account ending {{ account_last4 }}{% endif %} was returned unpaid by "
    "your bank on {{ returned_date }}"
)
RETURN_FACTS = (
    ("Invoice", "{{ returned_invoice }}", "returned_invoice"),
    ("Debited on", "{{ debited_on }}", "debited_on"),
    ("Amount", "{{ returned_amount }}", "returned_amount"),
    ("Returned on", "{{ returned_date }}", "returned_date"),
    ("Reason", "{{ return_reason }} ({{ return_code }})", "return_code"),
)

NOTICES = (
    Notice(
        "past_due",
        "Payment Reminder",
        (BALANCE, OLDEST, OVERDUE),
        (
            "This is a friendly reminder that your account has a balance of {{ balance }} that is now past due"
            "{% if oldest_unpaid_invoice %}, starting with invoice {{ oldest_unpaid_invoice }}{% endif %}.",
            "If you have already sent your payment, thank you, and please disregard this reminder. " + HOW_TO_PAY,
        ),
    ),
    Notice(
        "payment_failed",
        "Returned Payment Notice",
        (
            *RETURN_FACTS,
            ("Processing fee", "{{ retry_fee }}", "retry_fee"),
            ("Retry date", "{{ retry_date }}", "retry_date"),
            ("Amount to be debited", "{{ retry_amount }}", "retry_amount"),
        ),
        (
            RETURNED_DEBIT + ": {{ return_reason }} (return code {{ return_code }}).",
            "As set out in your agreement, a processing fee of {{ retry_fee_rate }} of the returned amount "
            "({{ retry_fee }}) is charged. We will debit your account again on {{ retry_date }} for "
            "{{ retry_amount }}, the returned amount{% if fee_debited %}, and separately for the processing fee of "
            "{{ retry_fee }}{% endif %}.{% if not fee_debited %} Please pay the processing fee of {{ retry_fee }} by "
            "{{ retry_date }} by check or wire, quoting your client ID {{ client_id }}.{% if remittance %} "
            "{{ remittance }}{% endif %}{% endif %}",
            "Please make sure the funds are available on that day. If your bank details have changed, contact "
            "us before {{ retry_date }}.",
        ),
    ),
    Notice(
        "bank_details",
        "Bank Details Needed",
        (*RETURN_FACTS, BALANCE),
        (
            RETURNED_DEBIT + " because {{ return_because }} (return code {{ return_code }}). We will not debit "
            "this account again, and no processing fee is charged.",
            "What to do: send us the details of an account we may debit, with a new ACH authorization, and pay "
            "{{ balance }} by check or wire, quoting your client ID {{ client_id }}"
            "{% if returned_invoice %} and invoice number {{ returned_invoice }}{% endif %}."
            "{% if remittance %} {{ remittance }}{% endif %}",
            "Until then your account is on credit hold: we cannot accept new purchases, orders or projects, and "
            "your managed services continue as usual.",
        ),
    ),
    Notice(
        "authorization",
        "Debit Authorization Needed",
        (*RETURN_FACTS, BALANCE),
        (
            RETURNED_DEBIT + " because {{ return_because }} (return code {{ return_code }}). We will not debit "
            "your account again unless you give us a new ACH debit authorization, and no processing fee is charged.",
            "What to do: pay {{ balance }} by check or wire, quoting your client ID {{ client_id }}"
            "{% if returned_invoice %} and invoice number {{ returned_invoice }}{% endif %}."
            "{% if remittance %} {{ remittance }}{% endif %} Until we have a new authorization signed by you, our "
            "invoices will ask you to pay this way. If you would like us to debit your account again, or if our "
            "debit was not what you agreed to, please contact us.",
            "Until the balance is paid your account is on credit hold: we cannot accept new purchases, orders or "
            "projects, and your managed services continue as usual.",
        ),
    ),
    Notice(
        "credit_hold",
        "Credit Hold Notice",
        (PAST_DUE, DUE_LATER, OLDEST, OVERDUE, ("On credit hold since", "{{ since }}", "since")),
        (
            "Your account has been placed on credit hold{% if since %} as of {{ since }}{% endif %} because "
            "{{ past_due_amount }} is past due.",
            OWED,
            "While the hold lasts we cannot accept new purchases, orders or projects. Your managed services "
            "continue as usual.",
            PAY_PAST_DUE + " The hold is released as soon as nothing is past due.",
        ),
    ),
    Notice(
        "service_hold",
        "Service Hold Notice",
        (PAST_DUE, DUE_LATER, OLDEST, OVERDUE, ("On service hold since", "{{ since }}", "since")),
        (
            "Your account has been placed on service hold{% if since %} as of {{ since }}{% endif %} because "
            "{{ past_due_amount }} remains past due after the credit hold.",
            OWED,
            "Until it is paid, our service desk cannot take support requests, and applications and "
            "services we manage for you are paused.",
            PAY_PAST_DUE + " Service resumes as soon as nothing is past due.",
        ),
    ),
    Notice(
        "released",
        "Hold Released",
        (("Hold released on", "{{ released_date }}", ""), BALANCE),
        (
            "Your account is paid up, and the hold on it was released on {{ released_date }}.",
            "New purchases, support requests and all of our services are available to you again.",
        ),
        closing="Thank you for your payment and for your business.",
    ),
)


# --- parts shared by the notices and the statement -----------------------------------------------------------


def addressee(document: WordDocument, facts: tuple[tuple[str, str, str], ...], caption: str = "To") -> None:
    """The client's name and address on the left, a small table of facts on the right."""
    table = document.add_table(rows=1, cols=3)
    table_without_borders(table)
    cell_padding(table, left=0, right=0)
    column_widths(table, 3.6, 0.3, 3.1)
    to, _, box = table.rows[0].cells
    label(to, caption, after=3)
    write(to, "{{ client_name }}", size=11, bold=True, after=2)
    write(to, "{{ bill_to_lines }}", size=9)

    inner = facts_table(box, (("Client ID", "{{ client_id }}", ""), *facts))
    column_widths(inner, 1.55, 1.55)
    keep_row_together(inner)
    _set(box.add_paragraph()._p.get_or_add_pPr(), "w:spacing", after="0", line="20", lineRule="exact")


def contact_box(document: WordDocument, caption: str, text: str) -> None:
    with shaded_box(document, "your account") as box:
        label(box, caption, after=4)
        if text:
            write(box, text, size=9.5, after=4)


def footer(document: WordDocument, what: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    rule = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")
    _set(rule, "w:top", val="single", sz="4", space="6", color=RULE)
    write(
        paragraph,
        "{{ company_name }}{% if company_contact %}  ·  {{ company_contact }}{% endif %}" f"  ·  {what}  ·  Page ",
        size=7.5,
        color=MUTED,
        align=CENTER,
    )
    page_field(paragraph, "PAGE")
    write(paragraph, " of ", size=7.5, color=MUTED, align=CENTER)
    page_field(paragraph, "NUMPAGES")


def new_document(title: str) -> WordDocument:
    document = Document()
    drop_unused_parts(document)
    setup(document)
    document.core_properties.title = title
    return document


# --- the notices -----------------------------------------------------------------------------------------------


def build_notice(notice: Notice) -> WordDocument:
    document = new_document(notice.title)
    masthead(document, notice.title, "{{ notice_date }}")
    addressee(document, notice.facts)
    write(document.add_paragraph(), "Dear {{ greeting }},", size=10, before=16, after=8)
    for text in notice.body:
        write(document.add_paragraph(), text, size=10, after=8)
    write(document.add_paragraph(), notice.closing, size=10, after=8)
    write(document.add_paragraph(), "{{ company_name }}", size=10, bold=True)
    contact_box(document, "Your account", "")
    footer(document, notice.title)
    return document


# --- the statement of account ----------------------------------------------------------------------------------

STATEMENT_COLUMNS = (("Date", LEFT, 1.25), ("Description", LEFT, 2.6), ("Charges", RIGHT, 1.05),
                     ("Payments", RIGHT, 1.05), ("Balance", RIGHT, 1.05))
AGING_COLUMNS = (("Current", "aging_current"), ("1-30 days", "aging_1_30"), ("31-60 days", "aging_31_60"),
                 ("61-90 days", "aging_61_90"), ("Over 90 days", "aging_over_90"), ("Total", "aging_total"))


def statement_rows(document: WordDocument) -> None:
    write(document.add_paragraph(), "", size=4, after=10)
    table = document.add_table(rows=1, cols=len(STATEMENT_COLUMNS))
    table_without_borders(table)
    cell_padding(table, top=0.05, bottom=0.05, left=0.08, right=0.08)
    for cell, (caption, align, _) in zip(table.rows[0].cells, STATEMENT_COLUMNS, strict=True):
        write(cell, caption, size=8.5, bold=True, color="FFFFFF", align=align)
        shade(cell, ACCENT)
    repeat_as_header(table)

    opening = table.add_row().cells
    for cell, text in zip(opening, ("{{ start_date }}", "Opening balance", "", "", "{{ opening_balance }}"),
                          strict=True):
        write(cell, text, size=9, bold=True, align=RIGHT if cell is opening[-1] else LEFT)
        cell_borders(cell, bottom=(4, RULE))

    tag_row(table, "{%tr for row in rows %}")
    fields = ("date", "description", "charges", "payments", "balance")
    for cell, field, (_, align, _) in zip(table.add_row().cells, fields, STATEMENT_COLUMNS, strict=True):
        write(cell, f"{{{{ row.{field} }}}}", size=9, align=align)
        cell_borders(cell, bottom=(4, RULE))
    tag_row(table, "{%tr endfor %}")

    closing = table.add_row().cells
    for cell, text in zip(closing, ("{{ end_date }}", "Closing balance", "", "", "{{ closing_balance }}"),
                          strict=True):
        write(cell, text, size=10, bold=True, color=ACCENT, align=RIGHT if cell is closing[-1] else LEFT)
        shade(cell, TINT)
        cell_borders(cell, top=(12, ACCENT))
    column_widths(table, *(width for _, _, width in STATEMENT_COLUMNS))
    keep_row_together(table)


def aging(document: WordDocument) -> None:
    write(document.add_paragraph(), "", size=4, after=14)
    write(document.add_paragraph(), "AGING AS OF {{ end_date }}", size=7.5, bold=True, color=MUTED, after=4, spacing=12)
    table = document.add_table(rows=2, cols=len(AGING_COLUMNS))
    table_without_borders(table)
    cell_padding(table, top=0.05, bottom=0.05, left=0.08, right=0.08)
    for top, bottom, (caption, field) in zip(table.rows[0].cells, table.rows[1].cells, AGING_COLUMNS, strict=True):
        write(top, caption, size=8, bold=True, color=MUTED, align=RIGHT)
        cell_borders(top, bottom=(4, RULE))
        write(bottom, f"{{{{ {field} }}}}", size=9.5, bold=field == "aging_total", align=RIGHT)
    column_widths(table, *([PAGE_WIDTH / len(AGING_COLUMNS)] * len(AGING_COLUMNS)))
    keep_row_together(table)


def build_statement() -> WordDocument:
    document = new_document("Statement of Account")
    masthead(document, "Statement of Account", "{{ start_date }} to {{ end_date }}")
    addressee(document, (("Statement date", "{{ end_date }}", ""), ("Balance due", "{{ closing_balance }}", ""),
                         ("Prepaid hours", "{{ prepaid_hours }}", "prepaid_hours")))
    statement_rows(document)
    aging(document)
    box = "Please pay {{ closing_balance }}, quoting your client ID {{ client_id }}."
    contact_box(document, "Payment", box)
    tag_box(document)
    footer(document, "Statement of Account")
    return document


def tag_box(document: WordDocument) -> None:
    """Show the payment sentence of the last box only when something is due."""
    cell = document.tables[-1].rows[0].cells[0]
    sentence = cell.paragraphs[1]._p
    tag_paragraph(cell, "{%p if amount_due %}")
    tag_paragraph(cell, "{%p endif %}")
    opening, closing = cell.paragraphs[-2]._p, cell.paragraphs[-1]._p
    sentence.addprevious(opening)
    sentence.addnext(closing)


def main(folder: Path = HERE) -> list[Path]:
    written = []
    for notice in NOTICES:
        path = folder / f"notice-{notice.state}.docx"
        build_notice(notice).save(str(path))
        written.append(path)
    path = folder / "statement.docx"
    build_statement().save(str(path))
    written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
