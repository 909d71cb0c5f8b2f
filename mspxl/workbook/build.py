"""Turning read rows into records. The input sheets' records are built by one builder from the column table of
schema.py (each column's kind, default and whether it is required says how its cell becomes a field); the
Settings sheet (a setting per row) and the register (invoices joined with their lines) have their own."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from mspxl import schema as S
from mspxl.money import to_decimal
from mspxl.problems import Problem, error, warning
from mspxl.records import (
    Block,
    Charge,
    Client,
    Invoice,
    InvoiceLine,
    Payment,
    PriceChange,
    Project,
    Seat,
    Service,
    Settings,
    Subscription,
    Tier,
    UsageRow,
    WorkEntry,
)
from mspxl.schema import Column, Kind, header_key
from mspxl.settings import SETTINGS_BY_KEY
from mspxl.workbook.cells import CellError, read_cell, read_text
from mspxl.workbook.table import Row, Table, cell_ref


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _txt(value: Any) -> str:
    return "" if value is None else str(value)


def build_settings(rows: list[Row]) -> tuple[Settings, list[Problem]]:
    """Each known setting read by its kind; missing rows take the defaults; unknown rows are kept as `extra`."""
    problems: list[Problem] = []
    fields: dict[str, object] = {}
    extra: dict[str, str] = {}
    for row in rows:
        name = _txt(row["Setting"])
        defn = SETTINGS_BY_KEY.get(header_key(name).replace("%", "%"))
        value = row["Value"]
        place = cell_ref(row.number, 1)
        if defn is None:
            extra[name] = _txt(value)
            continue
        if value is None or value == "":
            continue
        raw = row.values.get("Value")
        try:
            fields[defn.field] = _setting_value(defn.kind, raw, defn.low, defn.high, defn.choices)
        except CellError as exc:
            problems.append(error("Settings", place, defn.name, str(exc), raw))
    return Settings(**fields, extra=extra), problems  # type: ignore[arg-type]


def _setting_value(kind: str, raw: object, low: int | None, high: int | None,
                   choices: tuple[str, ...] = ()) -> object:
    if kind in ("text", "locale"):
        return read_text(raw)
    if kind == "currency":
        code = read_text(raw).upper()
        if len(code) != 3 or not code.isalpha():
            raise CellError("is not an ISO currency code (expected e.g. USD, EUR, GBP)")
        return code
    if kind == "int":
        number = read_cell(Column("n", Kind.DECIMAL), raw)
        if number != int(number) or (low is not None and number < low) or (high is not None and number > high):
            raise CellError(f"is not a whole number from {low} to {high}")
        return int(number)
    if kind == "rounding":
        text = read_text(raw).strip().lower()
        if text not in ("invoice", "line"):
            raise CellError("is not invoice or line (how tax is rounded: once per invoice, or per taxable line)")
        return text
    if kind == "months":
        text = read_text(raw)
        try:
            months = tuple(sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()}))
        except ValueError:
            raise CellError("is not a list of months (expected e.g. 1,7)") from None
        if not months or any(not 1 <= m <= 12 for m in months):
            raise CellError("is not a list of months from 1 to 12 (expected e.g. 1,7)")
        return months
    return read_cell(Column("v", S.SETTINGS_BY_KIND[kind], choices=choices), raw)


# Record types and the headers whose field is not the header in snake_case ("Client ID" -> client_id); every other
# field comes from the column of the same name, read as schema.py says (kind, default, required).
RECORDS: dict[str, tuple[type, dict[str, str]]] = {
    "Services": (Service, {"Service Code": "code"}),
    "Clients": (Client, {"Client ID": "id"}),
    "Subscriptions": (Subscription, {}),
    "Users": (Seat, {"User Name": "name"}),
    "Devices": (Seat, {"Device Name": "name", "Device Type": "kind"}),
    "Usage": (UsageRow, {}),
    "WorkLog": (WorkEntry, {}),
    "Charges": (Charge, {}),
    "Blocks": (Block, {}),
    "Tiers": (Tier, {}),
    "Price Changes": (PriceChange, {}),
    "Projects": (Project, {"Project ID": "id"}),
    "Payments": (Payment, {"Payment ID": "id"}),
}
NUMBER_KINDS = frozenset({Kind.MONEY, Kind.AMOUNT, Kind.DECIMAL, Kind.PCT})


def field_name(header: str) -> str:
    """`Contact First Name` -> `contact_first_name`."""
    return header.lower().replace(" ", "_")


def field_value(column: Column, cell: str, env: dict[str, object]) -> str:
    """How a read cell (`cell`, an expression) becomes a record field, by the column's kind: text as text ("" when
    blank), a date as read (None when blank), Y/N as a bool, a number as a Decimal (its default when blank, else
    None unless the column is required)."""
    if column.kind is Kind.DATE:
        return cell
    if column.kind is Kind.YN:
        return f"bool({cell})"
    if column.kind in NUMBER_KINDS:
        if column.default is not None:
            name = f"default_{len(env)}"
            env[name] = column.default
            return f"_dec({cell} or {name})"
        return f"_dec({cell})" if column.required else f"_opt_dec({cell})"
    return f"_txt({cell})"


def as_read(column: Column, values: list[object]) -> bool:
    """Whether every read value of the column is already its record field (`field_value` would give it back as it
    is): text with no blank, Y/N as bools, numbers as Decimals (none blank where the column has a default)."""
    kind = column.kind
    if kind is Kind.DATE:
        return True
    types = set(map(type, values))
    if kind is Kind.YN:
        return types <= {bool}
    if kind in NUMBER_KINDS:
        if column.default is not None:
            return types <= {Decimal} and all(values)
        return types <= ({Decimal} if column.required else {Decimal, type(None)})
    return types <= {str}


Builder = Callable[[Table], list[Any]]


def record_builder(sheet: S.Sheet, record: type, renames: dict[str, str],
                   plain: Callable[[Column, list[object]], bool] = as_read) -> Builder:
    """The function that turns the sheet's rows read (a Table) into records: for each field of `record`, the column
    of the same name (or renamed in RECORDS) read as its kind says; a field the record needs and no column gives is a
    mistake.

    The function is written out and compiled, so building a row costs what a hand-written constructor call costs
    (the validation stage is measured in bench/): once per sheet and set of columns whose values are already their
    fields (`as_read`), which are passed as they are."""
    names = {f.name for f in fields(record)}
    plan = [(renames.get(c.header, field_name(c.header)), c) for c in sheet.columns]
    plan = [(name, column) for name, column in plan if name in names]
    given = {name for name, _ in plan} | {"row"}
    needed = [f.name for f in fields(record)
              if f.name not in given and f.default is MISSING and f.default_factory is MISSING]
    if needed:
        raise TypeError(f"{sheet.name}: no column for {record.__name__} field(s) {', '.join(needed)}")
    compiled: dict[tuple[bool, ...], Callable[..., list[Any]]] = {}

    def build_table(table: Table) -> list[Any]:
        columns = [table.values[column.header] for _, column in plan]
        as_is = tuple(plain(column, values) for (_, column), values in zip(plan, columns, strict=True))
        build = compiled.get(as_is)
        if build is None:
            build = compiled[as_is] = _compile(sheet.name, record, plan, as_is)
        return build(table.numbers, table.ok, *columns)

    return build_table


def _compile(sheet: str, record: type, plan: list[tuple[str, Column]], plain: tuple[bool, ...]
             ) -> Callable[..., list[Any]]:
    env = _env()
    given = {name: f"v{i}" if as_is else field_value(column, f"v{i}", env)
             for i, ((name, column), as_is) in enumerate(zip(plan, plain, strict=True))}
    given["row"] = "number"
    return compile_maker(f"records of {sheet}", record, given, len(plan), env)


def _env() -> dict[str, object]:
    return {"_dec": _dec, "_opt_dec": _opt_dec, "_txt": _txt, "new": object.__new__, "put": object.__setattr__}


def compile_maker(label: str, record: type, given: dict[str, str], cells: int, env: dict[str, object] | None = None
                  ) -> Callable[..., list[Any]]:
    """`build(numbers, ok, v0, ..., v{cells-1})`: a `record` for each row whose `ok` is true, each field from its
    expression in `given` over the row's cells `v0`... (its Excel row number is `number`), other fields their
    defaults."""
    env = {**(env or _env()), "record": record}
    if _made_by_fields(record):
        items = []
        for f in fields(record):
            if f.name not in given:
                env[f"field_default_{f.name}"] = f.default
            items.append(f"{f.name!r}: {given.get(f.name, f'field_default_{f.name}')}")
        make = f"(made := new(record), put(made, '__dict__', {{{', '.join(items)}}}))[0]"
    else:
        make = f"record({', '.join(f'{name}={value}' for name, value in given.items())})"
    names = ", ".join(f"v{i}" for i in range(cells))
    source = (f"def build(numbers, ok, {names}):\n    return [{make}\n"
              f"            for number, good, {names} in zip(numbers, ok, {names}) if good]\n")
    exec(compile(source, f"<{label}>", "exec"), env)  # noqa: S102 - our own source, from schema.py
    return env["build"]  # type: ignore[return-value]


def _made_by_fields(record: type) -> bool:
    """Whether a record is exactly its fields' values in order, so it can be made by setting its `__dict__` (half
    the cost of the frozen dataclass's `__init__`, which sets each field through `object.__setattr__`): every field
    set by `__init__` from a value or a plain default, nothing run after, instances with a `__dict__`."""
    return (is_dataclass(record) and not hasattr(record, "__post_init__") and "__slots__" not in vars(record)
            and all(f.init and f.default_factory is MISSING for f in fields(record)))


_builders: dict[str, tuple[S.Sheet, Builder]] = {}


def build_table_records(sheet: S.Sheet, table: Table) -> list[Any]:
    """The sheet's rows as records, one per row read without error, in sheet order."""
    cached = _builders.get(sheet.name)
    if cached is None or cached[0] is not sheet:
        record, renames = RECORDS[sheet.name]
        cached = _builders[sheet.name] = (sheet, record_builder(sheet, record, renames))
    return cached[1](table)


