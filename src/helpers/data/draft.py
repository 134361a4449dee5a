"""Draft a mapping from one delivered SPSS file.

Command line::

    python -m helpers.data.draft FILE.sav [--municipality N] [--out PATH]

(``make draft FILE=...``). The draft is a starting point, never a finished
mapping: every line it is unsure of carries a ``CHECK`` comment.

* Each source variable is matched to a codebook variable by its variable
  label (the words it shares with the codebook's label, words that start
  alike counted as shared) and by its value labels (do they name the
  categories of the codebook variable's value set?). The best match is
  taken, each codebook variable at most once, best scores first; the score
  and the runner-up are written as a comment.
* Recodes come from the value labels (:func:`helpers.data.labels.propose_recode`);
  missing codes from the file's declared user-missing values and from
  missing-like labels ("weet niet", "geen antwoord", ...).
* The id is the variable labelled or named like a respondent number whose
  values are unique; a variable whose labels name recruitment modes makes
  the design ``mix``; a 0/1 variable named or labelled "test" becomes an
  exclusion rule; a variable the file is weighted by is dropped with that
  reason.
* Source variables without a match go under ``drop`` with a reason to fill
  in; codebook variables without a source go under ``not_asked``.

:func:`draft_hit_rate` measures the draft against the committed mappings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from helpers.data import codebook, config
from helpers.data.errors import DeliveryError
from helpers.data.labels import (
    categories_named,
    is_missing_like,
    missing_code_for,
    normalise_label,
    propose_recode,
)
from helpers.data.mapping import ADMIN_DERIVED, load_mappings, mapping_files
from helpers.data.merge import read_delivery
from helpers.data.sav import spss_weight_variable
from helpers.data.values import DistinctValues

#: Function words that say nothing about which question a label is.
_STOP_WORDS = frozenset(
    "de het een van in op aan te om en of is u uw wat zou bv stelling vraag al deze "
    "die dat voor met bij".split()
)
#: A match needs at least this score to be proposed (else the variable is dropped).
MIN_SCORE = 0.45
#: Names and labels of a respondent-number variable.
_ID_WORDS = re.compile(r"\b(?:respondent\w*|resp\w*|id|nr|nummer|volgnr|volgnummer)\b")
_TEST_WORDS = re.compile(r"\btest\w*\b")
#: Text date formats tried, in order, on a text date variable.
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d")
_SPSS_DATE_FORMATS = ("DATE", "ADATE", "EDATE", "SDATE", "JDATE", "DATETIME", "YMDHMS")


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------


def _words(text):
    return [w for w in normalise_label(text).split() if w not in _STOP_WORDS]


def _same_word(a, b):
    """Equal, or starting alike over at least four letters (deel/deelname, woont/woonduur)."""
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= 4


def label_similarity(codebook_label, source_label):
    """How well a delivered variable label matches a codebook label (0-1).

    Parameters
    ----------
    codebook_label, source_label : str

    Returns
    -------
    float
        The larger of a word measure (the share of the codebook label's
        words found in the source label, blended with the share of all
        words shared) and the similarity of the two labels as strings.

    Examples
    --------
    >>> round(label_similarity("Geslacht", "Wat is uw geslacht?"), 2)
    1.0
    >>> label_similarity("Leeftijd", "Geslacht") < 0.45
    True
    """
    book, source = _words(codebook_label), _words(source_label)
    if not book or not source:
        return 0.0
    found = sum(any(_same_word(b, s) for s in source) for b in book)
    shared = sum(any(_same_word(s, b) for b in book) for s in source)
    words = 0.6 * found / len(book) + 0.4 * (found + shared) / (len(book) + len(source))
    text = difflib.SequenceMatcher(None, "".join(book), "".join(source), autojunk=False).ratio()
    return max(words, text)


@dataclass
class DeliveredVariable:
    """What the draft knows about one variable of the delivered file."""

    name: str
    label: str
    spss_format: str
    labels: dict
    values: list
    declared_missing: dict
    is_text: bool
    position: int

    @property
    def kind(self):
        """``date``, ``text`` or ``number`` as the file holds it."""
        fmt = self.spss_format.upper()
        if fmt.startswith(_SPSS_DATE_FORMATS):
            return "date"
        return "text" if self.is_text else "number"

    def answer_labels(self):
        """The value labels that are not missing-like (``{code: label}``)."""
        return {c: lab for c, lab in self.labels.items() if not is_missing_like(lab)}


def _source_variables(df, meta):
    labels = meta.column_names_to_labels or {}
    formats = meta.original_variable_types or {}
    value_labels = meta.variable_value_labels or {}
    ranges = meta.missing_ranges or {}
    out = []
    for position, name in enumerate(df.columns):
        values = DistinctValues(df[name])
        norms = [n for n in values.norms if n is not None]
        file_labels = {
            DistinctValues(pd.Series([c])).norms[0]: lab
            for c, lab in (value_labels.get(name) or {}).items()
        }
        declared = {}
        for rng in ranges.get(name, []):
            lo = DistinctValues(pd.Series([rng["lo"]])).norms[0]
            hi = DistinctValues(pd.Series([rng["hi"]])).norms[0]
            if lo == hi:
                declared[lo] = file_labels.get(lo)
            else:
                for n in norms:
                    if isinstance(n, (int, float)) and lo <= n <= hi:
                        declared[n] = file_labels.get(n)
        out.append(
            DeliveredVariable(
                name=name,
                label=str(labels.get(name) or ""),
                spss_format=str(formats.get(name, "")),
                labels=file_labels,
                values=norms,
                declared_missing=declared,
                is_text=str(formats.get(name, "")).upper().startswith("A")
                or pd.api.types.is_string_dtype(df[name]),
                position=position,
            )
        )
    return out


def _value_set_fit(source, value_set):
    """Share of the source's answer labels (or text values) naming a category of the set."""
    labels = source.answer_labels()
    if not labels and source.is_text:
        labels = {v: v for v in source.values if isinstance(v, str) and not is_missing_like(v)}
    if not labels:
        return None
    named = sum(bool(categories_named(value_set, lab)) for lab in labels.values())
    return named / len(labels)


