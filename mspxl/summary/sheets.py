"""The summary workbook's sheets: Overview, Revenue by client, Revenue by service, Invoices, Collections, Aging,
Trend. Each function writes one sheet and returns where its data lies, for the charts."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from mspxl.billing.calendar import first_day, month_label
from mspxl.money import ZERO
from mspxl.summary.cells import (
    NOTE_FONT,
    SECTION_FONT,
    TITLE_FONT,
    Align,
    Col,
    SheetWriter,
    Value,
    money_format,
)
from mspxl.summary.model import INVOICE_TYPES, MonthlySummary, SeatChange


class Block(NamedTuple):
    """Where a table's data lies: sheet, first and last data row, first column."""

    sheet: str
    first: int
    last: int
    column: int = 1


OVERVIEW = "Overview"
BY_CLIENT = "Revenue by client"
BY_SERVICE = "Revenue by service"
INVOICES = "Invoices"
COLLECTIONS = "Collections"
AGING = "Aging"
TREND = "Trend"
SHEET_NAMES = (OVERVIEW, BY_CLIENT, BY_SERVICE, INVOICES, COLLECTIONS, AGING, TREND)

TYPE_COLS = (Col("Type", "text"), Col("Invoices", "int"), Col("Subtotal", "money"), Col("Tax", "money"),
             Col("Total", "money"))
SEAT_COLS = (Col("Counted", "text"), Col("Billed", "int"), Col("Last month", "int"), Col("Change", "int"),
             Col("Added", "int"), Col("Decreased", "int"))
STATE_COLS = (Col("State", "text"), Col("Clients", "int"))
STATE_LABELS = {"current": "Current", "past_due": "Past due", "payment_failed": "Payment failed",
                "credit_hold": "Credit hold", "service_hold": "Service hold"}
TYPE_LABELS = {"managed": "Managed services", "service": "Service (work)", "project": "Project",
               "combined": "One invoice (all of the month)",
               "fee": "Fees", "credit": "Credit notes"}


def type_label(kind: str) -> str:
    return TYPE_LABELS.get(kind, kind)


Sheets = list[SheetWriter]


def writer(wb: Sheets, name: str, summary: MonthlySummary) -> SheetWriter:
    """A new sheet after the others."""
    w = SheetWriter(name, money_format(summary.settings.currency, summary.settings.locale))
    wb.append(w)
    return w


def section(w: SheetWriter, row: int, text: str, column: int = 1) -> None:
    w.put(row, column, text, fit=False)
    w.restyle(row, column, font=SECTION_FONT)


def figure(w: SheetWriter, row: int, label: str, value: Value, kind: str, note: str = "") -> None:
    """A labelled figure of the Overview: label in A, value in B, a note in C."""
    w.put(row, 1, label)
    w.put(row, 2, value, kind)
    if note:
        w.put(row, 3, note, fit=False)
        w.restyle(row, 3, font=NOTE_FONT)


