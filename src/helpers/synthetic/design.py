"""The design of the synthetic survey: every choice the generator makes, in one place.

Nothing here is computed from data. The module lists

* the fixed random seed,
* the ten municipalities: size, recruitment design, whether they have a BIN
  (buurtinformatienetwerk), which items their student group did not ask,
  fieldwork window,
* the target correlations of the latent model (:data:`LATENT_CORRELATION`)
  and how strongly each item loads on its latent factor,
* the house style of each student group's SPSS file: variable names, codes
  for "don't know" and "no answer", reversed scales, text or SPSS dates,
  extra municipality-specific items, test entries.

The generator (:mod:`helpers.synthetic.generate`) reads these tables; a
reader who wants to know "why does Gemeente D have only 72 respondents" or
"which file codes gender as text" finds the answer here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Seed of every random choice. Changing it gives other (equally calibrated)
#: synthetic data; the published figures are still reproduced.
SEED = 20200106

#: Fieldwork period of the resident survey (report: "begin 2020 (januari-maart)").
FIELDWORK_START = dt.date(2020, 1, 6)
FIELDWORK_END = dt.date(2020, 3, 13)


@dataclass(frozen=True)
class Municipality:
    """One participating municipality and its student group's survey design.

    Attributes
    ----------
    code : int
        Harmonised municipality code (1 = Gemeente A).
    letter : str
    size : int
        Respondents kept after harmonisation (test entries and empty
        questionnaires come on top).
    design : str
        ``online``, ``door_to_door``, ``street`` or ``mix``.
    modes : dict
        Share of respondents per recruitment code (1 online, 2 door to door,
        3 street or market); one entry unless the design is a mix.
    has_bin : bool
        The municipality has a buurtinformatienetwerk; only then were the BIN
        questions asked.
    not_asked : tuple of str
        Harmonised items the group left out of its questionnaire.
    fieldwork : tuple of datetime.date
        First and last day of the group's fieldwork.
    """

    code: int
    letter: str
    size: int
    design: str
    modes: dict
    has_bin: bool
    not_asked: tuple
    fieldwork: tuple

    @property
    def name(self):
        return f"Gemeente {self.letter}"


def _d(month, day):
    return dt.date(2020, month, day)


#: The ten municipalities. Sizes sum to 1,219 (mean 121.9). Why these choices:
#:
#: * Not-asked items make the report's valid N reachable. Gemeente D (the
#:   smallest group, 72) left out role_develop and role_effort (valid N 1,130
#:   and 1,134 instead of about 1,195) and two policy items; Gemeente G (88)
#:   left out the whole policy block (Tabel 5: N 1,122 and 1,042); Gemeente B
#:   (94) left out two initiatives of Tabel 8 (N 1,114 and 1,110). The rest of
#:   each gap is item non-response.
#: * D and J have no BIN, so the BIN questions went to the 997 respondents of
#:   the other eight; 973 of them answered the knowledge question (Tabel 6).
#: * Recruitment: four online groups, two door to door, one street/market,
#:   three mixes (report 2.2.1).
MUNICIPALITIES = (
    Municipality(1, "A", 118, "online", {1: 1.0}, True, (), (_d(1, 13), _d(2, 23))),
    Municipality(
        2,
        "B",
        94,
        "door_to_door",
        {2: 1.0},
        True,
        ("init_investigation", "init_mediation"),
        (_d(1, 18), _d(2, 16)),
    ),
    Municipality(3, "C", 141, "mix", {1: 0.55, 3: 0.45}, True, (), (_d(1, 6), _d(3, 8))),
    Municipality(
        4,
        "D",
        72,
        "street",
        {3: 1.0},
        False,
        ("role_develop", "role_effort", "policy_attention", "policy_informs"),
        (_d(2, 1), _d(3, 7)),
    ),
    Municipality(5, "E", 127, "online", {1: 1.0}, True, (), (_d(1, 20), _d(3, 13))),
    Municipality(6, "F", 158, "mix", {2: 0.4, 1: 0.35, 3: 0.25}, True, (), (_d(1, 11), _d(3, 1))),
    Municipality(
        7,
        "G",
        88,
        "door_to_door",
        {2: 1.0},
        True,
        ("policy_satisfied", "policy_attention", "policy_informs", "policy_involves"),
        (_d(2, 3), _d(3, 6)),
    ),
    Municipality(8, "H", 132, "online", {1: 1.0}, True, (), (_d(1, 27), _d(2, 29))),
    Municipality(9, "I", 139, "mix", {2: 0.6, 3: 0.4}, True, (), (_d(1, 25), _d(3, 13))),
    Municipality(10, "J", 150, "online", {1: 1.0}, False, (), (_d(1, 8), _d(2, 9))),
)

BIN_ITEMS = ("bin_known", "bin_member", "bin_willing")

# ---------------------------------------------------------------------------
# Latent model
# ---------------------------------------------------------------------------

#: Latent factors behind the answers (standard normal, correlated as below).
#: ``engagement`` is general civic engagement; the four motives are those of
#: Schreurs' scale (scales.yaml), scored so that a high value means a strong
#: motive to take part; ``policy_trust`` drives the opinions on municipal
#: policy (Tabel 5); ``neighbourhood`` the judgement of the neighbourhood's
#: appearance (Tabel 3).
LATENT_FACTORS = (
    "engagement",
    "personal_values",
    "broadening_competences",
    "perceived_effort",
    "responsibilisation",
    "policy_trust",
    "neighbourhood",
)

#: Target correlations between the latent factors (upper triangle; the
#: matrix is symmetric with ones on the diagonal). These are the ONLY place
#: where the joint structure of the synthetic data is decided. They are
#: assumptions for teaching, not findings.
LATENT_CORRELATION = {
    ("engagement", "personal_values"): 0.55,
    ("engagement", "broadening_competences"): 0.50,
    ("engagement", "perceived_effort"): 0.40,
    ("engagement", "responsibilisation"): 0.35,
    ("engagement", "policy_trust"): 0.10,
    ("engagement", "neighbourhood"): 0.10,
    ("personal_values", "broadening_competences"): 0.40,
    ("personal_values", "perceived_effort"): 0.30,
    ("personal_values", "responsibilisation"): 0.35,
    ("broadening_competences", "perceived_effort"): 0.30,
    ("broadening_competences", "responsibilisation"): 0.25,
    ("perceived_effort", "responsibilisation"): 0.20,
    ("policy_trust", "neighbourhood"): 0.35,
    ("responsibilisation", "policy_trust"): 0.10,
}

#: Loading of each item on its latent factor: the answer index of an item is
#: ``loading * factor + sqrt(1 - loading**2) * noise`` (times the item's
#: direction), and categories are handed out by rank of that index.
LOADING_MOTIVE_ITEM = 0.70
LOADING_POLICY_ITEM = 0.75
LOADING_INITIATIVE = 0.60  # Tabel 8 and bin_willing on engagement
LOADING_BIN_KNOWN = 0.45  # knowing the BIN, on engagement
LOADING_BIN_MEMBER = 0.55  # taking part, on engagement

#: Shift of the latent factors for respondents recruited online via social
#: media. The report suspects that Facebook respondents judge their
#: neighbourhood and municipality more negatively; the synthetic data build
#: that suspicion in (so a notebook can show how to look for it).
ONLINE_SHIFT = {"neighbourhood": -0.35, "policy_trust": -0.20}

#: Age by occupation: (mean, standard deviation, minimum, maximum) of a
#: normal distribution rounded to whole years and clipped. Students are
#: young, retirees old; the ages are then nudged so that their mean is
#: exactly the printed mean age (Tekst 2.2.3).
AGE_BY_OCCUPATION = {
    1: (42, 10, 19, 66),  # Werknemer/ambtenaar
    2: (46, 10, 21, 75),  # Zelfstandige
    3: (21, 2.5, 16, 30),  # Student
    4: (71, 7, 56, 95),  # Gepensioneerd
    5: (39, 12, 18, 64),  # Werkloos/werkzoekend
    6: (46, 15, 18, 85),  # Andere
}

#: Weight of age (standardised) in the indices that hand out education
#: (younger people hold higher diplomas), residence duration (older people
#: have lived longer in their neighbourhood) and non-response (older people
#: skip more items; so do the less engaged: log-odds weights).
AGE_IN_EDUCATION = -0.45
AGE_IN_RESIDENCE = 0.65
AGE_IN_NONRESPONSE = 0.5
ENGAGEMENT_IN_NONRESPONSE = -0.3

#: Share of item non-response coded "don't know" (98); the rest is "no
#: answer" (99).
DONT_KNOW_SHARE = 0.6

# ---------------------------------------------------------------------------
# Questionnaire
# ---------------------------------------------------------------------------

BACKGROUND = (
    "gender",
    "age",
    "education",
    "occupation",
    "residence_duration",
    "neighbourhood_appearance",
)
#: Order of Schreurs' items in the questionnaire (the report's Tabel 4 sorts
#: them by agreement instead).
ROLE_ORDER = (
    "role_contribute",
    "role_develop",
    "role_effort",
    "role_only_government",
    "role_duty",
    "role_network",
    "role_confront_negative",
    "role_police_guarantee",
    "role_help_others",
    "role_fun",
    "role_help_meaningful",
    "role_benefits",
    "role_fend_self",
    "role_investigation_useful",
)
POLICY_ORDER = ("policy_satisfied", "policy_attention", "policy_informs", "policy_involves")
INIT_ORDER = (
    "init_investigation",
    "init_information",
    "init_surveillance",
    "init_contact",
    "init_public_space",
    "init_policy",
    "init_mediation",
)
BLOCKS = (BACKGROUND, ROLE_ORDER, POLICY_ORDER, BIN_ITEMS, INIT_ORDER)

# ---------------------------------------------------------------------------
# House style of each student group's SPSS file
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Extra:
    """A source variable that the harmonisation drops (listed under ``drop``).

    Attributes
    ----------
    name : str
        Source variable name.
    kind : str
        ``willingness`` (a local initiative, 1-5 like Tabel 8),
        ``known`` (yes/no: knows a local initiative), ``interviewer``
        (code of the student who took the interview), ``remark`` (free text),
        ``duration`` (seconds taken online).
    label : str
        Dutch variable label.
    reason : str
        Dutch reason for dropping it, written into the mapping.
    """

    name: str
    kind: str
    label: str
    reason: str


@dataclass(frozen=True)
class StudentFile:
    """How one student group built its SPSS file.

    Attributes
    ----------
    letter : str
        Municipality letter; the file is ``gemeente_<letter>.sav``.
    id_name : str
        Respondent number variable.
    naming : str
        Naming scheme of the questionnaire variables (see :data:`NAMING`).
    upper : bool
        Variable names in capitals.
    labels : str
        ``report`` (item wording as printed), ``question`` (as a question or
        with a "Stelling:" prefix) or ``loose`` (small wording differences).
    gender : str
        ``12`` (1 man, 2 vrouw), ``21`` (1 vrouw, 2 man), ``01`` (0 man,
        1 vrouw) or ``MV`` (text "M"/"V").
    yes_no : str
        ``12`` (1 ja, 2 nee) or ``10`` (1 ja, 0 nee).
    likert_reversed : bool
        Agreement scales run 1 = helemaal eens .. 5 = helemaal oneens.
    willingness_zero : bool
        Willingness coded 0 (zeker niet) .. 4 (zeker wel).
    education : str
        ``3`` (the report's three levels) or ``5`` (finer levels).
    occupation : str
        ``report``, ``student_first`` (another code order) or ``split``
        (werknemer and ambtenaar apart).
    residence_reversed, appearance_reversed : bool
        Category order reversed.
    dont_know, no_answer, not_applicable : int or None
        Codes declared as SPSS user-missing; ``no_answer`` None means the
        group left unanswered items blank (system-missing).
    text_date : str or None
        strftime format if the interview date is a text variable.
    recruitment_name : str or None
        Variable holding the recruitment mode (mix designs only).
    recruitment_codes : dict
        Harmonised recruitment code -> source code and label.
    extras : tuple of Extra
    test_flag : str or None
        Variable flagging test entries (value 1).
    test_ids : tuple of int
        Ids of the test entries.
    empty_rows : int
        Empty questionnaires (online submissions without any answer).
    id_start : int
        First respondent number.
    id_gaps : int
        Numbers skipped in the sequence (deleted partial responses online).
    """

    letter: str
    id_name: str
    naming: str
    upper: bool = False
    labels: str = "report"
    gender: str = "12"
    yes_no: str = "12"
    likert_reversed: bool = False
    willingness_zero: bool = False
    education: str = "3"
    occupation: str = "report"
    residence_reversed: bool = False
    appearance_reversed: bool = False
    dont_know: int = 8
    no_answer: int | None = 9
    not_applicable: int | None = 7
    text_date: str | None = None
    date_name: str = "datum"
    recruitment_name: str | None = None
    recruitment_codes: dict = field(default_factory=dict)
    extras: tuple = ()
    test_flag: str | None = None
    test_ids: tuple = ()
    empty_rows: int = 0
    id_start: int = 1
    id_gaps: int = 0


#: Variable-name schemes. For each block of the questionnaire either a list of
#: names or a pattern with ``{i}`` (position within the block, from 1);
#: ``vraagnr`` numbers every question through (V1, V2, ...) as a group would
#: that numbered its printed questionnaire.
NAMING = {
    "thema": {
        "background": ("geslacht", "leeftijd", "diploma", "beroep", "woonduur", "uitzicht"),
        "role": "stelling{i}",
        "policy": "gemeente{i}",
        "bin": ("bin_kennis", "bin_deelname", "bin_bereid"),
        "init": (
            "opsporing",
            "infodeling",
            "toezicht",
            "contact",
            "openbareruimte",
            "beleid",
            "bemiddeling",
        ),
    },
    "kort": {
        "background": ("gsl", "lft", "opl", "job", "wd", "buurt"),
        "role": "s{i:02d}",
        "policy": "b{i}",
        "bin": ("bin1", "bin2", "bin3"),
        "init": "i{i}",
    },
    "lang": {
        "background": (
            "Geslacht",
            "Leeftijd",
            "Opleidingsniveau",
            "Beroepssituatie",
            "Woonduur_buurt",
            "Uitzicht_buurt",
        ),
        "role": "Rol_{i}",
        "policy": "Beleid_{i}",
        "bin": ("BIN_kennis", "BIN_deelname", "BIN_bereidheid"),
        "init": (
            "Bereid_opsporing",
            "Bereid_informatie",
            "Bereid_toezicht",
            "Bereid_contact",
            "Bereid_openbare_ruimte",
            "Bereid_beleid",
            "Bereid_bemiddeling",
        ),
    },
    "afk": {
        "background": ("gesl", "lftd", "dipl", "beroep_sit", "jaren_buurt", "verzorgd"),
        "role": "R{i}",
        "policy": "G{i}",
        "bin": ("BINken", "BINlid", "BINbereid"),
        "init": "T{i}",
    },
    "q": {
        "background": "Q1_{i}",
        "role": "Q2_{i}",
        "policy": "Q3_{i}",
        "bin": "Q4_{i}",
        "init": "Q5_{i}",
    },
    "vraagnr": {},
}


def _local(initiative):
    """Drop reason of a municipality-specific initiative item."""
    return f"Gemeentespecifiek initiatief ({initiative}), niet vergelijkbaar tussen gemeenten"


_ZWERFVUIL = Extra(
    "zwerfvuil",
    "willingness",
    "Bereid om mee te doen aan de zwerfvuilactie van de gemeente?",
    _local("zwerfvuilactie"),
)

#: The ten files. Every convention below occurs in at least one file, so the
#: harmonisation meets each of them.
STUDENT_FILES = (
    StudentFile("A", "resp_nr", "thema", extras=(_ZWERFVUIL,)),
    StudentFile(
        "B",
        "nr",
        "vraagnr",
        labels="question",
        dont_know=88,
        no_answer=99,
        not_applicable=77,
        test_flag="testinvoer",
        test_ids=(1, 2),
        id_start=3,
        extras=(
            Extra(
                "opmerking",
                "remark",
                "Opmerkingen enquêteur",
                "Vrije tekst van de enquêteur; niet geanalyseerd",
            ),
        ),
    ),
    StudentFile(
        "C",
        "id",
        "kort",
        yes_no="10",
        occupation="student_first",
        residence_reversed=True,
        dont_know=9,
        no_answer=None,
        recruitment_name="werving",
        recruitment_codes={1: (1, "Facebook / online"), 3: (2, "Markt / straat")},
        id_start=1001,
    ),
    StudentFile(
        "D",
        "Respondent",
        "lang",
        labels="loose",
        education="5",
        not_applicable=None,
        likert_reversed=True,
    ),
    StudentFile(
        "E",
        "resp",
        "afk",
        gender="MV",
        dont_know=88,
        no_answer=99,
        not_applicable=77,
        willingness_zero=True,
    ),
    StudentFile(
        "F",
        "ID_nr",
        "q",
        gender="01",
        yes_no="10",
        occupation="split",
        recruitment_name="afname",
        recruitment_codes={2: (1, "Deur aan deur"), 1: (2, "Online"), 3: (3, "Straat")},
        extras=(
            Extra(
                "buurtprev",
                "willingness",
                "Bereid tot deelname aan een buurtpreventieproject?",
                _local("buurtpreventie"),
            ),
        ),
    ),
    StudentFile(
        "G",
        "volgnr",
        "vraagnr",
        labels="question",
        gender="21",
        dont_know=9,
        no_answer=99,
        not_applicable=97,
        text_date="%d/%m/%Y",
        date_name="datum_afname",
    ),
    StudentFile(
        "H",
        "respnr",
        "kort",
        upper=True,
        labels="loose",
        likert_reversed=True,
        appearance_reversed=True,
        no_answer=None,
        test_flag="TEST",
        test_ids=(9001, 9002, 9003),
    ),
    StudentFile(
        "I",
        "nummer",
        "lang",
        yes_no="10",
        education="5",
        dont_know=88,
        no_answer=99,
        not_applicable=77,
        recruitment_name="wervingswijze",
        recruitment_codes={2: (1, "Deur-aan-deur"), 3: (2, "Op straat / markt")},
        extras=(
            Extra(
                "enqueteur",
                "interviewer",
                "Code student-enquêteur",
                "Code van de student die de enquête afnam; geen inhoudelijke variabele",
            ),
            Extra(
                "wijkbabbel_kent",
                "known",
                "Kent u de wijkbabbels van de stad?",
                _local("wijkbabbels"),
            ),
            Extra(
                "wijkbabbel_bereid",
                "willingness",
                "Bereid om deel te nemen aan een wijkbabbel?",
                _local("wijkbabbels"),
            ),
        ),
    ),
    StudentFile(
        "J",
        "Response_ID",
        "q",
        labels="question",
        empty_rows=3,
        id_gaps=12,
        date_name="StartDate",
        extras=(
            Extra(
                "Duur_sec",
                "duration",
                "Duur van de online enquête (seconden)",
                "Technische variabele van het enquêteplatform",
            ),
        ),
    ),
)

# ---------------------------------------------------------------------------
# Interviews with local safety partners (Tabel 1)
# ---------------------------------------------------------------------------

#: Function codes of the qualitative interviews: (organisation, function).
#: The Hulpverleningszone row of Tabel 1 has no function.
INTERVIEW_FUNCTIONS = {
    "BM": ("Stad/gemeente", "Burgemeester"),
    "SC": ("Stad/gemeente", "Gemeenteraadslid/schepen"),
    "AM": ("Stad/gemeente", "Ambtenaar preventiedienst/integrale veiligheid/andere"),
    "KC": ("Politiezone", "Korpschef"),
    "CO": ("Politiezone", "Commissaris wijkwerking/interventie/strategisch analist"),
    "HV": ("Hulpverleningszone", ""),
}

#: Interviews per municipality; a tuple with several codes is one interview
#: with several respondents. Gemeente D is the municipality whose mayor was
#: not interviewed ("op één na alle burgemeesters").
INTERVIEW_PLAN = {
    1: ["BM", "SC", "AM", ("AM", "AM"), "KC", "CO"],
    2: ["BM", "AM", ("KC", "CO"), "HV"],
    3: ["BM", "SC", "AM", "AM", "CO", "HV"],
    4: ["SC", ("AM", "AM"), "CO", "KC"],
    5: [("BM", "AM"), "AM", "CO"],
    6: ["BM", "SC", ("AM", "AM", "AM"), "KC", "CO", "HV"],
    7: ["BM", "SC", "AM", "CO"],
    8: ["BM", ("SC", "AM"), "KC", "CO", "HV"],
    9: ["BM", "SC", "AM", ("AM", "AM"), "CO"],
    10: ["BM", "SC", "AM", "KC", "CO", "HV"],
}

INTERVIEW_START = dt.date(2019, 10, 7)
INTERVIEW_END = dt.date(2019, 12, 13)
