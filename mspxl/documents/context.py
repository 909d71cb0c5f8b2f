"""What an invoice template is given: every field already written as text, in the workbook's currency and locale.

`invoice_context(invoice, client, settings, project_name)` returns a plain dict. Amounts are formatted with Babel
(`format_currency` in Settings `Currency` and `Locale`), dates in the locale's long format (`December 1, 2026` in
en_US, `1 December 2026` in en_GB), quantities without trailing zeros and the tax rate as a percentage. A field that
has nothing to say is the empty string, never missing, so a template can test it with `{% if field %}`.

Fields every template gets (text, except the true/false `taxed` and `autopay` and the list `lines`):

- `company_name`, `company_address`, `company_email`, `company_phone`: Settings, as written there.
- `company_lines`: the company's address lines, email and phone, one per line.
- `company_contact`: email and phone on one line, `billing@northwind.example · (512) 555-0100`.
- `client_id`, `client_name`, `contact_name`, `client_address`, `client_email`: the Clients row (the name as
  the register records it on the invoice).
- `bill_to_lines`: `Attn: <contact name>`, the address lines and the email, one per line.
- `invoice_number`, `invoice_type` (`managed`, `service`, `project`, `fee`, `credit`).
- `title`: `Managed Services Invoice`, `Service Invoice`, `Project Invoice: Cloud phones`, `Processing Fee`.
- `period` (`2026-11`) and `period_label` (`November 2026`).
- `issue_date`, `due_date`: `November 5, 2026`, `December 1, 2026`.
- `lines`: a list; each line has `number`, `service_code`, `description`, `quantity` (`2.5`), `unit` (`hour`),
  `unit_price` (`$95.00`, or `$0.125` for a price finer than cents), `amount` (`$237.50`), `taxable` (`Y` or empty),
  `tax_mark` (`T` on a taxable line of an invoice that charges tax, else empty).
- `subtotal`, `tax`, `total`: `$1,140.00`, `$94.05`, `$1,234.05`; `tax_rate`: `8.25%`; `taxable_amount`: the sum of
  the taxable lines the tax is charged on, `$1,140.00` (the documents say "Sales tax 8.25% on $1,140.00").
- `sections`: the lines under their headings, a list; each section has `title` (`Labor`, `Materials`, ...),
  `lines` (as above) and `subtotal` (`$845.00`). An invoice of one kind of line has one section whose `title` and
  `subtotal` are empty; a project invoice always titles its sections (Labor, Materials).
- `project_total_to_date`: on a project invoice, the project's invoices to date, this one included (`$2,430.00`).
  On a combined invoice, the last section of each project has `project` (`Project Network refresh`) and
  `project_total_to_date`: everything billed for the project to date, this invoice's part included.
- `taxed`: true when the invoice charges any tax (templates show Subtotal and Tax only then).
- `billed_users`, `billed_devices`: `12`, `30`; empty unless the invoice records a count (managed invoices).
- `project_id`: the Project ID; `project_name`: the project's name, or its ID when no name is given.
- `related_invoice`: the invoice a credit note corrects; empty on a fee (its Related Invoice is the returned debit's
  Payment ID, which the client never saw: the fee's line names the invoice the debit paid).
- `prepaid_hours`: the client's prepaid blocks of hours once this run's work is drawn (`B1: 6.5 h left`); empty
  for a client with none.
- `autopay`: true when the client pays by ACH debit.
- `debited`: true when the invoice will really be debited by ACH on its due date: the client pays by ACH, and a
  fee invoice is debited only under Settings `Debit Return Fee` Y. Otherwise the invoice says how to pay.
- `debit_date`: the day the ACH debit is pulled when `debited` (the ACH day, also under payment terms), else
  empty.
- `remittance`: how to pay by check or wire (Settings `Remittance`), its lines kept.
- `account_last4`: `6789`, the last four digits of the client's bank account; empty when unknown or too short.
- `retry_fee_rate`: `15%`, the processing fee charged on a returned ACH debit (Settings `Retry Fee %`).

Only the last four digits of a bank account ever reach a document; the routing number never does.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from mspxl.billing.terms import debit_date
from mspxl.billing.totals import taxable_amount
from mspxl.records import Client, Invoice, InvoiceLine, Settings

TITLES = {
    "managed": "Managed Services Invoice",
    "service": "Service Invoice",
    "project": "Project Invoice",
    "combined": "Invoice",
    "fee": "Processing Fee",
    "credit": "Credit Note",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\x0b\x0c]+")


@lru_cache(maxsize=1 << 16)  # a month's documents repeat the same names, codes, units and settings many times
def one_line(value: str) -> str:
    """Text as it may appear on one line of a document: control characters and line breaks become single spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", value or "")).strip()


