"""What a run writes into the workbook, as plain data: applied to a file (openpyxl) or to Excel (xlwings) alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from mspxl.records import Invoice
from mspxl.schema import INVOICE_LINES_COLUMNS, INVOICES_COLUMNS

Value = object


@dataclass(frozen=True)
class CellMark:
    """Write `value` into column `header` of the data row whose `key_header` holds `key` (e.g. WorkLog Entry ID);
    `kind` picks its number format as for an output column ("date", "money", ...; "text" keeps the cell's)."""

    sheet: str
    key_header: str
    key: str
    header: str
    value: Value
    kind: str = "text"


@dataclass(frozen=True)
class RecordRows:
    """Rows added below the last row of a sheet whose columns the accountant may have arranged (Payments) or of a
    record sheet (Sent): each value goes under its header wherever that is, a missing column is added after the
    last one, a missing sheet is made with `headers`; an Excel table on the sheet grows with the rows. `kinds`:
    header -> number format kind ("date", "money", ...); a header not named there is "text"."""

    headers: tuple[str, ...]
    key_header: str
    rows: list[dict[str, Value]]
    kinds: dict[str, str] = field(default_factory=dict)


@dataclass
class WorkbookChanges:
    append: dict[str, list[tuple[Value, ...]]] = field(default_factory=dict)  # output sheet -> rows to add
    replace: dict[str, list[tuple[Value, ...]]] = field(default_factory=dict)  # output sheet -> its new rows
    marks: list[CellMark] = field(default_factory=list)
    row_marks: list[tuple[str, int, str, Value]] = field(default_factory=list)  # (sheet, Excel row, header, value)
    records: dict[str, RecordRows] = field(default_factory=dict)  # sheet -> rows to add under its headers

    @property
    def empty(self) -> bool:
        return not (any(self.append.values()) or self.replace or self.marks or self.row_marks
                    or any(r.rows for r in self.records.values()))


def invoice_row(inv: Invoice) -> tuple[Value, ...]:
    """A register row in the order of the Invoices sheet's columns."""
    values = {
        "Invoice Number": inv.number,
        "Client ID": inv.client_id,
        "Client Name": inv.client_name,
        "Type": inv.type,
        "Period": inv.period,
        "Issue Date": inv.issue_date,
        "Due Date": inv.due_date,
        "Subtotal": inv.subtotal,
        "Tax": inv.tax,
        "Total": inv.total,
        "Billed Users": inv.billed_users,
        "Billed Devices": inv.billed_devices,
        "Related Invoice": inv.related_invoice or None,
        "Project ID": inv.project_id or None,
        "File": inv.file or None,
    }
    return tuple(values[h] for h, _ in INVOICES_COLUMNS)


def line_rows(inv: Invoice) -> list[tuple[Value, ...]]:
    rows = []
    for ln in inv.lines:
        values = {
            "Invoice Number": inv.number,
            "Line": ln.line,
            "Service Code": ln.service_code,
            "Description": ln.description,
            "Quantity": ln.quantity,
            "Unit Price": ln.unit_price,
            "Amount": ln.amount,
            "Taxable": "Y" if ln.taxable else "N",
        }
        rows.append(tuple(values[h] for h, _ in INVOICE_LINES_COLUMNS))
    return rows


def issue_changes(invoices: Iterable[Invoice]) -> WorkbookChanges:
    """Register rows, lines, and the invoice number written back onto the WorkLog, Usage, Charges and Blocks rows
    it billed."""
    changes = WorkbookChanges(append={"Invoices": [], "InvoiceLines": []})
    for inv in invoices:
        changes.append["Invoices"].append(invoice_row(inv))
        changes.append["InvoiceLines"].extend(line_rows(inv))
        for entry_id in inv.work_entry_ids:
            changes.marks.append(CellMark("WorkLog", "Entry ID", entry_id, "Invoice Number", inv.number))
        for charge_id in inv.charge_ids:
            changes.marks.append(CellMark("Charges", "Charge ID", charge_id, "Invoice Number", inv.number))
        for row in inv.usage_rows:
            changes.row_marks.append(("Usage", row, "Invoice Number", inv.number))
        for block_id in inv.block_ids:
            changes.marks.append(CellMark("Blocks", "Block ID", block_id, "Invoice Number", inv.number))
    return changes


def collections_row(status, as_of) -> tuple[Value, ...]:  # noqa: ANN001
    """A Collections sheet row from a ClientStatus."""
    return (status.client_id, status.client_name, status.state, status.since, status.balance,
            status.oldest_unpaid_invoice or None, status.days_past_due, status.fees_charged,
            status.next_action or None, status.next_action_date, status.notes or None, as_of)


def aging_row(row, as_of) -> tuple[Value, ...]:  # noqa: ANN001
    """An Aging sheet row from an AgingRow."""
    return (row.client_id, row.client_name, row.current, row.days_1_30, row.days_31_60, row.days_61_90,
            row.over_90, row.total, as_of)