def build_records(sheet: S.Sheet, rows: list[Row]) -> list[Any]:
    """Records from rows read one by one (Row objects), as from the same rows read a column at a time."""
    values = {c.header: [row.values.get(c.header) for row in rows] for c in sheet.columns}
    return build_table_records(sheet, Table([row.number for row in rows], values, [row.ok for row in rows]))


def first_by_id(records: list[Any], key: str) -> dict[str, Any]:
    """Records by their ID, the first row of an ID kept (duplicates are reported by the validator)."""
    result: dict[str, Any] = {}
    for record in records:
        result.setdefault(getattr(record, key), record)
    return result


def tiers_by_service(tiers: list[Tier]) -> dict[str, tuple[Tier, ...]]:
    """The Tiers sheet by Service Code, each service's bands from the lowest From Qty up."""
    bands: dict[str, list[Tier]] = defaultdict(list)
    for tier in tiers:
        bands[tier.service_code].append(tier)
    return {code: tuple(sorted(rows, key=lambda t: t.from_qty)) for code, rows in bands.items()}


LINE_HEADERS = ("Invoice Number", "Line", "Service Code", "Description", "Quantity", "Unit Price", "Amount", "Taxable")
INVOICE_HEADERS = ("Invoice Number", "Client ID", "Client Name", "Type", "Period", "Issue Date", "Due Date", "Subtotal",
                   "Tax", "Total", "Billed Users", "Billed Devices", "Related Invoice", "Project ID", "File")
