"""The conversion run: one lane per core, each a LibreOffice profile of its own that converts chunks of files one
soffice call after another, the chunks handed out from one queue as lanes come free.

A soffice call converts at most MOST_FILES files: LibreOffice's launcher passes on about 250 arguments and silently
drops the rest (a call given 400 invoices converted 246 and exited with 0). Every chunk is converted from copies
made just before its call (`copies`) into a folder of its own (in memory when it can: `scratch_root`), with
LibreOffice's own temporary files there too; each finished PDF then takes its place beside its
document atomically, and the chunk's copies are deleted.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mspxl.pdf.copies import conversion_copies

MOST_FILES = 200  # files in one soffice call
ROOM = 512 * 1024 * 1024  # free memory a conversion's scratch folder in memory needs

Command = Callable[[Sequence[Path], Path, Path], list[str]]  # (inputs, PDF folder, profile) -> the soffice call


def scratch_root() -> str | None:
    """Where the conversion's scratch folder goes: /dev/shm (memory) when there is one with room, else the system's
    temporary folder. LibreOffice syncs three files to disk for every document (its copy of the source, twice, and
    the PDF): 3.5 ms each on a disk, about 10 ms a document, nothing in memory."""
    memory = Path("/dev/shm")
    try:
        if memory.is_dir() and os.access(memory, os.W_OK) and shutil.disk_usage(memory).free > ROOM:
            return str(memory)
    except OSError:
        pass
    return None


def split(files: Sequence[Path], count: int) -> list[list[Path]]:
    """`files` in order, cut into at most `count` parts whose sizes differ by one at most."""
    count = max(1, min(count, len(files)))
    size, extra = divmod(len(files), count)
    result, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        result.append(list(files[start:end]))
        start = end
    return result


def chunks(files: Sequence[Path], lanes: int, most: int = MOST_FILES) -> list[list[Path]]:
    """`files` in order, in even chunks of at most `most`, as many as a whole number of rounds of `lanes` needs."""
    lanes = max(1, lanes)
    return split(files, lanes * math.ceil(math.ceil(len(files) / most) / lanes))


@dataclass
class Failure:
    """What went wrong in the run: sources whose PDF was not written, with the soffice exit code and the last
    line it printed; whether a call ran out of time."""

    missing: list[Path] = field(default_factory=list)
    code: int = 0
    detail: str = ""
    late: bool = False


class Run:
    """Converts the queue of chunks over `lanes` threads, each running its soffice calls with its own profile."""

    def __init__(self, command: Command, work: Path, out_dir: Path, timeout: float) -> None:
        self.command, self.work, self.out_dir, self.timeout = command, work, out_dir, timeout
        self.failure = Failure()
        self._queue: deque[list[Path]] = deque()
        self._lock = threading.Lock()
        self._stopped = False
        self._running: list[subprocess.Popen[bytes]] = []
        scratch = work / "tmp"
        scratch.mkdir(exist_ok=True)
        self.env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}

    def convert(self, sources: Sequence[Path], lanes: int) -> Failure:
        parts = chunks(sources, lanes)
        self._queue.extend(parts)
        lanes = min(lanes, len(parts))
        with ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="mspxl-soffice") as pool:
            try:
                for future in [pool.submit(self._lane, index) for index in range(lanes)]:
                    future.result()
            except BaseException:
                self.stop()
                raise
        return self.failure

    def stop(self) -> None:
        """No new call starts; the calls running are ended."""
        with self._lock:
            self._stopped = True
            for process in self._running:
                if process.poll() is None:
                    process.kill()

    def _next(self) -> list[Path] | None:
        with self._lock:
            return None if self._stopped or not self._queue else self._queue.popleft()

    def _lane(self, index: int) -> None:
        profile = self.work / f"profile-{index}"
        while (chunk := self._next()) is not None:
            folder = Path(tempfile.mkdtemp(prefix="chunk-", dir=self.work))
            try:
                self._chunk(chunk, folder, profile)
            finally:
                shutil.rmtree(folder, ignore_errors=True)

    def _chunk(self, chunk: list[Path], folder: Path, profile: Path) -> None:
        inputs = conversion_copies(chunk, folder / "in")
        made = folder / "pdf"
        made.mkdir()
        with tempfile.TemporaryFile(dir=folder) as log:  # not a pipe: nothing waits on it
            process = subprocess.Popen(self.command(inputs, made, profile), stdout=log, stderr=subprocess.STDOUT,
                                       env=self.env)
            with self._lock:
                self._running.append(process)
                if self._stopped:
                    process.kill()
            try:
                process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                with self._lock:
                    self.failure.late = True
                    self._stopped = True
            missing = [source for source, given in zip(chunk, inputs, strict=True)
                       if not moved(made / f"{given.stem}.pdf", self.out_dir / f"{source.stem}.pdf")]
            if missing:
                log.seek(0)
                lines = log.read().decode("utf-8", "replace").strip().splitlines()
                with self._lock:
                    if not self.failure.missing or (process.returncode and not self.failure.code):
                        self.failure.code, self.failure.detail = process.returncode, lines[-1] if lines else ""
                    self.failure.missing += missing


def moved(made: Path, target: Path) -> bool:
    """Put a PDF LibreOffice wrote in its place, atomically (through a temporary file in the target's folder when
    the two are on different file systems); False when it was not written."""
    if not made.is_file() or made.stat().st_size == 0:
        return False
    try:
        os.replace(made, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.stem}-", suffix=".pdf",
                                         delete=False) as part, made.open("rb") as source:
            shutil.copyfileobj(source, part)
        shutil.copymode(made, part.name)  # LibreOffice's file's permissions, not the temporary file's private ones
        try:
            os.replace(part.name, target)
        except OSError:
            os.unlink(part.name)
            raise
    return True
