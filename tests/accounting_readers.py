"""Reading exports back the way the accounting systems import them, written from their documentation, not from
mspxl's writers.

- IIF, from Intuit's IIF reference ("Import files can contain information about transactions"): a line starting
  with `!TRNS`, `!SPL` or `!ENDTRNS` names the columns of the lines with that keyword; a transaction is one TRNS
  line, its SPL (distribution) lines immediately below, then ENDTRNS. TRNSTYPE, ACCNT and AMOUNT are required.
  Fields are tab separated. A transaction's lines must balance (add to zero), as double entry requires.
- CSV: the header row must be exactly the template's; each following row is one line of a document, rows of one
  document share its number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

REQUIRED = ("TRNSTYPE", "ACCNT", "AMOUNT")


class IifError(ValueError):
    pass


@dataclass
class Transaction:
    trns: dict[str, str]
    splits: list[dict[str, str]] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.trns["TRNSTYPE"]

    def amount(self, line: dict[str, str]) -> Decimal:
        return Decimal(line["AMOUNT"])


def read_iif(text: str) -> list[Transaction]:
    """Every transaction of an IIF file; IifError for anything QuickBooks would refuse."""
    headers: dict[str, list[str]] = {}
    done: list[Transaction] = []
    current: Transaction | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        cells = raw.split("\t")
        keyword = cells[0]
        if keyword.startswith("!"):
            headers[keyword[1:]] = cells[1:]
            continue
        if keyword not in headers:
            raise IifError(f"line {number}: {keyword} before its !{keyword} header")
        if keyword == "ENDTRNS":
            if current is None:
                raise IifError(f"line {number}: ENDTRNS without a transaction")
            done.append(current)
            current = None
            continue
        if len(cells) - 1 > len(headers[keyword]):
            raise IifError(f"line {number}: more fields than its header names")
        values = dict(zip(headers[keyword], cells[1:], strict=False))
        for name in REQUIRED:
            if not values.get(name):
                raise IifError(f"line {number}: {name} is required")
        datetime.strptime(values["DATE"], "%m/%d/%Y")  # noqa: DTZ007 - a calendar date
        if keyword == "TRNS":
            if current is not None:
                raise IifError(f"line {number}: TRNS inside an open transaction")
            current = Transaction(values)
        elif keyword == "SPL":
            if current is None:
                raise IifError(f"line {number}: SPL outside a transaction")
            if values["TRNSTYPE"] != current.type:
                raise IifError(f"line {number}: SPL of another transaction type")
            current.splits.append(values)
        else:
            raise IifError(f"line {number}: unknown keyword {keyword}")
    if current is not None:
        raise IifError("the last transaction has no ENDTRNS")
    for trns in done:
        total = Decimal(trns.trns["AMOUNT"]) + sum(Decimal(s["AMOUNT"]) for s in trns.splits)
        if total != 0:
            raise IifError(f"{trns.type} {trns.trns.get('DOCNUM')} does not balance: {total}")
    return done


def iif_date(text: str) -> date:
    return datetime.strptime(text, "%m/%d/%Y").date()  # noqa: DTZ007


def read_csv(text: str, header: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of an import CSV whose header must be exactly `header`."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    assert tuple(rows[0]) == header, f"header {rows[0]} is not {header}"
    assert all(len(row) == len(header) for row in rows[1:])
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def group(rows: list[dict[str, str]], key: str) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
