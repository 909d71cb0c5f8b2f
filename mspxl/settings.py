"""The Settings sheet: every setting's name, default, description and how its value is read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class SettingDef:
    name: str  # as written in the Setting column
    field: str  # attribute of records.Settings
    kind: str  # text | int | pct | money | yn | months | currency
    default: object
    description: str
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()  # kind "choice": the values allowed


SETTING_DEFS: tuple[SettingDef, ...] = (
    SettingDef("Company Name", "company_name", "text", "Your MSP", "Your company's name, printed on every invoice."),
    SettingDef("Company Address", "company_address", "text", "", "Your postal address, printed on invoices."),
    SettingDef("Company Email", "company_email", "text", "", "Where clients send billing questions."),
    SettingDef("Company Phone", "company_phone", "text", "", "Your accounting department's phone number."),
    SettingDef("Currency", "currency", "currency", "USD", "ISO currency code of every amount in this workbook."),
    SettingDef("Locale", "locale", "locale", "en_US", "How amounts and dates are written on documents (e.g. en_US)."),
    SettingDef("Invoice Day", "invoice_day", "int", 5,
               "Day of the month managed invoices are issued (1-28); it is also the user-count cutoff.", 1, 28),
    SettingDef("ACH Day", "ach_day", "int", 1,
               "Day of the next month the ACH debit is pulled; every invoice of a run is due then (1-28).", 1, 28),
    SettingDef("Retry Days", "retry_days", "int", 7, "Days after a returned ACH debit that it is retried.", 1, 60),
    SettingDef("Retry Fee %", "retry_fee", "pct", Decimal("0.15"),
               "Processing fee charged on the first returned ACH debit, as a percentage of the returned amount."),
    SettingDef("Service Hold Days", "service_hold_days", "int", 30,
               "Days on credit hold with a balance before service hold (support refused, applications paused).",
               1, 365),
    SettingDef("Credit Hold Days", "credit_hold_days", "int", 30,
               "Days after the oldest unpaid due date before a late payer goes on credit hold.", 1, 365),
    SettingDef("True-Down Months", "true_down_months", "months", (1, 7),
               "Months (1-12, comma separated) in which user and device decreases take effect."),
    SettingDef("Invoice Prefix", "invoice_prefix", "text", "INV-", "Prefix of invoice numbers."),
    SettingDef("Credit Note Prefix", "credit_note_prefix", "text", "CN-", "Prefix of credit note numbers."),
    SettingDef("Number Width", "number_width", "int", 6, "Digits of the zero-padded invoice sequence.", 1, 12),
    SettingDef("Default Hourly Rate", "default_hourly_rate", "money", None,
               "Hourly rate for billable work when neither the WorkLog row nor the client has one."),
    SettingDef("Tax Labor", "tax_labor", "yn", False, "Y to charge tax on service and project work."),
    SettingDef("Tax Rounding", "tax_rounding", "rounding", "invoice",
               "invoice: tax rounded once on the sum of the taxable lines; line: each taxable line's tax rounded, "
               "then added (as Xero and several accounting systems do)."),
    SettingDef("Output Folder", "output_folder", "text", "",
               "Folder for documents; blank means a folder beside the workbook named after it."),
    SettingDef("Company ACH ID", "company_ach_id", "text", "",
               "The 10-character company identification your bank assigned for ACH debits."),
    SettingDef("Originating Bank Routing", "originating_bank_routing", "text", "",
               "Routing number of your bank, which sends the ACH debits."),
    SettingDef("Originating Bank Name", "originating_bank_name", "text", "", "Name of your bank."),
    SettingDef("Margin Floor", "margin_floor", "pct", Decimal("0.20"),
               "Clients whose margin on managed services is below this percentage are flagged in the monthly summary."),
    SettingDef("Entry Description", "entry_description", "text", "MSP BILL",
               "What the client's bank statement shows for the debit (10 characters)."),
    SettingDef("Accounting System", "accounting_system", "text", "",
               "Where invoices are posted: qbo (QuickBooks Online), iif (QuickBooks Desktop) or xero."),
    SettingDef("Accounting Date Format", "accounting_date_format", "text", "",
               "Dates in the export: MM/DD/YYYY or DD/MM/YYYY; blank: the system's own (Xero DD/MM/YYYY)."),
    SettingDef("Accounting Income Account", "accounting_income_account", "text", "",
               "Income account of work, fees and credits, and of services without their own Income Account."),
    SettingDef("Accounting Exempt Tax Code", "accounting_exempt_tax_code", "text", "",
               "Tax code of an untaxed line; blank: NON (QuickBooks Online), Tax Exempt (Xero)."),
    SettingDef("Accounting Rounding Account", "accounting_rounding_account", "text", "860",
               "Xero account of the rounding line that keeps each total the register's to the cent."),
    SettingDef("Accounting Sales Tax Item", "accounting_sales_tax_item", "text", "Sales Tax",
               "QuickBooks Desktop sales tax item of the tax line."),
    SettingDef("Prorate Additions", "prorate_additions", "choice", "none",
               "none: users and devices added mid-cycle on quarterly and annual clients wait for the next cycle "
               "invoice; daily: they are billed on the next monthly run, prorated by the days left in the cycle.",
               choices=("none", "daily")),
    SettingDef("Debit Return Fee", "debit_return_fee", "yn", True,
               "Y to debit the processing fee of a returned ACH debit (R01/R09) as a separate RETURN FEE entry on "
               "the retry date; N to leave the fee invoice for the client to pay."),
    SettingDef("Return Fee Cap", "return_fee_cap", "money", None,
               "Most a returned-payment processing fee may be (the law of many states caps it); blank: no cap."),
    SettingDef("Remittance", "remittance", "text", "",
               "How a client pays by check or wire (payee, address, bank details), printed on every invoice and "
               "notice that asks for payment."),
)

SETTINGS_BY_KEY = {"".join(c for c in d.name.lower() if c not in " _"): d for d in SETTING_DEFS}



def default_text(defn: SettingDef) -> object:
    """The default as it is written into a new workbook's Settings sheet."""
    if defn.kind == "months":
        return ",".join(str(m) for m in defn.default)  # type: ignore[attr-defined]
    if defn.kind == "yn":
        return "Y" if defn.default else "N"
    if defn.default is None:
        return None
    return defn.default
