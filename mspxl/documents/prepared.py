"""Templates made ready once (`PreparedTemplate`): the Word XML cleaned and the Jinja compiled, so each invoice
costs a render of its parts and an append to a copy of the stored package."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from mspxl.documents.template import (
    _as_document_text,
    _Document,
    template_errors,
)
from mspxl.zipcopy import Deflated, Laid, Slot, deflated, laid_out, zip_bytes

_PREPARED_HEADER = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _PreparedDocument:
    """A rendered document, saved the way `DocxTemplate.save` is called: the template's unchanged parts as their
    stored bytes, then the rendered parts, then the zip's directory."""

    def __init__(self, kept: Laid, rendered: list[Deflated]) -> None:
        self._kept = kept
        self._rendered = rendered

    def zip_bytes(self) -> bytes:
        """The whole .docx file."""
        return zip_bytes(self._kept, self._rendered)

    def save(self, out: BinaryIO) -> None:
        out.write(self.zip_bytes())


# the block tags a template may use for its parts to be compiled as they are (see `_Part`): with these, the newlines
# docxtpl puts before each paragraph only ever reach the output where it takes them out again
_PLAIN_BLOCKS = frozenset(["if", "elif", "else", "endif", "for", "endfor"])


class _Part:
    """A rendered part of a template: its zip slot, encoding ("": the body) and compiled Jinja.

    docxtpl compiles a part with a newline put before every paragraph (`<w:p`, for the line numbers of its error
    messages) and takes those newlines out of what Jinja renders. A part whose tags are plain `if` and `for`
    blocks, none holding `<w:p` inside it, is compiled as it is: the newlines docxtpl adds are then exactly the ones
    it removes, so when the output has no newline before a paragraph of its own, it is docxtpl's output without the
    two passes over it. When it has one (a template's own line breaks, a value written next to a paragraph under
    whitespace control), the part is rendered again docxtpl's way."""

    def __init__(self, info: zipfile.ZipInfo, env: SandboxedEnvironment, xml: str, encoding: str) -> None:
        self.slot, self.encoding = Slot(info), encoding
        self._env, self._xml = env, xml
        self._docxtpl: Template | None = None
        self._plain = env.from_string(xml) if _is_plain(env, xml) else None
        if self._plain is None:
            self._docxtpl = _compile(env, xml)

    def render(self, document: DocxTemplate, values: Mapping[str, Any]) -> str:
        """What docxtpl's `render_xml_part` returns for this part."""
        if self._plain is not None:
            xml = self._plain.render(values)
            if "\n<w:p" not in xml:
                if "_" in xml:  # docxtpl's `{_{` and the like (a value's `_` is written `&#95;`)
                    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
                return _resolve_listing(document, xml)
        if self._docxtpl is None:
            self._docxtpl = _compile(self._env, self._xml)
        return _finish(document, self._docxtpl.render(values))


def _is_plain(env: SandboxedEnvironment, xml: str) -> bool:
    """Whether the part's tags are only `if` and `for` blocks and no tag holds `<w:p` (read with Jinja's lexer)."""
    opened = False
    for _line, kind, value in env.lex(xml):
        if kind in ("data", "whitespace"):
            continue
        if opened and kind == "name" and value not in _PLAIN_BLOCKS:
            return False
        opened = kind == "block_begin"
        if "<w:p" in value:
            return False
    return True


class PreparedTemplate:
    """A template made ready once: its Word XML cleaned and its Jinja compiled, its unchanged parts kept compressed.

    Each invoice then costs a Jinja render of the body, headers and footers, docxtpl's clean-up of the result
    (paragraph breaks, listings), those parts deflated, and the template's other parts copied as the compressed
    bytes the template stores. The body is parsed again (docxtpl's table-grid fix and drawing ids) only when the
    template could need it: a table whose rendered rows might not fill its grid, or a drawing (`_body_is_final`,
    decided once per template). `prepare` returns None for a template it cannot take (template fields in the
    document properties); the renderer then uses the full docxtpl path for it, as it does for any error, so
    messages stay the same.
    """

    def __init__(self, document: _Document, parts: list[_Part], body: tuple[bytes, bytes], kept: Laid,
                 parse_body: bool) -> None:
        self._document = document
        self._parts = parts
        self._body = body
        self._kept = kept
        self.parse_body = parse_body

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
        sources: list[tuple[str, str, str]] = []  # (part name, cleaned XML, encoding)
        body_src = document.patch_xml(document.get_xml())
        sources.append((docx.part.partname.lstrip("/"), body_src, ""))
        for uri in (document.HEADER_URI, document.FOOTER_URI):
            for _key, part in document.get_headers_footers(uri):
                xml = document.get_part_xml(part)
                encoding = document.get_headers_footers_encoding(xml)
                sources.append((part.partname.lstrip("/"), document.patch_xml(xml), encoding))
        for part in docx.part.package.parts:
            if part.content_type == _FOOTNOTES:
                blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
                sources.append((part.partname.lstrip("/"), document.patch_xml(blob), "utf-8"))
        root = copy.deepcopy(docx.element)
        marker = etree.Element("mspxl-body")
        root.replace(root.body, marker)
        before, after = etree.tostring(root, encoding="UTF-8", standalone=True).split(b"<mspxl-body/>")
        rendered = {name for name, _, _ in sources}
        with zipfile.ZipFile(io.BytesIO(source)) as template:
            parts = [_Part(template.getinfo(name), env, xml, encoding) for name, xml, encoding in sources]
            kept = laid_out(template, [name for name in template.namelist() if name not in rendered])
        return cls(document, parts, (before, after), kept, not _body_is_final(body_src))

    def render(self, context: Mapping[str, Any]) -> _PreparedDocument:
        document = self._document
        values = _as_document_text(dict(context))
        rendered = []
        for part in self._parts:
            xml = part.render(document, values)
            encoding = part.encoding
            if not encoding:
                if self.parse_body:
                    document.docx_ids_index = 1000
                    tree = _fix_tables(document, xml)
                    document.fix_docpr_ids(tree)
                    xml = etree.tostring(tree, encoding="unicode")
                data = self._body[0] + xml.encode("utf-8") + self._body[1]
            else:
                data = _PREPARED_HEADER + xml.encode(encoding)
            rendered.append(deflated(part.slot, data))
        return _PreparedDocument(self._kept, rendered)


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


