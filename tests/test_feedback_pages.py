"""The generated municipality pages: no small count shown or recoverable.

For every committed page ``notebooks/gemeenten/gemeente_*.ipynb`` the tests

* parse every HTML table in the stored outputs and every glued value;
* check that no count of respondents between 1 and 4 is shown, and that no
  hidden cell can be recovered from N and the shown (rounded) percentages and
  interval bounds (:func:`helpers.analysis.disclosure.pinned_cells`);
* check that the page shows only its own municipality, carries the
  synthetic-data notice and the warning against comparisons;
* regenerate the pages from the template into a temporary folder and compare
  the cells' sources with the committed pages (the pages are up to date).
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser

import nbformat
import pytest

from helpers.analysis.disclosure import THRESHOLD, feasible_counts, is_small, pinned_cells
from helpers.book.feedback import (
    NOT_COUNT_GLUE,
    OUT_DIR,
    SUPPRESSED_TEXT,
    TEMPLATE,
    generate_pages,
    has_bin,
    notebook_path,
    render_page,
)
from helpers.data import codebook
from helpers.data.pipeline import load_survey

HIDDEN = "–"
CODES = list(codebook.value_labels("municipality"))
PAGES = {code: notebook_path(code) for code in CODES}


# ---------------------------------------------------------------------------
# Reading the stored outputs
# ---------------------------------------------------------------------------


class _TableParser(HTMLParser):
    """Collect the tables of an HTML fragment as rows of cell texts.

    Each row is a list of ``(kind, text)`` with kind ``"th"`` or ``"td"``;
    cells spanning several rows (``rowspan``) are repeated in those rows.
    """

    def __init__(self):
        super().__init__()
        self.tables, self._rows, self._cell, self._spans = [], None, None, {}
        self._section = None
        self.captions, self._in_caption = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._rows, self._spans = {"thead": [], "tbody": []}, {}
        elif tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in ("th", "td") and self._rows is not None:
            self._cell = [tag, "", int(attrs.get("rowspan", 1))]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        elif self._in_caption:
            self._caption += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self.captions.append(self._caption.strip())
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._rows is not None:
            if self._section == "tbody":
                row, col, cells = [], 0, list(self._row)
                while cells or col in self._spans:
                    if col in self._spans:
                        kind, text, left = self._spans[col]
                        row.append((kind, text))
                        if left > 1:
                            self._spans[col] = (kind, text, left - 1)
                        else:
                            del self._spans[col]
                    else:
                        kind, text, span = cells.pop(0)
                        row.append((kind, text.strip()))
                        if span > 1:
                            self._spans[col] = (kind, text.strip(), span - 1)
                    col += 1
                self._rows["tbody"].append(row)
            else:
                self._rows["thead"].append([(k, t.strip()) for k, t, _ in self._row])
        elif tag == "table" and self._rows is not None:
            self.tables.append(self._rows)
            self._rows = None


def parse_tables(html):
    """Return ``[(caption, columns, body_rows)]`` of the tables in ``html``."""
    parser = _TableParser()
    parser.feed(html)
    out = []
    for caption, table in zip(parser.captions, parser.tables):
        header = table["thead"][0]
        # The first header cells stand above the row labels (empty, or the
        # names of the index levels); the data columns follow.
        n_labels = sum(kind == "th" for kind, _ in table["tbody"][0]) if table["tbody"] else 0
        columns = [text for kind, text in header[n_labels:] if text]
        body = []
        for row in table["tbody"]:
            labels = [text for kind, text in row if kind == "th"]
            values = [text for kind, text in row if kind == "td"]
            body.append((labels, values))
        out.append((caption, columns, body))
    return out


def parse_number(text):
    """Parse a Flemish whole number ("1.219") or percentage ("85%")."""
    cleaned = text.replace(".", "").rstrip("%")
    assert re.fullmatch(r"\d+", cleaned), f"not a whole number: {text!r}"
    return int(cleaned)


def outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from cell.get("outputs", [])


def glued_values(nb):
    """``{key: python value}`` of every glued variable stored in the page."""
    values = {}
    for out in outputs(nb):
        name = out.get("metadata", {}).get("scrapbook", {}).get("name")
        if name is None:
            continue
        text = out["data"]["application/papermill.record/text/plain"]
        values[name] = ast.literal_eval(text)
    return values


def page_tables(nb):
    tables = []
    for out in outputs(nb):
        html = out.get("data", {}).get("text/html")
        if html and "vives-tabel" in html:
            tables.extend(parse_tables(html))
    return tables


@pytest.fixture(scope="module", params=CODES, ids=[f"gemeente_{c}" for c in CODES])
def page(request):
    path = PAGES[request.param]
    assert path.exists(), f"{path.name} missing: run python -m helpers.book.feedback"
    return request.param, nbformat.read(path, as_version=4)


# ---------------------------------------------------------------------------
# Small counts
# ---------------------------------------------------------------------------


def test_every_page_was_executed_without_errors(page):
    _, nb = page
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells)
    assert not [o for o in outputs(nb) if o.output_type == "error"]


def test_glued_counts_are_never_small(page):
    _, nb = page
    values = glued_values(nb)
    assert "n_resp" in values
    for key, value in values.items():
        if key in NOT_COUNT_GLUE:
            assert isinstance(value, str)
            # Texts, dates ("1 februari 2020") and percentages, no counts.
            stripped = re.sub(r"\b\d{1,2} [a-z]+ \d{4}\b", "", value)
            stripped = re.sub(r"\b\d+%", "", stripped)
            assert not re.search(r"\d", stripped), (key, value)
        else:
            assert key.startswith("n_"), f"glue key {key!r} is neither a count nor a text"
            if value in (SUPPRESSED_TEXT, "afgeschermd"):
                continue
            assert not is_small(parse_number(value)), (key, value)


def table_blocks(columns, body):
    """Group the rows of a table by item: ``{item: [(category, values)]}``."""
    blocks = {}
    for labels, values in body:
        assert len(labels) == 2, labels
        assert len(values) == len(columns), (columns, values)
        blocks.setdefault(labels[0], []).append((labels[1], dict(zip(columns, values))))
    return blocks


def table_problems(caption, columns, body):
    """Return what a table shows or leaks of small counts (empty = safe).

    Returns
    -------
    tuple of (list of str, int)
        The problems found and the number of items whose hidden cells were
        checked against recovery.
    """
    problems, checked = [], 0
    if columns[:2] != ["N", "%"]:
        return [f"{caption}: unexpected columns {columns}"], 0
    has_bounds = columns[2:] == ["Van", "Tot"]
    if not has_bounds and columns != ["N", "%"]:
        return [f"{caption}: unexpected columns {columns}"], 0
    for item, cells in table_blocks(columns, body).items():
        where = f"{caption} / {item}"
        ns = {values["N"] for _, values in cells}
        if len(ns) != 1:
            problems.append(f"{where}: N differs within the item")
            continue
        (n_text,) = ns
        if n_text == HIDDEN:
            if not all(v == HIDDEN for _, values in cells for v in values.values()):
                problems.append(f"{where}: N hidden but cells shown")
            continue
        n = parse_number(n_text)
        if is_small(n):
            problems.append(f"{where}: N = {n} shown")
        pcts, bounds = [], []
        for _, values in cells:
            if values["%"] == HIDDEN:
                pcts.append(None)
                bounds.append(None)
                if has_bounds and not values["Van"] == values["Tot"] == HIDDEN:
                    problems.append(f"{where}: interval of a hidden cell shown")
                continue
            pcts.append(parse_number(values["%"]))
            bounds.append(
                (parse_number(values["Van"]), parse_number(values["Tot"])) if has_bounds else None
            )
        if n == 0:
            continue
        hidden = [p is None for p in pcts]
        if sum(hidden) == 1:
            problems.append(f"{where}: a lone hidden cell")
        feasible = feasible_counts(n, pcts, bounds)
        if not all(feasible):
            problems.append(f"{where}: shown figures inconsistent with the rounding")
            continue
        # No shown cell is itself a small count, no hidden cell is pinned.
        for i in pinned_cells(n, pcts, bounds):
            problems.append(f"{where}: cell {cells[i][0]!r} is pinned to a small count")
        if any(hidden) and max(max(v) for v, h in zip(feasible, hidden) if h) < THRESHOLD:
            problems.append(f"{where}: the hidden cells hold a small total")
        checked += 1
    return problems, checked


def test_tables_show_no_small_count_and_hide_nothing_recoverable(page):
    _, nb = page
    tables = page_tables(nb)
    assert len(tables) >= 3
    checked = 0
    for caption, columns, body in tables:
        problems, n_checked = table_problems(caption, columns, body)
        assert problems == []
        checked += n_checked
    assert checked > 0


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        # N = 40 with 23% and 70% shown: the hidden cell must be 3.
        ([("a", "–"), ("b", "23%"), ("c", "70%")], "lone hidden cell"),
        # 3 of 40 shown outright.
        ([("a", "8%"), ("b", "23%"), ("c", "70%")], "pinned"),
        # Two hidden cells that together hold 3.
        ([("a", "–"), ("b", "–"), ("c", "93%")], "small total"),
    ],
)
def test_the_check_catches_leaking_tables(cells, expected):
    rows = "".join(
        f"<tr><th>Item</th><th>{cat}</th><td>40</td><td>{pct}</td></tr>" for cat, pct in cells
    )
    table = (
        '<table class="vives-tabel"><caption>Test</caption><thead><tr><th></th><th></th>'
        f"<th>N</th><th>%</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    ((caption, columns, body),) = parse_tables(table)
    problems, _ = table_problems(caption, columns, body)
    assert any(expected in p for p in problems), problems


def test_the_parser_repeats_row_spans():
    table = (
        "<table><caption>T</caption><thead><tr><th></th><th></th><th>N</th><th>%</th></tr>"
        '</thead><tbody><tr><th rowspan="2">Item</th><th>a</th><td>50</td><td>40%</td></tr>'
        "<tr><th>b</th><td>50</td><td>60%</td></tr></tbody></table>"
    )
    ((_, columns, body),) = parse_tables(table)
    assert columns == ["N", "%"]
    assert body == [(["Item", "a"], ["50", "40%"]), (["Item", "b"], ["50", "60%"])]


# ---------------------------------------------------------------------------
# Content of the pages
# ---------------------------------------------------------------------------


def page_text(nb):
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for out in outputs(nb):
        data = out.get("data", {})
        parts += [str(data.get(k, "")) for k in ("text/html", "text/markdown")]
    parts += [str(v) for v in glued_values(nb).values()]
    return "\n".join(parts)


def test_page_is_about_one_municipality_only(page):
    code, nb = page
    text = page_text(nb)
    name = codebook.value_labels("municipality")[code]
    assert nb.cells[0].source.startswith(f"# {name}\n")
    for other_code, other in codebook.value_labels("municipality").items():
        if other_code != code:
            assert not re.search(rf"\b{other}\b", text), f"{other} mentioned on the page of {name}"


def test_page_has_notice_warning_and_exercise(page):
    _, nb = page
    first = nb.cells[0].source
    assert "```{data-notice}" in first
    # Before any code: a summary for the municipality's officials, then the
    # warning against comparing municipalities.
    opening = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "remove-input" not in cell.metadata.get("tags", []):
            break
        if cell.cell_type == "markdown":
            opening.append(cell.source)
    opening = "\n".join(opening)
    assert "## In het kort" in opening
    for key in ("kort_rol", "kort_beleid", "kort_bin", "kort_init"):
        assert f"{{glue:text}}`{key}`" in opening, key
    assert ":class: danger" in opening and "niet" in opening.lower()
    assert opening.index("## In het kort") < opening.index(":class: danger")
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "```{exercise}" in markdown and ":class: dropdown" in markdown


def test_bin_tables_only_where_the_bin_was_asked(page):
    code, nb = page
    captions = [caption for caption, _, _ in page_tables(nb)]
    has_bin_tables = any("buurtinformatienetwerk" in c for c in captions)
    survey, _ = load_survey()
    assert has_bin_tables == has_bin(survey[survey["municipality"] == code])


# ---------------------------------------------------------------------------
# The pages are generated from the template
# ---------------------------------------------------------------------------


def cell_summary(nb):
    return [(c.cell_type, c.source, tuple(c.get("metadata", {}).get("tags", []))) for c in nb.cells]


def test_pages_are_up_to_date_with_the_template(tmp_path):
    written = generate_pages(out_dir=tmp_path, execute=False)
    assert [p.name for p in written] == [PAGES[c].name for c in CODES]
    for path in written:
        fresh = nbformat.read(path, as_version=4)
        committed = nbformat.read(OUT_DIR / path.name, as_version=4)
        assert cell_summary(fresh) == cell_summary(committed), (
            f"{path.name} differs from the template: run python -m helpers.book.feedback"
        )
        assert [c.get("id") for c in fresh.cells] == [c.get("id") for c in committed.cells]
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


def test_generation_is_deterministic(tmp_path):
    first = generate_pages(out_dir=tmp_path / "one", execute=False, codes=[3])
    second = generate_pages(out_dir=tmp_path / "two", execute=False, codes=[3])
    assert first[0].read_bytes() == second[0].read_bytes()


def test_template_has_one_parameter_cell_and_placeholders():
    template = nbformat.read(TEMPLATE, as_version=4)
    tagged = [c for c in template.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "MUNICIPALITY = " in tagged[0].source
    page = render_page(template, 5)
    text = "\n".join(c.source for c in page.cells)
    assert "__GEMEENTE__" not in text and "__letter__" not in text
    assert "MUNICIPALITY = 5" in text and "Gemeente E" in text
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="parameters"):
        render_page(broken, 1)


def test_index_links_every_page():
    index = (OUT_DIR / "index.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"{{doc}}`{PAGES[code].stem}`" in index
    assert "```{data-notice}" in index
