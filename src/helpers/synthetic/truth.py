"""Build the harmonised respondent-level "truth" of the synthetic survey.

The truth is the data set that the harmonisation of the ten raw files must
give back: one row per kept respondent, the variables of ``codebook.yaml``
in harmonised codes. It is made in four steps.

1. **Frame**: municipality, recruitment mode and interview date per
   respondent (:mod:`design` fixes sizes, designs and fieldwork windows).
2. **Latent scores**: seven correlated standard-normal factors per
   respondent (civic engagement, Schreurs' four motives, trust in municipal
   policy, view of the neighbourhood), with the correlations of
   :data:`design.LATENT_CORRELATION`.
3. **Missingness**: per item, who was not asked (97: the municipality left
   the item out; 96: routing), and who did not answer (98/99). The number of
   non-respondents is whatever makes the valid N equal the published N.
4. **Answers by rank**: for every item a noisy index (latent score plus
   noise) is computed, the valid respondents are sorted on it, and the
   calibrated category counts are handed out in that order: the lowest
   ``count[1]`` indices get code 1, the next ``count[2]`` code 2, and so on.
   Margins are therefore hit exactly while the latent structure decides
   *who* gives which answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.data import codebook
from helpers.data.codebook import DONT_KNOW, NO_ANSWER, NOT_APPLICABLE, NOT_ASKED
from helpers.synthetic import design
from helpers.synthetic.calibrate import adjust_total


@dataclass
class Truth:
    """The harmonised synthetic survey and what produced it.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per respondent, the codebook's variables in codebook order.
    latent : pandas.DataFrame
        Latent factor scores (same index), used for extra local items.
    source_id : pandas.Series
        Respondent number in the municipality's raw file (same index).
    """

    data: pd.DataFrame
    latent: pd.DataFrame
    source_id: pd.Series


def latent_correlation_matrix():
    """Return the latent correlation matrix as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Symmetric, ones on the diagonal, rows and columns
        :data:`design.LATENT_FACTORS`.

    Raises
    ------
    ValueError
        If the matrix is not positive definite.
    """
    names = list(design.LATENT_FACTORS)
    mat = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for (a, b), r in design.LATENT_CORRELATION.items():
        mat.loc[a, b] = mat.loc[b, a] = r
    if np.linalg.eigvalsh(mat.to_numpy()).min() <= 0:
        raise ValueError("LATENT_CORRELATION is not positive definite")
    return mat


def assign_by_rank(index, counts):
    """Hand out category codes by rank of an index, hitting counts exactly.

    Parameters
    ----------
    index : array-like of float
        One value per respondent; lower values get lower codes.
    counts : dict
        ``{code: count}`` in the order codes are handed out; the counts sum
        to ``len(index)``.

    Returns
    -------
    numpy.ndarray of int
        The code of each respondent, in the order of ``index``.

    Examples
    --------
    >>> assign_by_rank([0.3, -1.0, 2.0], {1: 1, 2: 2}).tolist()
    [2, 1, 2]
    """
    index = np.asarray(index, dtype=float)
    if sum(counts.values()) != len(index):
        raise ValueError(f"counts sum to {sum(counts.values())}, not {len(index)}")
    order = np.argsort(index, kind="stable")
    codes = np.repeat(np.array(list(counts), dtype=int), list(counts.values()))
    out = np.empty(len(index), dtype=int)
    out[order] = codes
    return out


def _zscore(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std()


def _noisy(rng, factor, loading):
    """Index = loading * factor + sqrt(1 - loading^2) * noise."""
    return loading * factor + np.sqrt(1 - loading**2) * rng.standard_normal(len(factor))


def _shuffled_codes(rng, counts):
    """Exactly ``counts[code]`` copies of every code, in random order."""
    codes = np.repeat(np.array(list(counts), dtype=int), list(counts.values()))
    return rng.permutation(codes)


def _exact_split(n, shares):
    """Split n into integer parts proportional to shares (largest remainder)."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float) * n / sum(shares.values())
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: n - parts.sum()]:
        parts[i] += 1
    return dict(zip(keys, parts.tolist()))


