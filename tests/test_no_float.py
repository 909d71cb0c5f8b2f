"""No float in a money path: the AST of mspxl/ holds no float() call and the money modules no float literal, except
on a line marked `# float-ok` (with the reason)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mspxl"
MONEY_MODULES = ("billing", "collections", "money.py", "writers")
MARK = "# float-ok"


def float_calls(source: str) -> list[int]:
    """Lines calling float(...), not marked `# float-ok`."""
    lines = source.splitlines()
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float"
            and MARK not in lines[node.lineno - 1]]


def float_literals(source: str) -> list[int]:
    """Lines with a float literal (0.5, 1e3), not marked `# float-ok`."""
    lines = source.splitlines()
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and type(node.value) is float and MARK not in lines[node.lineno - 1]]


def modules(*parts: str) -> list[Path]:
    found: list[Path] = []
    for part in parts or ("",):
        target = PACKAGE / part
        found.extend([target] if target.is_file() else sorted(target.rglob("*.py")))
    return found


def test_the_scanners_find_what_they_look_for() -> None:
    source = "a = float(x)\nb = float(y)  # float-ok: a reason\nc = 0.5\nd = 1e3  # float-ok\ne = 2\n"
    assert float_calls(source) == [1]
    assert float_literals(source) == [3]


def test_the_money_modules_exist() -> None:
    for part in MONEY_MODULES:
        assert (PACKAGE / part).exists(), part
    assert len(modules(*MONEY_MODULES)) > 10


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_float_call_in_mspxl(path: Path) -> None:
    assert float_calls(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", modules(*MONEY_MODULES), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_float_literal_in_a_money_module(path: Path) -> None:
    assert float_literals(path.read_text(encoding="utf-8")) == []


def test_the_word_float_call_appears_only_with_its_reason() -> None:
    offending = [f"{path.relative_to(PACKAGE)}:{number}" for path in modules()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if "float(" in line and MARK not in line]
    assert offending == []
