"""Templates made ready once (`PreparedTemplate`): the Word XML cleaned and the Jinja compiled, so each invoice
costs a render of its parts and an append to a copy of the stored package."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from mspxl.documents.template import (
    _as_document_text,
    _Document,
    template_errors,
)

_PREPARED_HEADER = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _PreparedDocument:
    """A rendered document's bytes, saved the way `DocxTemplate.save` is called."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def save(self, out: Any) -> None:
        out.write(self.data)


class PreparedTemplate:
    """A template made ready once: its Word XML cleaned and its Jinja compiled, its unchanged parts kept compressed.

    Each invoice then costs a Jinja render of the body, headers and footers, docxtpl's clean-up of the result
    (paragraph breaks, listings, table grids, drawing ids), and an append of those parts to a copy of the stored
    package, instead of re-reading the template and re-serialising every part (styles, theme...) per invoice.
    `prepare` returns None for a template it cannot take (template fields in the document properties); the
    renderer then uses the full docxtpl path for it, as it does for any error, so messages stay the same.
    """

    def __init__(self, document: _Document, parts: list[tuple[str, Template, str]], body: tuple[bytes, bytes],
                 base: bytes) -> None:
        self._document = document
        self._parts = parts  # (part name in the zip, compiled template, encoding); "" encoding: the body
        self._body = body
        self._base = base

    @classmethod
    def prepare(cls, source: bytes, env: SandboxedEnvironment, patched: dict[str, str]) -> PreparedTemplate | None:
        try:
            return cls._prepare(source, env, patched)
        except Exception:  # any trouble: the full path reports it as it always has
            return None

    @classmethod
    def _prepare(cls, source: bytes, env: SandboxedEnvironment, patched: dict[str, str]) -> PreparedTemplate | None:
        document = _Document(source, patched)
        document.render_init()
        docx = document.docx
        if any("{" in (getattr(docx.core_properties, name) or "") for name in _CORE_PROPERTIES):
            return None
        parts: list[tuple[str, Template, str]] = []
        body_src = document.patch_xml(document.get_xml())
        parts.append((docx.part.partname.lstrip("/"), _compile(env, body_src), ""))
        for uri in (document.HEADER_URI, document.FOOTER_URI):
            for _key, part in document.get_headers_footers(uri):
                xml = document.get_part_xml(part)
                encoding = document.get_headers_footers_encoding(xml)
                parts.append((part.partname.lstrip("/"), _compile(env, document.patch_xml(xml)), encoding))
        for part in docx.part.package.parts:
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                parts.append((part.partname.lstrip("/"), _compile(env, document.patch_xml(blob)), "utf-8"))
        root = copy.deepcopy(docx.element)
        marker = etree.Element("mspxl-body")
        root.replace(root.body, marker)
        before, after = etree.tostring(root, encoding="UTF-8", standalone=True).split(b"<mspxl-body/>")
        rendered = {name for name, _, _ in parts}
        base = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(source)) as template, zipfile.ZipFile(base, "w") as package:
            for info in template.infolist():
                if info.filename not in rendered:
                    package.writestr(info, template.read(info), compress_type=info.compress_type)
        return cls(document, parts, (before, after), base.getvalue())

    def render(self, context: Mapping[str, Any]) -> _PreparedDocument:
        document = self._document
        document.docx_ids_index = 1000
        values = _as_document_text(dict(context))
        out = io.BytesIO(self._base)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for name, template, encoding in self._parts:
                xml = _finish(document, template.render(values))
                if not encoding:
                    tree = _fix_tables(document, xml)
                    document.fix_docpr_ids(tree)
                    data = self._body[0] + etree.tostring(tree, encoding="unicode").encode("utf-8") + self._body[1]
                else:
                    data = _PREPARED_HEADER + xml.encode(encoding)
                package.writestr(name, data)
        return _PreparedDocument(out.getvalue())


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WNS = {"w": _W}
_TBL, _TBL_GRID, _GRID_COL = f"{{{_W}}}tbl", f"{{{_W}}}tblGrid", f"{{{_W}}}gridCol"
# a row with more cells than the grid has columns: docxtpl widens the grid
_OVERFULL_ROW = etree.XPath(".//w:tr[count(w:tc) > $columns]", namespaces=_WNS)
# spans docxtpl would refuse or count otherwise than one gridSpan per cell: docxtpl deals with them itself
_ODD_SPAN = etree.XPath(".//w:tc[count(w:tcPr) > 1 or count(w:tcPr/w:gridSpan) > 1 or w:tcPr/w:gridSpan["
                        "not(@w:val) or @w:val = '' or translate(@w:val, '0123456789', '') != '']]",
                        namespaces=_WNS)
# a row as wide as the grid (spans counted): docxtpl narrows a grid no row fills
_FULL_ROW = etree.XPath(".//w:tr[count(w:tc[not(w:tcPr/w:gridSpan)]) + sum(w:tc/w:tcPr/w:gridSpan/@w:val)"
                        " >= $columns]", namespaces=_WNS)


def _fix_tables(document: DocxTemplate, xml: str) -> etree._Element:
    """docxtpl's `fix_tables` (a table grid widened or narrowed to the cells its rows were rendered with), with
    the tables that need nothing found by XPath rather than cell by cell: when no table needs a change the parsed
    tree is returned as it is, as docxtpl returns it; otherwise docxtpl does the whole work."""
    tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
    if tree.nsmap.get("w") != _W:
        return document.fix_tables(xml)
    for table in tree.iter(_TBL):
        grid = table.find(_TBL_GRID)
        if grid is None:
            return document.fix_tables(xml)
        columns = len(grid.findall(_GRID_COL))
        if _OVERFULL_ROW(table, columns=columns) or _ODD_SPAN(table) or (columns and not _FULL_ROW(table,
                                                                                                   columns=columns)):
            return document.fix_tables(xml)
    return tree


def _compile(env: SandboxedEnvironment, src_xml: str) -> Template:
    """The template docxtpl's `render_xml_part` compiles for a part (each paragraph on its own line)."""
    return env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))


_PARAGRAPH_BREAK = re.compile(r"\n<w:p([ >])")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # the paragraphs docxtpl's resolve_listing walks
_LISTING_CHARS = ("\t", "\a", "\n", "\f")


def _finish(document: DocxTemplate, dst_xml: str) -> str:
    """What docxtpl's `render_xml_part` does to a part's rendered text."""
    dst_xml = _PARAGRAPH_BREAK.sub(r"<w:p\1", dst_xml)
    dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _resolve_listing(document, dst_xml)


def _resolve_listing(document: DocxTemplate, xml: str) -> str:
    """docxtpl's `resolve_listing` (tabs, line and page breaks in text become Word runs), handed only the
    paragraphs that hold one of those characters: it leaves every other paragraph exactly as it is."""
    if not any(char in xml for char in _LISTING_CHARS):
        return xml
    return _PARAGRAPH.sub(lambda m: document.resolve_listing(m.group(0))
                          if any(char in m.group(0) for char in _LISTING_CHARS) else m.group(0), xml)


def _render_prepared(prepared: PreparedTemplate, template: Path, context: Mapping[str, Any]) -> _PreparedDocument:
    with template_errors(template):
        return prepared.render(context)