def text_lines(value: str) -> list[str]:
    """The non-blank lines of a multi-line cell (an address typed with Alt+Enter), each cleaned as `one_line`."""
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [cleaned for cleaned in (one_line(line) for line in lines) if cleaned]


def babel_locale(settings: Settings) -> str:
    """Settings `Locale` as Babel reads it (`en-US` and `en_US` both mean American English)."""
    return (settings.locale or "en_US").replace("-", "_")


# Babel formats each amount from its locale data on every call; a month's documents repeat the same prices, totals
# and dates many times, so each text is made once per run. The cache key is the value's exact text (Decimal('1.5')
# and Decimal('1.50') are equal but may be shown differently), the currency and the locale.
@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


@lru_cache(maxsize=1 << 16)
def _currency(amount: str, currency: str, locale: str, quantize: bool) -> str:
    return format_currency(Decimal(amount), currency, locale=_locale(locale), decimal_quantization=quantize)


@lru_cache(maxsize=1 << 12)
def _decimal(value: str, locale: str, percent: bool) -> str:
    number, where = Decimal(value), _locale(locale)
    if percent:
        return format_percent(number, locale=where, decimal_quantization=False)
    return format_decimal(number, locale=where, decimal_quantization=False)


@lru_cache(maxsize=1 << 12)
def _date(day: date, locale: str) -> str:
    return format_date(day, format="long", locale=_locale(locale))


def money_text(amount: Decimal, settings: Settings) -> str:
    """An amount in the workbook's currency, written the locale's way: `$1,234.50`."""
    return _currency(str(amount), settings.currency, babel_locale(settings), True)


def price_text(amount: Decimal, settings: Settings) -> str:
    """A unit price: like `money_text`, but a price finer than cents keeps its digits (`$0.125` per GB)."""
    return _currency(str(amount), settings.currency, babel_locale(settings), False)


def quantity_text(quantity: Decimal, settings: Settings) -> str:
    """A quantity without trailing zeros: 3.00 -> `3`, 2.50 -> `2.5`, 1000 -> `1,000`."""
    whole = quantity == quantity.to_integral_value()
    shown = quantity.quantize(Decimal(1)) if whole else quantity.normalize()
    return _decimal(str(shown), babel_locale(settings), False)


def rate_text(rate: Decimal, settings: Settings) -> str:
    """A fraction as a percentage: 0.0825 -> `8.25%`."""
    return _decimal(str(rate), babel_locale(settings), True)


def date_text(day: date, settings: Settings) -> str:
    """A date in the locale's long format: `December 1, 2026` (en_US), `1 December 2026` (en_GB). Every date a
    document shows is written by this function: header dates, and the dates inside texts (`dated_text`)."""
    return _date(day, babel_locale(settings))


_ISO_DAY = re.compile(r"(?<![\w-])(\d{4})-(\d{2})(?:-(\d{2}))?(?![\w-])")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SHORT_MONTH = re.compile(r"(?<![\w-])(" + "|".join(_MONTHS) + r") (\d{4})(?![\w-])")  # billing's `Dec 2026`


def dated_text(value: str, settings: Settings) -> str:
    """Text for one line of a document (as `one_line`) with each ISO date in it written as `date_text` writes
    dates, and each YYYY-MM month as `period_label` writes it: `2026-09-08 Core switch replacement` -> `September 8,
    2026 Core switch replacement`, `managed services 2026-11, due 2026-12-01` -> `managed services November 2026,
    due December 1, 2026`; the short months of cycle and usage lines (`Dec 2026`, as the register writes them) in
    the locale's short form (`Dez. 2026` in de_DE; unchanged in English). The register keeps the ISO dates it was
    issued with (sortable, the same in every language); only the document is localised. Digits that are no real
    date (`2026-02-30`, `2026-13`) stay."""
    return _dated(one_line(value), babel_locale(settings))


@lru_cache(maxsize=1 << 14)
def _dated(text: str, locale: str) -> str:
    def written(match: re.Match[str]) -> str:
        year, month, day = match.group(1, 2, 3)
        try:
            first = date(int(year), int(month), int(day or 1))
        except ValueError:
            return match.group(0)
        return _date(first, locale) if day else _month(first, locale)

    def short(match: re.Match[str]) -> str:
        first = date(int(match.group(2)), _MONTHS.index(match.group(1)) + 1, 1)
        return format_skeleton("yMMM", first, locale=_locale(locale))

    text = _ISO_DAY.sub(written, text) if "-" in text else text
    return _SHORT_MONTH.sub(short, text) if not locale.startswith("en") else text