def write_overview(wb: Sheets, s: MonthlySummary) -> Block:
    """The month at a glance, its first and last day and the day it was prepared as dates (sortable, filterable,
    the workbook's date format); returns the block of the clients-by-state table."""
    w = writer(wb, OVERVIEW, s)
    company = s.settings.company_name
    w.put(1, 1, f"{company}: monthly summary, {month_label(s.period)}", fit=False)
    w.restyle(1, 1, font=TITLE_FONT)
    for row, (label, day, note) in enumerate((
        ("First day of the period", first_day(s.period), ""),
        ("Last day; balances as of", s.as_of, f"amounts in {s.settings.currency}"),
        ("Prepared on", s.prepared_on, ""),
    ), start=2):
        figure(w, row, label, day, "date", note)

    section(w, 6, "Billed in the period")
    rows: list[list[Value]] = [[type_label(t.type), t.count, t.subtotal, t.tax, t.total] for t in s.by_type]
    first, last = w.table("BilledByType", 7, 1, TYPE_COLS, rows)
    w.totals_row(last + 1, 1, TYPE_COLS, ["Total billed", sum(t.count for t in s.by_type), s.billed_subtotal,
                                          s.billed_tax, s.billed_total])

    row = last + 3
    section(w, row, "Recurring revenue and cash")
    figures: list[tuple[str, Value, str, str]] = [
        ("Monthly recurring revenue (MRR)", s.mrr, "money",
         "managed, before tax; quarterly 1/3, annual 1/12"),
        ("MRR last month", s.previous_mrr, "money", ""),
        ("MRR change", s.mrr - s.previous_mrr, "money", ""),
        ("Cash collected", s.cash.collected, "money", f"{s.cash.collected_count} cleared payment(s) in the month"),
        ("Returned payments", s.cash.returned, "money", f"{s.cash.returned_count} returned in the month"),
        ("Outstanding balance", s.outstanding, "money", "all clients as of the last day, credits netted"),
        ("of which past due", s.past_due, "money", "open after its due date (see Aging)"),
    ]
    if s.unissued_fees:
        figures.append(("Fees not yet in the register", s.unissued_fees, "int",
                        "returned debits: run collections to issue their fee invoices"))
    for offset, (label, value, kind, note) in enumerate(figures, start=1):
        figure(w, row + offset, label, value, kind, note)
    row += len(figures) + 2

    section(w, row, "Clients")
    for offset, (label, value, note) in enumerate((
        ("Active clients", s.clients.active, "Status active on the last day"),
        ("New clients", s.clients.new, "Start Date in the month"),
        ("Ended clients", s.clients.ended, "End Date in the month"),
    ), start=1):
        figure(w, row + offset, label, value, "int", note)
    row += 5

    section(w, row, "Users and devices billed")
    seats = [["Users", *seat_values(s.users)], ["Devices", *seat_values(s.devices)]]
    _, last = w.table("BilledSeats", row + 1, 1, SEAT_COLS, seats)
    row = last + 2

    section(w, row, "Clients by collections state on the last day")
    states = [[STATE_LABELS.get(state, state), count] for state, count in s.states.items()]
    first, last = w.table("ClientsByState", row + 1, 1, STATE_COLS, states)
    w.fit_widths(minimum=12)
    w.column_widths[1] = max(w.column_widths.get(1, 0), 34)
    w.print_setup(s.settings.locale)
    return Block(OVERVIEW, first, last)


def seat_values(change: SeatChange) -> list[Value]:
    return [change.billed, change.previous, change.change, change.added, change.decreased]


# Column widths (characters) of long texts, which wrap beyond them: the usual next action ("ACH debit for 2,597.00
# on 2027-01-01") stays on one line.
NAME_WIDTH, ACTION_WIDTH, NOTE_WIDTH = 28, 40, 30
BY_CLIENT_COLS = (
    Col("Client ID", "text"), Col("Client Name", "text", NAME_WIDTH),
    *(Col(type_label(kind), "money") for kind in INVOICE_TYPES),
    Col("Subtotal", "money"), Col("Tax", "money"), Col("Total", "money"), Col("MRR", "money"),
    Col("Billed Users", "int"), Col("Billed Devices", "int"), Col("Balance", "money"), Col("State", "text"),
    Col("Blocks (h left)", "qty"),
)


def write_by_client(wb: Sheets, s: MonthlySummary) -> Block:
    w = writer(wb, BY_CLIENT, s)
    rows: list[list[Value]] = [
        [r.client_id, r.client_name, *(r.by_type[kind] for kind in INVOICE_TYPES), r.subtotal, r.tax, r.total,
         r.mrr, r.billed_users, r.billed_devices, r.balance, STATE_LABELS.get(r.state, r.state), r.block_hours]
        for r in s.revenue_by_client
    ]
    first, last = w.table("RevenueByClient", 1, 1, BY_CLIENT_COLS, rows)

    def total(name: str) -> Decimal:
        return sum((getattr(r, name) for r in s.revenue_by_client), ZERO)

    w.totals_row(last + 1, 1, BY_CLIENT_COLS, [
        "Total", "",
        *(sum((r.by_type[kind] for r in s.revenue_by_client), ZERO) for kind in INVOICE_TYPES),
        total("subtotal"), total("tax"), total("total"), total("mrr"),
        sum(r.billed_users for r in s.revenue_by_client), sum(r.billed_devices for r in s.revenue_by_client),
        total("balance"), "", total("block_hours"),
    ])
    finish(w, s)
    return Block(BY_CLIENT, first, last)


BY_SERVICE_COLS = (Col("Service Code", "text"), Col("Name", "text"), Col("Model", "text"),
                   Col("Quantity", "qty"), Col("Amount", "money"))


