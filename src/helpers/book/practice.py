"""The practice kit: questionnaire, interview guide and a coding exercise.

Three appendices of the book turn the study's instruments into teaching
material for the course "Project Integrale Veiligheid":

* the resident questionnaire, generated from the harmonised codebook
  (``codebook.yaml``), the routing rules in :data:`helpers.data.codebook.FILTERS`
  and the items that the merged survey marks as not asked (code 97);
* the interview guide for local safety partners, one or two open questions
  with a probe per theme of the coding frame
  (``data/interviews/interview_guide.csv``);
* a fictional practice transcript (``practice_transcript.csv``) with a
  reference coding (``practice_coding_key.csv``), an example student coding
  (``practice_coding_student.csv``) and the agreement between two codings
  (percent agreement and Cohen's kappa per theme).

The functions that build tables are pure: they take DataFrames (or the
codebook dictionary) and return new DataFrames or strings, without printing
or global state. The ``load_*`` functions read and validate one file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data.codebook import NOT_ASKED
from helpers.data.config import INTERVIEWS_DIR
from helpers.notation import format_number, join_dutch

__all__ = [
    "CODING_KEY_FILE",
    "INTERVIEW_GUIDE_FILE",
    "QUESTIONNAIRE_BLOCKS",
    "STUDENT_CODING_FILE",
    "TRANSCRIPT_FILE",
    "agreement_by_theme",
    "coding_differences",
    "coding_matrix",
    "cohens_kappa",
    "guide_coverage",
    "guide_to_markdown",
    "load_coding",
    "load_interview_guide",
    "load_transcript",
    "not_asked_by_municipality",
    "questionnaire_items",
    "questionnaire_to_markdown",
    "questionnaire_routing",
    "transcript_to_markdown",
]

INTERVIEW_GUIDE_FILE = INTERVIEWS_DIR / "interview_guide.csv"
TRANSCRIPT_FILE = INTERVIEWS_DIR / "practice_transcript.csv"
CODING_KEY_FILE = INTERVIEWS_DIR / "practice_coding_key.csv"
STUDENT_CODING_FILE = INTERVIEWS_DIR / "practice_coding_student.csv"

THEME_SEPARATOR = ";"
CHECKBOX = "☐"

#: Layout of the questionnaire: each block gathers one or more codebook groups
#: under a section of the report's description of the questionnaire
#: (paragraph 2.2.2: background, opinions, initiatives). ``instruction`` is
#: the text the respondent reads above the block.
QUESTIONNAIRE_BLOCKS: tuple[dict, ...] = (
    {
        "section": "A",
        "section_title": "Achtergrondkenmerken",
        "title": "Over uzelf",
        "groups": ("achtergrond",),
        "instruction": "We beginnen met enkele vragen over uzelf.",
    },
    {
        "section": "A",
        "section_title": "Achtergrondkenmerken",
        "title": "Opleiding en werk",
        "groups": ("Tabel 2",),
        "instruction": "Kies telkens het antwoord dat het best bij u past.",
    },
    {
        "section": "A",
        "section_title": "Achtergrondkenmerken",
        "title": "Uw buurt",
        "groups": ("Tabel 3",),
        "instruction": "Met 'uw buurt' bedoelen we de straten rond uw woning.",
    },
    {
        "section": "B",
        "section_title": "Opinies over veiligheid en uw eigen rol",
        "title": "Uw rol in de veiligheid van uw buurt",
        "groups": ("Tabel 4",),
        "instruction": (
            "Hieronder staan uitspraken over veiligheid en over uw eigen "
            "inbreng. Geef bij elke uitspraak aan in welke mate u ermee "
            "akkoord gaat. Er zijn geen goede of foute antwoorden."
        ),
    },
    {
        "section": "B",
        "section_title": "Opinies over veiligheid en uw eigen rol",
        "title": "Het veiligheidsbeleid van uw gemeente",
        "groups": ("Tabel 5",),
        "instruction": (
            "De volgende uitspraken gaan over de aanpak van veiligheid door "
            "uw stad of gemeente. In welke mate gaat u ermee akkoord?"
        ),
    },
    {
        "section": "C",
        "section_title": "Bestaande en mogelijke initiatieven",
        "title": "Het buurtinformatienetwerk (BIN) in uw gemeente",
        "groups": ("Tabel 6", "Tabel 7"),
        "instruction": (
            "Een buurtinformatienetwerk is een afsprakenkader waarin inwoners "
            "en politie informatie uitwisselen over wat er in de buurt "
            "gebeurt. Volg na elke vraag de aanwijzing."
        ),
    },
    {
        "section": "C",
        "section_title": "Bestaande en mogelijke initiatieven",
        "title": "Mogelijke nieuwe initiatieven",
        "groups": ("Tabel 8",),
        "instruction": (
            "Stel dat uw stad of gemeente nieuwe projecten opstart waarin "
            "inwoners een taak opnemen. Zou u bereid zijn om aan elk van deze "
            "vormen mee te werken? Kies één antwoord per vorm."
        ),
    },
)

_GUIDE_COLUMNS = ("theme_code", "question", "probe")
_TRANSCRIPT_COLUMNS = ("segment_id", "speaker", "text")
_CODING_COLUMNS = ("segment_id", "themes")


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")


def _read_text_csv(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    _require_columns(frame, columns, str(path))
    return frame.apply(lambda s: s.str.strip())


# --------------------------------------------------------------------------
# Questionnaire
# --------------------------------------------------------------------------


def questionnaire_items(
    codebook: Mapping, blocks: Sequence[Mapping] = QUESTIONNAIRE_BLOCKS
) -> pd.DataFrame:
    """List the questions of the resident questionnaire in asking order.

    Parameters
    ----------
    codebook : mapping
        The harmonised codebook as returned by
        :func:`helpers.data.codebook.load_codebook` (keys ``variables`` and
        ``value_sets``).
    blocks : sequence of mapping, default :data:`QUESTIONNAIRE_BLOCKS`
        Blocks in asking order; each names its ``section``,
        ``section_title``, ``title``, ``instruction`` and codebook ``groups``.

    Returns
    -------
    pandas.DataFrame
        One row per question, numbered from 1 in column ``number``; columns
        ``number``, ``variable``, ``section``, ``section_title``, ``block``,
        ``instruction``, ``wording`` (the codebook's variable label),
        ``kind``, ``value_set`` and ``answers`` (tuple of ``(code, label)``;
        empty for numeric questions), ``min`` and ``max`` (numeric only).

    Raises
    ------
    ValueError
        If a block names a group without variables, or a variable would be
        listed twice.

    Examples
    --------
    >>> book = {"value_sets": {"yn": {1: "Ja", 2: "Nee"}},
    ...         "variables": {"q": {"label": "Vraag?", "kind": "categorical",
    ...                             "values": "yn", "group": "g"}}}
    >>> blocks = [{"section": "A", "section_title": "Deel A", "title": "B1",
    ...            "instruction": "", "groups": ["g"]}]
    >>> questionnaire_items(book, blocks)["answers"].tolist()
    [((1, 'Ja'), (2, 'Nee'))]
    """
    variables = codebook["variables"]
    value_sets = codebook["value_sets"]
    rows, seen = [], set()
    for block in blocks:
        for group in block["groups"]:
            names = [n for n, s in variables.items() if s.get("group") == group]
            if not names:
                raise ValueError(f"block {block['title']!r}: no variables in group {group!r}")
            for name in names:
                if name in seen:
                    raise ValueError(f"variable {name!r} listed in two blocks")
                seen.add(name)
                spec = variables[name]
                answers: tuple = ()
                if spec["kind"] == "categorical":
                    answers = tuple(
                        (int(code), str(label))
                        for code, label in value_sets[spec["values"]].items()
                    )
                rows.append(
                    {
                        "variable": name,
                        "section": block["section"],
                        "section_title": block["section_title"],
                        "block": block["title"],
                        "instruction": block["instruction"],
                        "wording": str(spec["label"]),
                        "kind": spec["kind"],
                        "value_set": spec.get("values", ""),
                        "answers": answers,
                        "min": spec.get("min"),
                        "max": spec.get("max"),
                    }
                )
    items = pd.DataFrame(rows)
    items.insert(0, "number", range(1, len(items) + 1))
    return items


def _condition_holds(alternative: Mapping, state: Mapping) -> bool | None:
    """True/False when every variable of the alternative is known, else None."""
    result = True
    for variable, allowed in alternative.items():
        if variable not in state:
            return None
        result = result and state[variable] in allowed
    return result


def _implied_state(variable: str, filters: Mapping) -> dict:
    """Answers implied by having been asked ``variable`` (single-alternative filters)."""
    state: dict = {}
    alternatives = filters.get(variable, [])
    if len(alternatives) == 1:
        for other, allowed in alternatives[0].items():
            if len(allowed) == 1:
                state[other] = allowed[0]
                state.update(_implied_state(other, filters))
    return state


def questionnaire_routing(items: pd.DataFrame, filters: Mapping) -> pd.DataFrame:
    """Derive the questionnaire's skip instructions from the routing filters.

    For every answer of every question that leads into filtered questions,
    find the next question the respondent must answer: the first later
    question that has no filter, or whose filter holds for that answer
    (answers implied by earlier single-condition filters count as known).

    Parameters
    ----------
    items : pandas.DataFrame
        Output of :func:`questionnaire_items`.
    filters : mapping
        ``{variable: [alternative, ...]}`` where each alternative is
        ``{variable: allowed codes}``; the question is asked when any
        alternative holds (:data:`helpers.data.codebook.FILTERS`).

    Returns
    -------
    pandas.DataFrame
        One row per answer that skips at least one question, with columns
        ``number``, ``variable``, ``code``, ``answer``, ``goto_number`` and
        ``goto_variable`` (``goto_number`` is ``<NA>`` when the answer ends
        the questionnaire).

    Examples
    --------
    >>> items = pd.DataFrame({"number": [1, 2, 3], "variable": ["a", "b", "c"],
    ...     "answers": [((1, "Ja"), (2, "Nee")), ((1, "Ja"),), ()]})
    >>> questionnaire_routing(items, {"b": [{"a": [1]}]})[["answer", "goto_number"]].values.tolist()
    [['Nee', 3]]
    """
    variables = items["variable"].tolist()
    numbers = dict(zip(variables, items["number"], strict=True))
    filtered = set(filters)
    rows = []
    for position, row in enumerate(items.itertuples(index=False)):
        later = variables[position + 1 :]
        if not later or not any(
            row.variable in alt for v in later if v in filtered for alt in filters[v]
        ):
            continue
        for code, label in row.answers:
            state = {**_implied_state(row.variable, filters), row.variable: code}
            target = None
            for candidate in later:
                if candidate not in filtered:
                    target = candidate
                    break
                verdicts = [_condition_holds(alt, state) for alt in filters[candidate]]
                if any(v is None or v for v in verdicts):
                    target = candidate
                    break
            if target == (later[0] if later else None):
                continue
            rows.append(
                {
                    "number": int(row.number),
                    "variable": row.variable,
                    "code": int(code),
                    "answer": label,
                    "goto_number": numbers.get(target) if target else None,
                    "goto_variable": target,
                }
            )
    table = pd.DataFrame(
        rows,
        columns=["number", "variable", "code", "answer", "goto_number", "goto_variable"],
    )
    table["goto_number"] = table["goto_number"].astype("Int64")
    return table


def not_asked_by_municipality(
    survey: pd.DataFrame,
    variables: Sequence[str],
    municipality: str = "municipality",
    labels: Mapping | None = None,
) -> pd.DataFrame:
    """Find the questions a municipality left out of its questionnaire.

    A question counts as not asked in a municipality when every respondent
    of that municipality has the code :data:`helpers.data.codebook.NOT_ASKED`
    (97) for it.

    Parameters
    ----------
    survey : pandas.DataFrame
        The merged survey as codes (user-missing codes kept).
    variables : sequence of str
        Questions to check.
    municipality : str, default "municipality"
        Column with the municipality code.
    labels : mapping, optional
        ``{municipality code: name}``; codes are used when omitted.

    Returns
    -------
    pandas.DataFrame
        One row per variable that is not asked somewhere, in the order of
        ``variables``: columns ``variable``, ``n_not_asked`` (number of
        municipalities) and ``municipalities`` (tuple of names, in code
        order).

    Examples
    --------
    >>> df = pd.DataFrame({"municipality": [1, 1, 2], "q": [97, 97, 3],
    ...                    "r": [1, 2, 3]})
    >>> not_asked_by_municipality(df, ["q", "r"], labels={1: "A", 2: "B"}).values.tolist()
    [['q', 1, ('A',)]]
    """
    _require_columns(survey, [municipality, *variables], "survey")
    labels = dict(labels or {})
    flags = (
        survey.loc[:, list(variables)]
        .eq(NOT_ASKED)
        .groupby(survey[municipality])
        .all()
        .sort_index()
    )
    rows = []
    for variable in variables:
        codes = flags.index[flags[variable]].tolist()
        if codes:
            rows.append(
                {
                    "variable": variable,
                    "n_not_asked": len(codes),
                    "municipalities": tuple(str(labels.get(c, c)) for c in codes),
                }
            )
    table = pd.DataFrame(rows, columns=["variable", "n_not_asked", "municipalities"])
    table["n_not_asked"] = table["n_not_asked"].astype(int)
    return table


def questionnaire_to_markdown(
    items: pd.DataFrame,
    routing: pd.DataFrame | None = None,
    filters: Mapping | None = None,
    not_asked: pd.DataFrame | None = None,
    section: str | None = None,
) -> str:
    """Write the questionnaire (or one section) as Markdown.

    Blocks get a bold title and their instruction. In a block whose questions
    share one answer scale the scale is printed once and each statement gets
    numbered boxes; otherwise each question lists its answers with a box.

    Parameters
    ----------
    items : pandas.DataFrame
        Output of :func:`questionnaire_items`.
    routing : pandas.DataFrame, optional
        Output of :func:`questionnaire_routing`; adds "ga naar vraag N" after the
        answers that skip questions.
    filters : mapping, optional
        Routing filters; adds "Alleen als ..." before filtered questions.
    not_asked : pandas.DataFrame, optional
        Output of :func:`not_asked_by_municipality`; adds a note naming the
        municipalities that did not ask the question.
    section : str, optional
        Only this section (e.g. ``"B"``).

    Returns
    -------
    str
        Markdown without headings (safe inside a notebook output).
    """
    numbers = dict(zip(items["variable"], items["number"], strict=True))
    answers_of = dict(zip(items["variable"], items["answers"], strict=True))
    routing = (
        routing
        if routing is not None
        else pd.DataFrame(columns=["variable", "code", "goto_number"])
    )
    goto = {(r.variable, int(r.code)): r.goto_number for r in routing.itertuples(index=False)}
    missing_in = (
        dict(zip(not_asked["variable"], not_asked["municipalities"], strict=True))
        if not_asked is not None
        else {}
    )
    selected = items if section is None else items[items["section"] == section]
    parts: list[str] = []

    def condition_text(variable: str) -> str:
        alternatives = []
        for alt in (filters or {}).get(variable, []):
            terms = []
            for other, allowed in alt.items():
                labels = dict(answers_of.get(other, ()))
                shown = " of ".join(f"'{labels.get(c, c)}'" for c in allowed)
                terms.append(f"vraag {numbers.get(other, other)} = {shown}")
            alternatives.append(" en ".join(terms))
        return " of als ".join(alternatives)

    def notes(variable: str) -> list[str]:
        out = []
        if variable in missing_in:
            out.append(f"*Niet gesteld in {join_dutch(missing_in[variable])}.*")
        return out

    for (sec, sec_title, block), group in selected.groupby(
        ["section", "section_title", "block"], sort=False
    ):
        first = group.iloc[0]
        parts.append(f"**{sec}. {sec_title} – {block}**")
        parts.append(f"*{first['instruction']}*")
        sets = set(group["value_set"])
        shared_scale = len(group) > 2 and len(sets) == 1 and group["kind"].eq("categorical").all()
        if shared_scale:
            scale = " · ".join(f"{code} = {label}" for code, label in first["answers"])
            parts.append(f"Antwoordschaal: {scale}")
        for item in group.itertuples(index=False):
            lines = []
            if filters and item.variable in filters:
                lines.append(f"*Alleen als {condition_text(item.variable)}.*")
            lines.append(f"**{item.number}.** {item.wording}")
            if item.kind == "numeric":
                lines.append(
                    f"… jaar (van {format_number(item.min)} tot {format_number(item.max)})"
                )
            elif shared_scale:
                lines.append("  ".join(f"{CHECKBOX} {code}" for code, _ in item.answers))
            else:
                options = []
                for code, label in item.answers:
                    option = f"{CHECKBOX} {label}"
                    target = goto.get((item.variable, int(code)))
                    if (item.variable, int(code)) in goto:
                        option += (
                            f" → ga naar vraag {target}"
                            if pd.notna(target)
                            else " → einde van de vragenlijst"
                        )
                    options.append(option)
                lines.append(" · ".join(options))
            lines.extend(notes(item.variable))
            parts.append(" \\\n".join(lines))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------
# Interview guide
# --------------------------------------------------------------------------


def load_interview_guide(
    path: str | Path | None = None, coding_frame: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Read the interview guide: open questions and probes per theme.

    Parameters
    ----------
    path : str or Path, optional
        CSV file with columns ``theme_code``, ``question``, ``probe``;
        defaults to ``data/interviews/interview_guide.csv``. The row order is
        the order of the conversation.
    coding_frame : pandas.DataFrame, optional
        When given, every ``theme_code`` must occur in its ``code`` column.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme_code``, ``question``, ``probe`` (stripped strings;
        an empty probe is allowed).

    Raises
    ------
    ValueError
        On a missing column, an empty theme code or question, a duplicated
        question or an unknown theme code.
    """
    path = Path(path) if path is not None else INTERVIEW_GUIDE_FILE
    guide = _read_text_csv(path, _GUIDE_COLUMNS).loc[:, list(_GUIDE_COLUMNS)]
    for column in ("theme_code", "question"):
        if (guide[column] == "").any():
            raise ValueError(f"{path}: empty {column!r} in some rows")
    if guide["question"].duplicated().any():
        raise ValueError(f"{path}: duplicated question")
    if coding_frame is not None:
        unknown = sorted(set(guide["theme_code"]) - set(coding_frame["code"]))
        if unknown:
            raise ValueError(f"{path}: theme codes not in the coding frame {unknown}")
    return guide.reset_index(drop=True)


def guide_coverage(guide: pd.DataFrame, coding_frame: pd.DataFrame) -> pd.DataFrame:
    """Count the questions and probes of the guide per theme.

    Parameters
    ----------
    guide : pandas.DataFrame
        Output of :func:`load_interview_guide`.
    coding_frame : pandas.DataFrame
        Columns ``code`` and ``theme``; its order gives the row order.

    Returns
    -------
    pandas.DataFrame
        Index ``Thema`` (Dutch theme labels); integer columns ``Vragen`` and
        ``Doorvragen``. A theme without questions shows 0.

    Examples
    --------
    >>> frame = pd.DataFrame({"code": ["a", "b"], "theme": ["A", "B"]})
    >>> guide = pd.DataFrame({"theme_code": ["a", "a"], "question": ["x", "y"],
    ...                       "probe": ["p", ""]})
    >>> guide_coverage(guide, frame)["Vragen"].tolist()
    [2, 0]
    """
    _require_columns(guide, _GUIDE_COLUMNS, "guide")
    codes = coding_frame["code"].tolist()
    grouped = guide.groupby("theme_code", sort=False)
    table = (
        pd.DataFrame(
            {
                "Vragen": grouped["question"].size(),
                "Doorvragen": grouped["probe"].agg(lambda s: int((s.str.strip() != "").sum())),
            }
        )
        .reindex(codes, fill_value=0)
        .astype(int)
    )
    labels = dict(zip(coding_frame["code"], coding_frame["theme"], strict=True))
    table.index = pd.Index([labels[c] for c in table.index], name="Thema")
    return table


def guide_to_markdown(guide: pd.DataFrame, coding_frame: pd.DataFrame) -> str:
    """Write the interview guide as Markdown, grouped by theme.

    Consecutive rows with the same theme form one part; questions are
    numbered through the whole guide.

    Parameters
    ----------
    guide : pandas.DataFrame
        Output of :func:`load_interview_guide`.
    coding_frame : pandas.DataFrame
        Columns ``code`` and ``theme``.

    Returns
    -------
    str
        Markdown without headings.
    """
    labels = dict(zip(coding_frame["code"], coding_frame["theme"], strict=True))
    parts, previous = [], None
    for number, row in enumerate(guide.itertuples(index=False), start=1):
        if row.theme_code != previous:
            parts.append(f"**Thema: {labels.get(row.theme_code, row.theme_code)}**")
            previous = row.theme_code
        lines = [f"**{number}.** {row.question}"]
        if row.probe:
            lines.append(f"*Doorvraag:* {row.probe}")
        parts.append(" \\\n".join(lines))
    return "\n\n".join(parts)


# --------------------------------------------------------------------------
# Practice transcript and coding agreement
# --------------------------------------------------------------------------


def load_transcript(path: str | Path | None = None) -> pd.DataFrame:
    """Read the practice transcript.

    Parameters
    ----------
    path : str or Path, optional
        CSV file with columns ``segment_id``, ``speaker``, ``text``;
        defaults to ``data/interviews/practice_transcript.csv``.

    Returns
    -------
    pandas.DataFrame
        The segments in the order of the conversation.

    Raises
    ------
    ValueError
        On a missing column, an empty cell or a duplicated segment id.
    """
    path = Path(path) if path is not None else TRANSCRIPT_FILE
    transcript = _read_text_csv(path, _TRANSCRIPT_COLUMNS).loc[:, list(_TRANSCRIPT_COLUMNS)]
    if (transcript == "").any().any():
        raise ValueError(f"{path}: empty cells")
    if transcript["segment_id"].duplicated().any():
        raise ValueError(f"{path}: duplicated segment_id")
    return transcript.reset_index(drop=True)


def transcript_to_markdown(transcript: pd.DataFrame) -> str:
    """Write a transcript as Markdown paragraphs, one per segment.

    Parameters
    ----------
    transcript : pandas.DataFrame
        Output of :func:`load_transcript`.

    Returns
    -------
    str
        ``**S01 · Interviewer:** text`` paragraphs.
    """
    return "\n\n".join(
        f"**{row.segment_id} · {row.speaker}:** {row.text}"
        for row in transcript.itertuples(index=False)
    )


def load_coding(
    path: str | Path,
    coding_frame: pd.DataFrame | None = None,
    segments: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a coding of the transcript: theme codes per segment.

    Parameters
    ----------
    path : str or Path
        CSV file with at least ``segment_id`` and ``themes`` (codes separated
        by ``;``; empty = no theme). Other columns (e.g. a rationale) are
        kept.
    coding_frame : pandas.DataFrame, optional
        When given, every code must occur in its ``code`` column.
    segments : sequence of str, optional
        When given, every ``segment_id`` must be one of these.

    Returns
    -------
    pandas.DataFrame
        The file's columns, ``themes`` as a tuple of codes.

    Raises
    ------
    ValueError
        On a missing column, a duplicated or unknown segment id or an
        unknown theme code.
    """
    path = Path(path)
    coding = _read_text_csv(path, _CODING_COLUMNS)
    if (coding["segment_id"] == "").any():
        raise ValueError(f"{path}: empty segment_id")
    if coding["segment_id"].duplicated().any():
        raise ValueError(f"{path}: duplicated segment_id")
    if segments is not None:
        unknown_segments = sorted(set(coding["segment_id"]) - set(segments))
        if unknown_segments:
            raise ValueError(f"{path}: unknown segment ids {unknown_segments}")
    coding["themes"] = coding["themes"].map(
        lambda cell: tuple(
            dict.fromkeys(c.strip() for c in cell.split(THEME_SEPARATOR) if c.strip())
        )
    )
    if coding_frame is not None:
        used = {c for codes in coding["themes"] for c in codes}
        unknown = sorted(used - set(coding_frame["code"]))
        if unknown:
            raise ValueError(f"{path}: theme codes not in the coding frame {unknown}")
    return coding.reset_index(drop=True)


def coding_matrix(
    coding: pd.DataFrame, segments: Sequence[str], themes: Sequence[str]
) -> pd.DataFrame:
    """Turn a coding into a 0/1 matrix of segments by themes.

    Parameters
    ----------
    coding : pandas.DataFrame
        Columns ``segment_id`` and ``themes`` (tuples of codes), e.g. from
        :func:`load_coding`.
    segments : sequence of str
        The units of analysis (rows); a segment absent from ``coding`` gets
        no theme. Segments of ``coding`` not listed here are ignored.
    themes : sequence of str
        The theme codes (columns).

    Returns
    -------
    pandas.DataFrame
        Integers 0/1, index ``segment_id``, one column per theme.

    Raises
    ------
    ValueError
        If the coding uses a theme not in ``themes``.

    Examples
    --------
    >>> c = pd.DataFrame({"segment_id": ["s1"], "themes": [("a",)]})
    >>> coding_matrix(c, ["s1", "s2"], ["a", "b"]).values.tolist()
    [[1, 0], [0, 0]]
    """
    _require_columns(coding, _CODING_COLUMNS, "coding")
    themes = list(themes)
    wanted = coding[coding["segment_id"].isin(list(segments))]
    unknown = sorted({c for codes in wanted["themes"] for c in codes} - set(themes))
    if unknown:
        raise ValueError(f"coding uses themes that are not listed: {unknown}")
    matrix = pd.DataFrame(0, index=pd.Index(list(segments), name="segment_id"), columns=themes)
    for row in wanted.itertuples(index=False):
        for code in row.themes:
            matrix.loc[row.segment_id, code] = 1
    return matrix.astype(int)


def cohens_kappa(first: Sequence[int], second: Sequence[int]) -> float:
    """Compute Cohen's kappa for two binary codings of the same units.

    Parameters
    ----------
    first, second : sequence of int
        0/1 decisions of two coders, same length.

    Returns
    -------
    float
        ``(p_o - p_e) / (1 - p_e)``, with ``p_o`` the observed agreement and
        ``p_e`` the agreement expected from each coder's own share of 1s.
        NaN when ``p_e`` is 1 (both coders gave one and the same answer to
        every unit: kappa is undefined).

    Raises
    ------
    ValueError
        If the lengths differ, there are no units, or a value is not 0/1.

    Examples
    --------
    >>> cohens_kappa([1, 1, 0, 0], [1, 0, 0, 0])
    0.5
    """
    a = np.asarray(first)
    b = np.asarray(second)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError("both codings need the same number of units")
    if a.size == 0:
        raise ValueError("no units to compare")
    if not (np.isin(a, (0, 1)).all() and np.isin(b, (0, 1)).all()):
        raise ValueError("codings must hold 0/1 decisions")
    observed = float(np.mean(a == b))
    p_a, p_b = float(a.mean()), float(b.mean())
    expected = p_a * p_b + (1 - p_a) * (1 - p_b)
    if np.isclose(expected, 1.0):
        return float("nan")
    return (observed - expected) / (1 - expected)


def agreement_by_theme(
    first: pd.DataFrame,
    second: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    overall: bool = True,
) -> pd.DataFrame:
    """Compare two codings theme by theme: percent agreement and kappa.

    Each cell of the matrices is one decision (does this segment carry this
    theme?). Per theme the segments are the units.

    Parameters
    ----------
    first, second : pandas.DataFrame
        0/1 matrices from :func:`coding_matrix` with the same index and
        columns (e.g. a student's coding and the reference coding).
    labels : mapping, optional
        ``{code: Dutch label}`` for the index; codes are kept when omitted.
    overall : bool, default True
        Add a last row "Alle thema's samen" that pools every decision.

    Returns
    -------
    pandas.DataFrame
        Index ``Thema``; columns ``Beide`` (both coded the theme),
        ``Alleen eerste``, ``Alleen tweede``, ``Geen van beide`` (integers),
        ``Overeenstemming (%)`` (percent of units with the same decision)
        and ``Kappa`` (Cohen's kappa; NaN when undefined).

    Raises
    ------
    ValueError
        If the matrices do not have the same index and columns.

    Examples
    --------
    >>> a = pd.DataFrame({"t": [1, 1, 0, 0]})
    >>> b = pd.DataFrame({"t": [1, 0, 0, 0]})
    >>> agreement_by_theme(a, b, overall=False).loc["t", "Kappa"]
    np.float64(0.5)
    """
    if not first.index.equals(second.index) or list(first.columns) != list(second.columns):
        raise ValueError("both codings need the same segments and themes")
    labels = dict(labels or {})

    def row(a: np.ndarray, b: np.ndarray) -> dict:
        return {
            "Beide": int(((a == 1) & (b == 1)).sum()),
            "Alleen eerste": int(((a == 1) & (b == 0)).sum()),
            "Alleen tweede": int(((a == 0) & (b == 1)).sum()),
            "Geen van beide": int(((a == 0) & (b == 0)).sum()),
            "Overeenstemming (%)": float(np.mean(a == b) * 100),
            "Kappa": cohens_kappa(a, b),
        }

    rows = {
        labels.get(code, code): row(first[code].to_numpy(), second[code].to_numpy())
        for code in first.columns
    }
    if overall:
        rows["Alle thema's samen"] = row(first.to_numpy().ravel(), second.to_numpy().ravel())
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "Thema"
    return table


def coding_differences(
    first: pd.DataFrame,
    second: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """List the segments where two codings differ.

    Parameters
    ----------
    first, second : pandas.DataFrame
        0/1 matrices from :func:`coding_matrix` with the same index and
        columns.
    labels : mapping, optional
        ``{code: Dutch label}`` used in the output.

    Returns
    -------
    pandas.DataFrame
        Index ``Segment``; columns ``Alleen eerste`` and ``Alleen tweede``
        (theme labels joined with ``", "``; empty string when none). Only
        segments with at least one difference.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1, 0], "y": [0, 0]}, index=["s1", "s2"])
    >>> b = pd.DataFrame({"x": [1, 0], "y": [1, 0]}, index=["s1", "s2"])
    >>> coding_differences(a, b).loc["s1", "Alleen tweede"]
    'y'
    """
    if not first.index.equals(second.index) or list(first.columns) != list(second.columns):
        raise ValueError("both codings need the same segments and themes")
    labels = dict(labels or {})
    rows = {}
    for segment in first.index:
        only_first = [
            c for c in first.columns if first.at[segment, c] and not second.at[segment, c]
        ]
        only_second = [
            c for c in first.columns if second.at[segment, c] and not first.at[segment, c]
        ]
        if only_first or only_second:
            rows[segment] = {
                "Alleen eerste": ", ".join(labels.get(c, c) for c in only_first),
                "Alleen tweede": ", ".join(labels.get(c, c) for c in only_second),
            }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["Alleen eerste", "Alleen tweede"])
    table.index.name = "Segment"
    return table
