"""Truce history: the 2018-2026 truces side by side and a Kaplan-Meier base rate.

A truce's *duration* is the number of days from its start to its end
(``end - start``). Which endings count as the event of interest is the
``ending`` parameter: ``"breakdown"`` counts only truces that ended in an
escalation; ``"any"`` counts every recorded end (escalation, expiry,
superseded). Any other truce is right-censored: one that ended without a
breakdown at its end date; one with no end known at ``as_of`` at ``as_of``
itself, since the truce ledger holds until a sourced change, unless its
status is unknown (:func:`status_unknown_after`).

*Where the evidence ends* has one definition, the page's *evidence through*
date from :mod:`analysis.data.evidence`: the newest date any series the page
uses speaks for on ``as_of`` (the date its dates paragraph states). A
scheduled expiry that fell due after that date and by ``as_of`` has no sourced
outcome; once one has, whether a truce with no recorded end is still in force
is not known, and it is censored at the evidence-through date: neither
survival nor an end is assumed after it.

The Kaplan-Meier estimate is computed here in a few lines so that every step
can be checked by hand (``tests/analysis/domain/test_history.py``). The base
rate that a truce of age ``a`` lasts another ``N`` days is ``S(a + N) / S(a)``;
it is *not estimable* when ``a + N`` lies beyond the longest duration observed,
because the curve says nothing there and is never extrapolated.

On the page the open truce is followed to ``as_of`` itself (its age on the
report date, as :func:`analysis.domain.hazard.fit` counts it), and marked
*status not known* when a scheduled expiry passed after the evidence with no
sourced outcome (:func:`page_spells`); the fitted models' intervals then also
cover its having ended where the evidence ends.

Beside the Kaplan-Meier steps the page draws Greenwood's 95% band
(:func:`analysis.domain.hazard.greenwood_band`) and the two fitted survival
curves (:func:`fitted_curves`). How each truce's ending is coded is a
judgement: :data:`READINGS` lists the other codings the ledger's own words
support, :func:`alternative_codings` applies them and :func:`coding_effects`
fits the constant-hazard model under each.

This module computes; :mod:`analysis.views.history` turns a :class:`History`
into the report's prose, tables and charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import evidence
from analysis.data import series as obs
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_events, load_phase_one, load_sources, load_truces
from analysis.domain import commitments as cm

ENDINGS = ("breakdown", "any")
BREAKDOWN = "escalation"  # the ended_by value that marks a breakdown
EXPIRY = "expiry"  # the event type of a scheduled end of a measure
# The series the history page uses, in the order its dates table lists them.
EVIDENCE_KEYS = ("truces", "events", "phase_one", "commitments")
ENDING_LABELS = {
    "escalation": "ended in breakdown",
    "superseded": "superseded by a new deal",
    "expiry": "ran out (expired)",
}
IN_FORCE = "in force"
STATUS_UNKNOWN = "status not known"
# Events this many days either side of a truce's end are shown as what happened around it.
ENDING_EVENT_DAYS = 7


def unsourced_expiries(events: pd.DataFrame, as_of, through, moved=frozenset()) -> pd.DataFrame:
    """Scheduled expiries that fell due after ``through`` and on or before ``as_of``.

    ``through`` is where the evidence ends on ``as_of`` (the page's
    evidence-through date); ``None`` when nothing is dated by then. No source
    dated by ``as_of`` says what happened on these dates. ``moved`` are
    deadlines an extension known on ``as_of`` replaced with later ones
    (:func:`analysis.domain.commitments.extensions`): they did not pass unsourced.

    >>> ev = pd.DataFrame({"date": pd.to_datetime(["2026-07-24", "2026-11-10", "2027-01-10"]),
    ...                    "type": ["expiry", "expiry", "expiry"]})
    >>> unsourced_expiries(ev, "2026-12-03", pd.Timestamp("2026-10-07"))["date"].dt.strftime("%Y-%m-%d").tolist()
    ['2026-11-10']
    """
    as_of = pd.Timestamp(as_of)
    due = (events["type"] == EXPIRY) & (events["date"] <= as_of) & ~events["date"].isin(list(moved))
    if through is not None:
        due &= events["date"] > pd.Timestamp(through)
    return events[due].sort_values("date").reset_index(drop=True)


def status_unknown_after(events: pd.DataFrame, as_of, through, moved=frozenset()) -> pd.Timestamp | None:
    """The date after which a truce with no recorded end may or may not still be in force.

    ``through`` (where the evidence ends on ``as_of``) when a scheduled expiry
    passed after it with no sourced outcome; else ``None``: the truce ledger
    holds until a sourced change, so an open truce is in force on ``as_of``.

    >>> ev = pd.DataFrame({"date": pd.to_datetime(["2026-11-10"]), "type": ["expiry"]})
    >>> status_unknown_after(ev, "2026-12-03", pd.Timestamp("2026-10-07"))
    Timestamp('2026-10-07 00:00:00')
    >>> status_unknown_after(ev, "2026-11-09", pd.Timestamp("2026-10-07")) is None
    True
    """
    if through is None or unsourced_expiries(events, as_of, through, moved).empty:
        return None
    return pd.Timestamp(through)


def spells(truces: pd.DataFrame, as_of, unknown_after: pd.Timestamp | None = None,
           ending: str = "breakdown") -> pd.DataFrame:
    """Each truce known at ``as_of`` with its duration and whether it counts as an ending.

    Parameters
    ----------
    truces : DataFrame
        ``truces.csv`` rows (``truce_id``, ``name``, ``start``, ``end``, ``ended_by``).
    as_of : date-like
    unknown_after : Timestamp or None
        From :func:`status_unknown_after`: a truce with no end by ``as_of`` is
        censored at this date when given (its status after it is unknown),
        else at ``as_of``.
    ending : str
        ``"breakdown"`` or ``"any"`` (see the module docstring).

    Returns
    -------
    DataFrame
        The truce rows started by ``as_of``, oldest first, plus ``ended``
        (an end is known by ``as_of``), ``until`` (end or censoring date),
        ``duration`` (days), ``observed`` (counts as an ending for the
        survival curve) and ``state`` (a reader's label).
    """
    as_of = pd.Timestamp(as_of)
    known = truces[truces["start"] <= as_of].sort_values("start").reset_index(drop=True).copy()
    censor = as_of if unknown_after is None else min(as_of, pd.Timestamp(unknown_after))
    known["ended"] = known["end"].notna() & (known["end"] <= as_of)
    # Never censor before a truce starts: one that began after the evidence ends is known only from its start.
    known["until"] = known["end"].where(known["ended"], known["start"].clip(lower=censor))
    known["duration"] = (known["until"] - known["start"]).dt.days.astype(int)
    if ending == "breakdown":
        known["observed"] = known["ended"] & (known["ended_by"] == BREAKDOWN)
    else:
        known["observed"] = known["ended"].copy()
    open_state = IN_FORCE if censor >= as_of else STATUS_UNKNOWN
    known["state"] = [ENDING_LABELS.get(by, by) if ended else open_state
                      for ended, by in zip(known["ended"], known["ended_by"])]
    return known


def current(spell_table: pd.DataFrame) -> pd.Series | None:
    """The truce in force at ``as_of``: the latest-starting one with no known end, or ``None``."""
    running = spell_table[~spell_table["ended"]]
    return None if running.empty else running.iloc[-1]


def kaplan_meier(durations, observed) -> pd.DataFrame:
    """Kaplan-Meier survival estimate from durations and event flags.

    At each distinct duration ``t``: ``at_risk`` counts durations ``>= t``
    (a truce censored at ``t`` is still at risk at ``t``), ``events`` the
    endings at ``t``, and ``S(t) = S(t-) * (1 - events / at_risk)``.

    Parameters
    ----------
    durations : array-like of int
    observed : array-like of bool
        True where the duration ended in the event; False where censored.

    Returns
    -------
    DataFrame
        ``time``, ``at_risk``, ``events``, ``censored``, ``survival``; one row
        per distinct duration, ascending.

    >>> kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])["survival"].round(3).tolist()
    [0.8, 0.6, 0.3, 0.3]
    """
    frame = pd.DataFrame({"time": pd.Series(durations, dtype="int64"), "event": pd.Series(observed, dtype=bool)})
    rows, survival = [], 1.0
    for time, group in frame.groupby("time", sort=True):
        at_risk = int((frame["time"] >= time).sum())
        events = int(group["event"].sum())
        survival *= 1 - events / at_risk
        rows.append((int(time), at_risk, events, len(group) - events, survival))
    return pd.DataFrame(rows, columns=["time", "at_risk", "events", "censored", "survival"])


def survival_at(km: pd.DataFrame, t: float) -> float | None:
    """``S(t)`` from a Kaplan-Meier table; ``None`` beyond the longest observed duration.

    >>> km = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    >>> survival_at(km, 0), round(survival_at(km, 4), 3), survival_at(km, 9)
    (1.0, 0.6, None)
    """
    if km.empty or t > km["time"].max():
        return None
    steps = km[km["time"] <= t]
    return 1.0 if steps.empty else float(steps["survival"].iloc[-1])


@dataclass(frozen=True)
class BaseRate:
    """How likely a truce of a given age is to last another ``horizon`` days."""

    age: int
    horizon: int
    survival_age: float | None
    survival_target: float | None
    probability: float | None  # S(age + horizon) / S(age), or None when not estimable
    at_risk_age: int  # truces that lasted at least ``age`` days (or were observed that long)
    at_risk_target: int  # ... at least ``age + horizon`` days
    longest: int | None
    reason: str  # why it is not estimable; empty when it is

    @property
    def target(self) -> int:
        return self.age + self.horizon

    @property
    def estimable(self) -> bool:
        return self.probability is not None


def base_rate(km: pd.DataFrame, age: int, horizon: int) -> BaseRate:
    """``S(age + horizon) / S(age)``, or the reason it cannot be estimated.

    >>> km = kaplan_meier([2, 3, 3, 5, 8], [True, True, False, True, False])
    >>> base_rate(km, 3, 2).probability, base_rate(km, 3, 6).probability
    (0.5, None)
    """
    longest = int(km["time"].max()) if not km.empty else None
    at_risk = (lambda t: int(km.loc[km["time"] >= t, "at_risk"].iloc[0]) if longest is not None and t <= longest else 0)
    s_age, s_target = survival_at(km, age), survival_at(km, age + horizon)
    reason = ""
    if longest is None:
        reason = "no truce is recorded by this date"
    elif age + horizon > longest:
        reason = (f"{age + horizon} days lies beyond the longest duration observed ({longest} days): "
                  "the survival curve says nothing there, so the rate is not estimable")
    elif not s_age:
        reason = f"every truce in the record had ended by {age} days"
    probability = None if reason else s_target / s_age
    return BaseRate(age, horizon, s_age, s_target, probability, at_risk(age), at_risk(age + horizon), longest, reason)


def swing(rate: BaseRate) -> float | None:
    """Points the base rate would lose if one more truce still at risk at the target age had ended there.

    With ``k`` truces at risk at ``age + horizon``, one more ending multiplies
    the curve there by ``1 - 1/k``: the rate drops by ``rate / k``.

    >>> swing(BaseRate(3, 2, 0.6, 0.3, 0.5, 3, 2, 8, ""))
    25.0
    """
    if not rate.estimable or rate.at_risk_target == 0:
        return None
    return 100 * rate.probability / rate.at_risk_target


def compliance_versions(truce: pd.Series, phase_one: pd.DataFrame, sources: pd.DataFrame, as_of) -> pd.DataFrame:
    """Every sourced version of a truce's measured compliance, preferred first.

    The truce row cites the source of its compliance figure; every
    ``phase_one.csv`` share-of-commitment row for the same figure (category,
    period, basis) is a version of it. Nothing is shown before the truce has
    ended by ``as_of`` (a final share cannot be known earlier), nor a version
    whose source was published after ``as_of``.

    Returns
    -------
    DataFrame
        ``value`` (percent), ``preferred``, ``publisher``, ``title``, ``published``, ``source_id``.
    """
    columns = ["value", "preferred", "publisher", "title", "published", "source_id"]
    as_of = pd.Timestamp(as_of)
    if not (pd.notna(truce["end"]) and truce["end"] <= as_of):
        return pd.DataFrame(columns=columns)
    shares = phase_one[phase_one["measure"] == "share_of_commitment"]
    cited = shares[shares["source_id"] == truce["source_id"]]
    if cited.empty:
        if pd.isna(truce["compliance_pct"]):
            return pd.DataFrame(columns=columns)
        versions = pd.DataFrame({"value": [truce["compliance_pct"]], "preferred": [True], "source_id": [truce["source_id"]]})
    else:
        key = cited.iloc[0][["category", "period", "basis"]]
        same = (shares["category"] == key["category"]) & (shares["period"] == key["period"]) & (shares["basis"] == key["basis"])
        versions = shares[same][["value", "preferred", "source_id"]]
    versions = versions.merge(sources[["source_id", "publisher", "title", "published"]], on="source_id", how="left")
    versions = versions[versions["published"].isna() | (versions["published"] <= as_of)]
    return versions.sort_values("preferred", ascending=False, kind="stable")[columns].reset_index(drop=True)


def page_spells(truces: pd.DataFrame, as_of, unknown_after: pd.Timestamp | None = None,
                ending: str = "breakdown") -> pd.DataFrame:
    """The spells as the history page counts them: the open truce followed to ``as_of`` (its age on that day).

    As :func:`analysis.domain.hazard.fit` counts them, so the Kaplan-Meier
    steps and the fitted curves rest on the same spells. When ``unknown_after``
    is given and the open truce began before it, its ``state`` says its
    status is not known (a scheduled expiry passed after the evidence with no
    sourced outcome); its duration is still its age on ``as_of``.
    """
    table = spells(truces, as_of, None, ending)
    if unknown_after is not None:
        unknown = ~table["ended"] & (table["start"] < pd.Timestamp(unknown_after))
        table.loc[unknown, "state"] = STATUS_UNKNOWN
    return table


# --- How each ending is coded, and the other readings the ledger supports -----------------------------------------

@dataclass(frozen=True)
class Reading:
    """Another way to code one truce's ending, grounded in the ledger's own words."""

    truce_id: str
    label: str  # a short reader-facing phrase
    ended_by: str  # the ending it is read as (an ENDING_LABELS key)
    end: str | None  # ISO date it is read to end on; None: the recorded end stands
    kind: str  # "coding": what ended it; "dating": only when
    quote: str  # words from the truce's ``how_ended`` or ``note`` in the ledger that ground the reading
    reason: str  # the argument, in plain words


AS_RECORDED = "as recorded"
EVERY_ENDING = "every ending counted as a breakdown"
# An analyst's judgement, like the weights of an index: each reading is one the ledger's own text supports (its quote
# must appear in that truce's how_ended or note; a test holds it to that). Dates come from the same text.
READINGS = (
    Reading("buenos-aires-2018", "Buenos Aires breakdown dated when the higher tariff took effect", "escalation",
            "2019-05-10", "dating", "the tariff rise took effect May 10, 2019",
            "The ledger ends the truce on the day the tariff rise was announced; it took effect a few days later. "
            "Its account (both sides then raised tariffs) leaves no reading other than a breakdown, only the date "
            "is open."),
    Reading("osaka-2019", "Osaka breakdown dated when the new tariff was due", "escalation", "2019-09-01", "dating",
            "due Sept 1, 2019",
            "The ledger ends the truce on the day the new US tariff was announced; it was due weeks later. China's "
            "halt to farm buying in between leaves no reading other than a breakdown, only the date is open."),
    Reading("phase-one-2020", "Phase One's expiry as a breakdown", "escalation", None, "coding",
            "with China far short of its pledge",
            "The purchase period ran out with the purchases far short of the pledge: a pledge broken in practice can "
            "be read as a breakdown, though there was no formal one."),
    Reading("phase-one-2020", "Phase One in force until the 2025 escalation", "escalation", "2025-02-04", "coding",
            "no source describes a later termination",
            "No source says the agreement ended after its purchase period, so it can be held in force until the first "
            "new US tariff of 2025 and ended by that escalation."),
    Reading("geneva-2025", "Geneva as broken down in the October 2025 escalation", "escalation", "2025-10-09",
            "coding", "ended by escalation on Oct 9-10, 2025",
            "New export controls, a tariff threat and port fees in September and October can be read as a breakdown, "
            "and the Busan deal as a new truce after it rather than the same truce renewed."),
    Reading("geneva-2025", "Geneva superseded at the Busan summit", "superseded", "2025-10-30", "dating",
            "superseded on Oct 30, 2025 at the Busan summit",
            "The ledger ends the truce when the Busan measures began; the hand-over can be dated to the summit that "
            "agreed them."),
)


def _readings(truces: pd.DataFrame) -> list:
    """``(label, reading or None, recoded ledger)``: as recorded first, then each reading, then every ending."""
    out = [(AS_RECORDED, None, truces.copy())]
    for reading in READINGS:
        hit = truces["truce_id"] == reading.truce_id
        if not hit.any():
            continue
        coded = truces.copy()
        coded.loc[hit, "ended_by"] = reading.ended_by
        if reading.end is not None:
            coded.loc[hit, "end"] = pd.Timestamp(reading.end)
        out.append((reading.label, reading, coded))
    ended = truces["end"].notna() & truces["ended_by"].isin(list(ENDING_LABELS))
    if (ended & (truces["ended_by"] != BREAKDOWN)).any():
        coded = truces.copy()
        coded.loc[ended, "ended_by"] = BREAKDOWN
        out.append((EVERY_ENDING, None, coded))
    return out


def alternative_codings(truces: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """label -> a copy of the truce ledger with ``ended_by`` recoded; the first entry is "as recorded" (unchanged).

    Labels are short reader-facing phrases, e.g. "Phase One's expiry as a breakdown". Each reading in
    :data:`READINGS` whose truce is in the ledger recodes that one row (and its ``end`` when the reading dates
    the ending differently: a ``"dating"`` reading changes only the date); the last entry,
    :data:`EVERY_ENDING`, counts every recorded end as a breakdown (what ``ending="any"`` does).

    >>> ledger = pd.DataFrame({"truce_id": ["phase-one-2020", "x"], "ended_by": ["expiry", "open"],
    ...                        "end": pd.to_datetime(["2021-12-31", None])})
    >>> codings = alternative_codings(ledger)
    >>> list(codings)[0], list(codings)[1], list(codings)[-1]
    ('as recorded', "Phase One's expiry as a breakdown", 'every ending counted as a breakdown')
    >>> codings["Phase One's expiry as a breakdown"]["ended_by"].tolist()
    ['escalation', 'open']
    """
    return {label: coded for label, _, coded in _readings(truces)}


def fitted_curves(spell_table: pd.DataFrame, times, prior=None) -> pd.DataFrame:
    """The two fitted models' survival curves ``S(t)`` from day 0, with 90% credible bands.

    Constant hazard: ``S(t) = E[exp(-λt)]`` over the Gamma posterior of the daily
    hazard, its band ``exp(-λt)`` at the posterior's 95% and 5% points
    (:func:`analysis.domain.hazard.exponential_survival`). Weibull: the mean and
    5%/95% points of ``exp(-(t / scale) ** k)`` over the grid posterior.

    Returns
    -------
    DataFrame
        ``time``, ``model`` (``"constant hazard"`` or ``"Weibull"``), ``mean``, ``low``, ``high``.
    """
    from analysis.domain import hazard

    prior = hazard.Prior() if prior is None else prior
    times = np.asarray(times, dtype=float)
    durations, observed = spell_table["duration"].to_numpy(float), spell_table["observed"].to_numpy(bool)
    a, b = hazard.exponential_posterior(int(observed.sum()), float(durations.sum()), prior)
    rows = [(t, "constant hazard", *hazard.exponential_survival(a, b, t)) for t in times]
    k, scale, weight = hazard.weibull_posterior(durations, observed, prior)
    tail = (1 - hazard.INTERVAL) / 2
    for t in times:
        chance = np.exp(-(t / scale) ** k)
        low, high = hazard.weighted_quantiles(chance, weight, [tail, 1 - tail])
        rows.append((t, "Weibull", float((chance * weight).sum()), float(low), float(high)))
    return pd.DataFrame(rows, columns=["time", "model", "mean", "low", "high"])


def coding_effects(truces: pd.DataFrame, as_of, horizon_days: int, unknown_after=None, ending: str = "breakdown",
                   prior=None) -> pd.DataFrame:
    """The constant-hazard chance of lasting another ``horizon_days`` days under each coding of the endings.

    One row per entry of :func:`alternative_codings`, as recorded first. Each
    is fitted with :func:`analysis.domain.hazard.fit` on the recoded ledger (no
    scheduled-cliff spike: the history page shows what the record of durations
    alone says). ``changes`` is False when the reading leaves the spells known
    on ``as_of`` as they are (the truce had not ended yet, or ``ending="any"``
    already counts every end), so its chance is the recorded one.

    Returns
    -------
    DataFrame
        ``label``, ``truce_id``, ``name``, ``kind``, ``recorded_by``, ``recorded_end``, ``read_by``, ``read_end``,
        ``reason``, ``quote``, ``changes``, ``in_force`` (name of the truce in force on ``as_of`` under the
        reading, or None), ``events``, ``exposure``, ``probability``, ``low``, ``high`` (None when no truce is
        in force under the reading).
    """
    from analysis.domain import hazard

    prior = hazard.Prior() if prior is None else prior
    as_of = pd.Timestamp(as_of)
    key = ["truce_id", "duration", "observed", "ended"]
    recorded = spells(truces, as_of, None, ending)[key].reset_index(drop=True)
    ledger = truces.set_index("truce_id")
    rows = []
    for label, reading, coded in _readings(truces):
        f = hazard.fit(coded, as_of, horizon_days, unknown_after=unknown_after, ending=ending, prior=prior)
        model = f.model("constant hazard") if f.models else None
        row = {"label": label, "truce_id": None, "name": None, "kind": "coding", "recorded_by": None,
               "recorded_end": None, "read_by": None, "read_end": None, "reason": "", "quote": "",
               "changes": not f.spells[key].reset_index(drop=True).equals(recorded),
               "in_force": None if f.current is None else f.current["name"], "events": f.events,
               "exposure": f.exposure, "probability": None if model is None else model.probability,
               "low": None if model is None else model.low, "high": None if model is None else model.high}
        if reading is not None:
            truce = ledger.loc[reading.truce_id]
            row.update(truce_id=reading.truce_id, name=truce["name"], kind=reading.kind,
                       recorded_by=truce["ended_by"], recorded_end=truce["end"], read_by=reading.ended_by,
                       read_end=pd.Timestamp(reading.end) if reading.end else truce["end"], reason=reading.reason,
                       quote=reading.quote)
        elif label == EVERY_ENDING:
            row.update(recorded_by="as recorded", read_by=BREAKDOWN,
                       reason="Every recorded end counts as a breakdown, whatever ended the truce: the widest "
                              "reading, the same as the page's ending parameter set to any.")
        rows.append(row)
    return pd.DataFrame(rows)


def fit_times(spell_table: pd.DataFrame, horizon_days: int, points: int = 121) -> np.ndarray:
    """Whole days from 0 to past the longest duration and the open truce's age plus the horizon."""
    now = current(spell_table)
    reach = int(spell_table["duration"].max()) if len(spell_table) else 0
    if now is not None:
        reach = max(reach, int(now["duration"]) + int(horizon_days))
    reach = max(int(np.ceil(reach * 1.05)), 1)
    return np.unique(np.round(np.linspace(0, reach, points)).astype(int))