def write_by_service(wb: Sheets, s: MonthlySummary) -> Block:
    w = writer(wb, BY_SERVICE, s)
    rows: list[list[Value]] = [[r.code, r.name, r.model, r.quantity, r.amount] for r in s.revenue_by_service]
    first, last = w.table("RevenueByService", 1, 1, BY_SERVICE_COLS, rows)
    w.totals_row(last + 1, 1, BY_SERVICE_COLS,
                 ["Total", "before tax", "", None, sum((r.amount for r in s.revenue_by_service), ZERO)])
    finish(w, s)
    return Block(BY_SERVICE, first, last)


INVOICE_COLS = (
    Col("Invoice Number", "text"), Col("Client ID", "text"), Col("Client Name", "text", NAME_WIDTH),
    Col("Type", "text"),
    Col("Period", "text"), Col("Issue Date", "date"), Col("Due Date", "date"), Col("Subtotal", "money"),
    Col("Tax", "money"), Col("Total", "money"), Col("Billed Users", "int"), Col("Billed Devices", "int"),
    Col("Related Invoice", "text"), Col("Project ID", "text"), Col("File", "text"),
)


def write_invoices(wb: Sheets, s: MonthlySummary) -> Block:
    """The month's register rows; the File cell links to the document when it was found."""
    w = writer(wb, INVOICES, s)
    rows: list[list[Value]] = [
        [inv.number, inv.client_id, inv.client_name, inv.type, inv.period, inv.issue_date, inv.due_date,
         inv.subtotal, inv.tax, inv.total, inv.billed_users, inv.billed_devices, inv.related_invoice or None,
         inv.project_id or None, inv.file or None]
        for inv in s.invoices
    ]
    first, last = w.table("Invoices", 1, 1, INVOICE_COLS, rows)
    file_column = len(INVOICE_COLS)
    for row, inv in enumerate(s.invoices, start=first):
        link = s.documents.get(inv.number)
        if link:
            w.link(row, file_column, link)
    w.totals_row(last + 1, 1, INVOICE_COLS, [
        "Total", "", f"{len(s.invoices)} invoice(s)", "", "", None, None, s.billed_subtotal, s.billed_tax,
        s.billed_total, None, None, None, None, None,
    ])
    finish(w, s)
    return Block(INVOICES, first, last)


COLLECTION_COLS = (
    Col("Client ID", "text"), Col("Client Name", "text", NAME_WIDTH), Col("State", "text"), Col("Since", "date"),
    Col("Balance", "money"), Col("Oldest Unpaid Invoice", "text"), Col("Days Past Due", "int"),
    Col("Fees Charged", "money"), Col("Next Action", "text", ACTION_WIDTH), Col("Next Action Date", "date"),
    Col("Notes", "text", NOTE_WIDTH), Col("As Of", "date"),
)


def write_collections(wb: Sheets, s: MonthlySummary) -> Block:
    w = writer(wb, COLLECTIONS, s)
    rows: list[list[Value]] = [
        [st.client_id, st.client_name, STATE_LABELS.get(st.state, st.state), st.since, st.balance,
         st.oldest_unpaid_invoice or None, st.days_past_due, st.fees_charged, st.next_action or None,
         st.next_action_date, st.notes or None, s.as_of]
        for st in s.collections
    ]
    first, last = w.table("Collections", 1, 1, COLLECTION_COLS, rows)
    if not rows:
        w.put(2, 1, f"Every client is current with nothing owed on {s.as_of.isoformat()}.", fit=False)
    finish(w, s)
    return Block(COLLECTIONS, first, last)


TREND_COLS = (Col("Period", "text"), Col("Billed", "money"), Col("MRR", "money"), Col("Collected", "money"),
              Col("Returned", "money"), Col("Outstanding", "money"))


def write_trend(wb: Sheets, s: MonthlySummary) -> Block:
    w = writer(wb, TREND, s)
    rows: list[list[Value]] = [[p.period, p.billed, p.mrr, p.collected, p.returned, p.outstanding] for p in s.trend]
    first, last = w.table("Trend", 1, 1, TREND_COLS, rows)
    finish(w, s)
    return Block(TREND, first, last)


def finish(w: SheetWriter, s: MonthlySummary) -> None:
    """Fitted widths, frozen header row, header repeated on every printed page, landscape one page wide."""
    w.fit_widths()
    for column in range(1, w.max_column() + 1):
        w.restyle(1, column, align=Align("center", "center", wrap=True))
    w.heights[1] = 30
    w.print_setup(s.settings.locale, title_rows="1:1", freeze="C2" if w.max_column() > 6 else "A2")