def _plain_numbers(source):
    """Numbers without answer labels (an age, a count)."""
    return source.kind == "number" and not source.answer_labels()


def _plausibility(source, spec):
    """0.3 when a number variable's values look like the variable (most in its range)."""
    numbers = [
        v for v in source.values if isinstance(v, (int, float)) and v not in source.declared_missing
    ]
    if "min" not in spec or len(set(numbers)) < 10:
        return 0.0
    inside = sum(spec["min"] <= v <= spec["max"] for v in numbers)
    return 0.3 if inside >= 0.9 * len(numbers) else 0.0


def match_score(source, var):
    """Score a source variable as the holder of a codebook variable (higher is better).

    Parameters
    ----------
    source : DeliveredVariable
    var : str
        Harmonised variable.

    Returns
    -------
    float or None
        None when the kinds cannot fit (a date for a Likert item).
    """
    spec = codebook.load_codebook()["variables"][var]
    similarity = label_similarity(spec["label"], source.label or source.name)
    kind = spec["kind"]
    if kind == "date":
        if source.kind == "date":
            return similarity + 1.0
        if source.kind == "text" and _guess_date_format(source.values):
            return similarity + 1.0
        return None
    if kind == "numeric":
        if not _plain_numbers(source):
            return None
        return similarity + 0.3 + _plausibility(source, spec)
    if source.kind == "date":
        return None
    fit = _value_set_fit(source, spec["values"])
    if fit is None:  # codes without labels: only the label can tell
        return similarity if source.kind == "number" else None
    if fit == 0:
        return None
    return similarity + fit


# --------------------------------------------------------------------------
# the draft
# --------------------------------------------------------------------------


