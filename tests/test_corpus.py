"""The bad-input corpus (tests/corpus/make.py): for every broken or hostile workbook, `mspxl check` and
`mspxl invoice` report each expected problem at its place, exit 1, write nothing, and leave the file's bytes as they
were."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from corpus.make import CASES, PERIOD, Case, good, good_book
from typer.testing import CliRunner

from mspxl.cli import cli

runner = CliRunner()


def test_the_corpus_has_at_least_forty_cases_with_distinct_names() -> None:
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_workbook_is_reported_exits_1_and_is_untouched(case: Case, tmp_path: Path) -> None:
    book = case.make(tmp_path)
    before = book.read_bytes()
    siblings = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "documents"
    for command in (["check", str(book)], ["invoice", str(book), "--period", PERIOD, "--out", str(out)]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        for message in case.messages:
            assert message in result.output, f"{message!r} not in:\n{result.output}"
    assert book.read_bytes() == before
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings  # no temp or lock file left behind


def test_a_sheet_used_to_its_last_row_is_read_quickly(tmp_path: Path) -> None:
    stray = next(case for case in CASES if case.name == "stray value in row 1,048,576")
    book = stray.make(tmp_path)
    started = time.perf_counter()
    result = runner.invoke(cli, ["check", str(book)])
    assert result.exit_code == 1
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("rate", [0.15, "0.15", "15%", " 15 % "])
def test_percentages_are_fractions_or_written_with_a_percent_sign(rate: object, tmp_path: Path) -> None:
    """Tax Rate and Retry Fee % accept 0.15 and `15%`; a bare 15 is refused (see the corpus)."""
    import openpyxl

    book = good_book(tmp_path, settings={"Retry Fee %": rate})
    wb = openpyxl.load_workbook(book)
    wb["Clients"]["K2"] = rate
    wb.save(book)
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "o"),
                                 "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    import json

    run = json.loads(result.output)
    managed = next(inv for inv in run["invoices"] if inv["client_id"] == "C1" and inv["type"] == "managed")
    assert managed["total"] == "230.00"  # two users at 100.00, plus 15% tax


NAMES = ["Zoë Café 😀 Ltd", "شركة النور", "חברת אור", "株式会社テスト", "Ünïcödé\u200dNames"]


@pytest.mark.parametrize("name", NAMES)
def test_emoji_and_right_to_left_names_are_accepted_and_kept_as_written(name: str, tmp_path: Path) -> None:
    import openpyxl
    from bookdata import write_book

    data = good()
    data["Clients"][0]["Name"] = name
    book = write_book(tmp_path / "book.xlsx", data)
    result = runner.invoke(cli, ["invoice", str(book), "--period", PERIOD, "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(book)["Invoices"]
    names = {row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[1] == "C1"}
    assert names == {name}
    assert any(name in p.name for p in (tmp_path / "o").iterdir())
