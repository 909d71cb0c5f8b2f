"""The one step where a run's work reaches the workbook: a finished copy beside it replaces it.

Every writer saves to a temporary file in the workbook's folder and calls `replace_workbook`, so the workbook is
either as before or fully updated. A step that must land in the same replace (the audit trail's Runs row) is set
with `before_replace` for the length of a run: it gets the finished copy before it takes the workbook's place.
Such a step may say what it needs to know about the copy (`describe`), so that a copy written ahead of time (while a
command still renders its documents, see `mspxl.writers.prepared.PreparedSave`) is described ahead of time too, and its
finishing step, at the replace, is handed that description instead of working it out then.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

FinishCopy = Callable[[Path], None]
Describe = Callable[[Path, Path], object]  # (workbook, finished copy) -> what the finishing step needs to know


@dataclass(frozen=True)
class _Finishing:
    finish: Callable[..., None]  # finish(copy), or finish(copy, description) when `describe` is set
    describe: Describe | None


_finish: ContextVar[_Finishing | None] = ContextVar("mspxl_finish_copy", default=None)


@contextmanager
def before_replace(finish: Callable[..., None], describe: Describe | None = None) -> Iterator[None]:
    """While the block runs, every replace first hands the finished copy to `finish`: as `finish(copy)`, or, when
    `describe` is given, as `finish(copy, description)` with the description made ahead of time (None if none
    was)."""
    token = _finish.set(_Finishing(finish, describe))
    try:
        yield
    finally:
        _finish.reset(token)


def describe_copy(copy: Path, path: Path) -> object:
    """What the finishing step under way will need about `copy`, a finished copy of `path` not yet in its place
    (None when there is no such step or it needs nothing). It may run in another process: the answer is plain
    data."""
    hook = _finish.get()
    return hook.describe(path, copy) if hook is not None and hook.describe is not None else None


def replace_workbook(copy: Path, path: Path, description: object = None) -> None:
    """Put `copy` (a finished temporary file in the same folder) in the place of `path`, atomically; `description`
    is what `describe_copy` said of it when it was written ahead of time."""
    hook = _finish.get()
    if hook is not None:
        token = _finish.set(None)  # the finishing step's own save is a plain one
        try:
            if hook.describe is None:
                hook.finish(copy)
            else:
                hook.finish(copy, description)
        finally:
            _finish.reset(token)
    os.replace(copy, path)


def write_whole(path: Path, write: FinishCopy) -> None:
    """A new file (a report, an export) written whole or not at all: `write` fills a temporary file in the same
    folder, which then takes the place of `path`; a failed write leaves `path` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The permissions `path` gets: its own when it exists, else those of any new file (0666 less the umask), as a
    file opened for writing would have; never the private 0600 of the temporary file it is written through."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask
