"""The workbook's layout: every sheet, its columns, their kinds and defaults.

This is the one place that says what the workbook looks like. The reader, the validator, `mspxl init`, the sample
generator and the writers all take their sheet and column names from here.
"""

from __future__ import annotations

# The vocabulary of sheets is read from here as before.
from mspxl.columns import Column as Column
from mspxl.columns import Kind as Kind
from mspxl.columns import Sheet as Sheet
from mspxl.columns import header_key as header_key
from mspxl.runs_sheet import RUNS_COLUMNS

MODELS = ("flat", "per_user", "per_device", "usage")
FREQUENCIES = ("monthly", "quarterly", "annual")
STATUSES = ("active", "inactive")
METHODS = ("ACH", "check", "card", "wire")
PAYMENT_STATUSES = ("cleared", "returned", "pending")  # pending: an ACH debit sent, not yet cleared
YES_NO = ("Y", "N")
TIER_MODES = ("graduated", "volume")
TERMS = ("Net 15", "Net 30", "Due on receipt")

SETTINGS = Sheet(
    "Settings",
    (
        Column("Setting", Kind.TEXT, required=True, width=24),
        Column("Value", Kind.TEXT, width=36),  # blank: the setting takes its default
        Column("Description", Kind.TEXT, width=80),
    ),
    required=False,
    description="One row per setting; missing rows take their defaults.",
)

SERVICES = Sheet(
    "Services",
    (
        Column("Service Code", Kind.ID, required=True),
        Column("Name", Kind.TEXT, required=True, width=32),
        Column("Model", Kind.CHOICE, required=True, choices=MODELS),
        Column("Unit Price", Kind.MONEY, required=True),
        Column("Included Qty", Kind.DECIMAL, default=0),
        Column("Unit", Kind.TEXT, width=10),
        Column("Taxable", Kind.YN, default=True, width=9),
        Column("Device Type", Kind.TEXT),
        Column("Unit Cost", Kind.MONEY),
        Column("Accounting Item", Kind.TEXT, width=24),  # blank: the Name (exports to the books)
        Column("Income Account", Kind.TEXT, width=20),
        Column("Tax Code", Kind.TEXT, width=12),
        Column("Tier Mode", Kind.CHOICE, choices=TIER_MODES, width=11),
    ),
    id_column="Service Code",
)

CLIENTS = Sheet(
    "Clients",
    (
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Name", Kind.TEXT, required=True, width=30),
        Column("Email", Kind.TEXT, required=True, width=28),
        Column("Contact First Name", Kind.TEXT),
        Column("Contact Last Name", Kind.TEXT),
        Column("Address", Kind.TEXT, width=36),
        Column("Status", Kind.CHOICE, default="active", choices=STATUSES, width=10),
        Column("Start Date", Kind.DATE, required=True, width=12),
        Column("End Date", Kind.DATE, width=12),
        Column("Frequency", Kind.CHOICE, default="monthly", choices=FREQUENCIES, width=11),
        Column("Tax Rate", Kind.PCT, default=0, width=9),
        Column("Autopay", Kind.YN, default=True, width=9),
        Column("Bank Routing", Kind.ID),
        Column("Bank Account", Kind.ID),
        Column("Hourly Rate", Kind.MONEY),
        Column("Terms", Kind.CHOICE, choices=TERMS, width=14),  # blank: due on the ACH day
        Column("One Invoice", Kind.YN, default=False, width=12),  # Y: the month's lines on one invoice
        Column("Accounting Name", Kind.TEXT, width=30),  # blank: the Name (exports to the books)
        Column("Accounting Tax Code", Kind.TEXT, width=14),
        Column("Debit Authorized On", Kind.DATE, width=14),  # the newest signed debit authorization
    ),
    id_column="Client ID",
)

SUBSCRIPTIONS = Sheet(
    "Subscriptions",
    (
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Service Code", Kind.ID, required=True),
        Column("Quantity", Kind.DECIMAL),
        Column("Unit Price", Kind.MONEY),
        Column("Start Date", Kind.DATE, required=True, width=12),
        Column("End Date", Kind.DATE, width=12),
        Column("Unit Cost", Kind.MONEY),
        Column("Minimum Qty", Kind.DECIMAL, width=12),
    ),
)

USERS = Sheet(
    "Users",
    (
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("User Name", Kind.TEXT, required=True, width=24),
        Column("Email", Kind.TEXT, width=28),
        Column("Added On", Kind.DATE, required=True, width=12),
        Column("Removed On", Kind.DATE, width=12),
    ),
)

DEVICES = Sheet(
    "Devices",
    (
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Device Name", Kind.TEXT, required=True, width=24),
        Column("Device Type", Kind.TEXT),
        Column("Added On", Kind.DATE, required=True, width=12),
        Column("Removed On", Kind.DATE, width=12),
    ),
)