_JINJA = re.compile(r"{%|{{|{#")
_OPENS = re.compile(r"{%-?\s*(?:if|for)\b")
_CLOSES = re.compile(r"{%-?\s*end(?:if|for)\b")
_TR, _TC, _TC_PR = f"{{{_W}}}tr", f"{{{_W}}}tc", f"{{{_W}}}tcPr"


def _body_is_final(body_src: str) -> bool:
    """Whether every rendering of this cleaned template body leaves its tables as docxtpl's `fix_tables` would
    (so the rendered body need not be parsed), and has no drawing whose id docxtpl renumbers.

    True when every table has a grid, and every row of the template fills it exactly (spans written as numbers);
    the template's tags sit only between rows (a row repeated or left out: `{%tr for %}`, `{%tr if %}`) or inside
    a cell's paragraphs with their blocks closed in the same cell (never around cells, never in a cell's
    properties: `{%tc %}`, `colspan`, `hm`, `vm`); and each table has a row outside every such block, so no
    rendering leaves a table without a full row. A rendered row is then a copy of a full row, which is what
    docxtpl's fix leaves unchanged. Anything else: parsed and fixed per document, as docxtpl does."""
    if "docPr" in body_src:
        return False
    tree = etree.fromstring(body_src)
    if tree.nsmap.get("w") != _W:
        return False
    for table in tree.iter(_TBL):
        grid = table.find(_TBL_GRID)
        if grid is None or _ODD_SPAN(table):
            return False
        columns = len(grid.findall(_GRID_COL))
        depth, kept_row = 0, False
        for child in table:
            depth += _block_change(child.getprevious().tail if child.getprevious() is not None else table.text)
            if depth < 0:
                return False
            if child.tag != _TR:
                continue
            if not _row_is_final(child, columns):
                return False
            kept_row = kept_row or depth == 0
        depth += _block_change(table[-1].tail if len(table) else table.text)
        if depth != 0 or not kept_row:
            return False
    return True


def _block_change(text: str | None) -> int:
    return len(_OPENS.findall(text or "")) - len(_CLOSES.findall(text or ""))


def _row_is_final(row: etree._Element, columns: int) -> bool:
    width = 0
    for part in [row.text, *(child.tail for child in row)]:
        if _JINJA.search(part or ""):
            return False
    for child in row:
        if child.tag != _TC:
            if _JINJA.search(etree.tostring(child, encoding="unicode")):
                return False
            continue
        properties = child.find(_TC_PR)
        if properties is not None and _JINJA.search(etree.tostring(properties, encoding="unicode")):
            return False
        if _block_change(etree.tostring(child, encoding="unicode", with_tail=False)) != 0:
            return False
        span = properties.find(f"{{{_W}}}gridSpan") if properties is not None else None
        width += int(span.get(f"{{{_W}}}val")) if span is not None else 1
    return width == columns


def _compile(env: SandboxedEnvironment, src_xml: str) -> Template:
    """The template docxtpl's `render_xml_part` compiles for a part (each paragraph on its own line)."""
    return env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml))


_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # the paragraphs docxtpl's resolve_listing walks
_LISTING_CHARS = ("\t", "\a", "\n", "\f")


def _finish(document: DocxTemplate, dst_xml: str) -> str:
    """What docxtpl's `render_xml_part` does to a part's rendered text."""
    dst_xml = dst_xml.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")  # docxtpl's `\n<w:p([ >])`
    dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return _resolve_listing(document, dst_xml)


def _resolve_listing(document: DocxTemplate, xml: str) -> str:
    """docxtpl's `resolve_listing` (tabs, line and page breaks in text become Word runs), handed only the
    paragraphs that hold one of those characters: it leaves every other paragraph exactly as it is."""
    found = sorted(at for char in _LISTING_CHARS if char in xml for at in _positions(xml, char))
    if not found:
        return xml
    pieces, done, next_char = [], 0, 0
    for match in _PARAGRAPH.finditer(xml):
        while next_char < len(found) and found[next_char] < match.start():
            next_char += 1
        if next_char == len(found):
            break
        if found[next_char] < match.end():
            pieces += [xml[done:match.start()], document.resolve_listing(match.group(0))]
            done = match.end()
    return "".join([*pieces, xml[done:]])


def _positions(text: str, char: str) -> list[int]:
    at, found = text.find(char), []
    while at >= 0:
        found.append(at)
        at = text.find(char, at + 1)
    return found


def _render_prepared(prepared: PreparedTemplate, template: Path, context: Mapping[str, Any]) -> _PreparedDocument:
    with template_errors(template):
        return prepared.render(context)