@dataclass
class Draft:
    """A proposed mapping with the reasons for each line.

    ``mapping`` is a mapping dictionary in the format of
    ``data/mappings/README.md``; ``comments`` maps a dotted key
    (``variables.gender``, ``drop.opmerking``) to the comment written beside
    it; ``checks`` holds the keys marked ``CHECK``.
    """

    mapping: dict
    comments: dict = field(default_factory=dict)
    checks: set = field(default_factory=set)


def draft_mapping(path, municipality=None):
    """Propose a mapping for one delivered SPSS file.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.sav`` file.
    municipality : int, optional
        Harmonised municipality code; guessed from a file name
        ``gemeente_x.sav`` when not given, else left to fill in.

    Returns
    -------
    Draft
    """
    path = Path(path)
    df, meta = read_delivery(path)
    sources = _source_variables(df, meta)
    draft = Draft({"file": path.name})
    _draft_header(draft, path, municipality)
    taken = set()
    id_source = _find_id(sources, draft)
    taken.add(id_source)
    _find_recruitment(sources, draft, taken)
    _match_variables(sources, draft, taken)
    _find_exclusions(sources, draft, taken)
    _drop_the_rest(sources, draft, taken, spss_weight_variable(path))
    return draft


def _draft_header(draft, path, municipality):
    mapping = draft.mapping
    if municipality is None:
        match = re.fullmatch(r"gemeente_([a-j])", path.stem.lower())
        municipality = ord(match[1]) - ord("a") + 1 if match else 0
        if match:
            draft.comments["municipality"] = f"from the file name ({path.name}); CHECK"
        else:
            draft.comments["municipality"] = "CHECK: the municipality's code (1-10)"
        draft.checks.add("municipality")
    mapping["municipality"] = municipality
    mapping["design"] = "online"
    draft.comments["design"] = "CHECK: online | door_to_door | street | mix"
    draft.checks.add("design")
    mapping["recruitment"] = {"value": 1}
    draft.comments["recruitment"] = (
        "CHECK: must agree with design (1 online, 2 door to door, 3 street)"
    )
    draft.checks.add("recruitment")


def _find_id(sources, draft):
    best, best_score = None, 0.0
    for source in sources:
        if source.kind != "number" and not source.is_text:
            continue
        text = normalise_label(f"{source.name} {source.label}")
        unique = len(source.values) > 0 and len(set(source.values)) == len(source.values)
        score = (1.0 if _ID_WORDS.search(text) else 0.0) + (0.5 if unique else -1.0)
        score -= 0.01 * source.position  # the first of equals: ids usually come first
        if source.labels:
            score -= 1.0
        if score > best_score:
            best, best_score = source, score
    if best is None:
        draft.mapping["id"] = "CHECK"
        draft.comments["id"] = "CHECK: no variable looks like a unique respondent number"
        draft.checks.add("id")
        return None
    draft.mapping["id"] = best.name
    draft.comments["id"] = f"unique values, label {best.label!r}"
    return best.name


def _find_recruitment(sources, draft, taken):
    for source in sources:
        fit = _value_set_fit(source, "recruitment")
        if source.name in taken or not fit or fit < 0.5 or len(source.answer_labels()) < 2:
            continue
        recode, _, unplaced = propose_recode("recruitment", source.answer_labels())
        draft.mapping["design"] = "mix"
        draft.mapping["recruitment"] = {"source": source.name, "recode": recode}
        draft.comments["design"] = f"{source.name!r} records how each respondent was recruited"
        draft.checks.discard("design")
        draft.comments["recruitment"] = f"from the value labels of {source.name!r}" + (
            f"; CHECK: {len(unplaced)} label(s) name no recruitment mode" if unplaced else ""
        )
        if not unplaced:
            draft.checks.discard("recruitment")
        taken.add(source.name)
        return


