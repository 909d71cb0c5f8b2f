"""A fake Excel behind xlwings' engine interface (`xlwings/base_classes.py`): Apps, App, Books, Book, Sheets, Sheet,
Range, Tables, Table. mspxl drives it through xlwings' own public classes (`xw.Book`, `Sheet`, `Range`, `options`,
`conversion`); what crosses the engine boundary has the shape and types of a platform, given by a flavour
(`flavours.py`). Every call that would be a round trip to Excel is counted in `App.calls`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from xlfake.grid import ErrorValue, Grid
from xlfake.tables import Tables


def _address(r1: int, c1: int, r2: int, c2: int, absolute: bool = True) -> str:
    d = "$" if absolute else ""
    first = f"{d}{get_column_letter(c1)}{d}{r1}"
    last = f"{d}{get_column_letter(c2)}{d}{r2}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{last}"


class Range:
    """An engine range: a rectangle of one sheet. `options` is set by `xlwings.Range`."""

    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.options: dict[str, Any] = {}

    def _call(self, name: str) -> None:
        self.sheet.book.app.calls[name] += 1

    @property
    def api(self) -> Range:
        return self

    CLSID = "{00020846-0000-0000-C000-000000000046}"  # Excel's Range interface, as COM reports it

    @property
    def coords(self) -> tuple[Sheet, int, int, int, int]:
        return (self.sheet, self.r1, self.c1, self.r2 - self.r1 + 1, self.c2 - self.c1 + 1)

    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def shape(self) -> tuple[int, int]:
        return (self.r2 - self.r1 + 1, self.c2 - self.c1 + 1)

    def __len__(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def max_cells_per_read(self) -> int | None:
        return None

    @property
    def max_cells_per_write(self) -> int | None:
        return None

    @property
    def address(self) -> str:
        return _address(self.r1, self.c1, self.r2, self.c2)

    def get_address(self, row_absolute: bool = True, col_absolute: bool = True, external: bool = False) -> str:
        return _address(self.r1, self.c1, self.r2, self.c2, row_absolute and col_absolute)

    def block(self) -> list[list[object]]:
        grid = self.sheet.grid
        return [[grid.get(r, c) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @property
    def raw_value(self) -> Any:
        self._call("read")
        return self.sheet.book.app.flavour.read(self)

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        self._call("write")
        self.sheet.book.app.writes.append((self.sheet._name, _address(self.r1, self.c1, self.r1, self.c1, False)))
        flavour = self.sheet.book.app.flavour
        rows = flavour.write_rows(data, self.shape)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                self.sheet.grid.put(self.r1 + i, self.c1 + j, value, flavour.currency_ok)

    @property
    def number_format(self) -> str:
        self._call("number_format")
        return self.sheet.grid.number_format(self.r1, self.c1)

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._call("number_format")
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet.grid.formats[(r, c)] = value

    @property
    def formula(self) -> Any:
        self._call("read")
        return [[self.sheet.grid.formulas.get((r, c), self.sheet.grid.get(r, c) or "")
                 for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    def clear_contents(self) -> None:
        self._call("clear")
        self.sheet.grid.clear_contents(self.r1, self.c1, self.r2, self.c2)

    def select(self) -> None:
        self._call("select")
        self.sheet.book.selected = f"{self.sheet.name}!{_address(self.r1, self.c1, self.r2, self.c2, False)}"

    def __call__(self, row: int, col: int | None = None) -> Range:
        if col is None:
            row, col = (row - 1) // self.shape[1] + 1, (row - 1) % self.shape[1] + 1
        return Range(self.sheet, self.r1 + row - 1, self.c1 + col - 1, self.r1 + row - 1, self.c1 + col - 1)

    def get_special_cells(self, cell_type: str, value_type: str | None = None) -> list[Range]:
        """Cells holding errors: constants (typed or saved so) or formulas, each cell its own area."""
        self._call("special_cells")
        assert value_type == "errors", "the fake knows SpecialCells for errors only"
        grid = self.sheet.grid
        found = []
        for (r, c), value in sorted(grid.cells.items()):
            inside = self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2
            if inside and isinstance(value, ErrorValue) and ((r, c) in grid.formulas) == (cell_type == "formulas"):
                found.append(Range(self.sheet, r, c, r, c))
        return found


class Sheet:
    def __init__(self, book: Book, name: str, grid: Grid | None = None) -> None:
        self.book, self._name = book, name
        self.grid = grid or Grid()

    @property
    def api(self) -> Sheet:
        return self

    @property
    def name(self) -> str:
        self.book.app.calls["sheet_name"] += 1
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self.book.app.calls["sheet_name"] += 1
        self._name = value

    @property
    def index(self) -> int:
        return self.book.sheet_list.index(self) + 1

    def range(self, arg1: Any, arg2: Any = None) -> Range:
        if isinstance(arg1, str):
            c1, r1, c2, r2 = range_boundaries(arg1.replace("$", ""))
            return Range(self, r1, c1, r2, c2)  # type: ignore[arg-type]
        first = arg1 if isinstance(arg1, Range) else Range(self, arg1[0], arg1[1], arg1[0], arg1[1])
        if arg2 is None:
            return first
        last = arg2 if isinstance(arg2, Range) else Range(self, arg2[0], arg2[1], arg2[0], arg2[1])
        return Range(self, min(first.r1, last.r1), min(first.c1, last.c1), max(first.r2, last.r2),
                     max(first.c2, last.c2))

    @property
    def used_range(self) -> Range:
        self.book.app.calls["used_range"] += 1
        return Range(self, *self.grid.used())

    @property
    def tables(self) -> Tables:
        return Tables(self)

    def activate(self) -> None:
        self.book.app.calls["activate"] += 1
        self.book.active = self._name

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.book.app.calls["clear"] += 1
        self.grid.cells.clear()
        self.grid.formulas.clear()


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book

    @property
    def api(self) -> Sheets:
        return self

    def __len__(self) -> int:
        self.book.app.calls["sheets"] += 1
        return len(self.book.sheet_list)

    def __iter__(self):  # noqa: ANN204
        self.book.app.calls["sheets"] += 1
        return iter(list(self.book.sheet_list))

    def __call__(self, key: int | str) -> Sheet:
        self.book.app.calls["sheets"] += 1
        if isinstance(key, int):
            return self.book.sheet_list[key - 1]
        for sheet in self.book.sheet_list:
            if sheet._name.lower() == key.lower():
                return sheet
        raise KeyError(key)

    @property
    def active(self) -> Sheet:
        return self(self.book.active) if self.book.active else self.book.sheet_list[0]

    def add(self, before: Sheet | None = None, after: Sheet | None = None, name: str | None = None) -> Sheet:
        self.book.app.calls["add_sheet"] += 1
        taken = {s._name.lower() for s in self.book.sheet_list}
        sheet = Sheet(self.book, name or next(f"Sheet{i}" for i in range(1, 999) if f"sheet{i}" not in taken))
        items = self.book.sheet_list
        index = items.index(after) + 1 if after is not None else (items.index(before) if before is not None else 0)
        items.insert(index, sheet)
        self.book.active = sheet._name
        return sheet


class Book:
    def __init__(self, app: App, fullname: str) -> None:
        self.app, self._fullname = app, fullname
        self.sheet_list: list[Sheet] = []
        self.active = ""
        self.selected = ""
        self.saved = 0

    @property
    def api(self) -> Book:
        return self

    @property
    def name(self) -> str:
        return self._fullname.replace("\\", "/").rsplit("/", 1)[-1]

    @property
    def fullname(self) -> str:
        self.app.calls["fullname"] += 1
        return self.app.flavour.fullname(self._fullname)

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    def save(self, path: str | None = None, password: str | None = None) -> None:
        self.app.calls["save"] += 1
        self.saved += 1

    def activate(self) -> None:
        self.app.calls["activate"] += 1
        self.app.active_book = self


class Books:
    def __init__(self, app: App) -> None:
        self.app = app

    def __iter__(self):  # noqa: ANN204
        return iter(list(self.app.book_list))

    def __len__(self) -> int:
        return len(self.app.book_list)

    def __call__(self, key: int | str) -> Book:
        if isinstance(key, int):
            return self.app.book_list[key - 1]
        return next(b for b in self.app.book_list if b.name.lower() == key.lower())

    @property
    def active(self) -> Book | None:
        return self.app.active_book

    def add(self) -> Book:
        book = Book(self.app, f"Book{len(self.app.book_list) + 1}")
        self.app.book_list.append(book)
        self.app.active_book = book
        return book


class App:
    def __init__(self, engine: Any, flavour: Any) -> None:
        self._engine, self.flavour = engine, flavour
        self.book_list: list[Book] = []
        self.active_book: Book | None = None
        self.calls: Counter[str] = Counter()
        self.alerts: list[tuple[str, str | None]] = []
        self.writes: list[tuple[str, str]] = []  # (sheet, top-left cell) of each value assignment
        self.selection: Range | None = None

    @property
    def engine(self) -> Any:
        return self._engine

    @property
    def api(self) -> App:
        return self

    @property
    def books(self) -> Books:
        return Books(self)

    @property
    def pid(self) -> int:
        return 4242

    @property
    def version(self) -> str:
        return "16.0"

    def activate(self, steal_focus: bool = False) -> None:
        self.calls["activate"] += 1

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: Any = None,
              callback: Any = None) -> str:
        self.calls["alert"] += 1
        self.alerts.append((prompt, title))
        return "ok"


class Apps:
    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.app_list: list[App] = []

    def keys(self) -> list[int]:
        return [a.pid for a in self.app_list]

    def add(self, **kwargs: Any) -> App:
        app = App(self.engine, self.engine.flavour)
        self.app_list.insert(0, app)
        return app

    def __iter__(self):  # noqa: ANN204
        return iter(list(self.app_list))

    def __len__(self) -> int:
        return len(self.app_list)

    def __getitem__(self, pid: int) -> App:
        return next(a for a in self.app_list if a.pid == pid)
