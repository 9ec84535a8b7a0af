"""Score a monthly series of forecasts against what happened: outcomes, Brier scores, hits, misses and false alarms.

The durability dashboard recomputes, at every month end, the chance that the
truce in force then lasts another ``N`` days, each time from only what was
knowable on that day. This module judges those forecasts with the truce
ledger as it stands on the report's as-of date.

Outcome
    For a month end ``m`` with a truce in force: 1 when that truce did not
    end in a counted ending (a breakdown by default) in ``(m, m + N]``, 0 when
    it did; *pending* when neither is known by ``as_of`` (``m + N`` lies
    after it and the truce has not ended by then). An ending of another kind
    (superseded by a new deal, a purchase period that ran out) is not a
    breakdown, so the truce counts as having lasted.
Brier score
    The mean of ``(p - outcome) ** 2`` over the month ends with a known
    outcome: 0 is perfect, 0.25 is what a constant 50% earns.
Climatology
    The baseline that knows no model: at ``m``, the share of earlier month ends
    whose outcome was already known at ``m`` that lasted; one half before any.
Hits, misses and false alarms
    A *fall* is a month-end reading at least ``threshold`` below the reading
    ``reference_months`` earlier **in the same truce** (or, for a truce younger
    than that, its first reading). A breakdown is *hit* when a fall came in
    the ``warning_months`` month ends before it, *missed* when the readings
    were there and none fell, and *not computable* without a reading in the
    run-up or a reference inside the truce. A fall with no breakdown within
    ``warning_months`` after it, judged only once that window has passed, is a
    *false alarm*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.domain import survival

HIT, MISS, NOT_COMPUTABLE = "hit", "miss", "not computable"


def truce_in_force(truces: pd.DataFrame, date) -> pd.Series | None:
    """The truce in force on ``date`` as the ledger then knew it (a :func:`survival.spells` row), or None."""
    return survival.current(survival.spells(truces, date))


def outcomes(truces: pd.DataFrame, dates, as_of, horizon_days: int, ending: str = "breakdown",
             unknown_after=None) -> pd.DataFrame:
    """For each date: the truce in force, and whether it lasted another ``horizon_days`` (1), did not (0), or pending.

    The ledger is read as it stands on ``as_of``. ``unknown_after``: after this
    date, whether a truce with no recorded end still holds is not known on
    ``as_of`` (:func:`analysis.domain.survival.status_unknown_after`), so its
    horizons that reach past that date are pending, not "lasted".

    Returns
    -------
    DataFrame
        ``date``, ``truce_id`` (missing when no truce was in force), ``outcome``
        (1.0, 0.0 or NaN when not known by ``as_of`` or no truce).

    >>> t = pd.DataFrame({"truce_id": ["a"], "name": ["A"], "start": pd.to_datetime(["2019-01-01"]),
    ...                   "end": pd.to_datetime(["2019-05-05"]), "ended_by": ["escalation"]})
    >>> o = outcomes(t, pd.to_datetime(["2019-01-31", "2019-02-28", "2019-05-31"]), "2019-12-31", 90)
    >>> o["outcome"].tolist()[:2], pd.isna(o["truce_id"].iloc[2])
    ([1.0, 0.0], True)
    """
    as_of, horizon = pd.Timestamp(as_of), pd.Timedelta(days=int(horizon_days))
    known = survival.spells(truces, as_of, None, ending).set_index("truce_id")
    rows = []
    for date in pd.to_datetime(list(dates)):
        now = truce_in_force(truces, date)
        outcome = np.nan
        if now is not None:
            final = known.loc[now["truce_id"]]
            counted_end = bool(final["observed"])
            if counted_end and final["until"] <= date + horizon:
                outcome = 0.0
            elif date + horizon <= as_of:
                open_unknown = not final["ended"] and unknown_after is not None
                outcome = np.nan if open_unknown and date + horizon > pd.Timestamp(unknown_after) else 1.0
        rows.append({"date": date, "truce_id": None if now is None else now["truce_id"], "outcome": outcome})
    return pd.DataFrame(rows, columns=["date", "truce_id", "outcome"])


def brier(probabilities, outcome) -> float | None:
    """The Brier score of ``probabilities`` against 0/1 ``outcome``, over the pairs where both are known.

    >>> brier([0.8, 0.6, 0.9], [1, 0, float("nan")])
    0.2
    """
    p, y = np.asarray(probabilities, float), np.asarray(outcome, float)
    both = ~np.isnan(p) & ~np.isnan(y)
    return float(np.round(np.mean((p[both] - y[both]) ** 2), 12)) if both.any() else None


def climatology(frame: pd.DataFrame, horizon_days: int) -> pd.Series:
    """The no-model baseline at each date: the share of earlier dates with an outcome known then that lasted.

    The outcome of date ``d`` counts at ``m`` once ``d + N <= m``: the
    conservative choice, so the baseline never uses an ending before the
    horizon it was judged over has passed. One half when none counts yet.

    >>> f = pd.DataFrame({"date": pd.to_datetime(["2019-01-31", "2019-02-28", "2019-07-31"]),
    ...                   "outcome": [1.0, 1.0, float("nan")]})
    >>> climatology(f, 90).tolist()
    [0.5, 0.5, 1.0]
    """
    horizon = pd.Timedelta(days=int(horizon_days))
    dates, outcome = frame["date"], frame["outcome"]
    base = []
    for m in dates:
        known = outcome[(dates + horizon <= m) & outcome.notna()]
        base.append(float(known.mean()) if len(known) else 0.5)
    return pd.Series(base, index=frame.index, name="climatology")


@dataclass(frozen=True)
class Score:
    """One forecast's Brier score over the scored month ends."""

    forecast: str
    months: int  # month ends with a known outcome and a forecast
    endings: int  # of which, how many saw the truce end within the horizon
    brier: float | None


