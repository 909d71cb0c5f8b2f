"""Invoices as Word documents: a docxtpl template per invoice type, rendered in a Jinja sandbox (`template`),
made ready once per template (`prepared`), many invoices over the machine's cores.

Templates are `invoice-{type}.docx` in a template folder (`default_template_dir()` unless the caller names one).
Every value reaches the document exactly as written: the environment escapes XML, never evaluates what a cell
contains, and refuses a template that reaches for Python internals (`TemplateUnsafe`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from mspxl.documents.context import invoice_context
from mspxl.documents.errors import TemplateMissing
from mspxl.documents.prepared import PreparedTemplate, _render_prepared
from mspxl.documents.template import (
    _load,
    _render,
    _save,
    document_filename,
    sandbox,
)
from mspxl.records import Client, Invoice, Settings


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
# the pool's jobs and folder, set before its workers are forked: a worker is sent a job's index, not the job (a
# pickled invoice, client and settings cost about 0.15 ms a document to send and read back)
_worker_jobs: tuple[list[RenderJob], str] | None = None


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


def _worker_render(index: int) -> str | None:
    """The written file's name, or None when rendering failed (the caller renders it again to report why)."""
    jobs, out_dir = _worker_jobs  # type: ignore[misc]
    invoice, client, settings, project_name = jobs[index]
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

    global _worker_renderer, _worker_jobs
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(jobs) // (workers * 8))
    # the workers start with the templates this process prepared once, instead of preparing them each
    renderer = _worker_renderer = _primed(Path(template_dir), {inv.type for inv, _, _, _ in jobs})
    _worker_jobs = (jobs, str(out_dir))
    try:
        with context.Pool(workers, initializer=_worker_start, initargs=(str(template_dir),)) as pool:
            names = pool.imap(_worker_render, range(len(jobs)), chunksize=chunk)
            for name, (inv, client, settings, project) in zip(names, jobs, strict=True):
                if name is None:
                    yield renderer.render(inv, client, settings, out_dir, project)
                else:
                    yield Path(out_dir) / name
    finally:
        _worker_renderer = _worker_jobs = None


__all__ = [
    "InvoiceRenderer",
    "render_invoices",
    "rendered",
]