def _match_variables(sources, draft, taken):
    book = codebook.load_codebook()["variables"]
    targets = [v for v in book if v not in ADMIN_DERIVED]
    scores = {}
    for source in sources:
        if source.name in taken:
            continue
        for var in targets:
            score = match_score(source, var)
            if score is not None:
                scores[(source.name, var)] = score
    order = {s.name: s.position for s in sources}
    ranked = sorted(
        scores.items(), key=lambda item: (-item[1], order[item[0][0]], targets.index(item[0][1]))
    )
    assigned, used = {}, set()
    for (name, var), score in ranked:
        if score < MIN_SCORE or name in assigned or var in used or name in taken:
            continue
        assigned[name], used = var, used | {var}
    by_name = {s.name: s for s in sources}
    draft.mapping["variables"] = {}
    for var in targets:
        name = next((n for n, v in assigned.items() if v == var), None)
        if name is None:
            continue
        source = by_name[name]
        others = sorted(
            ((s, v) for (n, v), s in scores.items() if n == name and v != var), reverse=True
        )
        runner = f"; runner-up {others[0][1]} ({others[0][0]:.2f})" if others else ""
        key = f"variables.{var}"
        draft.comments[key] = f"label {source.label!r}; score {scores[(name, var)]:.2f}{runner}"
        if scores[(name, var)] < 1.0 or (others and others[0][0] > scores[(name, var)] - 0.1):
            draft.comments[key] += "; CHECK the match"
            draft.checks.add(key)
        draft.mapping["variables"][var] = _spec(source, var, draft, key)
        taken.add(name)
    draft.mapping["not_asked"] = [v for v in targets if v not in draft.mapping["variables"]]


def _spec(source, var, draft, key):
    spec = {"source": source.name}
    kind = codebook.load_codebook()["variables"][var]["kind"]
    missing = {
        code: missing_code_for(label or "") for code, label in source.declared_missing.items()
    }
    if kind == "date":
        if source.kind == "text":
            spec["format"] = _guess_date_format(source.values)
        return spec
    if kind == "numeric":
        for code, label in source.labels.items():
            missing.setdefault(code, missing_code_for(label))
        if missing:
            spec["missing"] = missing
        return spec
    value_set = codebook.value_set_name(var)
    labels = source.labels
    if not labels and source.is_text:
        labels = {v: v for v in source.values if isinstance(v, str)}
    recode, label_missing, unplaced = propose_recode(value_set, labels)
    missing = {**label_missing, **missing}
    recode = {c: t for c, t in recode.items() if c not in missing}
    valid = set(codebook.value_labels(var))
    observed = {v for v in source.values if v not in missing}
    identity = all(c == t for c, t in recode.items()) and observed <= valid
    if recode and not identity:
        spec["recode"] = recode
    if missing:
        spec["missing"] = missing
    if unplaced:
        shown = ", ".join(f"{c}: {lab!r}" for c, lab in unplaced.items())
        draft.comments[key] += f"; CHECK labels naming no category ({shown})"
        draft.checks.add(key)
    unlabelled = sorted(
        (v for v in observed if v not in recode and (not identity or v not in valid)), key=str
    )
    if unlabelled and (recode or not identity):
        draft.comments[key] += f"; CHECK values without a label: {unlabelled[:5]}"
        draft.checks.add(key)
    return spec


def _find_exclusions(sources, draft, taken):
    draft.mapping["exclude"] = []
    draft.mapping["drop"] = {}
    for source in sources:
        if source.name in taken:
            continue
        text = normalise_label(f"{source.name} {source.label}")
        if _TEST_WORDS.search(text) and set(source.values) <= {0, 1} and 1 in source.values:
            draft.mapping["exclude"].append(
                {"source": source.name, "equals": 1, "reason": "Testinvoer van de studentengroep"}
            )
            draft.mapping["drop"][source.name] = (
                "Vlag voor testinvoer; enkel gebruikt om die rijen uit te sluiten"
            )
            draft.comments[f"drop.{source.name}"] = (
                "CHECK: rows with 1 are excluded as test entries"
            )
            draft.checks.add(f"drop.{source.name}")
            taken.add(source.name)


