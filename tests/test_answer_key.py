"""The answer key (``make answer-key``): every exercise of the book with its solution."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from helpers.book.answer_key import toc_pages
from helpers.data.config import PROJECT_ROOT

KEY = PROJECT_ROOT / "_build" / "antwoordsleutel" / "antwoordsleutel.html"
FULL_HTML = PROJECT_ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def key():
    if not KEY.is_file():
        pytest.skip(f"{KEY} does not exist: run `make answer-key` first")
    return BeautifulSoup(KEY.read_text(encoding="utf-8"), "html.parser")


def _book_exercise_ids():
    ids = []
    for docname in toc_pages(PROJECT_ROOT):
        page = FULL_HTML / f"{docname}.html"
        if page.is_file():
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            ids += [div["id"] for div in soup.find_all("div", class_="exercise")]
    return ids


def test_key_holds_every_exercise_in_book_order(key):
    ids = [div["id"] for div in key.find_all("div", class_="exercise")]
    assert ids == _book_exercise_ids() and len(ids) >= 45


def test_every_exercise_is_followed_by_its_solution(key):
    blocks = key.find_all("div", class_=["exercise", "solution"])
    for block, following in zip(blocks, blocks[1:] + [None]):
        if "exercise" in block["class"]:
            assert following is not None and "solution" in following["class"], block["id"]
            number = block.find(class_="caption-number").get_text(strip=True)
            assert number in following.get_text(" "), block["id"]


def test_key_stands_alone(key):
    assert not key.find_all("a"), "links lead nowhere outside the book"
    assert not [img for img in key.find_all("img") if not img["src"].startswith("data:")]
    assert not key.find_all(class_="dropdown"), "solutions are unfolded"
    assert not key.find_all("script")


def test_key_shows_the_code_and_numbers_of_gated_solutions(key):
    code = [
        pre.get_text()
        for div in key.find_all("div", class_="solution")
        for pre in div.find_all("pre")
    ]
    assert any(
        "margin_classic = 100 * 1.96" in c for c in code
    )  # chapter 4's gated code, as it ran
    assert not re.search(r"\{glue", key.get_text(" "))