def _frame(rng):
    """Municipality, recruitment, date and source id of every respondent.

    Street interviews happen on (Saturday) market days, door-to-door visits
    on any day but Sunday, online answers on any day of the group's window.
    """
    pieces = []
    files = {f.letter: f for f in design.STUDENT_FILES}
    for muni in design.MUNICIPALITIES:
        n = muni.size
        modes = _shuffled_codes(rng, _exact_split(n, muni.modes))
        days = pd.date_range(*muni.fieldwork, freq="D").date
        saturdays = [d for d in days if d.weekday() == 5]
        not_sunday = [d for d in days if d.weekday() != 6]
        dates = []
        for mode in modes:
            if mode == 3:  # street or market: on market day
                pool = saturdays
            elif mode == 2:  # door to door: any day but Sunday
                pool = not_sunday
            else:  # online: whenever the link was opened
                pool = days
            dates.append(pool[rng.integers(len(pool))])
        frame = pd.DataFrame(
            {"municipality": muni.code, "recruitment": modes, "interview_date": dates}
        )
        # Respondents are numbered in the order the questionnaires came in.
        frame = frame.sort_values("interview_date", kind="stable").reset_index(drop=True)
        sf = files[muni.letter]
        if sf.id_gaps:
            pool = np.arange(sf.id_start, sf.id_start + n + sf.id_gaps)
            ids = np.sort(rng.choice(pool, size=n, replace=False))
        else:
            ids = np.arange(sf.id_start, sf.id_start + n)
        frame["source_id"] = ids
        frame["resp_id"] = [f"{muni.letter}{i:04d}" for i in ids]
        pieces.append(frame)
    return pd.concat(pieces, ignore_index=True)


def _latent(rng, frame):
    """Correlated latent factor scores, shifted for online recruits."""
    corr = latent_correlation_matrix()
    scores = rng.multivariate_normal(
        np.zeros(len(corr)), corr.to_numpy(), size=len(frame), method="cholesky"
    )
    latent = pd.DataFrame(scores, columns=corr.columns)
    online = (frame["recruitment"] == 1).to_numpy()
    for factor, shift in design.ONLINE_SHIFT.items():
        latent.loc[online, factor] += shift
    return latent


def _ages(rng, occupation, n_total, mean_age):
    """Whole-year ages given occupation, nudged to have exactly the printed mean."""
    ages, low, high = [], [], []
    for occ in occupation:
        mean, sd, lo, hi = design.AGE_BY_OCCUPATION[int(occ)]
        ages.append(int(np.clip(round(rng.normal(mean, sd)), lo, hi)))
        low.append(lo)
        high.append(hi)
    target = mean_age * n_total
    return np.array(adjust_total(ages, target, low, high, rng.permutation(n_total).tolist()))


class _ItemMaker:
    """Applies missingness and rank assignment for one item at a time.

    Non-respondents are drawn among those asked, older and less engaged
    respondents more often; the rest get the calibrated counts by rank.
    """

    def __init__(self, rng, frame, latent, age, targets):
        self.rng = rng
        self.frame = frame
        self.latent = latent
        self.targets = targets
        self.n = len(frame)
        self.nonresponse_weight = np.exp(
            design.AGE_IN_NONRESPONSE * _zscore(age)
            + design.ENGAGEMENT_IN_NONRESPONSE * latent["engagement"].to_numpy()
        )
        not_asked = {m.code: set(m.not_asked) for m in design.MUNICIPALITIES}
        for m in design.MUNICIPALITIES:
            if not m.has_bin:
                not_asked[m.code] |= set(design.BIN_ITEMS)
        self.not_asked = not_asked

    def asked_in_municipality(self, var):
        muni = self.frame["municipality"].to_numpy()
        return np.array([var not in self.not_asked[int(m)] for m in muni])

    def make(self, var, index, routed=None):
        """Return harmonised codes of ``var`` for every respondent."""
        counts = self.targets[var]
        valid_n = sum(counts.values())
        out = np.full(self.n, NOT_ASKED, dtype=int)
        in_file = self.asked_in_municipality(var)
        asked = in_file if routed is None else in_file & routed
        out[in_file & ~asked] = NOT_APPLICABLE
        asked_idx = np.flatnonzero(asked)
        n_missing = len(asked_idx) - valid_n
        if n_missing < 0:
            raise ValueError(f"{var}: only {len(asked_idx)} asked, {valid_n} valid needed")
        w = self.nonresponse_weight[asked_idx]
        missing_idx = self.rng.choice(asked_idx, size=n_missing, replace=False, p=w / w.sum())
        n_dk = round(design.DONT_KNOW_SHARE * n_missing)
        out[missing_idx] = NO_ANSWER
        out[self.rng.permutation(missing_idx)[:n_dk]] = DONT_KNOW
        valid_idx = np.setdiff1d(asked_idx, missing_idx)
        out[valid_idx] = assign_by_rank(np.asarray(index)[valid_idx], counts)
        return out


