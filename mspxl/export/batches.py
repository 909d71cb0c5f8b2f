"""Splitting an export into files the importer takes: never more documents or rows in a file than its limit, and
never one document across two files (its lines must arrive together to make one invoice)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class TooLarge(ValueError):
    """A single document has more rows than a whole file may hold."""


def batches(groups: Sequence[Sequence[T]], max_docs: int, max_rows: int) -> list[list[T]]:
    """Each group is one document's rows; files fill in order until the next document would pass a limit."""
    files: list[list[T]] = []
    current: list[T] = []
    docs = 0
    for rows in groups:
        if len(rows) > max_rows:
            raise TooLarge(f"one document has {len(rows)} rows, more than the {max_rows} a file may hold")
        if current and (docs + 1 > max_docs or len(current) + len(rows) > max_rows):
            files.append(current)
            current, docs = [], 0
        current.extend(rows)
        docs += 1
    if current:
        files.append(current)
    return files
