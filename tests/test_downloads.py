"""Every table downloads twice: a CSV for software and an .xlsx for Flemish Excel.

Unit tests of the chain render_table -> embedded export -> the files the site
offers (helpers.present.render, helpers.book.sphinx_tables,
helpers.present.export). The built site's files are checked in
tests/test_site_downloads.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pandas as pd
import pytest

from helpers.book.sphinx_tables import (
    CSV_LINK_TEXT,
    XLSX_LINK_TEXT,
    extract_csv,
    extract_exports,
)
from helpers.present.export import table_xlsx
from helpers.present.render import render_table


@pytest.fixture()
def table():
    frame = pd.DataFrame(
        {
            "N": pd.array([1219, 1193], dtype="Int64"),
            "Som eens": [85.4, 7.5],
            "Alfa": [0.8123, None],
            "Toelichting": ['zei "ja", toen', "één; twee"],
        },
        index=pd.Index(["De politie", "Ik zelf"], name="Stelling"),
    )
    return render_table(
        frame,
        "Opinies over de eigen rol",
        "tbl-download-test",
        percent_columns=["Som eens"],
        number_decimals=2,
        note="Basis: geldige antwoorden.",
    )


def read_xlsx(data: bytes) -> dict[str, object]:
    """Cells of the first sheet: ``{"A1": value}`` (numbers as float) and formats."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
        shared = archive.read("xl/sharedStrings.xml").decode("utf-8")
        styles = archive.read("xl/styles.xml").decode("utf-8")
    strings = [
        re.sub(r"<[^>]+>", "", s).replace("&amp;", "&").replace("&quot;", '"')
        for s in re.findall(r"<si>(.*?)</si>", shared, re.S)
    ]
    cells = {}
    for ref, attributes, value in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)><v>([^<]*)</v>', sheet):
        cells[ref] = strings[int(value)] if 't="s"' in attributes else float(value)
    formats = re.findall(r'formatCode="([^"]+)"', styles)
    return {"cells": cells, "formats": formats}


def test_csv_is_for_software_with_the_values_as_shown(table):
    rows = list(csv.reader(io.StringIO(table.csv)))
    assert rows[0] == ["Stelling", "N", "Som eens (%)", "Alfa", "Toelichting"]
    assert rows[1] == ["De politie", "1219", "85", "0.81", 'zei "ja", toen']
    # Missing stays empty; 7.5 rounds half up to 8, as the table shows "8%".
    assert rows[2] == ["Ik zelf", "1193", "8", "", "één; twee"]
    assert "8%" in table.html
    assert table.csv.encode("utf-8").decode("utf-8") == table.csv
    assert not table.csv.startswith("\ufeff")


def test_the_page_gets_both_links_and_loses_the_embedded_data(table):
    exports, page = extract_exports(table.html, "notebooks/04_opinie_inwoners")
    assert set(exports) == {"tbl-download-test"}
    assert exports["tbl-download-test"]["csv"] == table.csv
    assert exports["tbl-download-test"]["formats"]["Som eens"] == ["percent", 0]
    assert "text/csv" not in page and "data-formats" not in page
    assert 'href="../_tabellen/tbl-download-test.csv"' in page
    assert 'href="../_tabellen/tbl-download-test.xlsx"' in page
    assert CSV_LINK_TEXT in page and XLSX_LINK_TEXT in page
    # The older interface still gives {label: csv}.
    assert extract_csv(table.html)[0] == {"tbl-download-test": table.csv}


def test_xlsx_holds_numbers_that_excel_formats_the_reader_s_way(table):
    exports, _ = extract_exports(table.html)
    export = exports["tbl-download-test"]
    data = table_xlsx(
        export["csv"],
        export["formats"],
        title="Tabel 4: Opinies over de eigen rol",
        note="Basis: geldige antwoorden.",
        source="Bron: test",
    )
    book = read_xlsx(data)
    cells = book["cells"]
    assert cells["A1"] == "Tabel 4: Opinies over de eigen rol"
    assert [cells[f"{c}3"] for c in "ABCDE"] == [
        "Stelling",
        "N",
        "Som eens (%)",
        "Alfa",
        "Toelichting",
    ]
    assert cells["A4"] == "De politie"
    assert cells["B4"] == 1219  # a number, shown as 1.219 by Excel in Flemish
    assert cells["C4"] == pytest.approx(0.85)  # a fraction shown with format 0%
    assert cells["D4"] == pytest.approx(0.81)
    assert "D5" not in cells  # missing stays empty
    assert cells["E4"] == 'zei "ja", toen'
    assert {"#,##0", "0%", "#,##0.00"} <= set(book["formats"])
    assert "Basis: geldige antwoorden." in cells.values()


def test_xlsx_is_deterministic(table):
    exports, _ = extract_exports(table.html)
    export = exports["tbl-download-test"]
    first = table_xlsx(export["csv"], export["formats"], title="T")
    second = table_xlsx(export["csv"], export["formats"], title="T")
    assert first == second
