"""The register: gapless numbers, and nothing issued twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from mspxl.records import Invoice, Settings


def next_sequence(existing: Iterable[Invoice], prefix: str) -> int:
    """Numbers continue from the highest number with that prefix on the Invoices sheet."""
    highest = 0
    for inv in existing:
        tail = inv.number[len(prefix):]
        if inv.number.startswith(prefix) and tail.isdigit():
            highest = max(highest, int(tail))
    return highest + 1


def format_number(prefix: str, sequence: int, width: int) -> str:
    """`Invoice Prefix` + a zero-padded sequence of `Number Width` digits."""
    return f"{prefix}{sequence:0{width}d}"


def not_yet_issued(drafts: Sequence[Invoice], existing: Iterable[Invoice]) -> list[Invoice]:
    """Running the same period twice issues nothing new: an invoice is identified by (client, type, period[, project])
    and a fee by its returned Payment ID."""
    issued = {inv.key for inv in existing}
    return [d for d in drafts if d.key not in issued]


def assign_numbers(drafts: Sequence[Invoice], existing: Sequence[Invoice], settings: Settings) -> list[Invoice]:
    """Numbers are given in the order of `drafts`, gapless and never reused; credit notes use their own sequence."""
    counters: dict[str, int] = {}
    numbered: list[Invoice] = []
    for draft in drafts:
        prefix = settings.credit_note_prefix if draft.type == "credit" else settings.invoice_prefix
        if prefix not in counters:
            counters[prefix] = next_sequence(existing, prefix)
        numbered.append(replace(draft, number=format_number(prefix, counters[prefix], settings.number_width)))
        counters[prefix] += 1
    return numbered
