"""A workbook change ready to save: written to a finished copy beside the workbook, which then replaces it.

A command that writes documents prepares its change first (whatever cannot be written is found before any document)
and saves it after the documents. `write_ahead` writes the finished copy meanwhile, in a forked child on the other
core, with what the Runs row needs of it (`mspxl.writers.atomic.describe_copy`), so that the save after the
documents only has to put the copy in place. The copy is a hidden temporary file until then: a run that stops
removes it and the workbook is as it was; a copy the child did not finish is thrown away and the save writes its
own, as if nothing had been written ahead (so a full disk is reported by the save, as before).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from mspxl.writers.atomic import describe_copy, replace_workbook
from mspxl.writers.forked import Forked, can_fork

WriteCopy = Callable[[Path], None]  # writes the finished workbook to the given path


class PreparedSave:
    """Calling it saves the change in the place of `path`, atomically (see `write_ahead`)."""

    def __init__(self, path: Path, write: WriteCopy) -> None:
        self.path = path
        self._write = write
        self._copy: Path | None = None
        self._ahead: Forked[tuple[object] | None] | None = None

    def _temporary(self) -> Path:
        fd, name = tempfile.mkstemp(prefix=".mspxl-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        return Path(name)

    def write_ahead(self) -> PreparedSave:
        """Start writing the finished copy in a forked child (nothing happens where a child cannot be forked, or no
        temporary file can be made: the save then writes it)."""
        if self._ahead is not None or not can_fork():
            return self
        try:
            copy = self._temporary()
        except OSError:
            return self
        ahead: Forked[tuple[object] | None] = Forked(lambda: self._written(copy), lambda: None)
        if not ahead.forked:
            copy.unlink(missing_ok=True)
            return self
        self._copy, self._ahead = copy, ahead
        return self

    def _written(self, copy: Path) -> tuple[object]:
        """In the child: the copy written, and what the finishing step will need of it."""
        self._write(copy)
        return (describe_copy(copy, self.path),)

    def discard(self) -> None:
        """A copy written ahead, and its child, no longer wanted (the run stopped before its save)."""
        if self._ahead is not None:
            self._ahead.cancel()
            self._ahead = None
        if self._copy is not None:
            self._copy.unlink(missing_ok=True)
            self._copy = None

    def __call__(self) -> None:
        copy, ahead = self._copy, self._ahead
        self._copy = self._ahead = None
        if copy is not None and ahead is not None:
            answer = ahead.result()
            if answer is not None:
                try:
                    replace_workbook(copy, self.path, answer[0])
                except BaseException:
                    copy.unlink(missing_ok=True)
                    raise
                return
            copy.unlink(missing_ok=True)  # the child did not finish it: written here instead
        copy = self._temporary()
        try:
            self._write(copy)
            replace_workbook(copy, self.path)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
