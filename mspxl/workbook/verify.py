"""The register checked against itself (the checks of `mspxl verify`), so an auditor can trust what it says.

Every register row is recomputed from its lines (each line's amount, the subtotal, the tax, the total); numbering is
gapless and unique per prefix; every WorkLog, Usage and Charges row marked invoiced points at an invoice that billed
it; every credit note points at the invoice it credits and never takes more than that invoice's total. Each
discrepancy is a `Problem` naming its cell. `verify_book` serves `invoice`, `collect` and `credit`, which refuse a
register that fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from mspxl import schema as S
from mspxl.billing.totals import invoice_tax
from mspxl.money import ZERO, NotANumber, cents, plain, to_decimal
from mspxl.problems import Problem, error, warning
from mspxl.records import CHARGE_CODE, COMBINED, Block, Book, Charge, Invoice, UsageRow, WorkEntry
from mspxl.workbook.raw import RawBook
from mspxl.workbook.table import cell_ref, locate_header

Columns = Mapping[str, Mapping[str, int]]  # sheet -> header -> 0-based column
LineRows = Mapping[tuple[str, int], int]  # (invoice number, line) -> InvoiceLines row

REGISTER_SHEETS = (S.INVOICES, S.INVOICE_LINES)
MARKED_SHEETS = (S.WORKLOG, S.USAGE, S.CHARGES)


def default_columns() -> dict[str, dict[str, int]]:
    """The columns as `mspxl init` lays them out, for a book read without its sheets at hand."""
    return {sheet.name: {c.header: i for i, c in enumerate(sheet.columns)}
            for sheet in (*REGISTER_SHEETS, *MARKED_SHEETS)}


def _amount(value: Decimal) -> str:
    """An amount as shown in a message: to the cent, without an exponent."""
    return plain(cents(value))


class _Places:
    def __init__(self, cols: Columns | None, line_rows: LineRows | None) -> None:
        self.cols = default_columns() if cols is None else cols
        self.line_rows = line_rows or {}

    def cell(self, sheet: str, row: int, header: str) -> str:
        column = self.cols.get(sheet, {}).get(header)
        if column is None or not row:
            return ""
        return cell_ref(row, column)

    def line(self, invoice: Invoice, line: int, header: str) -> tuple[str, str]:
        """The InvoiceLines cell of a line, else the register row's Invoice Number cell."""
        row = self.line_rows.get((invoice.number, line), 0)
        if row:
            return "InvoiceLines", self.cell("InvoiceLines", row, header)
        return "Invoices", self.cell("Invoices", invoice.row, "Invoice Number")


def register_rows_add_up(book: Book, places: _Places) -> list[Problem]:
    """Every register row re-adds from its lines: each line's Amount is Quantity x Unit Price rounded half-up, the
    Subtotal is the sum of the lines, the Tax is 0 without taxable lines, and the Total is Subtotal + Tax."""
    problems: list[Problem] = []
    rates = {c.id: c.tax_rate for c in book.clients}
    for inv in book.invoices:
        def at(header: str, inv: Invoice = inv) -> str:
            return places.cell("Invoices", inv.row, header)

        if not inv.lines:
            problems.append(error("Invoices", at("Invoice Number"), "Invoice Number",
                                  "has no lines on the InvoiceLines sheet", inv.number))
            continue
        for ln in inv.lines:
            if ln.amount != cents(ln.quantity * ln.unit_price):
                sheet, cell = places.line(inv, ln.line, "Amount")
                problems.append(error(sheet, cell, "Amount",
                                      f"(line {ln.line} of {inv.number}) is not Quantity x Unit Price "
                                      f"({_amount(cents(ln.quantity * ln.unit_price))})", _amount(ln.amount)))
        subtotal = sum((ln.amount for ln in inv.lines), start=ZERO)
        if inv.subtotal != subtotal:
            problems.append(error("Invoices", at("Subtotal"), "Subtotal",
                                  f"does not equal the sum of its lines ({_amount(subtotal)})", _amount(inv.subtotal)))
        taxable = sum((ln.amount for ln in inv.lines if ln.taxable), start=ZERO)
        if taxable == ZERO and inv.tax != ZERO:
            problems.append(error("Invoices", at("Tax"), "Tax", "is charged but no line is taxable", _amount(inv.tax)))
        elif inv.type != "credit" and inv.client_id in rates and inv.tax not in (
                invoice_tax(inv.lines, rates[inv.client_id], rounding) for rounding in ("invoice", "line")):
            expected = invoice_tax(inv.lines, rates[inv.client_id], book.settings.tax_rounding)
            problems.append(warning("Invoices", at("Tax"), "Tax",
                                    f"is not the client's current Tax Rate on the taxable lines ({_amount(expected)}); "
                                    "right only if the rate changed since", _amount(inv.tax)))
        if inv.total != inv.subtotal + inv.tax:
            problems.append(error("Invoices", at("Total"), "Total",
                                  f"does not equal Subtotal + Tax ({_amount(inv.subtotal + inv.tax)})",
                                  _amount(inv.total)))
        if (inv.type == "credit") != (inv.total < ZERO):
            what = "a credit note's Total must be negative" if inv.type == "credit" else \
                "only a credit note has a negative Total"
            problems.append(error("Invoices", at("Total"), "Total", what, _amount(inv.total)))
    return problems


