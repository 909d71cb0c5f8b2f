"""Each vendor format's columns, as the vendor documents them (sources in docs/reconcile.md), and telling a file's
format from its headings.

A field lists the headings it goes by, first the one the vendor documents; a file's heading matches ignoring case,
spaces and underscores (`CustomerName` = `Customer Name` = `customer_name`), so the portal's CSV and the API's field
names (`companyName`) both read.
"""

from __future__ import annotations

from dataclasses import dataclass

from mspxl.reconcile.model import FORMATS
from mspxl.schema import header_key


@dataclass(frozen=True)
class Field:
    names: tuple[str, ...]  # the headings it goes by; names[0] is the one shown in messages
    required: bool = False

    @property
    def title(self) -> str:
        return self.names[0]


def fields(*names: str, required: bool = False) -> Field:
    return Field(names, required)


COLUMNS: dict[str, dict[str, Field]] = {
    # Partner Center, new commerce invoice reconciliation file (learn.microsoft.com, modern-invoice-reconciliation-file)
    "microsoft": {
        "customer": fields("CustomerName", "CustomerCompanyName", required=True),
        "domain": fields("CustomerDomainName"),
        "customer_id": fields("CustomerId"),
        "item": fields("SkuName", required=True),
        "product": fields("ProductName"),
        "sku_id": fields("SkuId"),
        "charge_type": fields("ChargeType", required=True),
        "quantity": fields("BillableQuantity", "Quantity", required=True),
        "unit_cost": fields("EffectiveUnitPrice", "UnitPrice"),
        "start": fields("ChargeStartDate"),
        "end": fields("ChargeEndDate"),
        "subscription": fields("SubscriptionId"),
    },
    # Pax8 invoice items, as the partner portal's invoice export and the API (devx.pax8.com) name them
    "pax8": {
        "customer": fields("Company Name", "companyName", required=True),
        "item": fields("SKU", "Product SKU", required=True),
        "product": fields("Product Name", "productName"),
        "quantity": fields("Quantity", required=True),
        "unit_cost": fields("Cost", "Unit Cost", "Price"),
        "charge_type": fields("Charge Type", "chargeType"),
        "start": fields("Start Period", "startPeriod", "Start Date"),
        "end": fields("End Period", "endPeriod", "End Date"),
        "subscription": fields("Subscription ID", "subscriptionId"),
    },
    # The generic layout, for any other vendor (a backup or antivirus portal's billing report, retyped)
    "generic": {
        "customer": fields("Vendor Customer", required=True),
        "item": fields("Vendor Item", required=True),
        "quantity": fields("Quantity", required=True),
        "unit_cost": fields("Unit Cost"),
        "period": fields("Period"),
    },
    # A device list exported from an RMM: NinjaOne's device search grid (Organization, Display Name, Device Type or
    # the API's nodeClass) and Datto RMM's device list (Site Name, Hostname, Device Type)
    "rmm": {
        "customer": fields("Organization", "Organization Name", "organizationName", "Site Name", "siteName",
                           "Site", "Client", "Client Name", "Customer", required=True),
        "device": fields("Display Name", "displayName", "Device Name", "Hostname", "System Name", "systemName",
                         "Device", "Name", required=True),
        "item": fields("Device Type", "deviceType", "Node Class", "nodeClass", "Device Class", "deviceClass",
                       "Type", "Role", "Category", required=True),
    },
}

FORMAT_TITLES = {
    "microsoft": "a Microsoft Partner Center (new commerce) reconciliation file",
    "pax8": "a Pax8 invoice export",
    "rmm": "an RMM device export (NinjaOne, Datto RMM)",
    "generic": "the generic layout (Vendor Customer, Vendor Item, Quantity, Unit Cost)",
}
DETECT_ORDER = ("microsoft", "pax8", "generic", "rmm")


class UnknownFormat(ValueError):
    """A --format that is not one of FORMATS, or a file whose headings match none of them."""


def check_format(name: str) -> str:
    wanted = name.strip().lower()
    if wanted not in FORMATS:
        raise UnknownFormat(f'"{name}" is not a vendor format: use one of {", ".join(FORMATS)}.')
    return wanted


def locate(headers: tuple[str, ...], fmt: str) -> tuple[dict[str, int], list[str]]:
    """Field -> column index of the file, and the headings of the required fields the file lacks."""
    keys = {header_key(h): i for i, h in reversed(list(enumerate(headers))) if h}
    found: dict[str, int] = {}
    missing: list[str] = []
    for name, field in COLUMNS[fmt].items():
        index = next((keys[header_key(n)] for n in field.names if header_key(n) in keys), None)
        if index is not None:
            found[name] = index
        elif field.required:
            missing.append(field.title)
    return found, missing


def detect_format(headers: tuple[str, ...], file_name: str) -> str:
    """The first format (Microsoft, Pax8, generic, RMM) whose required headings the file has."""
    for fmt in DETECT_ORDER:
        if not locate(headers, fmt)[1]:
            return fmt
    shown = ", ".join(h for h in headers if h) or "none"
    raise UnknownFormat(
        f"{file_name}: cannot tell which vendor's file this is: its headings in the first row ({shown}) are not "
        f"those of {', '.join(FORMAT_TITLES[f] for f in DETECT_ORDER[:-1])} or {FORMAT_TITLES['rmm']}; "
        "give the format with --format.")


def missing_columns_sentence(file_name: str, fmt: str, missing: list[str], headers: tuple[str, ...]) -> str:
    shown = ", ".join(h for h in headers if h) or "none"
    needed = ", ".join(f.title for f in COLUMNS[fmt].values() if f.required)
    return (f"{file_name} row 1 (the headings): no {' or '.join(missing)} column, so it is not {FORMAT_TITLES[fmt]} "
            f"(it needs {needed}; the file has {shown}).")
