"""CSV text as accounting importers read it: a header row, comma separated, fields quoted only when needed,
CRLF line ends (what Excel writes and every importer accepts), UTF-8 without a byte order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([" ".join(str(value).split()) if "\n" in str(value) else value for value in row])
    return buffer.getvalue()
