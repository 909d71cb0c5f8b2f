"""Which worksheets a finished copy of a workbook changed, told from the two packages' zip directories alone.

A writer that edits the package (mspxl's own) copies every part it does not change byte for byte, keeps the shared
strings as they were and only appends cell formats; a worksheet whose part has the same CRC-32 and size in both
packages therefore holds the same cells. This lets a run describe the workbook it wrote by reading back only the
sheets it wrote. Whatever cannot be told this way (shared strings rewritten, the 1904 date system switched, a package
that does not open) is answered with None: read the whole copy.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mspxl.workbook.package_scan import (
    REL_RE,
    REL_RE_TARGET_FIRST,
)

SHEET_ELEMENT_RE = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
ATTR_RE = re.compile(rb"([\w:]+)=\"([^\"]*)\"")
DATE_1904_RE = re.compile(rb"\bdate1904=\"(1|true)\"")


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str
    crc: int
    size: int


def sheet_parts(package: zipfile.ZipFile) -> list[SheetPart]:
    """The sheets of the package in workbook order (as calamine lists them), each with its part's CRC and size."""
    workbook = package.read("xl/workbook.xml")
    rels = package.read("xl/_rels/workbook.xml.rels")
    targets = {rid: target for rid, target in REL_RE.findall(rels)}
    targets.update({rid: target for target, rid in REL_RE_TARGET_FIRST.findall(rels)})
    infos = {info.filename: info for info in package.infolist()}
    found = []
    for element in SHEET_ELEMENT_RE.finditer(workbook):
        attrs = {key.split(b":")[-1] if key.endswith(b":id") else key: value
                 for key, value in ATTR_RE.findall(element.group(1))}
        target = targets.get(attrs.get(b"id", b""))
        name = attrs.get(b"name")
        if target is None or name is None:
            continue
        text = html.unescape(target.decode())
        part = text.lstrip("/") if text.startswith("/") else posixpath.normpath(f"xl/{text}")
        info = infos.get(part)
        found.append(SheetPart(html.unescape(name.decode()), part, info.CRC if info else -1,
                               info.file_size if info else -1))
    return found


@dataclass(frozen=True)
class Changed:
    order: list[str]  # the copy's sheets in workbook order
    changed: set[str]  # the ones whose cells may differ from the original's sheet of the same name


def changed_sheets(original: Path, copy: Path) -> Changed | None:
    """The sheets of `copy` that differ from `original`'s (new ones included); None when that cannot be told from
    the packages' directories."""
    try:
        with zipfile.ZipFile(original) as old, zipfile.ZipFile(copy) as new:
            if _info(old, "xl/sharedStrings.xml") != _info(new, "xl/sharedStrings.xml"):
                return None
            if _date_1904(old) != _date_1904(new):
                return None
            before = {p.name: p for p in sheet_parts(old)}
            after = sheet_parts(new)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    changed = {p.name for p in after if p.name not in before
               or (before[p.name].part, before[p.name].crc, before[p.name].size) != (p.part, p.crc, p.size)}
    return Changed([p.name for p in after], changed)


def _info(package: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    try:
        info = package.getinfo(part)
    except KeyError:
        return None
    return info.CRC, info.file_size


def _date_1904(package: zipfile.ZipFile) -> bool:
    return DATE_1904_RE.search(package.read("xl/workbook.xml")) is not None