def check_parameters(*, as_of: str, horizon_days: int, ending: str) -> None:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Raises
    ------
    ParameterError
        Naming the parameter.
    """
    obs.check_as_of(as_of)
    if not isinstance(horizon_days, int) or isinstance(horizon_days, bool) or horizon_days < 1:
        raise ParameterError("horizon_days", f"{horizon_days!r} must be a positive whole number of days")
    if ending not in ENDINGS:
        raise ParameterError("ending", f"{ending!r} is not one of: {', '.join(ENDINGS)}")


@dataclass(frozen=True)
class History:
    """The computed content of the truce-history report."""

    as_of: pd.Timestamp
    dates: evidence.ReportDates  # as of, evidence through, compiled, and each series' date
    unknown_after: pd.Timestamp | None  # where the evidence ends, when an open truce's status is unknown after it
    unsourced: pd.DataFrame  # scheduled expiries passed after the evidence ends, by as_of
    ending: str
    spells: pd.DataFrame
    km: pd.DataFrame
    current: pd.Series | None
    rate: BaseRate | None
    compliance: dict  # truce_id -> DataFrame of versions
    events: pd.DataFrame  # events near each known end
    sources: pd.DataFrame
    first: pd.Series | None  # the earliest truce in the ledger, named when none had begun by as_of
    horizon_days: int = 0  # N: the chance of lasting another N days
    forecast: object = None  # hazard.SurvivalForecast fitted to the spells (None before any truce)
    band: pd.DataFrame = field(default_factory=pd.DataFrame)  # Kaplan-Meier with Greenwood's 95% band
    curves: pd.DataFrame = field(default_factory=pd.DataFrame)  # fitted survival curves (fitted_curves)
    codings: pd.DataFrame = field(default_factory=pd.DataFrame)  # coding_effects: each reading's chance

    @property
    def age(self) -> int | None:
        """The open truce's age on ``as_of`` in days, or ``None`` when no truce is open."""
        return None if self.current is None else int((self.as_of - self.current["start"]).days)

    @property
    def evidence_through(self) -> pd.Timestamp | None:
        """Where the evidence ends on ``as_of``: the date the page's dates paragraph states."""
        return self.dates.evidence_through

    @property
    def last_ended(self) -> pd.Series | None:
        """The truce that ended most recently by ``as_of``, or ``None``."""
        ended = self.spells[self.spells["ended"]]
        return None if ended.empty else ended.sort_values("end").iloc[-1]


