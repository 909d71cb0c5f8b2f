"""An independent look at an .xlsx package's bookkeeping: nothing duplicated, nothing dangling. Written from the Open
Packaging Conventions and SpreadsheetML, not from mspxl's writer."""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(posixpath.dirname(source))  # xl/_rels/workbook.xml.rels -> xl
    return posixpath.normpath(posixpath.join(folder, target))


def _duplicates(values: list[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def package_faults(path: Path) -> list[str]:
    """Every duplicated or dangling sheet, sheet id, relationship id, relationship target, content type, table and
    defined name of the package, as sentences (none: an empty list)."""
    faults: list[str] = []
    with zipfile.ZipFile(path) as package:
        parts = set(package.namelist())
        faults += [f"part {p} is stored twice" for p in _duplicates(package.namelist())]
        targets: dict[str, dict[str, str]] = {}  # rels part -> Id -> resolved target
        for rels_part in sorted(p for p in parts if p.endswith(".rels")):
            rels = etree.fromstring(package.read(rels_part))
            ids = [r.get("Id") for r in rels]
            faults += [f"{rels_part}: relationship id {i} is used twice" for i in _duplicates(ids)]
            targets[rels_part] = {}
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                target = _resolve(rels_part, rel.get("Target"))
                targets[rels_part][rel.get("Id")] = target
                if target not in parts:
                    faults.append(f"{rels_part}: {rel.get('Id')} points at {target}, which is not in the package")
        types = etree.fromstring(package.read("[Content_Types].xml"))
        overrides = [o.get("PartName").lstrip("/") for o in types if o.tag == f"{{{CT_NS}}}Override"]
        defaults = {d.get("Extension").lower() for d in types if d.tag == f"{{{CT_NS}}}Default"}
        faults += [f"content type of {p} is given twice" for p in _duplicates(overrides)]
        faults += [f"content type given for {p}, which is not in the package" for p in overrides if p not in parts]
        faults += [f"{p} has no content type" for p in sorted(parts) if not p.endswith("/")
                   and p not in overrides and p.rsplit(".", 1)[-1].lower() not in defaults]
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        sheets = workbook.find(f"{{{MAIN}}}sheets")
        names = [s.get("name").lower() for s in sheets]
        faults += [f"sheet {n} is there twice" for n in _duplicates(names)]
        faults += [f"sheet id {i} is used twice" for i in _duplicates([s.get("sheetId") for s in sheets])]
        rids = [s.get(f"{{{REL_NS}}}id") for s in sheets]
        faults += [f"sheet relationship {r} is used twice" for r in _duplicates(rids)]
        faults += [f"sheet relationship {r} is not in the workbook's relationships" for r in rids
                   if r not in targets.get("xl/_rels/workbook.xml.rels", {})]
        table_parts = sorted(p for p in parts if p.startswith("xl/tables/") and p.endswith(".xml"))
        referenced = Counter(t for rels, ts in targets.items() if rels.startswith("xl/worksheets/_rels/")
                             for t in ts.values() if t in table_parts)
        tables = [etree.fromstring(package.read(p)) for p in table_parts]
        faults += [f"table id {i} is used twice" for i in _duplicates([t.get("id") for t in tables])]
        table_names = [t.get("name").lower() for t in tables] + [t.get("displayName").lower() for t in tables
                                                                  if t.get("displayName") != t.get("name")]
        faults += [f"table name {n} is used twice" for n in _duplicates(table_names)]
        faults += [f"{p} belongs to {referenced[p]} sheets" for p in table_parts if referenced[p] != 1]
        defined = workbook.find(f"{{{MAIN}}}definedNames")
        scoped = [f"{d.get('name').lower()}@{d.get('localSheetId', '')}" for d in
                  (defined if defined is not None else [])]
        faults += [f"defined name {n} is there twice" for n in _duplicates(scoped)]
        clashing = {n.split("@")[0] for n in scoped} & {t.get("displayName").lower() for t in tables}
        faults += [f"{n} is both a table and a defined name" for n in sorted(clashing)]
    return faults
