"""Unit tests for helpers.analysis.qualitative on tiny hand-made files."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis.qualitative import (
    format_quote,
    load_coding_frame,
    load_quotes,
    quotes_to_markdown,
    themes_by_function,
)

FRAME_CSV = (
    "code,theme,description\n"
    "a,Thema A,Eerste thema\n"
    "b,Thema B,Tweede thema\n"
    "c,Thema C,Thema zonder citaat\n"
)
QUOTES_CSV = (
    "quote_id,text,function,organisation,themes,source\n"
    'Q1,"Een citaat, met komma.",Korpschef,Politiezone,a;b,Rapport\n'
    "Q2,Nog een citaat.,HVZ,Hulpverleningszone,a,Rapport\n"
    "Q3,Derde citaat.,Burgemeester,Stad/gemeente, b ,Rapport\n"
)


@pytest.fixture()
def files(tmp_path):
    frame = tmp_path / "frame.csv"
    quotes = tmp_path / "quotes.csv"
    frame.write_text(FRAME_CSV, encoding="utf-8")
    quotes.write_text(QUOTES_CSV, encoding="utf-8")
    return frame, quotes


def test_load_coding_frame_keeps_order(files):
    frame = load_coding_frame(files[0])
    assert frame["code"].tolist() == ["a", "b", "c"]
    assert list(frame.columns) == ["code", "theme", "description"]


def test_load_coding_frame_rejects_duplicate_codes(tmp_path):
    path = tmp_path / "frame.csv"
    path.write_text("code,theme,description\na,A,x\na,B,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicated"):
        load_coding_frame(path)


def test_load_quotes_splits_themes(files):
    quotes = load_quotes(files[1], coding_frame=load_coding_frame(files[0]))
    assert quotes["themes"].tolist() == [("a", "b"), ("a",), ("b",)]
    assert quotes.loc[0, "text"] == "Een citaat, met komma."


def test_load_quotes_rejects_unknown_theme(files, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(QUOTES_CSV.replace("a;b", "a;zzz"), encoding="utf-8")
    with pytest.raises(ValueError, match="zzz"):
        load_quotes(path, coding_frame=load_coding_frame(files[0]))


def test_themes_by_function_counts_and_order(files):
    frame = load_coding_frame(files[0])
    table = themes_by_function(load_quotes(files[1]), frame)
    assert table.index.tolist() == ["Thema A", "Thema B", "Thema C"]
    # Municipality before police before fire and rescue zone.
    assert table.columns.tolist() == ["Burgemeester", "Korpschef", "HVZ", "Totaal"]
    assert table.loc["Thema A"].tolist() == [0, 1, 1, 2]
    assert table.loc["Thema B"].tolist() == [1, 1, 0, 2]
    assert table.loc["Thema C"].tolist() == [0, 0, 0, 0]
    assert all(pd.api.types.is_integer_dtype(t) for t in table.dtypes)


def test_themes_by_function_without_frame_and_total(files):
    table = themes_by_function(load_quotes(files[1]), total=False)
    assert "Totaal" not in table.columns
    assert table.index.tolist() == ["a", "b"]


def test_format_quote_attributes_function_and_escapes():
    text = format_quote("Zij *zijn* <ogen>", "Korpschef")
    assert text.splitlines() == ["> Zij \\*zijn\\* \\<ogen\\>", ">", "> — *Korpschef*"]


def test_quotes_to_markdown_filters_theme(files):
    quotes = load_quotes(files[1])
    markdown = quotes_to_markdown(quotes, theme="b")
    assert markdown.count("> —") == 2
    assert "Nog een citaat." not in markdown
    assert quotes_to_markdown(quotes, theme="c") == ""


def test_project_files_are_consistent():
    frame = load_coding_frame()
    quotes = load_quotes(coding_frame=frame)
    assert len(frame) == 10
    assert set(quotes["source"]) == {"Rapport, paragraaf 3.1"}
    assert quotes["quote_id"].is_unique