def _sequence(number: str, prefix: str) -> int | None:
    tail = number[len(prefix):]
    return int(tail) if number.startswith(prefix) and tail.isdigit() else None


def numbering_is_gapless_and_unique(book: Book, places: _Places) -> list[Problem]:
    """Numbers are the prefix + a zero-padded sequence, gapless and never reused; credit notes use the Credit Note
    Prefix and their own sequence."""
    settings = book.settings
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    by_prefix: dict[str, list[tuple[int, Invoice]]] = defaultdict(list)
    for inv in book.invoices:
        at = places.cell("Invoices", inv.row, "Invoice Number")
        if inv.number in seen:
            problems.append(error("Invoices", at, "Invoice Number",
                                  f"is a duplicate (already on row {seen[inv.number]})", inv.number))
            continue
        seen[inv.number] = inv.row
        prefix = settings.credit_note_prefix if inv.type == "credit" else settings.invoice_prefix
        sequence = _sequence(inv.number, prefix)
        if sequence is None:
            kind = "a credit note" if inv.type == "credit" else "an invoice"
            problems.append(error("Invoices", at, "Invoice Number",
                                  f"is not numbered as {kind} ({prefix} + {settings.number_width} digits)",
                                  inv.number))
            continue
        by_prefix[prefix].append((sequence, inv))
    for prefix, numbered in by_prefix.items():
        numbered.sort(key=lambda item: item[0])
        for (before, _), (after, inv) in zip(numbered, numbered[1:], strict=False):
            if after > before + 1:
                missing = [f"{prefix}{n:0{settings.number_width}d}" for n in range(before + 1, after)]
                shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                problems.append(error("Invoices", places.cell("Invoices", inv.row, "Invoice Number"),
                                      "Invoice Number", f"follows a gap in the numbering: {shown} missing from "
                                      "the register", inv.number))
    return problems


def marks_point_at_invoices(book: Book, places: _Places) -> list[Problem]:
    """Every WorkLog, Usage, Charges and Blocks row marked invoiced points at an existing invoice of its client that
    bills it: a service or project invoice for work, a managed invoice with a line of the row's Service Code for
    usage, its project's invoice (else a service invoice) with a charge line for a charge, an invoice with a
    prepaid-block line for a block. A One Invoice client's combined invoice bills them all."""
    register = {inv.number: inv for inv in book.invoices}

    def work(w: WorkEntry, inv: Invoice) -> str:
        if inv.client_id != w.client_id or inv.type not in ("service", "project", COMBINED):
            return f"is a {inv.type} invoice of {inv.client_id}, not a service or project invoice of {w.client_id}"
        return ""

    def usage(u: UsageRow, inv: Invoice) -> str:
        if inv.client_id != u.client_id or inv.type not in ("managed", COMBINED) or \
                not any(ln.service_code == u.service_code for ln in inv.lines):
            return f"has no {u.service_code} line for {u.client_id}"
        return ""

    def charge(c: Charge, inv: Invoice) -> str:
        if not bills_charges_of(inv, c.client_id, c.project_id):
            where = f"project {c.project_id}" if c.project_id else "service"
            return f"is not a {where} invoice of {c.client_id} with a charge line"
        return ""

    def block(b: Block, inv: Invoice) -> str:
        if inv.client_id != b.client_id or not any(ln.service_code == "BLOCK" for ln in inv.lines):
            return f"has no prepaid-block line for {b.client_id}"
        return ""

    return [
        *_marks("WorkLog", book.work, work, places, register),
        *_marks("Usage", book.usage, usage, places, register),
        *_marks("Charges", book.charges, charge, places, register),
        *_marks("Blocks", book.blocks, block, places, register),
    ]


Marked = TypeVar("Marked", WorkEntry, UsageRow, Charge, Block)


def _marks(sheet: str, rows: Iterable[Marked], wrong: Callable[[Marked, Invoice], str], places: _Places,
           register: Mapping[str, Invoice]) -> list[Problem]:
    """The rows of `sheet` whose Invoice Number is not in the register, or names an invoice that cannot bill them
    (`wrong` says why, or "" when it can)."""
    problems: list[Problem] = []
    for row in rows:
        if not row.invoice_number:
            continue
        at = places.cell(sheet, row.row, "Invoice Number")
        inv = register.get(row.invoice_number)
        reason = "is not on the Invoices sheet" if inv is None else wrong(row, inv)
        if reason:
            problems.append(error(sheet, at, "Invoice Number", reason, row.invoice_number))
    return problems


