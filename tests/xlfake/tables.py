"""The fake Excel's tables (ListObjects): name and range, added over a range, resized to one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlfake.engine import Range, Sheet


class Table:
    def __init__(self, sheet: Sheet, entry: list[object]) -> None:
        self.sheet, self.entry = sheet, entry

    @property
    def api(self) -> Table:
        return self

    @property
    def parent(self) -> Sheet:
        return self.sheet

    @property
    def name(self) -> str:
        return str(self.entry[0])

    @property
    def range(self) -> Range:
        from xlfake.engine import Range

        self.sheet.book.app.calls["table"] += 1
        _, r1, c1, r2, c2 = self.entry
        return Range(self.sheet, int(r1), int(c1), int(r2), int(c2))  # type: ignore[call-overload]

    def resize(self, rng: Any) -> None:
        self.sheet.book.app.calls["table"] += 1
        rng = rng.api  # xlwings hands over its own Range; the engine works with the native object
        self.entry[1:] = [rng.r1, rng.c1, rng.r2, rng.c2]


class Tables:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet

    def __iter__(self):  # noqa: ANN204
        self.sheet.book.app.calls["tables"] += 1
        return iter([Table(self.sheet, entry) for entry in self.sheet.grid.tables])

    def __len__(self) -> int:
        return len(self.sheet.grid.tables)

    def __call__(self, key: int | str) -> Table:
        entries = self.sheet.grid.tables
        entry = entries[key - 1] if isinstance(key, int) else next(e for e in entries if e[0] == key)
        return Table(self.sheet, entry)

    def add(self, source_type: Any = None, source: Any = None, link_source: Any = None, has_headers: Any = None,
            destination: Any = None, table_style_name: Any = None, name: str | None = None) -> Table:
        self.sheet.book.app.calls["table"] += 1
        rng = source.impl
        entry: list[object] = [name or f"Table{len(self.sheet.grid.tables) + 1}", rng.r1, rng.c1, rng.r2, rng.c2]
        self.sheet.grid.tables.append(entry)
        return Table(self.sheet, entry)
