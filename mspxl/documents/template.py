"""A docxtpl template rendered in a Jinja sandbox and written atomically; the file name of a document.

Every value reaches the document exactly as written: the environment escapes XML, never evaluates what a cell
contains, and refuses a template that reaches for Python internals (`TemplateUnsafe`).
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

from mspxl.documents.context import one_line
from mspxl.documents.errors import OutputNotWritten, TemplateInvalid, TemplateMissing, TemplateUnsafe

MAX_NAME_CHARS = 150
MAX_NAME_BYTES = 240  # most file systems allow 255 bytes of UTF-8 per name
SUFFIX = ".docx"
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_TO_ESCAPE = re.compile("[&<>\"'_]")  # what `escape` and the `_` reference change
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


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Sandbox(SandboxedEnvironment):
    """A sandboxed environment that compiles each template text once.

    docxtpl hands every part of a document to `from_string` on every render; the text of a part is the same each
    time, so its compiled template is kept (a few entries per template file).
    """

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` as the sandbox reads it, a plain dict's key taken at once: a dict's attributes are its
        class's (every name in `dir(dict)`), so for any other name the sandbox's own lookup, which tries the
        attribute first and raises and catches an AttributeError, ends at the same key. Everything else (and
        `__class__`, `items`...) goes through the sandbox's checks."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

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
    such as `{_{ x }_}` exactly as typed. Text with nothing to escape is left as it is (the sandbox's autoescape
    then writes it unchanged), which is most of a context. A list or dict met twice (an invoice's lines are in
    `lines` and in its `sections`) is converted once.
    """
    return _literal(value, {})


def _literal(value: Any, done: dict[int, Any]) -> Any:
    kind = type(value)
    if kind is str:
        return value if _TO_ESCAPE.search(value) is None else _escaped(value)
    if kind is bool or value is None:
        return value
    known = done.get(id(value))
    if known is not None:
        return known
    if kind is dict:
        search = _TO_ESCAPE.search
        converted: Any = {key: item if type(item) is str and search(item) is None else _literal(item, done)
                          for key, item in value.items()}
    elif isinstance(value, str):
        return _escaped(value)
    elif isinstance(value, Mapping):
        converted = {key: _literal(item, done) for key, item in value.items()}
    elif isinstance(value, (list, tuple)):
        converted = [_literal(item, done) for item in value]
    else:
        return value
    done[id(value)] = converted
    return converted


def _escaped(text: str) -> Markup:
    return Markup(str(escape(text)).replace("_", "&#95;"))


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
    made = getattr(document, "zip_bytes", None)
    if made is not None:  # a document rendered from a prepared template: its bytes are made in one piece
        data = made()
    else:
        buffer = io.BytesIO()
        document.save(buffer)
        data = buffer.getvalue()
    return write_document(data, template, target)


_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_document(data: bytes, template: Path, target: Path) -> Path:
    """`data` written as `target`: under a temporary name beside it, then moved into place in one rename, so no
    half-written file is ever seen under a document's name (one open, the writes, one close and the rename; the
    folder is made only when the file cannot be opened for want of it)."""
    # the temporary name is the document's own with this process's id: no other writer can hold it (a run holds
    # the workbook's lock), and making it costs nothing next to tempfile's random names
    folder = os.path.dirname(target)
    temporary = os.path.join(folder, f".{target.stem}.{os.getpid()}{target.suffix}.tmp")
    try:
        try:
            handle = os.open(temporary, _FLAGS, 0o644)
        except FileNotFoundError:
            os.makedirs(folder or ".", exist_ok=True)
            handle = os.open(temporary, _FLAGS, 0o644)
    except OSError as exc:
        raise OutputNotWritten(template, f"cannot write in {target.parent}: {exc.strerror}") from exc
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view):]
        finally:
            os.close(handle)
        os.replace(temporary, target)
    except OSError as exc:
        _unlink(temporary)
        raise OutputNotWritten(
            template, f"cannot save {target.name} ({exc.strerror}); close it if it is open in Word"
        ) from exc
    except BaseException:
        _unlink(temporary)
        raise
    return target


def _unlink(path: str) -> None:
    with suppress(OSError):
        os.unlink(path)


def render_docx(template: Path, context: Mapping[str, Any], target: Path) -> Path:
    """Render any docxtpl template with `context` in the sandbox and write it atomically to `target`."""
    source = _load(template)
    return _save(_render(source, template, context, sandbox(), {}), template, target)
