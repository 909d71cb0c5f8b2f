"""A per-client chart that stays readable at any number of clients: it plots at most `CHARTED` clients, from a
small headed table of its figures under it ("Chart data"; an Excel chart reads cells), which ends, when there are
more clients, with all the others summed, a row the chart leaves out (at 2,000 clients it would be hundreds of
times any one client's bar and flatten them). The Aging and Margin sheets place their charts this way."""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal

from mspxl.summary.cells import LINE_HEIGHT, Col, SheetWriter, Value
from mspxl.summary.sheets import Block, section

CHARTED = 20  # clients charted one by one
POINTS_PER_CM = 72 / 2.54


def others_label(count: int, locale: str) -> str:
    """The row of the clients not charted one by one: `All other 1,980 clients`."""
    return f"All other {format_decimal(count, locale=locale)} client{'' if count == 1 else 's'}"


def row_below(w: SheetWriter, top: int, height_cm: float) -> int:
    """The first row wholly below a drawing `height_cm` tall whose top is at row `top`, and a row of space: rows are
    as tall as the sheet sets them, the default height otherwise."""
    bottom = height_cm * POINTS_PER_CM + LINE_HEIGHT
    row, covered = top, 0.0
    while covered < bottom:
        covered += w.heights.get(row, LINE_HEIGHT)
        row += 1
    return row


def chart_data(w: SheetWriter, at: tuple[int, int], height_cm: float, table: tuple[str, Sequence[Col]],
               charted: list[list[Value]], others: list[Value] | None, heading: str) -> Block:
    """Under a chart `height_cm` tall anchored at (row, column) `at`: `heading`, then the table (name, columns) of
    the charted rows and the others' row (when there is one); the Block of the rows the chart plots."""
    row, column = at
    start = row_below(w, row, height_cm)
    section(w, start, heading, column)
    first, _ = w.table(table[0], start + 1, column, table[1], charted + ([others] if others is not None else []))
    return Block(w.title, first, first + len(charted) - 1, column)
