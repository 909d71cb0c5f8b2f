"""Helpers shared by the ACH, returns and delivery tests: a workbook with the originator settings, a Payments
sheet that accepts `pending`, and a NACHA reader written from the record layouts, independent of mspxl.ach."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from mspxl import schema as S

ORIGINATOR_ROWS = {
    "Company ACH ID": "1911234567",
    "Originating Bank Routing": "091000019",
    "Originating Bank Name": "First Bank of Seattle",
    "Entry Description": "MSP BILL",
}


@pytest.fixture
def pending_payments(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Payments sheet's Status accepts `pending` (a no-op once the schema lists it)."""
    if "pending" in S.PAYMENT_STATUSES:
        return
    status = S.PAYMENTS.column("Status")
    columns = tuple(dataclasses.replace(c, choices=(*c.choices, "pending")) if c is status else c
                    for c in S.PAYMENTS.columns)
    payments = dataclasses.replace(S.PAYMENTS, columns=columns)
    monkeypatch.setattr(S, "INPUT_SHEETS", tuple(payments if s is S.PAYMENTS else s for s in S.INPUT_SHEETS))


def add_settings(path: Path, rows: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["Settings"]
    for name, value in rows.items():
        ws.append([name, value])
    wb.save(path)


def sheet_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def as_date(value: object) -> date:
    return value.date() if hasattr(value, "date") else value  # type: ignore[union-attr,return-value]


# --- An independent NACHA reader, from the record layouts (positions are 1-based in the rules, 0-based here) ---

def read_nacha(text: str) -> dict[str, object]:
    """Check every record and control of a NACHA file and return its fields; AssertionError on any fault.

    `batches` lists each batch (Company Name and Identification, SEC code, Company Entry Description, effective
    date, its entries and total); the first batch's fields, every entry and the file's total are also given at the
    top level."""
    records = text.split("\n")
    assert records[-1] == "", "the file ends with a line break"
    records = records[:-1]
    assert all(len(r) == 94 for r in records), [len(r) for r in records]
    assert len(records) % 10 == 0, "padded to a whole block of 10 records"
    kinds = "".join(r[0] for r in records)
    body = kinds.rstrip("9")
    assert re.fullmatch(r"1(56+8)+", body), kinds
    header = records[0]
    assert header[1:3] == "01" and header[34:37] == "094" and header[37:39] == "10" and header[39] == "1"
    batches = []
    at = 1
    while records[at][0] == "5":
        batch = records[at]
        count = kinds[at + 1:].index("8")
        batches.append(_read_batch(batch, records[at + 1:at + 1 + count], records[at + 1 + count], len(batches) + 1))
        at += count + 2
    file_control, fillers = records[at], records[at + 1:]
    assert file_control[0] == "9" and all(f == "9" * 94 for f in fillers)
    fields = [e for b in batches for e in b["entries"]]  # type: ignore[attr-defined]
    hash10 = str(sum(int(f["routing"][:8]) for f in fields))[-10:].rjust(10, "0")
    debit = sum(int(f["cents"]) for f in fields)
    assert int(file_control[1:7]) == len(batches) and int(file_control[7:13]) == len(records) // 10
    assert int(file_control[13:21]) == len(fields) and file_control[21:31] == hash10
    assert int(file_control[31:43]) == debit and int(file_control[43:55]) == 0
    assert len({f["trace"] for f in fields}) == len(fields), "trace numbers are unique in the file"
    first = batches[0]
    return {
        "destination": header[3:13], "origin": header[13:23], "created": header[23:29], "modifier": header[33],
        "bank_name": header[40:63].rstrip(), "company_name": header[63:86].rstrip(),
        **{k: first[k] for k in ("batch_company_name", "company_id", "sec", "description", "effective", "odfi")},
        "batches": batches, "entries": fields, "total_cents": debit, "records": records,
    }


def _read_batch(batch: str, entries: list[str], control: str, number: int) -> dict[str, object]:
    """One batch: its header, entries (type 6, no addenda) and control, checked against each other."""
    assert all(e[0] == "6" for e in entries) and control[0] == "8"
    fields = [{
        "code": e[1:3], "routing": e[3:11] + e[11], "account": e[12:29].rstrip(), "cents": int(e[29:39]),
        "id": e[39:54].rstrip(), "name": e[54:76].rstrip(), "addenda": e[78], "trace": e[79:94],
    } for e in entries]
    hash10 = str(sum(int(f["routing"][:8]) for f in fields))[-10:].rjust(10, "0")  # type: ignore[index]
    debit = sum(int(f["cents"]) for f in fields)  # type: ignore[call-overload]
    assert control[1:4] == batch[1:4] == "225"
    assert int(control[4:10]) == len(entries)
    assert control[10:20] == hash10
    assert int(control[20:32]) == debit and int(control[32:44]) == 0
    assert control[44:54] == batch[40:50] and control[79:87] == batch[79:87] and control[87:94] == batch[87:94]
    assert int(batch[87:94]) == number, "batches are numbered from 1"
    assert all(f["trace"][:8] == batch[79:87] for f in fields)  # type: ignore[index]
    traces = [f["trace"] for f in fields]
    assert traces == sorted(traces), "trace numbers ascend within a batch"
    return {
        "batch_company_name": batch[4:20].rstrip(), "company_id": batch[40:50], "sec": batch[50:53],
        "description": batch[53:63].rstrip(), "effective": batch[69:75], "odfi": batch[79:87],
        "entries": fields, "total_cents": debit, "header": batch,
    }


def return_file(returns: list[tuple[str, str, str, int, str]], return_date: str = "261203",
                bank: str = "09100001") -> str:
    """A bank's return file: for each (original trace, R code, receiving routing, cents, name) an entry (code 26)
    with its addenda 99, batch and file controls with their totals, padded to a block of 10."""
    def pad(text: str) -> str:
        assert len(text) <= 94
        return text.ljust(94)
    records = [pad("101 091000019 1234567892612031200A094101FIRST BANK OF SEATTLE  NORTHWIND MANAGED IT   "),
               pad("5225NORTHWIND MANAGE                    1911234567CCDMSP BILL  " + "      " + return_date
                   + "   1" + bank + "0000001")]
    total = 0
    hash_sum = 0
    for n, (trace, code, routing, cents, name) in enumerate(returns, start=1):
        seq = f"{bank}{n:07d}"
        records.append("626" + routing + "1234567".ljust(17) + f"{cents:010d}" + "INV".ljust(15) + name[:22].ljust(22)
                       + "  1" + seq)
        records.append(pad("799" + code + trace + "      " + routing[:8] + "") [:79] + seq)
        total += cents
        hash_sum += int(routing[:8])
    h = str(hash_sum)[-10:].rjust(10, "0")
    count = 2 * len(returns)
    records.append("8225" + f"{count:06d}" + h + f"{total:012d}" + "0" * 12 + "1911234567" + " " * 25 + bank
                   + "0000001")
    blocks = -(-(len(records) + 1) // 10)
    records.append(pad("9" + "000001" + f"{blocks:06d}" + f"{count:08d}" + h + f"{total:012d}" + "0" * 12))
    while len(records) % 10:
        records.append("9" * 94)
    assert all(len(r) == 94 for r in records), [len(r) for r in records]
    return "\n".join(records) + "\n"