NEEDED = ("Client ID", "Type", "Period", "Issue Date", "Due Date", "Total")  # a register row without one is refused


def build_register(invoice_table: Table, line_table: Table) -> tuple[list[Invoice], list[Problem]]:
    """The Invoices sheet with its lines from InvoiceLines, as issued invoices (rows with errors left out)."""
    problems: list[Problem] = []
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    columns = _columns(line_table, LINE_HEADERS)
    numbers = [_txt(number) for number, good in zip(columns[0], line_table.ok, strict=True) if good]
    for number, line in zip(numbers, _line_maker()(line_table.numbers, line_table.ok, *columns), strict=True):
        lines[number].append(line)
    invoices: list[Invoice] = []
    for good, row, values in zip(invoice_table.ok, invoice_table.numbers,
                                 zip(*_columns(invoice_table, INVOICE_HEADERS), strict=True), strict=True):
        if not good:
            continue
        cell = dict(zip(INVOICE_HEADERS, values, strict=True))
        number = _txt(cell["Invoice Number"])
        missing = [h for h in NEEDED if cell[h] is None]
        if missing:
            problems.append(error("Invoices", f"A{row}", "Invoice Number",
                                  "register row is missing " + ", ".join(missing), number))
            continue
        invoices.append(Invoice(
            number=number,
            client_id=_txt(cell["Client ID"]),
            client_name=_txt(cell["Client Name"]),
            type=_txt(cell["Type"]),
            period=_txt(cell["Period"]),
            issue_date=cell["Issue Date"],  # type: ignore[arg-type]
            due_date=cell["Due Date"],  # type: ignore[arg-type]
            subtotal=_dec(cell["Subtotal"] or 0),
            tax=_dec(cell["Tax"] or 0),
            total=_dec(cell["Total"]),
            lines=tuple(sorted(lines.get(number, []), key=lambda ln: ln.line)),
            billed_users=_opt_int(cell["Billed Users"]),
            billed_devices=_opt_int(cell["Billed Devices"]),
            related_invoice=_txt(cell["Related Invoice"]),
            project_id=_txt(cell["Project ID"]),
            file=_txt(cell["File"]),
            row=row,
        ))
    return invoices, problems


@cache
def _line_maker() -> Callable[..., list[InvoiceLine]]:
    """InvoiceLines rows (cells in LINE_HEADERS' order) as InvoiceLine records."""
    return compile_maker("register lines", InvoiceLine, {
        "line": "int(v1 or 0)", "service_code": "_txt(v2)", "description": "_txt(v3)", "quantity": "_dec(v4 or 0)",
        "unit_price": "_dec(v5 or 0)", "amount": "_dec(v6 or 0)", "taxable": "_txt(v7).upper().startswith('Y')",
    }, len(LINE_HEADERS))


def _columns(table: Table, headers: tuple[str, ...]) -> list[list[object]]:
    """The table's values of each header (a header the schema does not have reads as blank, as Row does)."""
    return [table.values.get(header, [None] * len(table.numbers)) for header in headers]


def _opt_int(value: object) -> int | None:
    return None if value is None else int(to_decimal(value))


def warn(sheet: str, row: int, col: int, header: str, message: str, value: object = None) -> Problem:
    return warning(sheet, cell_ref(row, col), header, message, value)