def bills_charges_of(inv: Invoice, client_id: str, project_id: str) -> bool:
    """`inv` is an invoice of the client that can carry the charge: a charge line on its project's invoice, or on a
    service invoice for a charge without a project, or on the client's combined invoice."""
    if inv.client_id != client_id or not any(ln.service_code == CHARGE_CODE for ln in inv.lines):
        return False
    if inv.type == COMBINED:
        return True
    return (inv.type, inv.project_id) == ("project", project_id) if project_id else inv.type == "service"


def credit_notes_point_at_invoices(book: Book, places: _Places) -> list[Problem]:
    """Every credit note names, as Related Invoice, an invoice of the same client in the register, and the credit
    notes of an invoice never take more than its total."""
    register = {inv.number: inv for inv in book.invoices}
    credited: dict[str, list[Invoice]] = defaultdict(list)
    problems: list[Problem] = []
    for cn in book.invoices:
        if cn.type != "credit":
            continue
        at = places.cell("Invoices", cn.row, "Related Invoice")
        target = register.get(cn.related_invoice)
        if not cn.related_invoice:
            problems.append(error("Invoices", at, "Related Invoice", f"credit note {cn.number} names no invoice"))
        elif target is None:
            problems.append(error("Invoices", at, "Related Invoice", "is not on the Invoices sheet",
                                  cn.related_invoice))
        elif target.type == "credit" or target.client_id != cn.client_id:
            problems.append(error("Invoices", at, "Related Invoice",
                                  f"is not an invoice of {cn.client_id}", cn.related_invoice))
        else:
            credited[target.number].append(cn)
    for number, notes in credited.items():
        taken = -sum((cn.total for cn in notes), start=ZERO)
        if taken > register[number].total:
            last = notes[-1]
            problems.append(error("Invoices", places.cell("Invoices", last.row, "Total"), "Total",
                                  f"takes the credit notes of {number} to {_amount(taken)}, more than its total "
                                  f"({_amount(register[number].total)})", _amount(last.total)))
    return problems


Check = Callable[[Book, _Places], list[Problem]]
CHECKS: tuple[Check, ...] = (
    register_rows_add_up,
    numbering_is_gapless_and_unique,
    marks_point_at_invoices,
    credit_notes_point_at_invoices,
)


def register_checks(book: Book, cols: Columns) -> list[Problem]:
    """The register checks every reading of a workbook runs (`mspxl check` included): rows that re-add from their
    lines and gapless, unique numbers. The rest of `verify_book` (marks, credit notes) runs before a writing command."""
    places = _Places(cols, None)
    return register_rows_add_up(book, places) + numbering_is_gapless_and_unique(book, places)


def verify_book(book: Book, cols: Columns | None = None, line_rows: LineRows | None = None) -> list[Problem]:
    """Every discrepancy of the register, each naming its cell. `cols` (sheet -> header -> 0-based column) and
    `line_rows` ((invoice number, line) -> InvoiceLines row) place them; without, the `mspxl init` layout is
    assumed and line problems name the register row."""
    places = _Places(cols, line_rows)
    problems: list[Problem] = []
    for check in CHECKS:
        problems.extend(check(book, places))
    return problems


def sheet_places(raw: RawBook) -> tuple[dict[str, dict[str, int]], dict[tuple[str, int], int]]:
    """Where the register's and the marked sheets' columns are, and the InvoiceLines row of every line."""
    cols: dict[str, dict[str, int]] = {}
    for sheet in (*REGISTER_SHEETS, *MARKED_SHEETS):
        found = next((s for name, s in raw.items() if S.header_key(name) == S.header_key(sheet.name)), None)
        located = locate_header(found, sheet)[0] if found is not None else None
        if located is not None:
            cols[sheet.name] = dict(located.columns)
    line_rows: dict[tuple[str, int], int] = {}
    lines = next((s for name, s in raw.items() if S.header_key(name) == S.header_key("InvoiceLines")), None)
    where = cols.get("InvoiceLines", {})
    if lines is not None and "Invoice Number" in where and "Line" in where:
        header_row = locate_header(lines, S.INVOICE_LINES)[0].header_row  # type: ignore[union-attr]
        for index in range(header_row, len(lines.rows)):
            cells = lines.rows[index]
            number = cells[where["Invoice Number"]] if where["Invoice Number"] < len(cells) else None
            line = cells[where["Line"]] if where["Line"] < len(cells) else None
            try:
                line_number = to_decimal(line)
            except NotANumber:
                continue
            if number is not None and line_number == line_number.to_integral_value():
                line_rows[(str(number).strip(), int(line_number))] = index + 1
    return cols, line_rows


def same_issue(problem: Problem) -> tuple[str, str]:
    return (problem.sheet, problem.cell)
