"""Helpers for period observations (soybeans, rare earths): pick, partition, cite.

Observation datasets hold amounts over inclusive periods that overlap (a
month, a quarter, the year to date). These functions pick the preferred row
of each period and split a series into non-overlapping whole-month buckets,
so monthly charts and sums never double-count.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from analysis.errors import ParameterError


def preferred(frame: pd.DataFrame, series: str, unit: str | None = None) -> pd.DataFrame:
    """Rows of one series (optionally one unit) that are marked preferred."""
    rows = frame[(frame["series"] == series) & frame["preferred"]]
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    return rows.sort_values(["period_start", "period_end"]).reset_index(drop=True)


def known_as_of(frame: pd.DataFrame, as_of) -> pd.DataFrame:
    """Rows whose period has ended by ``as_of`` (what could be known then)."""
    return frame[frame["period_end"] <= pd.Timestamp(as_of)]


def dated_as_of(frame: pd.DataFrame, as_of, date: str = "date", reported: str | None = "reported") -> pd.DataFrame:
    """Rows knowable on ``as_of``: dated on or before it, or reported on or before it.

    A measure announced before it takes effect was knowable from its
    announcement, so a row counts once either its ``date`` or its
    ``reported`` date (when the column exists and is filled) has passed.

    >>> f = pd.DataFrame({"date": pd.to_datetime(["2025-02-04", "2025-04-09", "2025-06-01"]),
    ...                   "reported": pd.to_datetime(["2025-02-01", None, None])})
    >>> dated_as_of(f, "2025-02-02").index.tolist(), dated_as_of(f, "2025-05-01").index.tolist()
    ([0], [0, 1])
    """
    as_of = pd.Timestamp(as_of)
    known = frame[date] <= as_of
    if reported is not None and reported in frame:
        known |= frame[reported].notna() & (frame[reported] <= as_of)
    return frame[known]


def month_span(start, end) -> pd.PeriodIndex | None:
    """The months of a period that is exactly whole months, else ``None``.

    >>> list(month_span("2024-01-01", "2024-02-29").astype(str))
    ['2024-01', '2024-02']
    >>> month_span("2025-10-30", "2025-12-20") is None
    True
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    months = pd.period_range(start, end, freq="M")
    if start != months[0].start_time or end != months[-1].end_time.normalize():
        return None
    return months


def monthly_partition(frame: pd.DataFrame, max_months: int = 3) -> pd.DataFrame:
    """Split observations into non-overlapping whole-month buckets.

    Single months are taken first; a multi-month row (up to ``max_months``
    long, e.g. China's combined January-February release) fills only months
    that nothing else covers. Longer cumulative rows (year to date, annual)
    are never used, so no month is counted twice.

    Returns
    -------
    DataFrame
        The chosen rows, with a ``months`` column (number of months covered).
    """
    candidates = []
    for index, row in frame.iterrows():
        months = month_span(row["period_start"], row["period_end"])
        if months is not None and len(months) <= max_months:
            candidates.append((len(months), row["period_start"], index, set(months)))
    covered: set = set()
    chosen = []
    for length, _, index, months in sorted(candidates, key=lambda c: (c[0], c[1])):
        if months & covered:
            continue
        covered |= months
        chosen.append((index, length))
    out = frame.loc[[i for i, _ in chosen]].copy()
    out["months"] = [n for _, n in chosen]
    return out.sort_values("period_start").reset_index(drop=True)


def gaps(partition: pd.DataFrame, start, end) -> list[pd.Period]:
    """Months between ``start`` and ``end`` (inclusive) that no bucket covers."""
    covered = set()
    for row in partition.itertuples():
        covered |= set(pd.period_range(row.period_start, row.period_end, freq="M"))
    wanted = pd.period_range(pd.Timestamp(start), pd.Timestamp(end), freq="M")
    return [m for m in wanted if m not in covered]


SCHEDULED_TYPES = ("scheduling", "expiry")


def event_evidence(events: pd.DataFrame) -> pd.DataFrame:
    """Events with an ``evidence`` column: the date each row became evidence.

    A dated event is evidence from its date. A scheduled item (an expiry or a
    scheduling note) is dated by when it is due, which may lie in the future;
    it is evidence only from when it was reported, and not at all without a
    reported date. This is what dates the events ledger (:mod:`analysis.data.evidence`),
    or a page would say its evidence runs to a deadline nobody has seen yet.

    >>> e = pd.DataFrame({"date": pd.to_datetime(["2026-06-02", "2027-06-23", "2026-11-10"]),
    ...                   "reported": pd.to_datetime([None, None, "2025-11-07"]),
    ...                   "type": ["threat", "scheduling", "expiry"]})
    >>> event_evidence(e)["evidence"].dt.strftime("%Y-%m-%d").fillna("none").tolist()
    ['2026-06-02', 'none', '2025-11-07']
    """
    scheduled = events["type"].isin(SCHEDULED_TYPES)
    return events.assign(evidence=events["date"].where(~scheduled, events["reported"]))


TODAY = "today"


def resolve_as_of(as_of: str) -> pd.Timestamp:
    """Turn the ``as_of`` parameter into a date; ``"today"`` is the day the report runs.

    ``truce build`` replaces ``"today"`` with the build date before the
    notebook starts, so the published page and its rebuild command name the
    same day. In JupyterLab and plain papermill it is the kernel's local date.

    >>> resolve_as_of("2026-01-31")
    Timestamp('2026-01-31 00:00:00')
    """
    if as_of == TODAY:
        return pd.Timestamp(dt.date.today())
    return iso_date("as_of", as_of, f"or {TODAY!r}")


def check_as_of(as_of) -> None:
    """Check the ``as_of`` parameter is ``"today"`` or an ISO date.

    >>> check_as_of("2026-01-31"); check_as_of("today")
    >>> check_as_of("31/01/2026")
    Traceback (most recent call last):
    analysis.errors.ParameterError: parameter 'as_of': '31/01/2026' is not an ISO date (YYYY-MM-DD) or 'today'
    """
    if as_of != TODAY:
        iso_date("as_of", as_of, f"or {TODAY!r}")


def iso_date(name: str, value, also: str = "") -> pd.Timestamp:
    """Parse a date parameter written ``YYYY-MM-DD``.

    Raises
    ------
    ParameterError
        Naming the parameter ``name`` when ``value`` is not a valid ISO date.

    >>> iso_date("flows_from", "2024-01-01")
    Timestamp('2024-01-01 00:00:00')
    """
    message = f"{value!r} is not an ISO date (YYYY-MM-DD){' ' + also if also else ''}"
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ParameterError(name, message)
    try:
        return pd.Timestamp(value)
    except ValueError:
        raise ParameterError(name, message) from None
