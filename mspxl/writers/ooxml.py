"""The names of an .xlsx package's parts and XML (namespaces, relationship and content types), cell
references, and parsing and writing XML the way the package writer needs it."""

from __future__ import annotations

import posixpath
import re
from decimal import Decimal

from lxml import etree

from mspxl.columns import column_letter  # noqa: F401 - the writers take it from here

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_REL = REL_NS + "/worksheet"
TABLE_REL = REL_NS + "/table"
STYLES_REL = REL_NS + "/styles"
SST_REL = REL_NS + "/sharedStrings"
CALC_CHAIN_REL = REL_NS + "/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
TABLE_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def q(tag: str) -> str:
    return f"{{{MAIN}}}{tag}"


C, V, IS, T, F = q("c"), q("v"), q("is"), q("t"), q("f")



def column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


_COLUMN_OF: dict[str, int] = {}  # "AB" -> 28, filled as cell references are read


def _column_of(ref: str) -> int:
    """The column of a cell reference such as `AB12` (remembered for the next cell of that column)."""
    letters = _CELL_REF.match(ref).group(1)  # type: ignore[union-attr]
    col = column_index(letters)
    if ref.rstrip("0123456789") == letters:
        _COLUMN_OF[letters] = col
    return col


def _xml_text(text: str) -> str:
    """Characters XML cannot hold, written as Excel writes them (`_x0001_`)."""
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(huge_tree=True, remove_blank_text=False))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _resolve(base: str, target: str) -> str:
    """A relationship target as a part name inside the package (no leading slash)."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")



def _number(value: int | Decimal) -> str:
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)

