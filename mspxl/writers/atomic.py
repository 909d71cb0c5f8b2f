"""The one step where a run's work reaches the workbook: a finished copy beside it replaces it.

Every writer saves to a temporary file in the workbook's folder and calls `replace_workbook`, so the workbook is
either as before or fully updated. A step that must land in the same replace (the audit trail's Runs row) is set
with `before_replace` for the length of a run: it gets the finished copy before it takes the workbook's place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

FinishCopy = Callable[[Path], None]

_finish: ContextVar[FinishCopy | None] = ContextVar("mspxl_finish_copy", default=None)


@contextmanager
def before_replace(finish: FinishCopy) -> Iterator[None]:
    """While the block runs, every replace first hands the finished copy to `finish`."""
    token = _finish.set(finish)
    try:
        yield
    finally:
        _finish.reset(token)


def replace_workbook(copy: Path, path: Path) -> None:
    """Put `copy` (a finished temporary file in the same folder) in the place of `path`, atomically."""
    finish = _finish.get()
    if finish is not None:
        token = _finish.set(None)  # the finishing step's own save is a plain one
        try:
            finish(copy)
        finally:
            _finish.reset(token)
    os.replace(copy, path)


def write_whole(path: Path, write: FinishCopy) -> None:
    """A new file (a report, an export) written whole or not at all: `write` fills a temporary file in the same
    folder, which then takes the place of `path`; a failed write leaves `path` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
