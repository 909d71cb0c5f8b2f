"""Records are built from schema.py's column table: every input sheet with records has a builder, each field from
the column of its name, read by the column's kind; a record field no column gives is refused when it is built."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from mspxl import schema as S
from mspxl.records import Client
from mspxl.workbook.build import RECORDS, build_records, record_builder
from mspxl.workbook.table import Row


def test_every_sheet_with_records_builds_from_the_schema() -> None:
    sheets = {sheet.name: sheet for sheet in S.INPUT_SHEETS}
    assert set(RECORDS) <= set(sheets)
    for name, (record, renames) in RECORDS.items():
        assert callable(record_builder(sheets[name], record, renames)), name


def test_a_clients_row_with_blank_optional_cells() -> None:
    values = {c.header: c.default for c in S.CLIENTS.columns}
    values.update({"Client ID": "C1", "Name": "Acme", "Email": "ap@acme.test", "Start Date": date(2026, 1, 1)})
    [client] = build_records(S.CLIENTS, [Row(7, values, True), Row(8, values, False)])
    assert client == Client(id="C1", name="Acme", email="ap@acme.test", start_date=date(2026, 1, 1), row=7)
    assert (client.tax_rate, client.hourly_rate, client.autopay, client.end_date) == (Decimal(0), None, True, None)


def test_a_record_field_no_column_gives_is_refused() -> None:
    without_email = dataclasses.replace(S.CLIENTS, columns=tuple(c for c in S.CLIENTS.columns if c.header != "Email"))
    with pytest.raises(TypeError, match="Clients: no column for Client field"):
        record_builder(without_email, Client, {"Client ID": "id"})
