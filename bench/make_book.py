"""A spec-conformant workbook of N clients for the benchmark: `python bench/make_book.py N [--out PATH]`.

Each client has about 20 users, 6 devices, 10 work-log rows in the benchmark period and 12 payments; models
(flat, per user, per device, usage) and frequencies (monthly, quarterly, annual) are mixed. The layout is
`mspxl init`'s (build_workbook / fill_sheet), so the book reads exactly as an accountant's would.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mspxl import schema  # noqa: E402
from mspxl.init_book import build_workbook, fill_sheet, save_workbook, write_settings  # noqa: E402

PERIOD = "2026-11"
TODAY = date(2026, 11, 25)
SEED = 7

SERVICES: tuple[dict[str, object], ...] = (
    {"Service Code": "BASE", "Name": "Managed IT base plan", "Model": "flat", "Unit Price": Decimal("450.00"),
     "Unit": "month", "Taxable": "Y"},
    {"Service Code": "STANDARD", "Name": "Standard support package", "Model": "per_user",
     "Unit Price": Decimal("125.00"), "Unit": "user", "Taxable": "Y"},
    {"Service Code": "M365", "Name": "Microsoft 365 Business Premium", "Model": "per_user",
     "Unit Price": Decimal("22.00"), "Unit": "license", "Taxable": "N"},
    {"Service Code": "SERVER", "Name": "Server monitoring and patching", "Model": "per_device",
     "Unit Price": Decimal("95.00"), "Unit": "server", "Taxable": "Y", "Device Type": "Server"},
    {"Service Code": "WKS", "Name": "Workstation management", "Model": "per_device",
     "Unit Price": Decimal("30.00"), "Unit": "device", "Taxable": "Y", "Device Type": "Workstation"},
    {"Service Code": "STORAGE", "Name": "Cloud file storage", "Model": "usage", "Unit Price": Decimal("0.15"),
     "Included Qty": Decimal(500), "Unit": "GB", "Taxable": "N"},
)
PLANS = (("BASE", "STANDARD"), ("STANDARD", "WKS"), ("M365", "SERVER", "STORAGE"), ("BASE", "WKS", "STORAGE"))
FREQUENCIES = ("monthly",) * 6 + ("quarterly",) * 3 + ("annual",)
TASKS = ("Printer driver update", "Cabling: 2 drops", "Firewall rule change", "New user setup",
         "+ VPN troubleshooting", "Backup restore test", "@mention follow-up", "-- password reset --")


def book_rows(n: int, seed: int = SEED) -> dict[str, list[dict[str, object]]]:
    """Rows for every input sheet, by sheet name."""
    rng = random.Random(seed)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in
                                                ("Clients", "Subscriptions", "Users", "Devices", "Usage",
                                                 "WorkLog", "Projects", "Payments")}
    entry = payment = 0
    for index in range(1, n + 1):
        cid = f"C{index:05d}"
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 600))
        frequency = FREQUENCIES[index % len(FREQUENCIES)]
        rows["Clients"].append({
            "Client ID": cid, "Name": f"Client {index} & Sons, Inc.", "Email": f"billing{index}@client.example",
            "Contact First Name": "Pat", "Contact Last Name": f"Lee {index}",
            "Address": f"{100 + index} Main St, Springfield", "Status": "active", "Start Date": start,
            "Frequency": frequency, "Tax Rate": Decimal("0.0825") if index % 3 == 0 else Decimal(0),
            "Autopay": "Y" if index % 2 else "N", "Bank Routing": "021000021", "Bank Account": f"{index:09d}",
            "Hourly Rate": Decimal("140.00") if index % 4 == 0 else None,
        })
        plan = PLANS[index % len(PLANS)]
        for code in plan:
            rows["Subscriptions"].append({"Client ID": cid, "Service Code": code, "Start Date": start})
            if code == "STORAGE":
                rows["Usage"].append({"Client ID": cid, "Period": PERIOD, "Service Code": code,
                                      "Quantity": Decimal(rng.randrange(300, 2000))})
        for user in range(rng.randrange(17, 24)):
            removed = date(2026, 11, rng.randrange(1, 28)) if user == 0 and index % 5 == 0 else None
            rows["Users"].append({"Client ID": cid, "User Name": f"User {user} of {cid}",
                                  "Email": f"u{user}@c{index}.example", "Added On": start, "Removed On": removed})
        for device in range(6):
            kind = "Server" if device == 0 else "Workstation"
            rows["Devices"].append({"Client ID": cid, "Device Name": f"{cid}-D{device}", "Device Type": kind,
                                    "Added On": start})
        project = f"P{index:05d}" if index % 7 == 0 else None
        if project:
            rows["Projects"].append({"Project ID": project, "Client ID": cid, "Name": f"Office move {index}"})
        for item in range(10):
            entry += 1
            rows["WorkLog"].append({
                "Entry ID": f"W{entry:07d}", "Client ID": cid, "Date": date(2026, 10, 1 + item * 2),
                "Technician": "Alex", "Hours": Decimal(rng.choice(("0.5", "1", "1.25", "2", "3.5"))),
                "Description": TASKS[(index + item) % len(TASKS)],
                "Project ID": project if project and item < 3 else None,
                "Billable": "N" if item == 9 else "Y",
            })
        for month in range(12):
            payment += 1
            paid = date(2025, 11, 10) + timedelta(days=30 * month)
            rows["Payments"].append({
                "Payment ID": f"PAY{payment:07d}", "Client ID": cid, "Date": paid,
                "Amount": Decimal(rng.randrange(50000, 400000)) / 100, "Method": "ACH", "Status": "cleared",
                "Reference": f"REF-{payment}",
            })
    return rows


def make_book(n: int, out: Path, seed: int = SEED) -> Path:
    """Write the N-client workbook to `out` (overwriting it) and return its path."""
    book = build_workbook()
    write_settings(book[schema.SETTINGS.name],
                   {"Company Name": "Bench Managed IT", "Default Hourly Rate": Decimal("150.00")})
    fill_sheet(book["Services"], schema.SERVICES, SERVICES)
    sheets = {sheet.name: sheet for sheet in schema.INPUT_SHEETS}
    for name, data in book_rows(n, seed).items():
        fill_sheet(book[name], sheets[name], data)
    save_workbook(book, out, overwrite=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=250, help="number of clients (default 250)")
    parser.add_argument("--out", type=Path, default=None, help="workbook path (default bench/out/book-N.xlsx)")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).resolve().parent / "out" / f"book-{args.n}.xlsx"
    make_book(args.n, out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