def build_truth(targets, mean_age, seed=design.SEED):
    """Generate the harmonised synthetic survey.

    Parameters
    ----------
    targets : dict
        ``{variable: {code: count}}``: calibrated counts of every published
        categorical variable (valid answers only; the counts sum to the
        published N).
    mean_age : int
        Printed mean age; the ages are made to have exactly this mean.
    seed : int, default design.SEED

    Returns
    -------
    Truth
    """
    rng = np.random.default_rng(seed)
    frame = _frame(rng)
    n = len(frame)
    latent = _latent(rng, frame)
    data = pd.DataFrame(index=frame.index)
    data["resp_id"] = frame["resp_id"]
    data["municipality"] = frame["municipality"]
    data["recruitment"] = frame["recruitment"]
    data["interview_date"] = frame["interview_date"]

    # Background: occupation first, age given occupation, then the rest.
    occupation = _shuffled_codes(rng, targets["occupation"])
    age = _ages(rng, occupation, n, mean_age)
    z_age = _zscore(age)
    data["gender"] = _shuffled_codes(rng, targets["gender"])
    data["age"] = age
    edu_index = design.AGE_IN_EDUCATION * z_age + 0.9 * rng.standard_normal(n)
    students = occupation == 3
    # Students are still studying: their highest diploma is mostly secondary,
    # so they sit in the middle of the education index.
    middle = np.quantile(edu_index, 0.40)
    edu_index[students] = middle + 0.15 * rng.standard_normal(students.sum())
    data["education"] = assign_by_rank(edu_index, targets["education"])
    data["occupation"] = occupation
    data["residence_duration"] = assign_by_rank(
        design.AGE_IN_RESIDENCE * z_age + 0.75 * rng.standard_normal(n),
        targets["residence_duration"],
    )
    data["neighbourhood_appearance"] = assign_by_rank(
        _noisy(rng, latent["neighbourhood"].to_numpy(), 0.8),
        targets["neighbourhood_appearance"],
    )

    items = _ItemMaker(rng, frame, latent, age, targets)
    scales = codebook.load_scales()
    motive_of = {
        item: (motive, d) for motive, spec in scales.items() for item, d in spec["items"].items()
    }
    for var in codebook.variables_in_group("Tabel 4"):
        motive, direction = motive_of[var]
        # A direction -1 item is negatively worded: agreeing (a high code)
        # means a WEAKER motive, so its index runs against the factor.
        index = _noisy(rng, direction * latent[motive].to_numpy(), design.LOADING_MOTIVE_ITEM)
        data[var] = items.make(var, index)
    for var in codebook.variables_in_group("Tabel 5"):
        data[var] = items.make(
            var, _noisy(rng, latent["policy_trust"].to_numpy(), design.LOADING_POLICY_ITEM)
        )

    # BIN (Tabel 6 and 7). Codes: 1 = ja, 2 = nee, so "ja" needs the LOW index.
    engagement = latent["engagement"].to_numpy()
    known_index = _noisy(rng, engagement, design.LOADING_BIN_KNOWN) + 0.25 * z_age
    data["bin_known"] = items.make("bin_known", -known_index)
    data["bin_member"] = items.make(
        "bin_member",
        -_noisy(rng, engagement, design.LOADING_BIN_MEMBER),
        routed=data["bin_known"].to_numpy() == 1,
    )
    data["bin_willing"] = items.make(
        "bin_willing",
        _noisy(rng, engagement, design.LOADING_INITIATIVE),
        routed=(data["bin_known"].to_numpy() == 2) | (data["bin_member"].to_numpy() == 2),
    )

    for var in codebook.variables_in_group("Tabel 8"):
        data[var] = items.make(var, _noisy(rng, engagement, design.LOADING_INITIATIVE))

    data = data[codebook.variable_names()]
    return Truth(data=data, latent=latent, source_id=frame["source_id"])