# The numbers the product itself writes into a description, told apart by the words around them: an amount of
# money after `at`, `of`, `for`, `fee` or a tier band (`at 1200.00`, `payment of 500.00`, `11-25 115.00`, always
# two decimals), and a quantity before its unit or count word (`1262.5 GB used`, `250 GB included`, `6.5 h left`,
# `1200 users at the 51+ price`, `2 users added on`, `minimum 12 users (10 counted)`). Any other digits (a ticket
# number in a work description, a year, a prorated `266/365 days`) stay as written.
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)"
_AMOUNT = re.compile(r"(?:(?<=\bat )|(?<=\bof )|(?<=\bfor )|(?<=\bfee )|(?<=\d )|(?<=\d\+ ))"
                     rf"({_NUMBER}\.\d{{2}})(?![\w.,]?\d)(?!\w)")
_QUANTITY = re.compile(rf"(?<![\w.,/$+-])({_NUMBER}(?:\.\d+)?)(?![\w.,/-]?\d)"
                       r"(?=(?: [^\W\d]+)? (?:used|included)\b| [^\W\d]+ (?:at the|added on)\b| h\b| counted\b)"
                       r"|(?<=\bminimum )(\d+)(?= )")
# A tier band's bounds (`1001-5000`, `5001+`) where a band is named: before its price or `price`, or after the
# seat noun that opens a graduated line (`Seats, Dec 2026: users 1001-5000`).
_BAND = re.compile(r"(?:(?<=\d )|(?<=the )|(?<=tiers )|(?<=, )|(?<=\w: [a-z]{5} )|(?<=\w: [a-z]{7} ))"
                   r"(\d+)(?:-(\d+)|\+)(?= price\b| \d[\d,]*\.\d\d\b|,| \(|$)")


def described_text(value: str, settings: Settings) -> str:
    """A description as the client reads it (a line's, a statement row's, the next action on a notice): its
    dates as `dated_text` writes them, the amounts of money in it as `money_text` writes them and its quantities
    grouped the locale's way: `Offsite backup, Nov 2026: 1262.5 GB used, 250 GB included` -> `..: 1,262.5 GB used,
    250 GB included` (`1.262,5 GB` in de_DE), `prorated 266/365 days of Dec 2026 at 1200.00` -> `.. at $1,200.00`,
    `ACH payment of 500.00 returned` -> `ACH payment of $500.00 returned`. The register keeps the plain numbers it
    was issued with; only the document is localised."""
    return dated_text(_numbered(one_line(value), settings.currency, babel_locale(settings)), settings)


@lru_cache(maxsize=1 << 14)
def _numbered(text: str, currency: str, locale: str) -> str:
    if not any(ch.isdigit() for ch in text):
        return text

    def amount(match: re.Match[str]) -> str:
        return _currency(match.group(1).replace(",", ""), currency, locale, True)

    def quantity(match: re.Match[str]) -> str:
        return _decimal((match.group(1) or match.group(2)).replace(",", ""), locale, False)

    def band(match: re.Match[str]) -> str:
        low, high = match.group(1, 2)
        shown = _decimal(low, locale, False)
        return f"{shown}-{_decimal(high, locale, False)}" if high else f"{shown}+"

    return _QUANTITY.sub(quantity, _AMOUNT.sub(amount, _BAND.sub(band, text)))


def period_label(period: str, settings: Settings) -> str:
    """A `YYYY-MM` period as month and year: `November 2026`. Anything else is shown as written."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return one_line(period)
    return _month(date(int(match.group(1)), int(match.group(2)), 1), babel_locale(settings))


@lru_cache(maxsize=1 << 10)
def _month(first: date, locale: str) -> str:
    return format_skeleton("yMMMM", first, locale=_locale(locale))


def account_last4(bank_account: str) -> str:
    """The last four digits of a bank account, or "" when it has four digits or fewer (which would show it whole)."""
    digits = "".join(ch for ch in bank_account or "" if ch.isdigit())
    return digits[-4:] if len(digits) > 4 else ""


def line_context(line: InvoiceLine, settings: Settings) -> dict[str, str]:
    return {
        "number": str(line.line),
        "service_code": one_line(line.service_code),
        "description": described_text(line.description, settings),
        "quantity": quantity_text(line.quantity, settings),
        "unit": one_line(line.unit),
        "unit_price": price_text(line.unit_price, settings),
        "amount": money_text(line.amount, settings),
        "taxable": "Y" if line.taxable else "",
    }


def sections_context(invoice: Invoice, shown: list[dict[str, str]], settings: Settings) -> list[dict[str, Any]]:
    """The invoice's lines (`shown`: their contexts, in the same order) grouped under their sections, in order.
    Headings and section subtotals show when the invoice has more than one section, and always on a project
    invoice and a One Invoice client's combined invoice."""
    groups: list[tuple[str, list[InvoiceLine], list[dict[str, str]]]] = []
    for line, text in zip(invoice.lines, shown, strict=True):
        if not groups or groups[-1][0] != line.section:
            groups.append((line.section, [], []))
        groups[-1][1].append(line)
        groups[-1][2].append(text)
    titled = len(groups) > 1 or invoice.type in ("project", "combined")
    sections = [
        {
            "title": one_line(title) if titled else "",
            "lines": texts,
            "subtotal": money_text(sum((ln.amount for ln in lines), start=Decimal(0)), settings)
            if titled and title else "",
            "project": "",
            "project_total_to_date": "",
        }
        for title, lines, texts in groups
    ]
    for heading, to_date in invoice.project_totals:  # under the last section of each project
        mine = [i for i, (title, _, _) in enumerate(groups) if title == heading or title.startswith(f"{heading}: ")]
        if mine:
            sections[mine[-1]].update(project=one_line(heading),
                                      project_total_to_date=money_text(to_date, settings))
    return sections


