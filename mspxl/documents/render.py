"""Invoices as Word documents: a docxtpl template per invoice type, rendered in a Jinja sandbox.

Templates are `invoice-{type}.docx` in a template folder (`default_template_dir()` unless the caller names one).
Every value reaches the document exactly as written: the environment escapes XML, never evaluates what a cell
contains, and refuses a template that reaches for Python internals (`TemplateUnsafe`).
"""

from __future__ import annotations

import copy
import io
import os
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

from mspxl.documents.context import invoice_context, one_line
from mspxl.documents.errors import (
    DocumentError,
    OutputNotWritten,
    TemplateInvalid,
    TemplateMissing,
    TemplateUnsafe,
)
from mspxl.records import Client, Invoice, Settings

MAX_NAME_CHARS = 150
MAX_NAME_BYTES = 240  # most file systems allow 255 bytes of UTF-8 per name
SUFFIX = ".docx"
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)


def default_template_dir() -> Path:
    """The packaged templates (an installed mspxl), else the repository's `templates/` folder."""
    from mspxl.resources import template_dir

    return template_dir()


def document_filename(invoice_number: str, client_name: str) -> str:
    """`{Invoice Number} {Client Name}.docx`, made safe for Windows, macOS and Linux.

    Characters no file system accepts (`/ \\ : * ? " < > |`, control characters) become `-`; leading and trailing
    dots and spaces go; a name Windows reserves for a device (`CON`, `NUL`, `COM1`...) gets a `_` in front; the whole
    name is at most 150 characters (and 240 bytes of UTF-8). The result is always a plain name inside its folder.
    """
    stem = " ".join(part for part in (one_line(invoice_number), one_line(client_name)) if part)
    stem = _FORBIDDEN.sub("-", unicodedata.normalize("NFC", stem)).strip(" .")
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        stem = "_" + stem
    stem = stem[: MAX_NAME_CHARS - len(SUFFIX)]
    while len((stem + SUFFIX).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or "invoice"
    return stem + SUFFIX


class _Sandbox(SandboxedEnvironment):
    """A sandboxed environment that compiles each template text once.

    docxtpl hands every part of a document to `from_string` on every render; the text of a part is the same each
    time, so its compiled template is kept (a few entries per template file).
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # type: ignore[no-untyped-def, override]
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) >= 256:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


def sandbox() -> SandboxedEnvironment:
    """The Jinja environment of every document: sandboxed, XML-escaping, and strict about unknown fields."""
    return _Sandbox()


class _Document(DocxTemplate):
    """A docxtpl template that shares the tag clean-up of its Word XML (`patch_xml`) through `patched`, so a
    renderer cleans each template part once rather than once per invoice."""

    def __init__(self, source: bytes, patched: dict[str, str]) -> None:
        super().__init__(io.BytesIO(source))
        self._patched = patched

    def patch_xml(self, src_xml: str) -> str:
        if src_xml not in self._patched:
            if len(self._patched) >= 256:
                self._patched.clear()
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]


def _as_document_text(value: Any) -> Any:
    """A context value made literal for docxtpl: XML-escaped text, lists and dicts converted item by item.

    docxtpl turns `{_{` into `{{` in what it renders; writing `_` as the character reference `&#95;` keeps a name
    such as `{_{ x }_}` exactly as typed.
    """
    if isinstance(value, str):
        return Markup(str(escape(value)).replace("_", "&#95;"))
    if isinstance(value, Mapping):
        return {key: _as_document_text(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_document_text(item) for item in value]
    return value


def _load(template: Path) -> bytes:
    try:
        source = template.read_bytes()
    except FileNotFoundError as exc:
        raise TemplateMissing(template, f"template not found in {template.parent}") from exc
    except OSError as exc:
        raise TemplateMissing(template, f"template cannot be read: {exc.strerror}") from exc
    if not zipfile.is_zipfile(io.BytesIO(source)):
        raise TemplateInvalid(template, "not a Word (.docx) document")
    return source


@contextmanager
def template_errors(template: Path) -> Iterator[None]:
    """A template's failures while rendering, as our own errors naming the template."""
    try:
        yield
    except SecurityError as exc:
        raise TemplateUnsafe(template, f"refused: {exc}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(template, f"Jinja syntax error: {exc.message}") from exc
    except UndefinedError as exc:
        raise TemplateInvalid(template, f"unknown field: {exc.message}") from exc
    except TemplateError as exc:
        raise TemplateInvalid(template, str(exc)) from exc
    except etree.XMLSyntaxError as exc:
        raise TemplateInvalid(template, f"the tags leave the Word XML broken: {exc}") from exc


def _render(
    source: bytes, template: Path, context: Mapping[str, Any], env: SandboxedEnvironment, patched: dict[str, str]
) -> DocxTemplate:
    document = _Document(source, patched)
    try:
        with template_errors(template):
            document.render(_as_document_text(dict(context)), jinja_env=env, autoescape=True)
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TemplateInvalid(template, f"not a usable Word document: {exc}") from exc
    return document


def _save(document: DocxTemplate, template: Path, target: Path) -> Path:
    """Write the document beside its final name, then move it into place, so no half-written file is ever seen."""
    # the temporary name is the document's own with this process's id: no other writer can hold it (a run holds
    # the workbook's lock), and making it costs nothing next to tempfile's random names
    temporary = target.with_name(f".{target.stem}.{os.getpid()}{target.suffix}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as exc:
        raise OutputNotWritten(template, f"cannot write in {target.parent}: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            document.save(out)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise OutputNotWritten(
            template, f"cannot save {target.name} ({exc.strerror}); close it if it is open in Word"
        ) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def render_docx(template: Path, context: Mapping[str, Any], target: Path) -> Path:
    """Render any docxtpl template with `context` in the sandbox and write it atomically to `target`."""
    source = _load(template)
    return _save(_render(source, template, context, sandbox(), {}), template, target)


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


class InvoiceRenderer:
    """Renders invoices with the templates of one folder; each template file is read once per renderer."""

    def __init__(self, template_dir: Path, prepared: bool = True) -> None:
        """`prepared`: render from templates made ready once (PreparedTemplate); False: docxtpl per invoice."""
        self.template_dir = Path(template_dir)
        self._env = sandbox()
        self._sources: dict[str, bytes] = {}
        self._patched: dict[str, str] = {}
        self._use_prepared = prepared
        self._prepared: dict[str, PreparedTemplate | None] = {}

    def template_path(self, invoice_type: str) -> Path:
        """`invoice-{type}.docx` in the template folder."""
        return self.template_dir / f"invoice-{invoice_type}.docx"

    def _source(self, invoice_type: str) -> bytes:
        if invoice_type not in self._sources:
            if not re.fullmatch(r"[a-z]+", invoice_type or ""):
                raise TemplateMissing(self.template_path("?"), f"no template for invoice type {invoice_type!r}")
            self._sources[invoice_type] = _load(self.template_path(invoice_type))
        return self._sources[invoice_type]

    def render(
        self, invoice: Invoice, client: Client, settings: Settings, out_dir: Path, project_name: str = ""
    ) -> Path:
        """Write the invoice's document into `out_dir` as `document_filename(...)` and return its path."""
        template = self.template_path(invoice.type)
        source = self._source(invoice.type)
        context = invoice_context(invoice, client, settings, project_name)
        target = Path(out_dir) / document_filename(invoice.number, invoice.client_name or client.name)
        prepared = self._prepared_for(invoice.type, source)
        if prepared is not None:
            return _save(_render_prepared(prepared, template, context), template, target)
        return _save(_render(source, template, context, self._env, self._patched), template, target)

    def _prepared_for(self, invoice_type: str, source: bytes) -> PreparedTemplate | None:
        if not self._use_prepared:
            return None
        if invoice_type not in self._prepared:
            self._prepared[invoice_type] = PreparedTemplate.prepare(source, self._env, self._patched)
        return self._prepared[invoice_type]


# Invoices below this are rendered in this process. Measured on 2 cores (bench, 2,000-client book): 200 documents
# gain nothing dependable over one process, 400 gain 1.15-1.3x, 1,200 gain 1.6-1.75x (at about 13% more CPU time).
POOL_THRESHOLD = 400


def pool_is_safe() -> bool:
    """Only where worker processes can be forked from this one (Linux): on Windows and macOS a pool spawns fresh
    interpreters, which inside Excel's Python (the ribbon) would start the add-in's code again; there the documents
    are rendered in one process."""
    import multiprocessing

    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()

RenderJob = tuple[Invoice, Client, Settings, str]  # an invoice, its client, the settings, the project name

_worker_renderer: InvoiceRenderer | None = None


def _worker_start(template_dir: str) -> None:
    global _worker_renderer
    if _worker_renderer is None or _worker_renderer.template_dir != Path(template_dir):
        _worker_renderer = InvoiceRenderer(Path(template_dir))


def _primed(template_dir: Path, invoice_types: set[str]) -> InvoiceRenderer:
    """A renderer with the templates of these invoice types prepared; a template that fails is left for the
    render that meets it to report."""
    renderer = InvoiceRenderer(template_dir)
    for invoice_type in sorted(invoice_types):
        try:
            renderer._prepared_for(invoice_type, renderer._source(invoice_type))
        except Exception:  # noqa: S112 - reported by the render of that invoice, with its own message
            continue
    return renderer


def _worker_render(job: tuple[RenderJob, str]) -> str | None:
    """The written file's name, or None when rendering failed (the caller renders it again to report why)."""
    (invoice, client, settings, project_name), out_dir = job
    try:
        return _worker_renderer.render(invoice, client, settings, Path(out_dir), project_name).name
    except Exception:  # reported by the caller, which renders this invoice itself
        return None


def render_invoices(template_dir: Path, jobs: list[RenderJob], out_dir: Path, workers: int | None = None,
                    threshold: int | None = None) -> list[Path]:
    """Every job's document in `out_dir`, in job order; many invoices are spread over the machine's cores."""
    return list(rendered(template_dir, jobs, out_dir, workers, threshold))


def rendered(template_dir: Path, jobs: list[RenderJob], out_dir: Path, workers: int | None = None,
             threshold: int | None = None) -> Iterator[Path]:
    """Each job's document in `out_dir`, yielded in job order as it is written (so a caller can show progress);
    from `threshold` jobs on, rendered over the machine's cores.

    A document that fails in a worker is rendered again here, so the error raised is the one a single render raises.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers < 2 or len(jobs) < (POOL_THRESHOLD if threshold is None else threshold) or not pool_is_safe():
        renderer = InvoiceRenderer(template_dir)
        for inv, client, settings, project in jobs:
            yield renderer.render(inv, client, settings, out_dir, project)
        return
    import multiprocessing

    global _worker_renderer
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(jobs) // (workers * 8))
    # the workers start with the templates this process prepared once, instead of preparing them each
    renderer = _worker_renderer = _primed(Path(template_dir), {inv.type for inv, _, _, _ in jobs})
    try:
        with context.Pool(workers, initializer=_worker_start, initargs=(str(template_dir),)) as pool:
            names = pool.imap(_worker_render, [(job, str(out_dir)) for job in jobs], chunksize=chunk)
            for name, (inv, client, settings, project) in zip(names, jobs, strict=True):
                if name is None:
                    yield renderer.render(inv, client, settings, out_dir, project)
                else:
                    yield Path(out_dir) / name
    finally:
        _worker_renderer = None


__all__ = [
    "DocumentError",
    "InvoiceRenderer",
    "PreparedTemplate",
    "default_template_dir",
    "render_invoices",
    "rendered",
    "document_filename",
    "render_docx",
    "sandbox",
]
