"""mspxl's own lock beside a workbook, so two runs on one workbook never interleave.

`with workbook_lock(path):` holds `~mspxl-Book.xlsx.lock` beside the workbook for the whole run: reading, rendering
and saving. A second run waits for it (up to `wait` seconds), then is refused with a message. The lock is the
operating system's (flock / LockFileEx), so a run that is killed releases it at once: no stale lock to delete by hand.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path

from mspxl.writers.xlsx import WorkbookRefused

DEFAULT_WAIT = 30.0  # seconds a second run waits for the first to finish
POLL = 0.05


class WorkbookBusy(WorkbookRefused):
    """Another mspxl run holds the workbook."""


def lock_path(path: Path) -> Path:
    """`~mspxl-Book.xlsx.lock` beside `Book.xlsx`."""
    return path.with_name(f"~mspxl-{path.name}.lock")


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _same_file(fd: int, target: Path) -> bool:
    """The lock taken is on the file still at `target` (not on one a finishing run has just removed)."""
    try:
        on_disk = os.stat(target)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (on_disk.st_dev, on_disk.st_ino) == (held.st_dev, held.st_ino)


def remove_stale_saves(path: Path) -> None:
    """A run killed during its save leaves its temporary copy (`.mspxl-*.xlsx`) beside the workbook; the workbook
    itself is whole. Under the lock no other run is saving, so any such copy is stale."""
    for stale in path.parent.glob(f".mspxl-*{path.suffix}"):
        with suppress(OSError):
            stale.unlink()


_HELD: set[int] = set()  # descriptors of the locks this process holds


def _drop_inherited_locks() -> None:
    """In a forked child (the document pool's workers), close the copies of the parent's lock descriptors: the lock
    is the parent's, and a worker outliving a killed parent must not keep the workbook locked."""
    for fd in list(_HELD):
        with suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


@contextmanager
def workbook_lock(path: Path, wait: float = DEFAULT_WAIT) -> Iterator[Path]:
    """Hold mspxl's lock on `path` for the block; wait up to `wait` seconds for another run, else WorkbookBusy."""
    target = lock_path(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WorkbookRefused(f"cannot lock {path.name} ({target.name}: {exc.strerror}): "
                                  "check that its folder is writable") from exc
        if _try_lock(fd):
            if _same_file(fd, target):
                break
            _unlock(fd)
        os.close(fd)
        if time.monotonic() >= deadline:
            raise WorkbookBusy(
                f"{path.name} is being updated by another mspxl run ({target.name} is held): "
                "wait for it to finish and run again")
        time.sleep(POLL)
    _HELD.add(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        remove_stale_saves(path)
        yield target
    finally:
        _HELD.discard(fd)
        with suppress(OSError):  # Windows will not remove an open file; the next run reuses it
            target.unlink(missing_ok=True)
        _unlock(fd)
        os.close(fd)


def run_lock(path: Path, dry_run: bool = False) -> AbstractContextManager[object]:
    """The lock a writing command holds for its whole run; a dry run writes nothing and holds none."""
    return nullcontext() if dry_run else workbook_lock(path)