_sender: list[tuple[Settings, dict[str, str]]] = []  # the last settings' sender fields: one workbook per run


def _sender_context(settings: Settings) -> dict[str, str]:
    if _sender and _sender[0][0] is settings:
        return _sender[0][1]
    email = one_line(settings.company_email)
    phone = one_line(settings.company_phone)
    address = text_lines(settings.company_address)
    fields = {
        "company_name": one_line(settings.company_name),
        "company_address": "\n".join(address),
        "company_email": email,
        "company_phone": phone,
        "company_lines": "\n".join([*address, *(t for t in (email, phone) if t)]),
        "company_contact": " · ".join(t for t in (email, phone) if t),
    }
    _sender[:] = [(settings, fields)]
    return fields


def party_context(settings: Settings, client: Client) -> dict[str, Any]:
    """The sender and the addressee, as every invoice, notice and statement shows them."""
    contact = one_line(client.contact_name)
    client_address = text_lines(client.address)
    client_email = one_line(client.email)
    return {
        **_sender_context(settings),
        "client_id": one_line(client.id),
        "client_name": one_line(client.name),
        "contact_name": contact,
        "greeting": contact or one_line(client.name),
        "client_address": "\n".join(client_address),
        "client_email": client_email,
        "bill_to_lines": "\n".join(
            [f"Attn: {contact}"] * bool(contact) + client_address + [client_email] * bool(client_email)
        ),
        "autopay": client.autopay,
        "remittance": "\n".join(text_lines(settings.remittance)),
        "account_last4": account_last4(client.bank_account) if client.autopay else "",
    }


def invoice_context(invoice: Invoice, client: Client, settings: Settings, project_name: str = "") -> dict[str, Any]:
    """Every field an invoice template uses, as formatted text (see the module docstring for the list)."""
    party = party_context(settings, client)
    project = one_line(project_name) or one_line(invoice.project_id)
    title = TITLES.get(invoice.type, "Invoice")
    if invoice.type == "project" and project:
        title = f"{title}: {project}"
    due_date = date_text(invoice.due_date, settings)
    taxed = invoice.tax != 0
    lines = [{**line_context(line, settings), "tax_mark": "T" if taxed and line.taxable else ""}
             for line in invoice.lines]
    debited = client.autopay and (invoice.type != "fee" or settings.debit_return_fee)
    return {
        **party,
        "client_name": one_line(invoice.client_name) or party["client_name"],
        "invoice_number": one_line(invoice.number),
        "invoice_type": invoice.type,
        "title": title,
        "period": one_line(invoice.period),
        "period_label": period_label(invoice.period, settings),
        "issue_date": date_text(invoice.issue_date, settings),
        "due_date": due_date,
        "lines": lines,
        "sections": sections_context(invoice, lines, settings),
        "project_total_to_date": "" if invoice.project_to_date is None
        else money_text(invoice.project_to_date, settings),
        "subtotal": money_text(invoice.subtotal, settings),
        "tax": money_text(invoice.tax, settings),
        "tax_rate": rate_text(invoice.tax_rate, settings),
        "taxable_amount": money_text(taxable_amount(invoice.lines), settings),
        "taxed": taxed,
        "total": money_text(invoice.total, settings),
        "billed_users": "" if invoice.billed_users is None else str(invoice.billed_users),
        "billed_devices": "" if invoice.billed_devices is None else str(invoice.billed_devices),
        "project_id": one_line(invoice.project_id),
        "project_name": project,
        "related_invoice": "" if invoice.type == "fee" else one_line(invoice.related_invoice),
        "prepaid_hours": described_text(invoice.prepaid_hours, settings),
        "debited": debited,
        "debit_date": date_text(debit_date(invoice, settings), settings) if debited else "",
        "retry_fee_rate": rate_text(settings.retry_fee, settings),
    }
