"""A new .xlsx workbook written from XML strings (no workbook to edit, unlike `mspxl.writers.package`): cell formats
found or added by look, shared strings, worksheets and the parts they relate to (tables, drawings, charts,
hyperlinks), print titles, document properties; saved whole or not at all."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape  # text as element content: &, < and > escaped

from mspxl.writers.atomic import write_whole
from mspxl.writers.ooxml import (
    CT_NS,
    MAIN,
    PKG_REL,
    REL_NS,
    SST_REL,
    STYLES_REL,
    TABLE_CT,
    TABLE_REL,
    WORKSHEET_CT,
    WORKSHEET_REL,
    _xml_text,
)
from mspxl.writers.styles import BUILTIN_FORMATS

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
OFFICE_DOCUMENT_REL = REL_NS + "/officeDocument"
THEME_REL = REL_NS + "/theme"
DRAWING_REL = REL_NS + "/drawing"
CHART_REL = REL_NS + "/chart"
HYPERLINK_REL = REL_NS + "/hyperlink"
CORE_REL = PKG_REL + "/metadata/core-properties"
CORE_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EXTENDED_NS = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"
EXTENDED_REL = REL_NS + "/extended-properties"
WORKBOOK_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
SST_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
THEME_CT = "application/vnd.openxmlformats-officedocument.theme+xml"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"
EXTENDED_CT = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
DEFAULT_FONT = ('<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
                "</font>")


def attr(text: str) -> str:
    """An attribute value in double quotes, escaped (characters XML cannot hold written as Excel writes them)."""
    return '"' + escape(_xml_text(text)).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


class StyleSheet:
    """The cell formats of a new workbook: each distinct (number format, font, fill, alignment) once, by index."""

    def __init__(self) -> None:
        self.numfmts: dict[str, int] = {}
        self.fonts: list[str] = [DEFAULT_FONT]
        self.fills: list[str] = ['<fill><patternFill patternType="none"/></fill>',
                                 '<fill><patternFill patternType="gray125"/></fill>']
        self.xfs: list[str] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self._xf_of: dict[tuple[str, str, str, str], int] = {("General", "", "", ""): 0}

    def xf(self, number_format: str = "General", font: str = "", fill: str = "", alignment: str = "") -> int:
        """The index of the cell format: `font` the inside of a <font> element (e.g. '<b val="1"/>'), `fill` a
        solid fill's RRGGBB colour, `alignment` the attributes of an <alignment> element."""
        key = (number_format, font, fill, alignment)
        if key in self._xf_of:
            return self._xf_of[key]
        numfmt = BUILTIN_FORMATS.get(number_format)
        if numfmt is None:
            numfmt = self.numfmts.setdefault(number_format, 164 + len(self.numfmts))
        font_xml = f"<font>{font}</font>" if font else DEFAULT_FONT
        if font_xml not in self.fonts:
            self.fonts.append(font_xml)
        fill_xml = (f'<fill><patternFill patternType="solid"><fgColor rgb="FF{fill}"/><bgColor indexed="64"/>'
                    "</patternFill></fill>") if fill else self.fills[0]
        if fill_xml not in self.fills:
            self.fills.append(fill_xml)
        applied = "".join((' applyNumberFormat="1"' if numfmt else "", ' applyFont="1"' if font else "",
                           ' applyFill="1"' if fill else "", ' applyAlignment="1"' if alignment else ""))
        inner = f"><alignment {alignment}/></xf>" if alignment else "/>"
        self.xfs.append(f'<xf numFmtId="{numfmt}" fontId="{self.fonts.index(font_xml)}" '
                        f'fillId="{self.fills.index(fill_xml)}" borderId="0" xfId="0"{applied}{inner}')
        self._xf_of[key] = len(self.xfs) - 1
        return self._xf_of[key]

    def xml(self) -> str:
        numfmts = "".join(f'<numFmt numFmtId="{i}" formatCode={attr(code)}/>' for code, i in self.numfmts.items())
        return (f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
                + (f'<numFmts count="{len(self.numfmts)}">{numfmts}</numFmts>' if numfmts else "")
                + f'<fonts count="{len(self.fonts)}">{"".join(self.fonts)}</fonts>'
                + f'<fills count="{len(self.fills)}">{"".join(self.fills)}</fills>'
                + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                + f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
                + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                + '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
                + 'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


class SharedStrings(dict[str, int]):
    """The shared strings table: each text once, cells refer to it by index (`t="s"`: always text, never a
    formula)."""

    def index(self, text: str) -> int:
        found = self.get(text)
        if found is None:
            found = self[text] = len(self)
        return found

    def xml(self) -> str:
        items = []
        for text in self:
            clean = text if text.isprintable() else _xml_text(text)  # printable: nothing XML cannot hold
            if "&" in clean or "<" in clean or ">" in clean:
                clean = escape(clean)
            space = ' xml:space="preserve"' if clean != clean.strip() or "\n" in clean else ""
            if "\r" in clean:  # a parser reads a bare carriage return as a line feed
                clean = clean.replace("\r", "&#13;")
            items.append(f"<si><t{space}>{clean}</t></si>")
        return (f'{DECLARATION}<sst xmlns="{MAIN}" count="{len(self)}" uniqueCount="{len(self)}">{"".join(items)}'
                "</sst>")


@dataclass
class NewWorkbook:
    """The parts of a new workbook as they are added; `save` writes the package."""

    styles: StyleSheet = field(default_factory=StyleSheet)
    strings: SharedStrings = field(default_factory=SharedStrings)
    theme: str | None = None
    parts: dict[str, str | bytes] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    rels: dict[str, list[str]] = field(default_factory=dict)
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, part)
    defined_names: list[str] = field(default_factory=list)
    _tables: int = 0

    def add_part(self, part: str, data: str | bytes, content_type: str | None = None) -> None:
        self.parts[part] = data
        if content_type is not None:
            self.types[part] = content_type

    def relate(self, source: str, rel_type: str, target: str, external: bool = False) -> str:
        """A relationship of part `source` ("": the package) to part `target` (or to an external address); its
        id."""
        rels = self.rels.setdefault(source, [])
        rid = f"rId{len(rels) + 1}"
        if external:
            rels.append(f'<Relationship Id="{rid}" Type="{rel_type}" Target={attr(target)} TargetMode="External"/>')
        else:
            relative = posixpath.relpath(target, posixpath.dirname(source) or ".") if source else target
            rels.append(f'<Relationship Id="{rid}" Type="{rel_type}" Target={attr(relative)}/>')
        return rid

    def new_sheet(self, name: str, print_titles: str | None = None) -> str:
        """The part of a new worksheet named `name` (its XML given later with `add_part`); `print_titles` the
        rows repeated on every printed page ("1:1")."""
        part = f"xl/worksheets/sheet{len(self.sheets) + 1}.xml"
        if print_titles:
            first, last = print_titles.split(":")
            quoted = "'" + name.replace("'", "''") + "'"
            self.defined_names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{len(self.sheets)}">'
                                      f"{escape(quoted)}!${first}:${last}</definedName>")
        self.sheets.append((name, part))
        self.types[part] = WORKSHEET_CT
        return part

    def add_table(self, sheet: str, name: str, ref: str, headers: tuple[str, ...], style: str) -> str:
        """An Excel table over `ref` of the sheet part `sheet`, with a filter; the id of its relationship."""
        self._tables += 1
        part = f"xl/tables/table{self._tables}.xml"
        columns = "".join(f'<tableColumn id="{i}" name={attr(h)}/>' for i, h in enumerate(headers, start=1))
        self.add_part(part, f'{DECLARATION}<table xmlns="{MAIN}" id="{self._tables}" name="{name}" '
                            f'displayName="{name}" ref="{ref}"><autoFilter ref="{ref}"/>'
                            f'<tableColumns count="{len(headers)}">{columns}</tableColumns>'
                            f'<tableStyleInfo name="{style}" showFirstColumn="0" showLastColumn="0" '
                            'showRowStripes="1" showColumnStripes="0"/></table>', TABLE_CT)
        return self.relate(sheet, TABLE_REL, part)

    def add_drawing(self, sheet: str, drawing: Callable[[], str | bytes], charts: list[str | bytes]) -> str:
        """A drawing of the sheet part `sheet` holding `charts` (chart parts' XML, related as rId1, rId2, ... in
        order, as `drawing` refers to them); the id of the drawing's relationship."""
        number = sum(1 for p in self.parts if p.startswith("xl/drawings/drawing")) + 1
        part = f"xl/drawings/drawing{number}.xml"
        for chart in charts:
            chart_part = f"xl/charts/chart{sum(1 for p in self.parts if p.startswith('xl/charts/')) + 1}.xml"
            self.add_part(chart_part, chart, CHART_CT)
            self.relate(part, CHART_REL, chart_part)
        self.add_part(part, drawing(), DRAWING_CT)
        return self.relate(sheet, DRAWING_REL, part)

    def _workbook_xml(self) -> str:
        sheets = "".join(f'<sheet name={attr(name)} sheetId="{i}" '
                         f'r:id="{self.relate("xl/workbook.xml", WORKSHEET_REL, part)}"/>'
                         for i, (name, part) in enumerate(self.sheets, start=1))
        names = f"<definedNames>{''.join(self.defined_names)}</definedNames>" if self.defined_names else ""
        return (f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL_NS}"><workbookPr/><bookViews>'
                f'<workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>{names}'
                '<calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>')

    def _properties(self, title: str, creator: str) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.add_part("docProps/core.xml", (
            f'{DECLARATION}<cp:coreProperties xmlns:cp="{CORE_NS}" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(_xml_text(title))}</dc:title><dc:creator>{escape(_xml_text(creator))}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified></cp:coreProperties>'), CORE_CT)
        self.add_part("docProps/app.xml", (
            f'{DECLARATION}<Properties xmlns="{EXTENDED_NS}">'
            "<Application>mspxl</Application></Properties>"), EXTENDED_CT)

    def save(self, path: Path, title: str, creator: str) -> None:
        """Write the package at `path`: a temporary file beside it, renamed over it once complete."""
        self._properties(title, creator)
        self.relate("", OFFICE_DOCUMENT_REL, "xl/workbook.xml")
        self.relate("", CORE_REL, "docProps/core.xml")
        self.relate("", EXTENDED_REL, "docProps/app.xml")
        workbook = self._workbook_xml()
        self.add_part("xl/styles.xml", self.styles.xml(), STYLES_CT)
        self.relate("xl/workbook.xml", STYLES_REL, "xl/styles.xml")
        if self.strings:
            self.add_part("xl/sharedStrings.xml", self.strings.xml(), SST_CT)
            self.relate("xl/workbook.xml", SST_REL, "xl/sharedStrings.xml")
        if self.theme is not None:
            self.add_part("xl/theme/theme1.xml", DECLARATION + self.theme, THEME_CT)
            self.relate("xl/workbook.xml", THEME_REL, "xl/theme/theme1.xml")
        self.add_part("xl/workbook.xml", workbook, WORKBOOK_CT)
        overrides = "".join(f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in self.types.items())
        content_types = (f'{DECLARATION}<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType="{RELS_CT}"/>'
                         f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>')

        def write(target: Path) -> None:
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
                out.writestr("[Content_Types].xml", content_types)
                for part in ("xl/workbook.xml", *(p for p in self.parts if p != "xl/workbook.xml")):
                    out.writestr(part, self.parts[part])
                for source, rels in self.rels.items():
                    folder, name = posixpath.split(source)
                    out.writestr(posixpath.join(folder, "_rels", name + ".rels"), _rels_xml(rels))

        write_whole(path, write)


def _rels_xml(rels: list[str]) -> str:
    return f'{DECLARATION}<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>'