def _drop_the_rest(sources, draft, taken, weight):
    for source in sources:
        if source.name in taken:
            continue
        key = f"drop.{source.name}"
        if source.name == weight:
            draft.mapping["drop"][source.name] = (
                "Weegvariabele van de groep (WEIGHT BY); het boek weegt zelf"
            )
            draft.comments[key] = "the file is weighted by this variable"
            continue
        draft.mapping["drop"][source.name] = "CHECK: reden invullen"
        best = max(
            (
                (match_score(source, v) or 0.0, v)
                for v in codebook.variable_names()
                if v not in ADMIN_DERIVED
            ),
            default=(0.0, None),
        )
        draft.comments[key] = f"label {source.label!r}; no codebook variable fits" + (
            f" (best {best[1]}, {best[0]:.2f})" if best[1] else ""
        )
        draft.checks.add(key)


def _guess_date_format(values):
    texts = [v for v in values if isinstance(v, str)]
    if not texts:
        return None
    for fmt in _DATE_FORMATS:
        try:
            for text in texts:
                dt.datetime.strptime(re.split(r"[ T]", text.strip())[0], fmt)
        except ValueError:
            continue
        return fmt
    return None


# --------------------------------------------------------------------------
# writing the draft
# --------------------------------------------------------------------------


def _scalar(value):
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000)
    return text.strip().removesuffix("...").strip()


def _flow(mapping):
    return "{" + ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in mapping.items()) + "}"


