"""The Truce Durability Index: five transparent components, weighted, from 0 to 100.

Every component is a function of what was knowable at ``as_of`` and returns a
:class:`Component`: a score from 0 (fragile) to 100 (durable), or ``None`` when
the data say nothing, plus the raw inputs behind it. The index is the weighted
mean of the components with every missing one counted as 0: a floor, the
most that can be said from the evidence in hand. A missing component is never
given a score of its own; it only bounds the index, between 0 and 100.

Coverage and monotonicity
-------------------------
When the missing components carry more than :data:`MAX_MISSING_WEIGHT_SHARE`
of the weight, the index is not published as a single number: the page gives
its bounds (each missing component at 0 and at 100) and the last month end
that met the rule (:func:`reading`, :func:`last_full_reading`).

The floor is the only single number that can never rise when a component goes
missing. Take the full index ``F = sum(w_i s_i) / sum(w)``. Losing component
``k`` must not raise the published value ``P`` whatever ``k`` scored, so
``P <= F`` at ``s_k = 0``, which is the floor. The re-normalised mean (the
missing weights spread over the rest) breaks this: losing a component that
scored low raises it. It is kept as one end of the specification range
(:func:`specification_range`), which also spans the weights and the soybean
series that measures tonnage pledges.

Components
----------
commitments
    Mean fulfilment of the measured commitments in scope, each
    ``100 * min(achieved / pro-rated target, 1)``: soybean tonnage pledges
    from the same data and defaults as the purchases report (its series, its
    seasonal path and its baseline year for the pledge), and PIIE's Phase
    One year-to-date snapshots (``ytd_purchased / ytd_target``, averaged over
    the bases reported for the latest snapshot).
events
    Severity-weighted balance of the events that became known in the trailing
    window: ``50 + 50 * (D - E) / (D + E)``, where ``D`` sums the severity of
    de-escalations, commitments and compliance and ``E`` that of escalations
    and threats. Talks, legal rulings and scheduled dates count for neither.
tariffs
    How far each direction's stacked headline tariff is below its peak to
    date, ``100 * (peak - now) / peak``, averaged over the directions that
    have a peak.
expiry
    Days to the next scheduled truce expiry, ``100 * min(days, scale) / scale``:
    an expiry a ``scale`` or more away scores 100, one due today 0.
base_rate
    ``100 * S(age + N) / S(age)`` from the Kaplan-Meier curve of the truces
    known at ``as_of`` (:mod:`analysis.domain.survival`).

Where the evidence ends
-----------------------
On every date (the page's ``as_of`` and each month end of the backtest) the
evidence ends at the page's *evidence through* date as
:mod:`analysis.data.evidence` defines it: the newest date any series the page
uses (:func:`evidence_keys`) speaks for by then. A scheduled date after it
and on or before ``as_of`` has *passed with no sourced outcome*: an expiry
then leaves the tariff level unknown, a truce expiry leaves the expiry
component missing, and whether the truce with no recorded end is still in
force is not known after it (:func:`analysis.domain.survival.status_unknown_after`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.data import evidence
from analysis.domain import commitments as cm
from analysis.domain import hazard
from analysis.domain import scoring
from analysis.domain import survival as history
from analysis.data import series as obs
from analysis.domain import tariffs as tf
from analysis.domain import usda_sales
from analysis.errors import ParameterError
from analysis.data.loaders import (load_commitments, load_events, load_phase_one, load_soybeans, load_sources,
                              load_tariffs, load_truces)

COMPONENTS = {
    "commitments": "Commitment fulfilment",
    "events": "Balance of recent events",
    "tariffs": "Tariffs below their peak",
    "expiry": "Time to the next scheduled expiry",
    "base_rate": "Historical base rate",
}
# Direction of each event type in the event balance; types not listed count for neither side.
DIRECTION = {"escalation": -1, "threat": -1, "de-escalation": 1, "commitment": 1, "compliance": 1}
# The agreement whose purchases phase_one.csv tracks.
PHASE_ONE_AGREEMENT = "phase_one"
# Measure tonnage pledges exactly as the purchases report does by default: its series and path here,
# its arrivals profile per pledge (:func:`analysis.domain.commitments.auto_profile_years`) in :class:`Frames`.
COMMITMENT_SERIES = cm.PURCHASES_FLOW_SERIES
COMMITMENT_METHOD = cm.PURCHASES_METHOD
AUTO = "auto"


def evidence_keys(commitment_series: str = COMMITMENT_SERIES) -> tuple:
    """The series the dashboard uses (keys of :data:`analysis.data.evidence.SERIES`), in the order it lists them.

    PIIE's Phase One tracker is among them: the commitment component scores its snapshots.
    """
    return ("commitments", "commitment_status", "phase_one", f"soybeans:{commitment_series}", "events", "tariff_rates",
            "truces")


@dataclass(frozen=True)
class Phrase:
    """Words for readers around values a view formats (dates, percentages, amounts).

    ``parts`` are strings, shown as they are, and ``(kind, value)`` pairs whose
    ``kind`` is ``"day"``, ``"percent"`` or ``"usd"``.
    """

    parts: tuple

    @classmethod
    def of(cls, *pieces) -> Phrase:
        """A phrase from strings, ``(kind, value)`` pairs and other phrases, in order."""
        parts = []
        for piece in pieces:
            parts.extend(piece.parts if isinstance(piece, Phrase) else [piece])
        return cls(tuple(parts))


@dataclass(frozen=True)
class Component:
    """One index component: its score (or ``None`` when missing) and what it was computed from."""

    key: str
    score: float | None
    inputs: list = field(default_factory=list)  # (input, value) pairs for readers; a value is a str or a Phrase
    reason: str | Phrase = ""  # why it is missing, or a caveat
    sources: frozenset = frozenset()

    @property
    def missing(self) -> bool:
        return self.score is None

    @property
    def label(self) -> str:
        return COMPONENTS[self.key]


# ---- Weights ------------------------------------------------------------------------------------

def check_weights(weights: dict) -> dict:
    """Validate the weights (one per component) and return them as floats.

    Raises
    ------
    ParameterError
        Naming the weight that is negative or not a number, or all of them when all are zero.
    """
    checked = {}
    for key in COMPONENTS:
        value = weights[key]
        name = f"weight_{key}"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ParameterError(name, f"{value!r} is not a number")
        if value < 0:
            raise ParameterError(name, f"{value!r} is negative; weights must be zero or more")
        checked[key] = float(value)
    if not any(checked.values()):
        raise ParameterError(", ".join(f"weight_{k}" for k in COMPONENTS), "all weights are zero; at least one must be positive")
    return checked


def effective_weights(scores: dict, weights: dict) -> dict:
    """Weights re-normalised over the components that have a score; missing ones get 0.

    >>> effective_weights({"a": 50.0, "b": None, "c": 100.0}, {"a": 0.5, "b": 0.25, "c": 0.25})
    {'a': 0.6666666666666666, 'b': 0.0, 'c': 0.3333333333333333}
    """
    total = sum(weights[k] for k, s in scores.items() if s is not None)
    return {k: (weights[k] / total if s is not None and total > 0 else 0.0) for k, s in scores.items()}


def weight_shares(weights: dict) -> dict:
    """Each weight as a share of their sum: the weight each component carries in the published index.

    >>> weight_shares({"a": 1.0, "b": 3.0})
    {'a': 0.25, 'b': 0.75}
    """
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def combine(scores: dict, weights: dict) -> float | None:
    """The index: weighted mean of the scored components; ``None`` if no weighted component has a score.

    >>> combine({"a": 50.0, "b": None, "c": 100.0}, {"a": 0.5, "b": 0.25, "c": 0.25})
    66.66666666666666
    """
    w = effective_weights(scores, weights)
    if not any(w.values()):
        return None
    return sum(w[k] * s for k, s in scores.items() if s is not None)


# ---- Coverage, bounds and the specification range ------------------------------------------------

# The index is published as one number only while the missing components carry at most this share of the
# weight; past it, the floor says more about what is missing than about the truce.
MAX_MISSING_WEIGHT_SHARE = 0.4
# What a missing component is counted as for the worst and the best bound (the ends of the score scale).
WORST_FILL, BEST_FILL = 0.0, 100.0
# The weight sets of the specification range: each weight multiplied by each factor, independently of the
# others (a full grid, 3 ** 5 = 243 sets for five components), so no single weighting is privileged.
WEIGHT_FACTORS = (0.5, 1.0, 1.5)
# The missing-data rules of the specification range: the published floor, the best bound, and the
# re-normalised mean of the components that have data.
MISSING_RULES = {"zero": "missing counted as 0", "hundred": "missing counted as 100",
                 "renormalised": "missing left out, the other weights scaled up"}


def missing_share(scores: dict, weights: dict) -> float:
    """The share of the total weight carried by components with no score.

    >>> missing_share({"a": 50.0, "b": None, "c": None}, {"a": 0.5, "b": 0.25, "c": 0.25})
    0.5
    """
    total = sum(weights[k] for k in scores)
    return sum(weights[k] for k, s in scores.items() if s is None) / total


def filled(scores: dict, weights: dict, fill: float) -> float:
    """The weighted mean with each missing component counted as ``fill``; weights scaled to sum to one.

    >>> filled({"a": 50.0, "b": None}, {"a": 0.75, "b": 0.25}, 0.0), filled({"a": 50.0, "b": None}, {"a": 0.75, "b": 0.25}, 100.0)
    (37.5, 62.5)
    """
    total = sum(weights[k] for k in scores)
    return sum(weights[k] * (fill if s is None else s) for k, s in scores.items()) / total


@dataclass(frozen=True)
class Reading:
    """What the index says on one date under the coverage rule.

    ``value`` is the published number (the floor: missing components at 0),
    or ``None`` when the missing share exceeds :data:`MAX_MISSING_WEIGHT_SHARE`
    or nothing with a weight has data. ``low`` and ``high`` are the bounds
    (missing at 0 and at 100); ``renormalised`` the mean over the components
    that have data, ``None`` when none has.
    """

    value: float | None
    low: float
    high: float
    renormalised: float | None
    missing: tuple  # keys of the components with no score
    share: float  # their share of the weight

    @property
    def published(self) -> bool:
        return self.value is not None

    @property
    def complete(self) -> bool:
        """Every component has a score, so the bounds meet."""
        return not self.missing


def reading(scores: dict, weights: dict) -> Reading:
    """The published index and its bounds.

    >>> r = reading({"a": 80.0, "b": None, "c": 40.0}, {"a": 0.5, "b": 0.3, "c": 0.2})
    >>> r.value, r.low, r.high, round(r.renormalised, 2), r.share
    (48.0, 48.0, 78.0, 68.57, 0.3)
    >>> reading({"a": 80.0, "b": None, "c": None}, {"a": 0.5, "b": 0.3, "c": 0.2}).value is None  # half missing
    True
    """
    share = missing_share(scores, weights)
    low, high = filled(scores, weights, WORST_FILL), filled(scores, weights, BEST_FILL)
    renormalised = combine(scores, weights)
    # Nothing is published when no weighted component has data, whatever the threshold says.
    ok = share <= MAX_MISSING_WEIGHT_SHARE and renormalised is not None
    return Reading(low if ok else None, low, high, renormalised, tuple(k for k, s in scores.items() if s is None), share)


def weight_grid(weights: dict, factors=WEIGHT_FACTORS) -> tuple[np.ndarray, list]:
    """Every weight set with each weight multiplied by one of ``factors``: a matrix, one set per row.

    Returns
    -------
    (ndarray, list)
        Rows of weights in the order of ``weights``, and for each row the
        factors applied, as a dict by component.

    >>> grid, labels = weight_grid({"a": 1.0, "b": 2.0}, (0.5, 1.5))
    >>> grid.tolist(), labels[1]
    ([[0.5, 1.0], [0.5, 3.0], [1.5, 1.0], [1.5, 3.0]], {'a': 0.5, 'b': 1.5})
    """
    keys = list(weights)
    combos = list(itertools.product(factors, repeat=len(keys)))
    base = np.array([weights[k] for k in keys], dtype=float)
    grid = np.array(combos, dtype=float) * base
    return grid, [dict(zip(keys, c)) for c in combos]


def index_matrix(scores: np.ndarray, grid: np.ndarray, rule: str) -> np.ndarray:
    """The index for every score vector (rows of ``scores``, NaN where missing) under every weight set.

    One matrix product per rule: ``scores`` is (variants x components), ``grid``
    (weight sets x components); the result is (variants x weight sets), NaN
    where no component with a weight has data under ``"renormalised"``.

    >>> s = np.array([[80.0, np.nan, 40.0]]); g = np.array([[0.5, 0.3, 0.2], [1.0, 0.0, 1.0]])
    >>> index_matrix(s, g, "zero").round(2).tolist(), index_matrix(s, g, "renormalised").round(2).tolist()
    ([[48.0, 60.0]], [[68.57, 60.0]])
    """
    have = ~np.isnan(scores)
    if rule == "renormalised":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(have, scores, 0.0) @ grid.T / (have.astype(float) @ grid.T)
    fill = {"zero": WORST_FILL, "hundred": BEST_FILL}[rule]
    return np.where(have, scores, fill) @ grid.T / grid.sum(axis=1)


def specification_range(variants: dict, weights: dict, factors=WEIGHT_FACTORS) -> pd.DataFrame:
    """The index under every specification: score variant x missing-data rule x weight set.

    Parameters
    ----------
    variants : dict
        Name (e.g. a soybean series, or a ``(series, coding)`` pair) -> component scores (``None`` where missing).
    weights : dict
        The weights as set; the grid multiplies each by each of ``factors``.

    Returns
    -------
    DataFrame
        One row per specification: ``variant``, ``rule``, ``factors`` (a dict
        by component), ``missing`` (the variant's missing components, comma-
        joined) and ``value`` (NaN where the renormalised index has no data).
    """
    keys = list(weights)
    grid, labels = weight_grid(weights, factors)
    names = list(variants)
    scores = np.array([[np.nan if variants[n][k] is None else variants[n][k] for k in keys] for n in names], dtype=float)
    frames = []
    for rule in MISSING_RULES:
        values = index_matrix(scores, grid, rule)
        for i, name in enumerate(names):
            frames.append(pd.DataFrame({"variant": [name] * len(labels), "rule": rule, "factors": labels,
                                        "value": values[i],
                                        "missing": ", ".join(k for k in keys if variants[name][k] is None)}))
    return pd.concat(frames, ignore_index=True)


# ---- Components ---------------------------------------------------------------------------------

def fulfilment_score(achieved: float, expected: float) -> float | None:
    """``100 * min(achieved / expected, 1)``; ``None`` when nothing is due yet.

    >>> fulfilment_score(3.0, 4.0), fulfilment_score(5.0, 4.0), fulfilment_score(1.0, 0.0)
    (75.0, 100.0, None)
    """
    if not expected > 0:
        return None
    return 100.0 * min(achieved / expected, 1.0)


def commitments_in_scope(commitments: pd.DataFrame, as_of, truce_start=None) -> pd.DataFrame:
    """Commitments that bear on the truce at ``as_of``.

    Announced by ``as_of``, started, not superseded by a commitment known by
    then, and either still running or (when a truce is in force) due since
    that truce began: a pledge of the current truce that fell due keeps
    counting, one from an earlier truce does not.
    """
    as_of = pd.Timestamp(as_of)
    known = commitments[commitments["announced"] <= as_of]
    replaced = set(known["supersedes"].dropna())
    known = known[~known["commitment_id"].isin(replaced)]
    floor = as_of if truce_start is None else min(pd.Timestamp(truce_start), as_of)
    live = known["deadline"].isna() | (known["deadline"] >= floor)
    return known[(known["start"] <= as_of) & live]


def soybean_progress(record: pd.Series, rows: pd.DataFrame, as_of, weights: pd.Series | None,
                     series: str = COMMITMENT_SERIES) -> tuple[cm.Progress | None, pd.DataFrame]:
    """Progress of one tonnage commitment from preloaded soybean rows, as the purchases report measures it.

    The in-memory twin of the purchases report's measure for one series:
    ``rows`` are that series' preferred tonnage rows (any dates); only those
    whose period ended by ``as_of`` count.

    Returns
    -------
    (Progress or None, DataFrame)
        ``None`` when the series has no figure for the commitment yet; the rows the curve used.
    """
    deal = cm.Commitment(record["commitment_id"], float(record["target"]), record["start"], record["deadline"], record["unit"])
    known = obs.known_as_of(rows, as_of)
    bounds, floor = None, False
    if cm.SERIES[series].kind == "since_start":
        if series == "usda_sales_to_cn":  # marketing-year totals re-based to the pledge's start, as the purchases report does
            known = usda_sales.rebased(known, deal.start)
        curve, used = cm.since_start_curve(known, deal)
        bounds = pd.Series(used["running_floor"].to_numpy(dtype=bool), index=pd.DatetimeIndex(used["period_end"]))
    else:
        used = obs.monthly_partition(known)
        monthly = cm.monthly_cumulative(used, deal, as_of)
        curve, floor = monthly.curve, bool(monthly.missing)
    if curve.empty:
        return None, used.iloc[0:0]
    # Only arrivals have a sourced seasonal profile; the purchases report pro-rates other series linearly.
    weights = weights if cm.SERIES[series].profile == "arrivals" else None
    return cm.evaluate(deal, curve, as_of, weights=weights, bounds=bounds, lower_bound=floor), used


def phase_one_snapshot(phase_one: pd.DataFrame, as_of) -> pd.DataFrame:
    """PIIE's latest year-to-date goods snapshot dated by ``as_of``, one row per basis.

    Returns
    -------
    DataFrame
        ``as_of``, ``basis``, ``ytd_purchased``, ``ytd_target``, ``score`` and
        ``source_id`` (both rows' sources, comma-joined); empty when there is none.
    """
    rows = phase_one[phase_one["preferred"] & (phase_one["category"] == "goods_total")
                     & phase_one["measure"].isin(["ytd_purchased", "ytd_target"])
                     & (phase_one["as_of"] <= pd.Timestamp(as_of))]
    wide = rows.pivot_table(index=["as_of", "basis"], columns="measure", values="value", aggfunc="first")
    if not {"ytd_purchased", "ytd_target"} <= set(wide.columns):
        return pd.DataFrame(columns=["as_of", "basis", "ytd_purchased", "ytd_target", "score", "source_id"])
    # A snapshot counts only where both the purchases and the pro-rated target are sourced.
    wide = wide.dropna(subset=["ytd_purchased", "ytd_target"]).reset_index()
    latest = wide[wide["as_of"] == wide["as_of"].max()].copy()
    latest["score"] = [fulfilment_score(p, t) for p, t in zip(latest["ytd_purchased"], latest["ytd_target"])]
    cited = rows.groupby(["as_of", "basis"])["source_id"].agg(lambda s: ", ".join(sorted(set(s))))
    latest["source_id"] = [cited[(a, b)] for a, b in zip(latest["as_of"], latest["basis"])]
    return latest[["as_of", "basis", "ytd_purchased", "ytd_target", "score", "source_id"]].reset_index(drop=True)


def commitment_component(in_scope: pd.DataFrame, soy_rows: pd.DataFrame, phase_one: pd.DataFrame, as_of,
                         soy_weights: dict | None, series: str = COMMITMENT_SERIES) -> tuple[Component, pd.DataFrame]:
    """Mean fulfilment of the measured commitments in scope.

    ``soy_rows`` are the preferred tonnage rows of the soybean ``series``
    that measures tonnage pledges; ``soy_weights`` maps a pledge's id to its
    seasonal baseline weights (a pledge not in it, or ``None``, is measured on
    the linear path).

    Returns
    -------
    (Component, DataFrame)
        The component, and one row per commitment in scope with a target:
        ``commitment_id``, ``measured_by``, ``unit``, ``achieved``,
        ``expected``, ``counted_through``, ``score`` (NaN when unmeasured),
        ``status`` (computed, for tonnage pledges) and ``note`` (a str or a :class:`Phrase`).
    """
    rows, sources = [], set()
    for record in cm.soybean_pledges(in_scope).itertuples():
        weights = (soy_weights or {}).get(record.commitment_id)
        p, used = soybean_progress(pd.Series(record._asdict()), soy_rows, as_of, weights, series)
        label = cm.SERIES[series].label
        if p is None:
            rows.append((record.commitment_id, label, "t", None, None, None, None, None, "no figure in the data yet"))
            continue
        if not p.judged:
            # "No figure since" the deadline passed (or a floor below target after it) is missing evidence, not a miss.
            rows.append((record.commitment_id, label, "t", p.achieved, p.expected, p.counted_through, None, p.status,
                         Phrase.of(f"{p.status}: last figure counted through ", ("day", p.counted_through))))
            sources |= set(used["source_id"])
            continue
        score = fulfilment_score(p.achieved, p.expected)
        note = f"{p.status} against the {p.method} path" if score is not None else "nothing due yet on the path"
        rows.append((record.commitment_id, label, "t", p.achieved, p.expected, p.counted_through, score, p.status, note))
        sources |= set(used["source_id"])
    if (in_scope["agreement"] == PHASE_ONE_AGREEMENT).any():
        snap = phase_one_snapshot(phase_one, as_of)
        if len(snap):
            pieces = []
            for b, p, t in zip(snap["basis"], snap["ytd_purchased"], snap["ytd_target"]):
                pieces += (["; "] if pieces else []) + [f"{b}: ", ("usd", p), " of ", ("usd", t)]
            detail = Phrase.of(*pieces)
            rows.append(("phase-one-goods (PIIE tracker)", "PIIE year-to-date goods snapshot, by basis", "usd",
                         float(snap["ytd_purchased"].mean()), float(snap["ytd_target"].mean()), snap["as_of"].iloc[0],
                         float(snap["score"].mean()), None, detail))
            for ids in snap["source_id"]:
                sources |= set(ids.split(", "))
        else:
            rows.append(("phase-one-goods (PIIE tracker)", "PIIE year-to-date goods snapshot", "usd", None, None, None,
                         None, None, "no snapshot dated by this date"))
    table = pd.DataFrame(rows, columns=["commitment_id", "measured_by", "unit", "achieved", "expected", "counted_through",
                                        "score", "status", "note"])
    scored = table["score"].dropna()
    inputs = [(f"{r.commitment_id}", Phrase.of(("percent", r.score), " (", r.note, ")") if pd.notna(r.score) else r.note)
              for r in table.itertuples()]
    if scored.empty:
        reason = ("no commitment in scope has a measured figure" if len(table)
                  else "no quantified commitment is in scope on this date")
        return Component("commitments", None, inputs, reason, frozenset(sources)), table
    return Component("commitments", float(scored.mean()), inputs, "", frozenset(sources)), table


def known_dates(events: pd.DataFrame) -> pd.Series:
    """When each event became known: its ``reported`` date if earlier than ``date``, else ``date``."""
    return events["date"].where(events["reported"].isna() | (events["reported"] > events["date"]), events["reported"])


def window_events(events: pd.DataFrame, as_of, days: int) -> pd.DataFrame:
    """Events knowable at ``as_of`` that became known in the ``days`` up to and including it."""
    as_of = pd.Timestamp(as_of)
    known = obs.dated_as_of(events, as_of)
    when = known_dates(known)
    return known[(when > as_of - pd.Timedelta(days=days)) & (when <= as_of)].assign(known=when)


def event_component(events: pd.DataFrame, as_of, window_days: int) -> Component:
    """Severity-weighted balance of de-escalatory and escalatory events in the trailing window.

    Score ``50 + 50 * (D - E) / (D + E)``; missing when no event with a
    direction falls in the window (an empty ledger is not a calm one).
    """
    window = window_events(events, as_of, window_days)
    direction = window["type"].map(DIRECTION).fillna(0)
    de = float(window.loc[direction > 0, "severity"].sum())
    esc = float(window.loc[direction < 0, "severity"].sum())
    inputs = [("Window", f"{window_days} days to the report date"),
              ("De-escalatory events (severity sum)", f"{int((direction > 0).sum())} ({de:g})"),
              ("Escalatory events (severity sum)", f"{int((direction < 0).sum())} ({esc:g})"),
              ("Events counted for neither side", str(int((direction == 0).sum())))]
    sources = frozenset(window["source_id"])
    if de + esc == 0:
        return Component("events", None, inputs, f"no escalation or de-escalation is recorded in the {window_days} days "
                                                 "to the report date", sources)
    return Component("events", 50 + 50 * (de - esc) / (de + esc), inputs, "", sources)


def tariff_component(tariffs: pd.DataFrame, as_of, unsourced_after=None) -> Component:
    """How far each direction's stacked headline tariff is below its peak, averaged.

    Parameters
    ----------
    unsourced_after : date-like, optional
        Set when a scheduled expiry passed after this date with no sourced
        outcome: the tariff level since then is unknown, so the component is missing.
    """
    if unsourced_after is not None:
        return Component("tariffs", None, [], Phrase.of("a scheduled expiry passed after ", ("day", unsourced_after),
                                                        " and no source says what happened, so the tariff level since "
                                                        "then is not known"))
    scores, inputs, sources = [], [], set()
    for direction, label in tf.DIRECTIONS.items():
        peak_date, top = tf.peak(tariffs, direction, as_of)
        now = tf.stacked_headline(tariffs, direction, as_of)
        if top <= 0:
            inputs.append((label, "no all-goods headline layer recorded by this date"))
            continue
        scores.append(100 * (top - now) / top)
        inputs.append((label, Phrase.of(f"now {now:g} points, peak {top:g} from ", ("day", peak_date))))
        rows = tf.headline_rows(tariffs, direction)
        sources |= set(rows.loc[rows["effective"] <= pd.Timestamp(as_of), "source_id"])
    if not scores:
        return Component("tariffs", None, inputs, "no stacked headline tariff is recorded by this date", frozenset(sources))
    return Component("tariffs", sum(scores) / len(scores), inputs, "", frozenset(sources))


def scheduled_items(events: pd.DataFrame, commitments: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Scheduled events (type expiry or scheduling) with the date each became knowable.

    A scheduled date carries no ``reported`` date of its own; it was knowable
    from the earliest of: its ``reported`` date, its source's ``published``
    date, the date anything else citing the same source became known, and the
    announcement of a commitment whose deadline is that date. With none of
    these it counts as known only on the date itself.

    Returns
    -------
    DataFrame
        The scheduled events plus ``known_from`` and ``truce_deadline``: the
        earliest announcement of a commitment due that day (NaT if none).
    """
    scheduled = events[events["type"].isin(obs.SCHEDULED_TYPES)].copy()
    happened = events[~events["type"].isin(obs.SCHEDULED_TYPES)]
    by_source = pd.concat([
        pd.DataFrame({"source_id": happened["source_id"], "when": known_dates(happened)}),
        pd.DataFrame({"source_id": commitments["source_id"], "when": commitments["announced"]}),
        pd.DataFrame({"source_id": commitments["evidence_source_id"], "when": commitments["status_as_of"]}),
    ]).dropna().groupby("source_id")["when"].min()
    published = sources.set_index("source_id")["published"]
    due = commitments.dropna(subset=["deadline"]).groupby("deadline")["announced"].min()
    scheduled["truce_deadline"] = scheduled["date"].map(due)
    candidates = pd.DataFrame({
        "reported": scheduled["reported"],
        "published": scheduled["source_id"].map(published),
        "same_source": scheduled["source_id"].map(by_source),
        "deadline": scheduled["truce_deadline"],
    })
    scheduled["known_from"] = candidates.min(axis=1).fillna(scheduled["date"])
    return scheduled.sort_values(["date", "event_id"]).reset_index(drop=True)


def expiry_view(scheduled: pd.DataFrame, commitments: pd.DataFrame, as_of, through, moved=frozenset()) -> pd.DataFrame:
    """Scheduled items known at ``as_of`` that are still ahead, or passed after the evidence ends.

    Parameters
    ----------
    through : Timestamp or None
        Where the evidence ends on ``as_of`` (the page's evidence-through
        date); ``None`` when nothing is dated by then.

    Returns
    -------
    DataFrame
        ``scheduled`` rows with ``days`` (from ``as_of``), ``truce_expiry``
        (a commitment known at ``as_of`` falls due that day) and ``passed``
        (the date is on or before ``as_of`` but after ``through``, so no
        source dated by ``as_of`` says what happened). Only an item known
        before its date can pass unremarked: a note dated the day it was
        made is its own record. A date in ``moved`` (a deadline an extension
        known on ``as_of`` replaced) is not passed: ``moved`` is true instead.
    """
    as_of = pd.Timestamp(as_of)
    known = scheduled[scheduled["known_from"] <= as_of].copy()
    due = set(commitments.loc[commitments["announced"] <= as_of, "deadline"].dropna())
    known["truce_expiry"] = known["date"].isin(due)
    known["days"] = (known["date"] - as_of).dt.days
    after_evidence = known["date"] > pd.Timestamp(through) if through is not None else True
    due_passed = after_evidence & (known["date"] <= as_of) & (known["known_from"] < known["date"])
    known["moved"] = due_passed & known["date"].isin(list(moved))
    known["passed"] = due_passed & ~known["moved"]
    return known[(known["date"] > as_of) | known["passed"] | known["moved"]].reset_index(drop=True)


def expiry_component(view: pd.DataFrame, scale_days: int) -> Component:
    """Days to the next scheduled truce expiry, on a scale where ``scale_days`` or more scores 100."""
    passed = view[view["passed"] & view["truce_expiry"] & (view["type"] == "expiry")]
    if len(passed):
        first = passed["date"].min()
        return Component("expiry", None, [("Passed without a sourced outcome", Phrase.of(("day", first)))],
                         Phrase.of("the scheduled expiry of ", ("day", first), " has passed and no source says what "
                                   "happened: neither an extension nor a lapse is assumed"), frozenset(passed["source_id"]))
    ahead = view[(view["days"] > 0) & view["truce_expiry"]]
    if ahead.empty:
        return Component("expiry", None, [], "no scheduled truce expiry is known on this date")
    nxt = ahead[ahead["date"] == ahead["date"].min()]
    days = int(nxt["days"].iloc[0])
    inputs = [("Next scheduled truce expiry", Phrase.of(("day", nxt["date"].iloc[0]))), ("Days to it", f"{days:,}"),
              ("Scale", f"{scale_days:,} days or more scores 100"), ("Items due that day", str(len(nxt)))]
    return Component("expiry", 100 * min(days, scale_days) / scale_days, inputs, "", frozenset(nxt["source_id"]))


def base_rate_component(table: pd.DataFrame, horizon_days: int) -> tuple[Component, history.BaseRate | None]:
    """``100 * S(age + N) / S(age)`` for the truce in force.

    ``table`` is :func:`analysis.domain.survival.spells` of the truces known at ``as_of``.
    """
    now = history.current(table)
    if now is None:
        return Component("base_rate", None, [], "no truce is in force on this date"), None
    km = history.kaplan_meier(table["duration"], table["observed"])
    rate = history.base_rate(km, int(now["duration"]), horizon_days)
    # A truce whose status is unknown is aged where the evidence ends, and named for what it is.
    label = "Truce in force" if now["state"] == history.IN_FORCE else "Latest truce (status not known)"
    inputs = [(label, now["name"]), ("Age (days)", f"{rate.age:,}"), ("Horizon (days)", f"{horizon_days:,}"),
              ("Truces in the curve", str(len(table))), ("Breakdowns among them", str(int(table["observed"].sum()))),
              ("Truces that reached the target age", str(rate.at_risk_target))]
    sources = frozenset(table["source_id"])
    if not rate.estimable:
        return Component("base_rate", None, inputs, rate.reason, sources), rate
    return Component("base_rate", 100 * rate.probability, inputs, "", sources), rate


# ---- Assembly -----------------------------------------------------------------------------------

@dataclass
class Frames:
    """Every dataset the index reads, loaded once, with what does not depend on ``as_of`` precomputed."""

    events: pd.DataFrame
    truces: pd.DataFrame
    tariffs: pd.DataFrame
    commitments: pd.DataFrame
    phase_one: pd.DataFrame
    soybeans: pd.DataFrame
    sources: pd.DataFrame
    scheduled: pd.DataFrame = None
    soy_rows: dict = None  # soybean series -> its preferred tonnage rows
    stack_rows: pd.DataFrame = None
    tariff_cache: dict = field(default_factory=dict)
    evidence_dates: dict = field(default_factory=dict)  # evidence key -> sorted dates its graded rows speak for
    baseline_ends: pd.Series = None  # period ends of the series that weights the seasonal path
    weights_cache: dict = field(default_factory=dict)
    pledges: pd.DataFrame = None  # soybean tonnage pledges, whatever their dates
    expiries: pd.DataFrame = None  # scheduled expiries in the events ledger

    def __post_init__(self):
        self.scheduled = scheduled_items(self.events, self.commitments, self.sources)
        self.pledges = cm.soybean_pledges(self.commitments)
        self.expiries = self.events[self.events["type"] == history.EXPIRY].reset_index(drop=True)
        self.soy_rows = {name: obs.preferred(self.soybeans, name, "t") for name in cm.SERIES}
        # The only rows tariffs.peak and stacked_headline read: preferred all-goods headline layers.
        self.stack_rows = self.tariffs[(self.tariffs["kind"] == "headline") & self.tariffs["preferred"]
                                       & self.tariffs["in_stack"]].reset_index(drop=True)
        self.baseline_ends = obs.preferred(self.soybeans, cm.BASELINE_SERIES, "t")["period_end"]

    @property
    def by_name(self) -> dict:
        """The datasets by file name, as :mod:`analysis.data.evidence` takes them."""
        return {"events": self.events, "truces": self.truces, "tariffs": self.tariffs, "commitments": self.commitments,
                "phase_one": self.phase_one, "soybeans": self.soybeans, "sources": self.sources}

    def _dates(self, key: str) -> pd.Series:
        """Sorted dates the graded rows of one series speak for (:func:`analysis.data.evidence.dated_rows`)."""
        if key not in self.evidence_dates:
            rows = evidence.dated_rows(evidence.SERIES[key], self.by_name)
            self.evidence_dates[key] = rows.loc[evidence.at_least(rows), "when"].sort_values().reset_index(drop=True)
        return self.evidence_dates[key]

    def evidence_through(self, as_of, keys) -> pd.Timestamp | None:
        """The page's evidence-through date on ``as_of``: :func:`analysis.data.evidence.report_dates`'s rule.

        Computed from dates sorted once, because the backtest asks at every
        month end (``report_dates`` would also record each date for the build).
        """
        as_of = pd.Timestamp(as_of)
        newest = [dates.iloc[dates.searchsorted(as_of, side="right") - 1] for dates in map(self._dates, keys)
                  if len(dates) and dates.iloc[0] <= as_of]
        return pd.Timestamp(max(newest)) if newest else None

    def soy_weights(self, in_scope: pd.DataFrame, as_of) -> dict:
        """Seasonal weights on ``as_of`` of each tonnage pledge in scope, as the purchases report weights it by default.

        That baseline is the last full calendar year before the pledge began
        whose customs figures are known by ``as_of``
        (:func:`analysis.domain.commitments.auto_profile_years`). A pledge with
        no such year is left out, and so measured on the linear path.
        """
        pledges = self.pledges[self.pledges["commitment_id"].isin(in_scope["commitment_id"])]
        if COMMITMENT_METHOD != "seasonal" or pledges.empty:
            return {}
        # The choice changes only when a new baseline month becomes known, so that month keys the cache.
        known = self.baseline_ends[self.baseline_ends <= pd.Timestamp(as_of)]
        newest = known.max() if len(known) else None
        weights = {}
        for pledge in pledges.itertuples():
            key = (pledge.start, newest)
            if key not in self.weights_cache:
                try:
                    years = cm.auto_profile_years(self.soybeans, pledge.start, as_of)
                    self.weights_cache[key] = cm.profile_weights(self.soybeans, years, as_of)[0]
                except ParameterError:
                    self.weights_cache[key] = None
            if self.weights_cache[key] is not None:
                weights[pledge.commitment_id] = self.weights_cache[key]
        return weights

    def tariffs_at(self, as_of) -> Component:
        """:func:`tariff_component` at ``as_of``, reused while no tariff row has changed since."""
        started = self.stack_rows.loc[self.stack_rows["effective"] <= pd.Timestamp(as_of), "effective"]
        # Nothing changes between the latest effective date and as_of, so that date is the cache key.
        key = started.max() if len(started) else None
        if key not in self.tariff_cache:
            self.tariff_cache[key] = tariff_component(self.stack_rows, as_of if key is None else key)
        return self.tariff_cache[key]


def load_frames() -> Frames:
    """Load and validate every dataset the index reads."""
    return Frames(load_events(), load_truces(), load_tariffs(), load_commitments(), load_phase_one(),
                  load_soybeans(), load_sources())


@dataclass(frozen=True)
class Settings:
    """Index parameters other than ``as_of``."""

    weights: dict  # component -> weight, as checked by :func:`check_weights`
    event_window_days: int
    horizon_days: int
    expiry_scale_days: int
    commitment_series: str
    probability_days: int  # N of the headline chance, forecast at every month end of the backtest too


@dataclass(frozen=True)
class Snapshot:
    """The index and its components as of one date."""

    as_of: pd.Timestamp
    components: dict  # key -> Component
    index: float | None
    truce: pd.Series | None  # the truce with no recorded end, if any
    commitments: pd.DataFrame  # measured commitments in scope
    expiries: pd.DataFrame  # scheduled items ahead or passed after the evidence ends
    rate: history.BaseRate | None
    through: pd.Timestamp | None  # where the evidence ends on as_of
    unknown_after: pd.Timestamp | None  # set when the truce's status after that date is not known
    cliff: pd.DataFrame  # the suspensions due first after as_of (commitments.next_cliff)
    extended: pd.DataFrame  # extensions known on as_of (commitments.extensions)
    reading: Reading  # the published index (index), its bounds and the coverage rule's verdict
    moot: frozenset  # suspensions whose measure no longer stands on as_of (tariffs.moot_suspensions)

    @property
    def scores(self) -> dict:
        return {k: c.score for k, c in self.components.items()}

    @property
    def truce_status_known(self) -> bool:
        """False when a truce with no recorded end may or may not still be in force on ``as_of``."""
        return self.truce is None or self.truce["state"] != history.STATUS_UNKNOWN


def snapshot(frames: Frames, as_of, settings: Settings) -> Snapshot:
    """Every component and the index as of one date, from preloaded frames."""
    as_of = pd.Timestamp(as_of)
    through = frames.evidence_through(as_of, evidence_keys(settings.commitment_series))
    extended = cm.extensions(frames.commitments, as_of)
    moved = frozenset(extended["old_deadline"])
    unknown_after = history.status_unknown_after(frames.expiries, as_of, through, moved)
    table = history.spells(frames.truces, as_of, unknown_after)
    truce = history.current(table)
    in_scope = commitments_in_scope(frames.commitments, as_of, truce["start"] if truce is not None else None)
    commitment, measured = commitment_component(in_scope, frames.soy_rows[settings.commitment_series], frames.phase_one,
                                                as_of, frames.soy_weights(in_scope, as_of),
                                                settings.commitment_series)
    view = expiry_view(frames.scheduled, frames.commitments, as_of, through, moved)
    # A passed expiry with no sourced outcome leaves the tariff level after the evidence ends unknown.
    passed = view[view["passed"] & (view["type"] == "expiry")]
    base, rate = base_rate_component(table, settings.horizon_days)
    tariffs = (tariff_component(frames.stack_rows, as_of, through) if len(passed) else frames.tariffs_at(as_of))
    components = {
        "commitments": commitment,
        "events": event_component(frames.events, as_of, settings.event_window_days),
        "tariffs": tariffs,
        "expiry": expiry_component(view, settings.expiry_scale_days),
        "base_rate": base,
    }
    read = reading({k: c.score for k, c in components.items()}, settings.weights)
    moot = frozenset(tf.moot_suspensions(frames.commitments, frames.tariffs, as_of))
    return Snapshot(as_of, components, read.value, truce, measured, view, rate, through, unknown_after,
                    cm.next_cliff(frames.commitments, as_of, moot=moot), extended, read, moot)


def snapshot_forecast(frames: Frames, snap: Snapshot, horizon_days: int) -> hazard.SurvivalForecast:
    """The chance that the truce in force on the snapshot's date lasts another ``horizon_days``.

    It reads what the snapshot knew (where the evidence ended, whether the
    truce's status was known, the moot suspensions), so the headline on
    ``as_of`` and each month end of the backtest follow the same rules.
    """
    moved = frozenset(snap.extended["old_deadline"])
    unsourced = history.unsourced_expiries(frames.expiries, snap.as_of, snap.through, moved)
    return hazard.fit(frames.truces, snap.as_of, horizon_days, snap.unknown_after, "breakdown", unsourced=unsourced,
                      first=history.first_truce(frames.truces), commitments=frames.commitments, through=snap.through,
                      moot=snap.moot, moved=moved)


def month_ends(start, as_of) -> pd.DatetimeIndex:
    """Month ends from ``start`` to ``as_of`` inclusive.

    >>> list(month_ends("2019-01-15", "2019-03-31").strftime("%Y-%m-%d"))
    ['2019-01-31', '2019-02-28', '2019-03-31']
    """
    return pd.date_range(pd.Timestamp(start), pd.Timestamp(as_of), freq="ME")


def backtest(frames: Frames, start, as_of, settings: Settings) -> pd.DataFrame:
    """The index at every month end from ``start`` to ``as_of``, from frames loaded once.

    Returns
    -------
    DataFrame
        ``date``, ``index`` (the published value; NaN when the coverage rule
        withholds it), ``low`` and ``high`` (the bounds), ``share`` (the
        weight missing), one column per component score, ``components`` (how
        many had data), ``truce`` (a truce with no recorded end was on record that day), and the
        forecast made that day (NaN with no truce in force): ``truce_id``, ``probability`` with its
        interval ``p_low`` and ``p_high`` (the headline model: constant hazard with the cliff spike),
        ``weibull`` (with the spike) and ``no_cliff`` (constant hazard alone).
    """
    rows = [month_row(frames, snapshot(frames, date, settings), settings) for date in month_ends(start, as_of)]
    frame = pd.DataFrame(rows, columns=BACKTEST_COLUMNS)
    return frame.astype({k: "float64" for k in ["index", "low", "high", "share", *COMPONENTS, *FORECAST_COLUMNS]})


FORECAST_COLUMNS = ["probability", "p_low", "p_high", "weibull", "no_cliff"]
BACKTEST_COLUMNS = ["date", "index", "low", "high", "share", *COMPONENTS, "components", "truce", "truce_id",
                    *FORECAST_COLUMNS]


def month_row(frames: Frames, snap: Snapshot, settings: Settings) -> dict:
    """One row of :func:`backtest` from a snapshot: the index, its components and the forecast made that day."""
    r = snap.reading
    row = {"date": snap.as_of, "index": r.value, "low": r.low, "high": r.high, "share": r.share}
    row.update({k: c.score for k, c in snap.components.items()})
    row["components"] = sum(c.score is not None for c in snap.components.values())
    row["truce"] = snap.truce is not None
    in_force = snap.truce is not None  # the same open truce the forecast would find; none, no forecast to make
    row.update(forecast_row(snapshot_forecast(frames, snap, settings.probability_days) if in_force else None))
    return row


def forecast_row(f: hazard.SurvivalForecast | None) -> dict:
    """The forecast columns of a backtest row (None where no truce was in force)."""
    if f is None or not f.in_force:
        return {"truce_id": None, **dict.fromkeys(FORECAST_COLUMNS)}
    const, weibull = f.model("constant hazard"), f.model("Weibull")
    return {"truce_id": f.current["truce_id"], "probability": const.probability, "p_low": const.low,
            "p_high": const.high, "weibull": weibull.probability,
            "no_cliff": float(const.codings["without_cliff"].iloc[0])}


@dataclass(frozen=True)
class FullReading:
    """The last month end on or before a date whose index met the coverage rule."""

    date: pd.Timestamp
    value: float
    components: int  # how many components had data then


def last_full_reading(frames: Frames, as_of, settings: Settings, series: pd.DataFrame, floor) -> FullReading | None:
    """The latest month end up to ``as_of`` where the coverage rule let the index be published.

    Each month end is judged from only what was knowable on it. The backtest
    ``series`` already holds the month ends it covers; earlier ones, down to
    ``floor``, are computed here, newest first, until one meets the rule.
    ``None`` when none does.
    """
    as_of = pd.Timestamp(as_of)
    have = series[(series["date"] <= as_of) & series["index"].notna()]
    if len(have):
        row = have.iloc[-1]
        return FullReading(row["date"], float(row["index"]), int(row["components"]))
    first = series["date"].min() if len(series) else as_of + pd.Timedelta(days=1)
    for date in reversed(month_ends(floor, min(as_of, first - pd.Timedelta(days=1)))):
        snap = snapshot(frames, date, settings)
        if snap.reading.published:
            return FullReading(date, snap.reading.value, sum(not c.missing for c in snap.components.values()))
    return None


def series_variants(frames: Frames, as_of, settings: Settings) -> dict:
    """The component scores on ``as_of`` with each soybean series measuring tonnage pledges.

    Each variant is a whole snapshot with that series, so the page's evidence
    date (which counts the series) moves with it too.
    """
    out = {}
    # The series as set comes first, so a tie between ends of the range names it.
    for series in dict.fromkeys([settings.commitment_series, *cm.SERIES]):
        varied = Settings(settings.weights, settings.event_window_days, settings.horizon_days,
                          settings.expiry_scale_days, series, settings.probability_days)
        out[series] = snapshot(frames, as_of, varied).scores
    return out


def coding_base_rates(frames: Frames, snap: Snapshot, horizon_days: int) -> dict:
    """The base-rate score on the snapshot's date under each coding of how past truces ended.

    The recorded coding first, then each reading of :data:`analysis.domain.survival.READINGS` that
    changes what ended a truce (not only when), then every ending counted as a breakdown. The other
    components do not read the endings, so only the base rate moves.
    """
    dating = {r.label for r in history.READINGS if r.kind == "dating"}
    out = {}
    for label, coded in history.alternative_codings(frames.truces).items():
        if label in dating:
            continue
        component, _ = base_rate_component(history.spells(coded, snap.as_of, snap.unknown_after), horizon_days)
        out[label] = component.score
    return out


def specification_variants(frames: Frames, snap: Snapshot, settings: Settings) -> dict:
    """``(soybean series, endings coding)`` -> component scores, for :func:`specification_range`."""
    codings = coding_base_rates(frames, snap, settings.horizon_days)
    return {(series, coding): {**scores, "base_rate": base_rate}
            for series, scores in series_variants(frames, snap.as_of, settings).items()
            for coding, base_rate in codings.items()}


def breakdowns(truces: pd.DataFrame, start, as_of) -> pd.DataFrame:
    """Truces that ended in a breakdown between ``start`` and ``as_of``: ``name``, ``end``, ``source_id``."""
    ended = truces[(truces["ended_by"] == history.BREAKDOWN) & truces["end"].notna()
                   & (truces["end"] >= pd.Timestamp(start)) & (truces["end"] <= pd.Timestamp(as_of))]
    return ended[["truce_id", "name", "end", "source_id"]].sort_values("end").reset_index(drop=True)


# A fall: a month-end reading at least this far below its reference in the same truce (index points, or
# percentage points of the chance). A stated threshold, not a fitted one: with two breakdowns nothing can be fitted.
FALL_POINTS = 5.0
# The forecasts the backtest scores, reader's name -> backtest column; the last two are the baselines.
SCORED = {
    "the headline chance (constant hazard with the cliff spike)": "probability",
    "Weibull with the cliff spike": "weibull",
    "baseline: constant hazard, no cliff spike": "no_cliff",
    "baseline: climatology": "climatology",
}
# The readings whose falls are classified as hits, misses and false alarms, reader's name -> column.
SIGNALS = {"the chance": "chance", "the index": "index"}


def scored_series(series: pd.DataFrame, truces: pd.DataFrame, as_of, horizon_days: int,
                  unknown_after=None) -> pd.DataFrame:
    """The backtest with each month's ``outcome`` and the ``climatology`` baseline, and the chance in percent."""
    out = scoring.outcomes(truces, series["date"], as_of, horizon_days, unknown_after=unknown_after)
    scored = series.assign(outcome=out["outcome"].to_numpy(), chance=100 * series["probability"])
    scored["climatology"] = scoring.climatology(scored, horizon_days).where(scored["truce_id"].notna())
    return scored


def warnings(series: pd.DataFrame, ends: pd.DataFrame, as_of, warning_months: int, reference_months: int) -> dict:
    """Hits, misses and false alarms of each signal (:data:`SIGNALS`): name -> (verdicts, false alarms)."""
    return {name: scoring.classify(series, column, ends, as_of, warning_months, reference_months, FALL_POINTS)
            for name, column in SIGNALS.items()}


def check_parameters(*, as_of: str, probability_days: int, weight_commitments: float, weight_events: float,
                     weight_tariffs: float, weight_expiry: float, weight_base_rate: float, event_window_days: int,
                     horizon_days: int,
                     expiry_scale_days: int, commitment_series: str, timeline_days: int, backtest_from: str,
                     warning_months: int, reference_months: int) -> dict:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Returns the weights by component, as floats.

    Raises
    ------
    ParameterError
        Naming the parameter.
    """
    obs.check_as_of(as_of)
    if backtest_from != AUTO:
        explicit_backtest_from(backtest_from, obs.resolve_as_of(as_of))
    weights = check_weights({"commitments": weight_commitments, "events": weight_events, "tariffs": weight_tariffs,
                             "expiry": weight_expiry, "base_rate": weight_base_rate})
    for name, value in [("event_window_days", event_window_days), ("horizon_days", horizon_days),
                        ("expiry_scale_days", expiry_scale_days), ("timeline_days", timeline_days),
                        ("warning_months", warning_months), ("reference_months", reference_months),
                        ("probability_days", probability_days)]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ParameterError(name, f"{value!r} must be a positive whole number")
    if commitment_series not in cm.SERIES:
        raise ParameterError("commitment_series", f"{commitment_series!r} is not one of: {', '.join(cm.SERIES)}")
    if reference_months <= warning_months:
        raise ParameterError("reference_months", f"{reference_months!r} must be more than warning_months "
                                                 f"({warning_months}), so the reference comes before the lead window")
    return weights


@dataclass(frozen=True)
class Dashboard:
    """The computed content of the durability dashboard."""

    as_of: pd.Timestamp
    settings: Settings
    now: Snapshot
    frames: Frames
    series: pd.DataFrame
    breakdowns: pd.DataFrame
    warnings: dict  # signal -> (hits and misses per breakdown, false alarms): scoring.classify
    brier: list  # scoring.Score per forecast in SCORED
    backtest_from: pd.Timestamp
    timeline_days: int
    specification: pd.DataFrame  # specification_range over soybean series x endings coding, missing rule, weights
    last_full: FullReading | None  # the last month end that met the coverage rule, when the index is withheld
    sources: pd.DataFrame
    dates: evidence.ReportDates  # as of, evidence through, compiled, and each series' date
    first_truce: pd.Series | None  # the earliest truce in the ledger, named when none had begun by as_of
    record_end: pd.Timestamp | None  # where the whole record's evidence ends, on the day the page is compiled
    backtest_auto: bool  # backtest_from was "auto"
    forecast: hazard.SurvivalForecast  # the headline: the chance the truce in force lasts another N days
    warning_months: int  # the run-up before a breakdown the backtest reads
    reference_months: int  # how far back, in the same truce, a reading's reference lies

    @property
    def last_ended(self) -> pd.Series | None:
        """The truce that ended most recently by ``as_of``, or ``None``."""
        ended = self.frames.truces[self.frames.truces["end"].notna() & (self.frames.truces["end"] <= self.as_of)]
        return None if ended.empty else ended.sort_values("end").iloc[-1]


@dataclass(frozen=True)
class Weights:
    """The weight of each component in the index, as set (zero or more, not all zero)."""

    commitments: float
    events: float
    tariffs: float
    expiry: float
    base_rate: float


def compute(*, as_of: str, weights: Weights, event_window_days: int, horizon_days: int, expiry_scale_days: int,
            commitment_series: str, timeline_days: int, backtest_from: str, warning_months: int,
            reference_months: int, probability_days: int) -> Dashboard:
    """Compute everything the durability dashboard shows.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"today"`` for the day the report is built.
    weights : Weights
        Component weights (zero or more, not all zero), scaled to sum to one;
        a missing component counts as 0 in the published index (:func:`reading`).
    event_window_days : int
        Trailing window of the event balance.
    horizon_days : int
        ``N`` of the base rate: the chance the current truce lasts another ``N`` days.
    expiry_scale_days : int
        Days to the next expiry at or beyond which that component scores 100.
    commitment_series : str
        The soybean series that measures tonnage pledges (a key of
        :data:`analysis.domain.commitments.SERIES`; the purchases report's default).
    timeline_days : int
        How far back the timeline of recent events reaches.
    backtest_from : str
        First month of the backtest: an ISO date on or before ``as_of``, or
        ``"auto"`` (:func:`resolve_backtest_from`).
    warning_months, reference_months : int
        The backtest looks for a fall of the chance and of the index in the ``warning_months``
        month ends before each breakdown, against the reading ``reference_months`` earlier in
        the same truce (:func:`analysis.domain.scoring.classify`).
    probability_days : int
        ``N`` of the headline: the chance the truce in force lasts another ``N`` days
        (:func:`analysis.domain.hazard.forecast`).
    """
    checked = check_parameters(
        as_of=as_of, weight_commitments=weights.commitments, weight_events=weights.events,
        weight_tariffs=weights.tariffs, weight_expiry=weights.expiry, weight_base_rate=weights.base_rate,
        event_window_days=event_window_days, horizon_days=horizon_days, expiry_scale_days=expiry_scale_days,
        commitment_series=commitment_series, timeline_days=timeline_days, backtest_from=backtest_from,
        warning_months=warning_months, reference_months=reference_months, probability_days=probability_days)
    frames = load_frames()
    as_of_ts = obs.resolve_as_of(as_of)
    dates = evidence.report_dates(evidence_keys(commitment_series), as_of_ts, frames.by_name)
    start = resolve_backtest_from(backtest_from, as_of_ts, frames.truces)
    settings = Settings(checked, event_window_days, horizon_days, expiry_scale_days, commitment_series,
                        probability_days)
    now = snapshot(frames, as_of_ts, settings)
    series = backtest(frames, start, as_of_ts, settings)
    ends = breakdowns(frames.truces, start, as_of_ts)
    series = scored_series(series, frames.truces, as_of_ts, probability_days, now.unknown_after)
    signals = warnings(series, ends, as_of_ts, warning_months, reference_months)
    brier = scoring.scores(series, SCORED)
    specs = specification_range(specification_variants(frames, now, settings), checked)
    specs = specs.assign(series=[v[0] for v in specs["variant"]], coding=[v[1] for v in specs["variant"]])
    # The last full reading is only shown when the index is withheld; searching back costs snapshots.
    floor = resolve_backtest_from(AUTO, as_of_ts, frames.truces)
    last_full = None if now.reading.published else last_full_reading(frames, as_of_ts, settings, series, floor)
    cited = set().union(*(c.sources for c in now.components.values()))
    cited |= set(ends["source_id"])
    known = frames.commitments[frames.commitments["announced"] <= as_of_ts]
    cited |= set(known["source_id"]) | set(known["evidence_source_id"].dropna())
    cited |= set(recent_events(frames.events, as_of_ts, timeline_days)["source_id"])
    cited |= set(now.expiries["source_id"])
    sources = frames.sources[frames.sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True)
    record_end = frames.evidence_through(max(dates.compiled, as_of_ts), evidence_keys(commitment_series))
    return Dashboard(as_of_ts, settings, now, frames, series, ends, signals, brier, start, timeline_days, specs,
                     last_full, sources, dates, history.first_truce(frames.truces), record_end, backtest_from == AUTO,
                     snapshot_forecast(frames, now, probability_days), warning_months, reference_months)


def resolve_backtest_from(backtest_from: str, as_of: pd.Timestamp, truces: pd.DataFrame) -> pd.Timestamp:
    """The first day of the backtest.

    ``"auto"``: 1 January of the year the first truce in the ledger began,
    so the backtest covers the months before it too; or the first of
    ``as_of``'s month when ``as_of`` is earlier. An explicit ISO date must be
    on or before ``as_of``.

    >>> t = pd.DataFrame({"start": pd.to_datetime(["2019-06-29", "2018-12-01"])})
    >>> [resolve_backtest_from("auto", pd.Timestamp(d), t).date().isoformat() for d in ["2026-06-30", "2017-06-30"]]
    ['2018-01-01', '2017-06-01']
    """
    as_of = pd.Timestamp(as_of)
    if backtest_from != AUTO:
        return explicit_backtest_from(backtest_from, as_of)
    first = truces["start"].min() if len(truces) else as_of
    return min(pd.Timestamp(year=first.year, month=1, day=1), as_of.replace(day=1))


def explicit_backtest_from(backtest_from, as_of: pd.Timestamp) -> pd.Timestamp:
    """An explicit ``backtest_from``: an ISO date on or before ``as_of``.

    >>> explicit_backtest_from("2019-01-01", pd.Timestamp("2018-06-30"))
    Traceback (most recent call last):
    analysis.errors.ParameterError: parameter 'backtest_from': '2019-01-01' must be on or before as_of (2018-06-30)
    """
    start, as_of = obs.iso_date("backtest_from", backtest_from, f"or {AUTO!r}"), pd.Timestamp(as_of)
    if start > as_of:
        raise ParameterError("backtest_from", f"{backtest_from!r} must be on or before as_of ({as_of.date()})")
    return start


def recent_events(events: pd.DataFrame, as_of, days: int) -> pd.DataFrame:
    """Events that became known in the ``days`` to ``as_of``, newest first, scheduled dates left out."""
    window = window_events(events, as_of, days)
    window = window[~window["type"].isin(obs.SCHEDULED_TYPES)]
    return window.sort_values(["known", "event_id"], ascending=[False, True]).reset_index(drop=True)
