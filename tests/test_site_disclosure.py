"""The built site protects respondents (statistical disclosure control).

Checks on the files of ``_build/html`` (no browser needed), every page and
every downloadable text file (HTML, CSV exports, JS search index, notebook
sources), the municipality feedback pages included:

* no respondent id of ``data/processed/enquete.sav`` appears as a word;
* no value of a free-text (string) column of the processed data appears;
* no table made by ``render_table`` (``table.vives-tabel``) shows a small
  count: every count cell is 0 or at least :data:`MIN_CELL`, except in the
  tables of :data:`ALLOWED_SMALL_COUNTS`, each allowed for a stated reason.

A cell is a count of respondents when its column or row header says so
(``N``, ``n``, ``Aantal``, ``n (geldig)``, ``Aantal respondenten``) or when the
caption says the whole table holds such counts (``Aantal respondenten ...``,
``... (aantallen)``). Percentages and decimals never are. Counts of other
things (``Aantal variabelen``, ``Aantal citaten``) are not checked: name
such columns by what they count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest_site import site_dir, site_text_files  # noqa: F401 (fixture)

from helpers.data import config

#: Smallest count a table may show (0 is allowed: an empty cell discloses nothing).
MIN_CELL = 5

#: Tables whose small counts are not survey respondents. Key: the table's
#: label (``data-label``) or its report number as "Tabel N". Keep it short,
#: and give every entry a reason a reviewer can check.
ALLOWED_SMALL_COUNTS = {
    "Tabel 1": (
        "the report's Tabel 1 counts interviewed key figures per function "
        "(burgemeester, korpschef, ...): public office holders who agreed to be "
        "named by function, not respondents of the survey"
    ),
    "tbl-interviews": (
        "interviews per function of the qualitative strand (= the report's "
        "Tabel 1, before it got its number): key figures, not survey respondents"
    ),
    "tbl-themas-functie": (
        "counts of quotes the report prints, per theme and function of the "
        "speaker: quotations chosen by the authors, not people"
    ),
}

#: Words for people (or their answers) after "Aantal"/"n": "Aantal variabelen"
#: or "Aantal citaten" count no respondents and are not checked.
_PEOPLE = r"(geldig\w*|respondent\w*|inwoner\w*|person\w*|deelnemer\w*|antwoord\w*|bevraagd\w*)"
_COUNT_HEADER_RE = re.compile(
    rf"^(geldige\s+|totaal\s+)?(n|aantal)(\s*\(.*\)|\s+{_PEOPLE})?$", re.I
)
_COUNT_CAPTION_RE = re.compile(
    rf"^(aantal\s+)?respondenten\b|\baantal {_PEOPLE}|\(aantallen\)|\bin aantallen\b",
    re.I,
)
_INTEGER_RE = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)$")
_ID_TOKEN_RE = re.compile(r"\b[A-Za-z]{1,3}\d{2,}\b")


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    path = config.SURVEY_FILE
    if not path.is_file():
        pytest.skip(f"{path} missing: run `make data`")
    import pyreadstat

    df, _ = pyreadstat.read_sav(str(path))
    return df


@pytest.fixture(scope="module")
def site_texts(site_dir) -> dict[Path, str]:
    texts = {}
    for path in site_text_files(site_dir):
        texts[path] = path.read_text(encoding="utf-8", errors="replace")
    return texts


@dataclass
class CountCell:
    row: str
    column: str
    value: int


@dataclass
class SiteTable:
    page: str
    label: str
    number: str | None
    caption: str
    counts: list[CountCell] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{'Tabel ' + self.number if self.number else self.label} ({self.label})"


def _caption_of(table) -> str:
    """ "Tabel N: caption" as shown (number and text spans of the figure)."""
    figure = table.find_parent(class_="vives-tabel-figuur")
    if figure is not None:
        parts = [figure.select_one(".caption-number"), figure.select_one(".caption-text")]
        text = " ".join(p.get_text(" ") for p in parts if p is not None)
    else:
        caption = table.find("caption")
        text = caption.get_text(" ") if caption else ""
    return " ".join(text.split())


def _count_value(text: str) -> int | None:
    text = text.strip()
    if not _INTEGER_RE.match(text):
        return None
    return int(text.replace(".", ""))


def parse_tables(html_file: Path, site: Path) -> list[SiteTable]:
    """Return every render_table table of a page with its count cells."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    found = []
    for table in soup.select("table.vives-tabel"):
        caption = _caption_of(table)
        item = SiteTable(
            page=html_file.relative_to(site).as_posix(),
            label=table.get("data-label", ""),
            number=table.get("data-number"),
            caption=caption,
        )
        # Column headers per column index ("col3"), all header levels joined.
        headers: dict[str, list[str]] = {}
        for th in table.select("thead th"):
            cols = [c for c in th.get("class", []) if re.fullmatch(r"col\d+", c)]
            for col in cols:
                headers.setdefault(col, []).append(th.get_text(" ").strip())
        whole_table = bool(_COUNT_CAPTION_RE.search(re.sub(r"^Tabel\s+\S+\s*", "", caption)))
        for tr in table.select("tbody tr"):
            row_labels = [th.get_text(" ").strip() for th in tr.find_all("th")]
            row_is_count = any(_COUNT_HEADER_RE.match(x) for x in row_labels)
            for td in tr.find_all("td"):
                col = next((c for c in td.get("class", []) if re.fullmatch(r"col\d+", c)), "")
                column = " / ".join(headers.get(col, []))
                column_is_count = any(_COUNT_HEADER_RE.match(h) for h in headers.get(col, []))
                if not (whole_table or row_is_count or column_is_count):
                    continue
                value = _count_value(td.get_text())
                if value is not None:
                    item.counts.append(CountCell(" / ".join(row_labels), column, value))
        found.append(item)
    return found