def render_draft(draft):
    """Write a draft as a commented YAML mapping.

    Parameters
    ----------
    draft : Draft

    Returns
    -------
    str
        A mapping in the format of ``data/mappings/README.md``; every
        uncertain line ends in a comment with ``CHECK``.
    """
    m, c = draft.mapping, draft.comments

    def note(key):
        return f"  # {c[key]}" if key in c else ""

    lines = [
        f"# Draft mapping for {m['file']}, proposed by 'make draft' from the file's labels.",
        f"# {len(draft.checks)} line(s) are marked CHECK: read them against the questionnaire",
        "# and the file before using this mapping; then run 'make check'.",
        f"file: {_scalar(m['file'])}",
        f"municipality: {m['municipality']}{note('municipality')}",
        f"design: {m['design']}{note('design')}",
        f"id: {_scalar(m['id'])}{note('id')}",
        f"recruitment:{note('recruitment')}",
    ]
    for key, value in m["recruitment"].items():
        lines.append(f"  {key}: {_flow(value) if isinstance(value, dict) else _scalar(value)}")
    lines.append("variables:")
    for var, spec in m["variables"].items():
        lines.append(f"  {var}:{note(f'variables.{var}')}")
        for key, value in spec.items():
            lines.append(
                f"    {key}: {_flow(value) if isinstance(value, dict) else _scalar(value)}"
            )
    lines.append(f"not_asked: [{', '.join(m['not_asked'])}]")
    lines.append("drop:" + ("" if m["drop"] else " {}"))
    for name, reason in m["drop"].items():
        lines.append(f"  {_scalar(name)}: {_scalar(reason)}{note(f'drop.{name}')}")
    lines.append("exclude:" + ("" if m["exclude"] else " []"))
    for rule in m["exclude"]:
        lines.append(f"  - source: {_scalar(rule['source'])}")
        lines.append(f"    equals: {_scalar(rule['equals'])}")
        lines.append(f"    reason: {_scalar(rule['reason'])}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# how good is the draft?
# --------------------------------------------------------------------------


def _translation(spec, code, valid):
    missing = spec.get("missing") or {}
    if code in missing:
        return missing[code]
    recode = spec.get("recode")
    if recode is not None:
        return recode.get(code)
    return code if code in valid else None


def compare_with_mapping(draft, mapping, path):
    """Count what a draft gets right against a reviewed mapping of the same file.

    Parameters
    ----------
    draft : Draft
    mapping : dict
        The reviewed (committed) mapping, validated.
    path : str or pathlib.Path
        The delivered file (for its codes).

    Returns
    -------
    dict
        ``variables`` and ``variables_right``: the codebook variables (and
        the id) whose source, or absence, the draft names as the mapping
        does; ``recodes`` and ``recodes_right``: the categorical variables
        the mapping reads whose every code (labelled or occurring) the draft
        translates to the same codebook code; ``misses``: what differs.
    """
    df, meta = read_delivery(path)
    book = codebook.load_codebook()["variables"]
    proposed = draft.mapping
    out = {"variables": 1, "variables_right": 0, "recodes": 0, "recodes_right": 0, "misses": []}
    if proposed["id"] == mapping["id"]:
        out["variables_right"] += 1
    else:
        out["misses"].append(f"id: {proposed['id']} for {mapping['id']}")
    for var in (v for v in book if v not in ADMIN_DERIVED):
        expected = mapping["variables"].get(var, {}).get("source")
        got = proposed["variables"].get(var, {}).get("source")
        out["variables"] += 1
        if expected == got:
            out["variables_right"] += 1
        else:
            out["misses"].append(f"{var}: {got} for {expected}")
        if expected is None or book[var]["kind"] != "categorical":
            continue
        out["recodes"] += 1
        if expected != got:
            continue
        valid = set(codebook.value_labels(var))
        labels = (meta.variable_value_labels or {}).get(expected) or {}
        codes = {DistinctValues(pd.Series([c])).norms[0] for c in labels}
        codes |= {n for n in DistinctValues(df[expected]).norms if n is not None}
        wrong = [
            c
            for c in sorted(codes, key=str)
            if _translation(mapping["variables"][var], c, valid)
            != _translation(proposed["variables"][var], c, valid)
        ]
        if wrong:
            out["misses"].append(f"{var}: codes {wrong} translated otherwise")
        else:
            out["recodes_right"] += 1
    return out


def draft_hit_rate(raw_dir=None, mappings_dir=None):
    """Draft a mapping for every delivery and compare it with the committed one.

    Parameters
    ----------
    raw_dir, mappings_dir : str or pathlib.Path, optional
        Default: the project's own ``data/raw`` and ``data/mappings`` (the
        generator's deliveries and their reviewed mappings).

    Returns
    -------
    pandas.DataFrame
        One row per file: ``file``, ``variables``, ``variables_right``,
        ``recodes``, ``recodes_right``, ``checks`` (lines marked CHECK) and
        ``misses`` (text).
    """
    raw_dir = Path(config.DATA_DIR / "raw" if raw_dir is None else raw_dir)
    mappings_dir = Path(config.DATA_DIR / "mappings" if mappings_dir is None else mappings_dir)
    rows = []
    for mapping in load_mappings(mappings_dir):
        for file in mapping_files(mapping):
            draft = draft_mapping(raw_dir / file)
            result = compare_with_mapping(draft, mapping, raw_dir / file)
            rows.append(
                {
                    "file": file,
                    **{
                        k: result[k]
                        for k in ("variables", "variables_right", "recodes", "recodes_right")
                    },
                    "checks": len(draft.checks),
                    "misses": "; ".join(result["misses"]),
                }
            )
    return pd.DataFrame(rows)


def main(argv=None):
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data.draft",
        description="Propose a mapping for one delivered SPSS file, from its labels.",
    )
    parser.add_argument("file", type=Path, help="the delivered .sav file")
    parser.add_argument("--municipality", type=int, help="harmonised municipality code (1-10)")
    parser.add_argument(
        "--out", type=Path, help="write the draft here (never over an existing file)"
    )
    args = parser.parse_args(argv)
    try:
        text = render_draft(draft_mapping(args.file, args.municipality))
        if args.out is None:
            print(text, end="")
            return 0
        if args.out.exists():
            print(
                f"error: {args.out} exists; the draft never overwrites a mapping", file=sys.stderr
            )
            return 1
        args.out.write_text(text, encoding="utf-8")
    except DeliveryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {args.out} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    except Exception as exc:  # a failure no check foresaw: still no traceback
        print(f"error: unexpected failure ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: a draft with lines marked CHECK; review it, then run 'make check'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