def ending_events(events: pd.DataFrame, spell_table: pd.DataFrame, as_of, days: int = ENDING_EVENT_DAYS) -> pd.DataFrame:
    """Events knowable at ``as_of`` within ``days`` of each known truce end."""
    known = obs.dated_as_of(events, as_of)
    frames = []
    for truce in spell_table[spell_table["ended"]].itertuples():
        near = known[(known["date"] - truce.end).abs() <= pd.Timedelta(days=days)]
        frames.append(near.assign(truce=truce.name))
    columns = list(events.columns) + ["truce"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).sort_values(["date", "event_id"]).reset_index(drop=True)


def first_truce(truces: pd.DataFrame) -> pd.Series | None:
    """The earliest truce in the whole ledger (whatever ``as_of``), or ``None`` for an empty ledger."""
    return None if truces.empty else truces.sort_values("start").iloc[0]


def compute(*, as_of: str, horizon_days: int, ending: str) -> History:
    """Compute everything the history report shows.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"today"`` for the day the report is built.
    horizon_days : int
        ``N`` in the base rate that the current truce lasts another ``N`` days.
    ending : str
        Which endings the survival curve counts: ``"breakdown"`` or ``"any"``.
    """
    check_parameters(as_of=as_of, horizon_days=horizon_days, ending=ending)
    truces, events, phase_one, sources = load_truces(), load_events(), load_phase_one(), load_sources()
    commitments = load_commitments()
    as_of_ts = obs.resolve_as_of(as_of)
    dates = evidence.report_dates(EVIDENCE_KEYS, as_of_ts, {"truces": truces, "events": events, "phase_one": phase_one,
                                                            "commitments": commitments, "sources": sources})
    moved = frozenset(cm.extensions(commitments, as_of_ts)["old_deadline"])
    unsourced = unsourced_expiries(events, as_of_ts, dates.evidence_through, moved)
    unknown_after = status_unknown_after(events, as_of_ts, dates.evidence_through, moved)
    table = page_spells(truces, as_of_ts, unknown_after, ending)
    km = kaplan_meier(table["duration"], table["observed"])
    now = current(table)
    # The open truce's duration is its age on as_of: the base rate is conditioned on that age.
    rate = base_rate(km, int(now["duration"]), horizon_days) if now is not None else None
    from analysis.domain import hazard  # hazard imports this module: imported here, not at the top

    first = first_truce(truces)
    forecast = hazard.fit(truces, as_of_ts, horizon_days, unknown_after=unknown_after, ending=ending,
                          unsourced=unsourced, first=first)
    band = hazard.greenwood_band(table["duration"], table["observed"]) if len(table) else pd.DataFrame()
    curves = fitted_curves(table, fit_times(table, horizon_days)) if len(table) else pd.DataFrame()
    codings = coding_effects(truces, as_of_ts, horizon_days, unknown_after, ending)
    compliance = {row["truce_id"]: compliance_versions(row, phase_one, sources, as_of_ts) for _, row in table.iterrows()}
    near = ending_events(events, table, as_of_ts)
    cited = set(table["source_id"]) | set(near["source_id"])
    if unknown_after is not None:
        cited |= set(unsourced["source_id"])
    for versions in compliance.values():
        cited |= set(versions["source_id"])
    used = sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True)
    return History(as_of_ts, dates, unknown_after, unsourced, ending, table, km, now, rate, compliance, near, used,
                   first, horizon_days, forecast, band, curves, codings)
