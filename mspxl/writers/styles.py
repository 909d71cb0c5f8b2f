"""The cell formats of a workbook's styles.xml, found or added as written values need them."""

from __future__ import annotations

import copy

from lxml import etree

from mspxl.writers.ooxml import (
    MAIN,
    _parse,
    q,
)

BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49}
HEADER_FONT = '<font xmlns="{ns}"><b val="1"/><color rgb="00FFFFFF"/></font>'
HEADER_FILL = '<fill xmlns="{ns}"><patternFill patternType="solid"><fgColor rgb="001F4E78"/></patternFill></fill>'


class Styles:
    """The cell formats of styles.xml; a format asked for is found or appended, never changes an existing one."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.changed = False
        self._numfmts = root.find(q("numFmts"))
        self._xfs = root.find(q("cellXfs"))
        self._cache: dict[tuple[int, str], int] = {}
        self._header: int | None = None

    def _numfmt_id(self, code: str) -> int:
        if code in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[code]
        if self._numfmts is None:
            self._numfmts = etree.Element(q("numFmts"))
            self.root.insert(0, self._numfmts)
        used = [int(n.get("numFmtId")) for n in self._numfmts]
        for n in self._numfmts:
            if n.get("formatCode") == code:
                return int(n.get("numFmtId"))
        new_id = max([163, *used]) + 1
        etree.SubElement(self._numfmts, q("numFmt"), numFmtId=str(new_id), formatCode=code)
        self._numfmts.set("count", str(len(self._numfmts)))
        self.changed = True
        return new_id

    def _append_xf(self, xf: etree._Element) -> int:
        self._xfs.append(xf)
        self._xfs.set("count", str(len(self._xfs)))
        self.changed = True
        return len(self._xfs) - 1

    def with_format(self, style: int, code: str) -> int:
        """The index of a cell format like `style` but with number format `code`."""
        key = (style, code)
        if key not in self._cache:
            base = self._xfs[style] if style < len(self._xfs) else self._xfs[0]
            numfmt = self._numfmt_id(code)
            if int(base.get("numFmtId", "0")) == numfmt:
                self._cache[key] = style
            else:
                for index, xf in enumerate(self._xfs):  # an identical format already there is reused
                    if int(xf.get("numFmtId", "0")) == numfmt and _same_but_numfmt(xf, base):
                        self._cache[key] = index
                        break
                else:
                    xf = copy.deepcopy(base)
                    xf.set("numFmtId", str(numfmt))
                    xf.set("applyNumberFormat", "1")
                    self._cache[key] = self._append_xf(xf)
        return self._cache[key]

    def header(self) -> int:
        """A bold white-on-blue cell format for the header row of a sheet mspxl adds."""
        if self._header is None:
            fonts = self.root.find(q("fonts"))
            fills = self.root.find(q("fills"))
            fonts.append(_parse(HEADER_FONT.format(ns=MAIN).encode()))
            fonts.set("count", str(len(fonts)))
            fills.append(_parse(HEADER_FILL.format(ns=MAIN).encode()))
            fills.set("count", str(len(fills)))
            xf = etree.Element(q("xf"), numFmtId="0", fontId=str(len(fonts) - 1), fillId=str(len(fills) - 1),
                               borderId="0", xfId="0", applyFont="1", applyFill="1")
            self._header = self._append_xf(xf)
        return self._header


def _same_but_numfmt(a: etree._Element, b: etree._Element) -> bool:
    skip = {"numFmtId", "applyNumberFormat"}
    attrs_a = {k: v for k, v in a.attrib.items() if k not in skip}
    attrs_b = {k: v for k, v in b.attrib.items() if k not in skip}
    return attrs_a == attrs_b and [etree.tostring(c) for c in a] == [etree.tostring(c) for c in b]

