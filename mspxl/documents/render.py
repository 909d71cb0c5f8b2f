"""Invoices as Word documents: a docxtpl template per invoice type, rendered in a Jinja sandbox.

Templates are `invoice-{type}.docx` in a template folder (`default_template_dir()` unless the caller names one).
Every value reaches the document exactly as written: the environment escapes XML, never evaluates what a cell
contains, and refuses a template that reaches for Python internals (`TemplateUnsafe`).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Mapping
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
    """The repository's `templates/` folder, else the `mspxl/templates` folder an installed package carries."""
    here = Path(__file__).resolve()
    repository = here.parents[2] / "templates"
    packaged = here.parents[1] / "templates"
    if not repository.is_dir() and packaged.is_dir():
        return packaged
    return repository


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


def _render(
    source: bytes, template: Path, context: Mapping[str, Any], env: SandboxedEnvironment, patched: dict[str, str]
) -> DocxTemplate:
    document = _Document(source, patched)
    try:
        document.render(_as_document_text(dict(context)), jinja_env=env, autoescape=True)
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
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise TemplateInvalid(template, f"not a usable Word document: {exc}") from exc
    return document


def _save(document: DocxTemplate, template: Path, target: Path) -> Path:
    """Write the document beside its final name, then move it into place, so no half-written file is ever seen."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".docx.tmp")
    except OSError as exc:
        raise OutputNotWritten(template, f"cannot write in {target.parent}: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "wb") as out:
            document.save(out)
        os.chmod(temporary, 0o644)
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


class InvoiceRenderer:
    """Renders invoices with the templates of one folder; each template file is read once per renderer."""

    def __init__(self, template_dir: Path) -> None:
        self.template_dir = Path(template_dir)
        self._env = sandbox()
        self._sources: dict[str, bytes] = {}
        self._patched: dict[str, str] = {}

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
        return _save(_render(source, template, context, self._env, self._patched), template, target)


__all__ = [
    "DocumentError",
    "InvoiceRenderer",
    "default_template_dir",
    "document_filename",
    "render_docx",
    "sandbox",
]
