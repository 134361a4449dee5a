"""What a delivered value label means: compared with the codebook's categories.

A group's SPSS file labels its codes ("1 = Helemaal oneens"). The mapping says
which codebook code each source code becomes; these functions say which
codebook category a label *names*, so that the harmonisation can notice when
the two disagree (a reversed scale, swapped codes) instead of trusting the
codes alone.

Labels are compared after :func:`normalise_label` (case, accents, spacing,
punctuation and a leading code do not count) with the codebook's own label
of each category and with the short list of synonyms kept in
``codebook.yaml`` (``synonyms``); words joined by "of", "en" or "/" may come
in any order. :func:`is_missing_like` recognises the usual wordings of a
missing-value code ("weet (het) niet", "wil (ik) niet zeggen", "onbekend",
"geen antwoord", "n.v.t.", ...).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from helpers.data import codebook

#: A leading code in a label: "1 = ", "1. ", "(1) ", "[1] ", "1 - ", "1: ".
_LEADING_CODE = re.compile(r"^\s*(?:\(\d+\)|\[\d+\]|\d+\s*[=.):\-])\s+")
#: Words that join alternatives; their presence and the order of the words
#: around them do not change what a label names.
_JOINING_WORDS = frozenset({"of", "en"})

#: Normalised wordings of a missing-value code (see :func:`normalise_label`),
#: Dutch first, then English and French as a group may have exported them.
_MISSING_LIKE = re.compile(
    r"\b(?:weet (?:het |ik )?niet|wil (?:ik )?niet zeggen|zeg ik liever niet|onbekend|"
    r"geen antwoord|geen opgave|niet ingevuld|n v t|nvt|niet van toepassing|"
    r"ontbreekt|ontbrekend|ontbrekende waarde|geweigerd|weigert|weigering|"
    r"missing|no answer|don t know|dont know|not applicable|refused|unknown|"
    r"prefer not to say|sans reponse|ne sait pas)\b"
)
_DONT_KNOW = re.compile(r"\b(?:weet (?:het |ik )?niet|don t know|dont know|ne sait pas)\b")
_NOT_APPLICABLE = re.compile(r"\b(?:n v t|nvt|niet van toepassing|not applicable)\b")


def normalise_label(text):
    """Normalise a label for comparison.

    Parameters
    ----------
    text : object
        A value label (or a text value used as a code).

    Returns
    -------
    str
        Case folded, accents removed, a leading code ("1 = ") dropped,
        punctuation turned into spaces, spacing collapsed.

    Examples
    --------
    >>> normalise_label("1 = Helemaal  EENS!")
    'helemaal eens'
    >>> normalise_label("N.v.t."), normalise_label("Beïnvloeding")
    ('n v t', 'beinvloeding')
    """
    text = _LEADING_CODE.sub("", str(text))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text.casefold())
    return " ".join(text.split())


def _word_set(normalised):
    return frozenset(normalised.split()) - _JOINING_WORDS


def is_missing_like(label):
    """Tell whether a label is a usual wording of a missing-value code.

    Parameters
    ----------
    label : object

    Returns
    -------
    bool

    Examples
    --------
    >>> [is_missing_like(t) for t in ("Weet het niet", "WIL IK NIET ZEGGEN", "n.v.t.", "Eens")]
    [True, True, True, False]
    """
    return bool(_MISSING_LIKE.search(normalise_label(label)))


def missing_code_for(label):
    """Propose the codebook's missing code for a missing-like label.

    Parameters
    ----------
    label : object

    Returns
    -------
    int
        98 ("weet niet") for a don't-know wording, 96 for "niet van
        toepassing", else 99 ("geen antwoord").

    Examples
    --------
    >>> missing_code_for("Weet niet"), missing_code_for("N.v.t."), missing_code_for("Onbekend")
    (98, 96, 99)
    """
    text = normalise_label(label)
    if _DONT_KNOW.search(text):
        return codebook.DONT_KNOW
    if _NOT_APPLICABLE.search(text):
        return codebook.NOT_APPLICABLE
    return codebook.NO_ANSWER


@cache
def _forms(value_set):
    """``{code: (normalised wordings, their word sets)}`` of a value set."""
    book = codebook.load_codebook()
    labels = {int(k): v for k, v in book["value_sets"][value_set].items()}
    synonyms = codebook.category_synonyms(value_set)
    forms = {}
    for code, label in labels.items():
        wordings = {normalise_label(label)} | {normalise_label(s) for s in synonyms.get(code, [])}
        forms[code] = (frozenset(wordings), frozenset(_word_set(w) for w in wordings))
    return forms


def categories_named(value_set, label):
    """Codes of the categories of a value set that a label names.

    Parameters
    ----------
    value_set : str
        Key of ``value_sets`` in ``codebook.yaml``.
    label : object
        A delivered value label.

    Returns
    -------
    set of int
        Usually one code or none; more than one only if two categories share
        a wording (the codebook's synonyms should prevent that).

    Examples
    --------
    >>> categories_named("likert", "Helemaal mee eens"), categories_named("likert", "Soms")
    ({5}, set())
    >>> categories_named("recruitment", "Markt / straat")
    {3}
    """
    text = normalise_label(label)
    words = _word_set(text)
    return {
        code
        for code, (wordings, word_sets) in _forms(value_set).items()
        if text in wordings or words in word_sets
    }


def propose_recode(value_set, labels):
    """Propose a recode from a file's value labels.

    Parameters
    ----------
    value_set : str
        Key of ``value_sets`` in ``codebook.yaml``.
    labels : dict
        ``{source code: label}``.

    Returns
    -------
    recode : dict
        ``{source code: codebook code}`` for every label that names exactly
        one category.
    missing : dict
        ``{source code: missing code}`` for missing-like labels.
    unplaced : dict
        ``{source code: label}`` for the labels that name no category.

    Examples
    --------
    >>> propose_recode("yes_no", {0: "nee", 1: "ja", 9: "Geen antwoord", 7: "Soms"})
    ({0: 2, 1: 1}, {9: 99}, {7: 'Soms'})
    """
    recode, missing, unplaced = {}, {}, {}
    for code, label in labels.items():
        named = categories_named(value_set, label)
        if len(named) == 1:
            recode[code] = next(iter(named))
        elif not named and is_missing_like(label):
            missing[code] = missing_code_for(label)
        else:
            unplaced[code] = label
    return recode, missing, unplaced