USAGE = Sheet(
    "Usage",
    (
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Period", Kind.PERIOD, required=True, width=10),
        Column("Service Code", Kind.ID, required=True),
        Column("Quantity", Kind.DECIMAL, required=True),
        Column("Invoice Number", Kind.ID, width=14),
    ),
)

WORKLOG = Sheet(
    "WorkLog",
    (
        Column("Entry ID", Kind.ID, required=True, width=10),
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Date", Kind.DATE, required=True, width=12),
        Column("Technician", Kind.TEXT),
        Column("Hours", Kind.DECIMAL, required=True, width=8),
        Column("Rate", Kind.MONEY, width=10),
        Column("Description", Kind.TEXT, required=True, width=40),
        Column("Project ID", Kind.ID, width=10),
        Column("Billable", Kind.YN, default=True, width=9),
        Column("Invoice Number", Kind.ID, width=14),
    ),
    id_column="Entry ID",
)

PROJECTS = Sheet(
    "Projects",
    (
        Column("Project ID", Kind.ID, required=True, width=10),
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Name", Kind.TEXT, required=True, width=36),
    ),
    required=False,
    id_column="Project ID",
)

PAYMENTS = Sheet(
    "Payments",
    (
        Column("Payment ID", Kind.ID, required=True, width=11),
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Date", Kind.DATE, required=True, width=12),
        Column("Amount", Kind.MONEY, required=True),
        Column("Method", Kind.CHOICE, default="ACH", choices=METHODS, width=9),
        Column("Status", Kind.CHOICE, default="cleared", choices=PAYMENT_STATUSES, width=10),
        Column("Return Code", Kind.TEXT, width=11),
        Column("Invoice Number", Kind.ID, width=14),
        Column("Reference", Kind.TEXT, width=20),
        Column("Debited Account", Kind.TEXT, width=28),  # written by `mspxl ach`: routing, ****6789, fingerprint
    ),
    required=False,
    id_column="Payment ID",
)

VENDOR_MAP = Sheet(
    "VendorMap",
    (
        Column("Vendor", Kind.CHOICE, choices=("microsoft", "pax8", "rmm", "generic"), width=11),
        Column("Vendor Customer", Kind.TEXT, width=30),
        Column("Client ID", Kind.ID, width=10),
        Column("Vendor Item", Kind.TEXT, width=34),
        Column("Service Code", Kind.ID),
    ),
    required=False,
    description="Vendor customers to clients and vendor items (SKU, device type) to services, for `mspxl reconcile`.",
)

CHARGES = Sheet(
    "Charges",
    (
        Column("Charge ID", Kind.ID, required=True, width=10),
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Date", Kind.DATE, required=True, width=12),
        Column("Description", Kind.TEXT, required=True, width=40),
        Column("Quantity", Kind.DECIMAL, required=True, width=9),
        Column("Unit Price", Kind.MONEY, required=True),
        Column("Taxable", Kind.YN, default=True, width=9),
        Column("Project ID", Kind.ID, width=10),
        Column("Invoice Number", Kind.ID, width=14),
    ),
    required=False,
    id_column="Charge ID",
    description="Materials and one-off charges, billed in arrears on the project's or the client's service invoice.",
)

TIERS = Sheet(
    "Tiers",
    (
        Column("Service Code", Kind.ID, required=True),
        Column("From Qty", Kind.DECIMAL, required=True, width=10),
        Column("Unit Price", Kind.MONEY, required=True),
    ),
    required=False,
    description="Volume price bands of per-user, per-device and flat services (with Services Tier Mode).",
)

BLOCKS = Sheet(
    "Blocks",
    (
        Column("Block ID", Kind.ID, required=True, width=10),
        Column("Client ID", Kind.ID, required=True, width=10),
        Column("Hours", Kind.DECIMAL, required=True, width=8),
        Column("Price", Kind.MONEY, required=True),
        Column("Purchased On", Kind.DATE, required=True, width=13),
        Column("Expires On", Kind.DATE, width=12),
        Column("Invoice Number", Kind.ID, width=14),
    ),
    required=False,
    id_column="Block ID",
    description="Prepaid blocks of support hours; billable work draws the oldest unexpired block down first.",
)

PRICE_CHANGES = Sheet(
    "Price Changes",
    (
        Column("Service Code", Kind.ID, required=True),
        Column("Client ID", Kind.ID, width=10),  # blank: every client (the catalogue price)
        Column("Effective From", Kind.PERIOD, required=True, width=14),
        Column("Unit Price", Kind.MONEY, required=True),
    ),
    required=False,
    description="Prices with effective dates: month M is billed at the price in effect on M's first day.",
)

INPUT_SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    SERVICES,
    CLIENTS,
    SUBSCRIPTIONS,
    USERS,
    DEVICES,
    USAGE,
    WORKLOG,
    PROJECTS,
    PAYMENTS,
    VENDOR_MAP,
    CHARGES,
    TIERS,
    BLOCKS,
    PRICE_CHANGES,
)