@pytest.fixture(scope="module")
def site_tables(site_dir) -> list[SiteTable]:
    tables = []
    for html_file in sorted(site_dir.rglob("*.html")):
        if "_static" in html_file.parts:
            continue
        tables.extend(parse_tables(html_file, site_dir))
    return tables


def test_no_respondent_id_in_site(survey, site_texts):
    ids = set(survey["resp_id"].dropna().astype(str))
    assert ids, "the processed data hold no respondent ids"
    leaks = {}
    for path, text in site_texts.items():
        hits = sorted({token for token in _ID_TOKEN_RE.findall(text) if token in ids})
        if hits:
            leaks[str(path)] = hits[:10]
    assert not leaks, f"respondent ids in the site: {leaks}"


def test_no_free_text_answer_in_site(survey, site_texts):
    text_columns = [
        c
        for c in survey.columns
        if c != "resp_id" and (pd.api.types.is_string_dtype(survey[c]) or survey[c].dtype == object)
    ]
    values: dict[str, set[str]] = {}
    for column in text_columns:
        for value in survey[column].dropna():
            if isinstance(value, str) and len(value.strip()) >= 4:
                values.setdefault(value.strip(), set()).add(column)
    leaks = {
        value: (sorted(columns), str(path))
        for value, columns in values.items()
        for path, text in site_texts.items()
        if value in text
    }
    assert not leaks, f"free-text answers in the site: {dict(list(leaks.items())[:10])}"


def test_site_has_rendered_tables(site_tables):
    assert site_tables, "no render_table table (table.vives-tabel) in the built site"


def test_allow_list_entries_exist(site_tables):
    """A stale allow-list entry would silently allow a future table."""
    known = {t.label for t in site_tables} | {f"Tabel {t.number}" for t in site_tables if t.number}
    stale = sorted(set(ALLOWED_SMALL_COUNTS) - known)
    # Tabel 1 and its label are two names of one table: one of them suffices.
    if "Tabel 1" in known or "tbl-interviews" in known:
        stale = [s for s in stale if s not in ("Tabel 1", "tbl-interviews")]
    assert not stale, f"allow-list entries match no table of the site: {stale}"


def test_no_small_counts_in_tables(site_tables):
    problems = []
    for table in site_tables:
        if table.label in ALLOWED_SMALL_COUNTS or (
            table.number and f"Tabel {table.number}" in ALLOWED_SMALL_COUNTS
        ):
            continue
        small = [c for c in table.counts if 0 < c.value < MIN_CELL]
        for cell in small[:5]:
            problems.append(
                f"{table.page} {table.name}: {cell.value} in row {cell.row!r}, "
                f"column {cell.column!r}"
            )
        if len(small) > 5:
            problems.append(f"{table.page} {table.name}: ... {len(small) - 5} more")
    assert not problems, (
        f"counts between 1 and {MIN_CELL - 1} (suppress, collapse categories, or "
        "allow-list with a reason):\n" + "\n".join(problems)
    )


def test_municipality_pages_are_checked(site_dir):
    """The generic check covers the municipality feedback pages too."""
    pages = sorted((site_dir / "notebooks" / "gemeenten").glob("*.html"))
    assert pages, "no municipality pages (notebooks/gemeenten) in the site"


def test_every_rendered_table_has_a_csv_export(site_tables, site_dir):
    exported = {p.stem for p in (site_dir / "_tabellen").glob("*.csv")}
    missing = sorted({f"{t.page}: {t.label}" for t in site_tables if t.label not in exported})
    assert not missing, f"tables without _tabellen/<label>.csv: {missing}"
