"""`mspxl` killed at a chosen point: `python killed_run.py N ARGS...` runs the command line with ARGS and kills
itself (SIGKILL, no clean-up) at the N-th write event: a block written into a zip member (a workbook or a document
being saved), or just before or just after a file is moved into place. With N = 0 it runs to the end and prints the
number of events to stderr."""

from __future__ import annotations

import os
import signal
import sys
import zipfile

events = 0
kill_at = int(sys.argv[1])


def event() -> None:
    global events
    events += 1
    if events == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)


def hooked(original, after: bool = False):  # type: ignore[no-untyped-def]
    def call(*args, **kwargs):  # type: ignore[no-untyped-def]
        event()
        result = original(*args, **kwargs)
        if after:
            event()
        return result
    return call


zipfile._ZipWriteFile.write = hooked(zipfile._ZipWriteFile.write)  # type: ignore[attr-defined]
os.replace = hooked(os.replace, after=True)  # killed just before, or just after, a file is moved into place

if __name__ == "__main__":
    from mspxl.cli import cli

    try:
        cli(sys.argv[2:], standalone_mode=False)
    finally:
        print(f"events={events}", file=sys.stderr)
