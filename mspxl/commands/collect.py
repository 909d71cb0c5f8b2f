"""`mspxl collect`: fee invoices for returned debits, each client's collection state, the Collections and
Aging sheets, and the notices of a changed state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from mspxl.ach.bank_changes import bank_notes
from mspxl.audit import audited, note_documents
from mspxl.billing.register import assign_numbers
from mspxl.collections import CollectionsResult, run_collections
from mspxl.collections.engine import with_note
from mspxl.commands.common import (
    Progress,
    load_verified,
    named_documents,
    no_progress,
    output_folder,
    render_documents,
    templates_of,
)
from mspxl.lock import workbook_lock
from mspxl.problems import Problem
from mspxl.records import Book, Invoice
from mspxl.writers.changes import WorkbookChanges, aging_row, collections_row, issue_changes
from mspxl.writers.prepared import PreparedSave
from mspxl.writers.xlsx import prepare_update, refuse_if_open, update_workbook


@dataclass(frozen=True)
class CollectRun:
    as_of: date
    fees: tuple[Invoice, ...]
    result: CollectionsResult
    out_dir: Path
    warnings: list[Problem] = field(default_factory=list)
    notices: tuple[Path, ...] = ()
    replay: bool = False  # only the Collections and Aging sheets were recomputed
    replayed_over: date | None = None  # the As Of of the sheets before the run

    @property
    def state_counts(self) -> dict[str, int]:
        return dict(Counter(s.state for s in self.result.statuses))


class BackDatedCollect(ValueError):
    """A collect as of a date before the last one: it would write fees and letters that are no longer true."""

    def __init__(self, last: date, as_of: date) -> None:
        super().__init__(
            f"Collections were last run as of {last.isoformat()}; a run as of {as_of.isoformat()} would send letters "
            f"and charge fees for a state that is no longer true, so nothing was written. Run collect as of "
            f"{last.isoformat()} or later, or add --replay to recompute only the Collections and Aging sheets as of "
            f"{as_of.isoformat()} (no fees, no notices).")
        self.last = last


def refuse_back_dated(book: Book, as_of: date) -> None:
    """A collect earlier than the last one (the As Of of the Collections and Aging sheets) is refused."""
    if book.collections_as_of is not None and as_of < book.collections_as_of:
        raise BackDatedCollect(book.collections_as_of, as_of)


def collect(path: Path, as_of: date, today: date, out: Path | None = None, progress: Progress = no_progress,
            template_dir: Path | None = None, replay: bool = False) -> CollectRun:
    """Fee invoices for returned debits, the Collections and Aging sheets as of `as_of`. BackDatedCollect when
    `as_of` is before the last collect's, unless `replay`: then only the Collections and Aging sheets are recomputed
    as of `as_of` (no fee is charged and no notice written)."""
    with workbook_lock(path):
        refuse_if_open(path)
        book, problems = load_verified(path, today)
        out_dir = output_folder(path, out, book)
        prepared: list[tuple[WorkbookChanges, PreparedSave]] = []

        def check(planned: WorkbookChanges) -> None:
            prepared.append((planned, prepare_update(path, planned, book.settings.currency, book.settings.locale)))

        fees, result, notices, changes = collections_documents(
            book, as_of, out_dir, progress, templates_of(path, book, template_dir), replay, check,
            bank_notes(path, book.clients, as_of))
        note_documents(fees)
        if prepared and prepared[0][0] == changes:  # the change prepared before the documents is the one to save
            prepared[0][1]()
        else:
            update_workbook(path, changes, book.settings.currency, book.settings.locale)
        return CollectRun(as_of, tuple(fees), result, out_dir, problems, tuple(notices), replay,
                          book.collections_as_of)


def collections_rows(result: CollectionsResult, as_of: date, bank: Mapping[str, str]) -> list[tuple[object, ...]]:
    """The Collections sheet: a row per client in collections, and per client with bank details to update."""
    rows = []
    for status in result.statuses:
        note = bank.get(status.client_id)
        status = with_note(status, note or "")
        if status.on_collections_sheet or note:
            rows.append(collections_row(status, as_of))
    return rows


def collections_documents(book: Book, as_of: date, out_dir: Path, progress: Progress = no_progress,
                          template_dir: Path | None = None, replay: bool = False,
                          check: Callable[[WorkbookChanges], object] | None = None,
                          bank: Mapping[str, str] | None = None,
                          ) -> tuple[list[Invoice], CollectionsResult, list[Path], WorkbookChanges]:
    """Collections on loaded records: fee invoices numbered and rendered, a notice for each client whose state
    changed, and the workbook changes (fee register rows, Collections and Aging sheets) left to the caller to apply.
    A replay gives the Collections and Aging sheets only; any other run earlier than the last is refused.
    `check` is given the changes before any document is written (a workbook that cannot take them stops here);
    `bank` (client -> "update the client's bank details: ...") puts a notification of change on the client's row."""
    if not replay:
        refuse_back_dated(book, as_of)
    result = run_collections(book.settings, book.clients, book.invoices, book.payments, as_of,
                             book.collection_states)
    if replay:
        changes = WorkbookChanges()
        changes.replace["Collections"] = collections_rows(result, as_of, bank or {})
        changes.replace["Aging"] = [aging_row(r, as_of) for r in result.aging]
        return [], result, [], changes
    fees = assign_numbers(result.new_fees, book.invoices, book.settings)
    if check is not None:  # each fee's File as its document will be written, so the change checked is the one saved
        planned = issue_changes(named_documents(book, fees))
        planned.replace["Collections"] = collections_rows(result, as_of, bank or {})
        planned.replace["Aging"] = [aging_row(r, as_of) for r in result.aging]
        check(planned)
    if fees:
        fees = render_documents(book, fees, out_dir, progress, template_dir)
    notices: list[Path] = []
    if any(status.changed for status in result.statuses):  # a notice is only ever for a changed state
        from mspxl.documents.notices import render_notices

        notices = render_notices(replace(book, invoices=(*book.invoices, *fees)), result.statuses, as_of, out_dir,
                                 template_dir)
    changes = issue_changes(fees)
    changes.replace["Collections"] = collections_rows(result, as_of, bank or {})
    changes.replace["Aging"] = [aging_row(r, as_of) for r in result.aging]
    return fees, result, notices, changes


def run_collect(path: Path, as_of: date, today: date, out: Path | None = None,
                progress: Progress = no_progress, replay: bool = False) -> CollectRun:
    """`mspxl collect`: `collect`, with its row on the Runs sheet."""
    args = [path.name, "--as-of", as_of.isoformat(), *(["--out", str(out)] if out else []),
            *(["--replay"] if replay else [])]
    return audited(path, "collect", args, lambda: collect(path, as_of, today, out, progress=progress, replay=replay))