def scores(frame: pd.DataFrame, columns: dict) -> list[Score]:
    """The Brier score of each forecast column (name -> column of ``frame``) against ``frame["outcome"]``."""
    out = []
    for name, column in columns.items():
        both = frame[column].notna() & frame["outcome"].notna()
        out.append(Score(name, int(both.sum()), int((frame.loc[both, "outcome"] == 0).sum()),
                         brier(frame.loc[both, column], frame.loc[both, "outcome"])))
    return out


def falls(series: pd.DataFrame, column: str, reference_months: int, threshold: float) -> pd.DataFrame:
    """Each reading with its reference inside the same truce, and whether it fell by ``threshold`` or more.

    ``series`` has ``date``, ``truce_id`` and the reading ``column`` (NaN where
    none). The reference is the reading at the latest date on or before
    ``date - reference_months`` in the same truce, or the truce's first
    reading when the truce is younger than that.
    """
    rows = []
    for row in series.itertuples(index=False):
        value = getattr(row, column)
        ref_date, ref = None, np.nan
        if pd.notna(row.truce_id) and not pd.isna(value):
            same = series[(series["truce_id"] == row.truce_id) & series[column].notna() & (series["date"] < row.date)]
            if len(same):
                earlier = same[same["date"] <= row.date - pd.DateOffset(months=reference_months)]
                pick = earlier.iloc[-1] if len(earlier) else same.iloc[0]
                ref_date, ref = pick["date"], float(pick[column])
        fell = bool(not np.isnan(ref) and value <= ref - threshold)
        rows.append({"date": row.date, "truce_id": row.truce_id, "reading": value, "reference_date": ref_date,
                     "reference": ref, "fell": fell})
    return pd.DataFrame(rows, columns=["date", "truce_id", "reading", "reference_date", "reference", "fell"])


def classify(series: pd.DataFrame, column: str, breakdowns: pd.DataFrame, as_of, warning_months: int,
             reference_months: int, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hits and misses for each breakdown, and the false alarms.

    Parameters
    ----------
    series : DataFrame
        ``date``, ``truce_id``, and the reading ``column``; month ends.
    breakdowns : DataFrame
        ``truce_id``, ``name``, ``end``: the truces that ended in a breakdown.
    threshold : float
        How far below its reference a reading must be to count as a fall.

    Returns
    -------
    (DataFrame, DataFrame)
        Per breakdown: ``name``, ``end``, ``run_up`` (the month ends read),
        ``fell_on`` (month ends that fell), ``verdict`` (hit, miss, not computable).
        False alarms: the rows of :func:`falls` that fell with no breakdown
        within ``warning_months`` after them, among those whose window has passed.
    """
    as_of = pd.Timestamp(as_of)
    marked = falls(series, column, reference_months, threshold)
    verdicts = []
    for b in breakdowns.itertuples(index=False):
        lo = b.end - pd.DateOffset(months=warning_months)
        run_up = marked[(marked["truce_id"] == b.truce_id) & (marked["date"] >= lo) & (marked["date"] < b.end)]
        readable = run_up[run_up["reference"].notna()]
        if readable.empty:
            verdict = NOT_COMPUTABLE
        else:
            verdict = HIT if readable["fell"].any() else MISS
        verdicts.append({"name": b.name, "end": b.end, "run_up": list(run_up["date"]),
                         "fell_on": list(readable.loc[readable["fell"], "date"]), "verdict": verdict})
    ends = pd.to_datetime(breakdowns["end"]) if len(breakdowns) else pd.Series([], dtype="datetime64[ns]")
    alarms = []
    for row in marked[marked["fell"]].itertuples(index=False):
        window_end = row.date + pd.DateOffset(months=warning_months)
        followed = ((ends > row.date) & (ends <= window_end)).any()
        if not followed and window_end <= as_of:
            alarms.append(row._asdict())
    return (pd.DataFrame(verdicts, columns=["name", "end", "run_up", "fell_on", "verdict"]),
            pd.DataFrame(alarms, columns=marked.columns))