# Output sheets: (header, number format kind) where kind is "text", "date", "money", "int", "decimal".
INVOICES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Invoice Number", "text"),
    ("Client ID", "text"),
    ("Client Name", "text"),
    ("Type", "text"),
    ("Period", "text"),
    ("Issue Date", "date"),
    ("Due Date", "date"),
    ("Subtotal", "money"),
    ("Tax", "money"),
    ("Total", "money"),
    ("Billed Users", "int"),
    ("Billed Devices", "int"),
    ("Related Invoice", "text"),
    ("Project ID", "text"),
    ("File", "text"),
)

INVOICE_LINES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Invoice Number", "text"),
    ("Line", "int"),
    ("Service Code", "text"),
    ("Description", "text"),
    ("Quantity", "decimal"),
    ("Unit Price", "money"),
    ("Amount", "money"),
    ("Taxable", "text"),
)

COLLECTIONS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Client ID", "text"),
    ("Client Name", "text"),
    ("State", "text"),
    ("Since", "date"),
    ("Balance", "money"),
    ("Oldest Unpaid Invoice", "text"),
    ("Days Past Due", "int"),
    ("Fees Charged", "money"),
    ("Next Action", "text"),
    ("Next Action Date", "date"),
    ("Notes", "text"),
    ("As Of", "date"),
)

AGING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Client ID", "text"),
    ("Client Name", "text"),
    ("Current", "money"),
    ("1-30", "money"),
    ("31-60", "money"),
    ("61-90", "money"),
    ("Over 90", "money"),
    ("Total", "money"),
    ("As Of", "date"),
)

EXPORTS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Document Number", "text"),
    ("Format", "text"),
    ("Type", "text"),
    ("Period", "text"),
    ("Amount", "money"),
    ("File", "text"),
    ("Exported At", "text"),
)

# `mspxl reconcile`: its findings (rows of one period and vendor replaced by each run) and, with --propose, the changes
# it would make, for the accountant to make by hand.
RECONCILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Client ID", "text"),
    ("Service Code", "text"),
    ("Period", "text"),
    ("Billed Qty", "decimal"),
    ("Vendor Qty", "decimal"),
    ("Difference", "decimal"),
    ("Unit Price", "money"),
    ("Revenue at Stake", "money"),
    ("Unit Cost", "money"),
    ("Cost at Stake", "money"),
    ("Finding", "text"),
    ("Vendor", "text"),
    ("Vendor Customer", "text"),
    ("Vendor Item", "text"),
    ("Vendor File", "text"),
    ("Vendor Rows", "text"),
    ("Checked On", "date"),
)

PROPOSED_CHANGES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Client ID", "text"),
    ("Service Code", "text"),
    ("Change", "text"),
    ("Current Qty", "decimal"),
    ("Proposed Qty", "decimal"),
    ("Effective Date", "date"),
    ("Unit Price", "money"),
    ("Monthly Change", "money"),
    ("Reason", "text"),
    ("Subscriptions Row", "int"),
    ("Period", "text"),
    ("Vendor", "text"),
)

OUTPUT_KINDS = {"text": Kind.ID, "date": Kind.DATE, "money": Kind.AMOUNT, "int": Kind.DECIMAL,
                "decimal": Kind.AMOUNT}


def table_name(sheet_name: str) -> str:
    """The Excel table of a sheet is named after it, without the spaces a table name cannot hold
    (`Proposed Changes` -> `ProposedChanges`)."""
    return "".join(ch for ch in sheet_name if ch.isalnum() or ch == "_")


def output_sheet(name: str, columns: tuple[tuple[str, str], ...]) -> Sheet:
    """The reading schema of an output sheet (the register is read back on every run)."""
    return Sheet(name, tuple(Column(h, OUTPUT_KINDS[k], required=(i == 0)) for i, (h, k) in enumerate(columns)),
                 required=False)


OUTPUT_SHEETS: dict[str, tuple[tuple[str, str], ...]] = {
    "Invoices": INVOICES_COLUMNS,
    "InvoiceLines": INVOICE_LINES_COLUMNS,
    "Collections": COLLECTIONS_COLUMNS,
    "Aging": AGING_COLUMNS,
    "Runs": RUNS_COLUMNS,
    "Exports": EXPORTS_COLUMNS,
    "Reconcile": RECONCILE_COLUMNS,
    "Proposed Changes": PROPOSED_CHANGES_COLUMNS,
}

INVOICES = output_sheet("Invoices", INVOICES_COLUMNS)
INVOICE_LINES = output_sheet("InvoiceLines", INVOICE_LINES_COLUMNS)
COLLECTIONS = output_sheet("Collections", COLLECTIONS_COLUMNS)

SETTINGS_BY_KIND = {"pct": Kind.PCT, "money": Kind.MONEY, "yn": Kind.YN, "choice": Kind.CHOICE}
