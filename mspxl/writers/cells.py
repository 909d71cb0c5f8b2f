"""Values written into worksheet cells, with the number format each kind of value calls for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree

from mspxl.writers.changes import Value
from mspxl.writers.ooxml import (
    IS,
    T,
    V,
    _number,
    _xml_text,
)
from mspxl.writers.package import Package
from mspxl.writers.worksheet import SheetXml

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
INT_FORMAT = "0"
DECIMAL_FORMAT = "General"


class Writer:
    """Writes values into a package's sheets the way `mspxl.writers.reference.set_value` does into openpyxl cells."""

    def __init__(self, package: Package, money_format: str) -> None:
        self.package = package
        self.money_format = money_format

    def set_value(self, sheet: SheetXml, row: int, col: int, value: Value, kind: str) -> None:
        cell = sheet.cell(row, col)
        sheet.clear(cell)
        self.fill(cell, value, kind)

    def cell_maker(self, value: Value, kind: str) -> Callable[[str, Value], str]:
        """How a new cell of this kind and value type is written (style included), as XML text: the same value and
        format `fill` gives an empty cell. Chosen once per column and value type by the caller."""
        code = _format_code(value, kind, self.money_format)
        style = f' s="{self.package.styles.with_format(0, code)}"' if code is not None else ""
        if isinstance(value, str):
            return lambda ref, text: _text_cell(ref, style, text)  # type: ignore[arg-type]
        if isinstance(value, bool):
            return lambda ref, flag: f'<c r="{ref}"{style} t="b"><v>{int(flag)}</v></c>'  # type: ignore[call-overload]
        if isinstance(value, (int, Decimal)):
            return lambda ref, number: f'<c r="{ref}"{style}><v>{_number(number)}</v></c>'  # type: ignore[arg-type]
        if isinstance(value, date):
            serial = self.package.serial
            return lambda ref, day: f'<c r="{ref}"{style}><v>{serial(day)}</v></c>'  # type: ignore[arg-type]
        return lambda ref, other: (f'<c r="{ref}"{style} t="inlineStr"><is><t>{escape(_xml_text(str(other)))}'
                                   '</t></is></c>')

    def fill(self, cell: etree._Element, value: Value, kind: str) -> None:
        """Put `value` into an empty cell element, with the number format its kind calls for."""
        if value is None:
            return
        style = int(cell.get("s", "0"))
        if isinstance(value, bool):
            cell.set("t", "b")
            etree.SubElement(cell, V).text = "1" if value else "0"
        elif isinstance(value, (int, Decimal)):
            etree.SubElement(cell, V).text = _number(value)
        elif isinstance(value, date):
            etree.SubElement(cell, V).text = self.package.serial(value)
        else:
            cell.set("t", "inlineStr")
            text = etree.SubElement(etree.SubElement(cell, IS), T)
            text.text = _xml_text(str(value))
            if text.text != text.text.strip() or "\n" in text.text:
                text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        code = _format_code(value, kind, self.money_format)
        if code is not None:
            style = self.package.styles.with_format(style, code)
        if style:
            cell.set("s", str(style))

    def set_text(self, sheet: SheetXml, row: int, col: int, text: str, style: int = 0) -> None:
        self.set_value(sheet, row, col, text, "text")
        if style:
            sheet.cell(row, col).set("s", str(style))


def _text_cell(ref: str, style: str, value: str) -> str:
    # printable text holds no character XML cannot hold and no line break: no _xNNNN_ escapes to look for
    text = value if value.isprintable() else _xml_text(value)
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _format_code(value: Value, kind: str, money_format: str) -> str | None:
    """The number format a written value gets, as `mspxl.writers.reference.set_value` gives it (None: unchanged)."""
    if kind == "date" and isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, datetime):  # openpyxl gives any date it is handed a date format
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if kind == "money" and isinstance(value, Decimal):
        return money_format
    if kind == "int":
        return INT_FORMAT
    if kind == "decimal":
        return DECIMAL_FORMAT
    return None


