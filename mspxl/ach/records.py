"""The 94-character records of a NACHA file as a bank actually sends them.

Banks' files are not always exactly 94 characters a line: some start with a UTF-8 byte order mark, some trim the
trailing blanks of each record, some send every record run together on one line. `records` takes all of these and
gives each record padded to 94 characters with where it was found, so a problem is reported at its line (or, in a
file without line breaks, at its record).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mspxl.ach.nacha import RECORD_LENGTH

BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True)
class Record:
    text: str  # always RECORD_LENGTH characters
    line: int  # 1-based line of the file
    index: int  # 1-based record of the file
    run_together: bool  # the line held several records

    @property
    def where(self) -> str:
        return f"record {self.index} (line {self.line})" if self.run_together else f"line {self.line}"


def decode(data: bytes | str) -> str:
    """The file's text: a UTF-8 byte order mark dropped; one character a byte (a NACHA file is ASCII, and a stray
    byte must not shift the fields after it)."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    if text.startswith("\xef\xbb\xbf"):  # the UTF-8 byte order mark read one character a byte
        text = text[3:]
    return text.removeprefix(BOM)


def records(text: str) -> Iterator[Record]:
    """Every record of the file, blank lines skipped: a line shorter than 94 characters had its trailing blanks
    trimmed and is padded back; a line longer than 94 holds records run together, cut every 94 characters."""
    index = 0
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        pieces = [line[at:at + RECORD_LENGTH] for at in range(0, len(line), RECORD_LENGTH)]
        if len(pieces) > 1 and not pieces[-1].strip():
            pieces.pop()  # blanks after the last record of the line
        for piece in pieces:
            index += 1
            yield Record(piece.ljust(RECORD_LENGTH), number, index, len(pieces) > 1)
