"""A job done in a forked child while this process goes on, its small answer sent back through a pipe.

On Linux a child made by fork() sees this process's memory as it was at that moment (copy-on-write: nothing is
copied up front), so it can hash the sheets just read, or write and re-read a finished copy of the workbook, on the
other core while this process validates, computes or renders. It sends back its answer pickled (a few bytes per
sheet) and exits without running any of this process's clean-up. Where a child cannot be forked safely (Windows,
macOS, a process already running threads) or the child gives no answer (it failed, was killed, or its answer does
not unpickle), `result` runs the fallback here, so the answer is the same either way.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
_NOTHING = object()


def can_fork() -> bool:
    """Forking is safe here: Linux (as for the document workers), and no other thread that a child could inherit
    stopped halfway through holding a lock."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


class Forked(Generic[T]):
    """`job` run in a forked child, started at once; `result()` is its answer, or `fallback()` run here when the
    child gave none. The job is not kept here (what it reads stays the child's), only the fallback is."""

    def __init__(self, job: Callable[[], T], fallback: Callable[[], T]) -> None:
        self._fallback: Callable[[], T] | None = fallback
        self._pid: int | None = None
        self._pipe: int | None = None
        self._value: object = _NOTHING
        self.forked = can_fork() and self._start(job)  # a child was started (whether or not it answers)

    def _start(self, job: Callable[[], T]) -> bool:
        try:
            read, write = os.pipe()
        except OSError:
            return False
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return False
        if pid == 0:  # the child: answer and leave, whatever happens
            _answer(job, read, write)
        os.close(write)
        self._pid, self._pipe = pid, read
        return True

    def result(self) -> T:
        """The child's answer (waiting for it), else the fallback's."""
        if self._value is _NOTHING:
            answer = self._collect()
            if answer is _NOTHING:
                fallback, self._fallback = self._fallback, None
                assert fallback is not None
                answer = fallback()
            self._value = answer
        return self._value  # type: ignore[return-value]

    def _collect(self) -> object:
        if self._pid is None or self._pipe is None:
            return _NOTHING
        chunks: list[bytes] | None = []
        try:
            while chunk := os.read(self._pipe, 1 << 16):
                chunks.append(chunk)
        except OSError:
            chunks = None
        finally:
            os.close(self._pipe)
            self._pipe = None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if chunks is None or not chunks or os.waitstatus_to_exitcode(status) != 0:
            return _NOTHING
        try:
            return pickle.loads(b"".join(chunks))
        except Exception:
            return _NOTHING

    def cancel(self) -> None:
        """The child stopped and reaped, its answer no longer wanted."""
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None


def _answer(job: Callable[[], object], read: int, write: int) -> None:
    """In the child: run the job, write its pickled answer, exit at once (no atexit, no buffered output flushed
    twice, no clean-up of the parent's temporary files). Exit code 1 when anything failed."""
    code = 1
    try:
        os.close(read)
        gc.disable()  # the collector would walk (and so copy) every object shared with the parent
        data = memoryview(pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write, data):]
        code = 0
    except BaseException:  # noqa: S110 - the parent runs the fallback; the child must not go on as the parent
        pass
    finally:
        os._exit(code)
