"""Billed Users counts people, not line quantities: on the register, the document and the summary.

C1: 6 users, two per-user services (STD helpdesk 100.00 and M365 12.50 a user); 2 servers and 3 workstations,
with SRV (servers, 75.00) and AV (every device, 5.00). November: STD 6 x 100 = 600.00, M365 6 x 12.50 = 75.00,
SRV 2 x 75 = 150.00, AV 5 x 5 = 25.00; 6 users and 5 devices billed (not 12 and 7).
C2: 9 users, STD and M365: 9 users billed (not 18). The summary's users: 6 + 9 = 15 people.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from bookdata import SERVICES, book_of, client
from scenario import amounts, managed, run_periods
from test_documents import document_text

from mspxl.documents import InvoiceRenderer, default_template_dir
from mspxl.summary import build_summary

START = date(2026, 1, 1)
M365 = {"Service Code": "M365", "Name": "Microsoft 365 Business", "Model": "per_user", "Unit Price": "12.50"}


def test_users_and_devices_are_counted_once_on_register_document_and_summary(tmp_path: Path) -> None:
    subs = [{"Client ID": cid, "Service Code": code, "Start Date": START}
            for cid, codes in (("C1", ("STD", "M365", "SRV", "AV")), ("C2", ("STD", "M365"))) for code in codes]
    book = book_of({
        "Services": SERVICES + [M365],
        "Clients": [client("C1"), client("C2")],
        "Subscriptions": subs,
        "Users": [{"Client ID": "C1", "User Name": f"a{i}", "Added On": START} for i in range(6)]
        + [{"Client ID": "C2", "User Name": f"b{i}", "Added On": START} for i in range(9)],
        "Devices": [{"Client ID": "C1", "Device Name": f"s{i}", "Device Type": "Server", "Added On": START}
                    for i in range(2)]
        + [{"Client ID": "C1", "Device Name": f"w{i}", "Device Type": "Workstation", "Added On": START}
           for i in range(3)],
    })
    book, issued = run_periods(book, "2026-11")
    c1, c2 = managed(issued["2026-11"], "C1"), managed(issued["2026-11"], "C2")
    assert amounts(c1) == [("STD", "6", "600.00"), ("M365", "6", "75.00"), ("SRV", "2", "150.00"),
                           ("AV", "5", "25.00")]
    assert (c1.billed_users, c1.billed_devices) == (6, 5)
    assert (c2.billed_users, c2.billed_devices) == (9, None)
    assert c1.subtotal == Decimal("850.00")

    path = InvoiceRenderer(default_template_dir()).render(c1, book.client("C1"), book.settings, tmp_path)
    text = document_text(path)
    assert "Users billed\n6" in text and "Devices billed\n5" in text
    assert "Users billed\n12" not in text

    summary = build_summary(book, "2026-11", date(2026, 12, 1))
    assert summary.users.billed == 15
    assert {r.client_id: r.billed_users for r in summary.revenue_by_client} == {"C1": 6, "C2": 9}
    assert summary.devices.billed == 5

