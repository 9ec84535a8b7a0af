"""The rare-earth magnet report's computations: China's magnet exports under each export-control regime.

Monthly exports of HS 8505.11 permanent magnets, in total and to the US, are
taken from non-overlapping whole-month buckets (a combined January-February
release is one bucket spanning both months), indexed to a baseline monthly
average, compared year on year where both months exist, and set against the
control regimes dated in ``events.csv``. Months with no figure stay gaps.
What a reader sees (prose, tables, charts) is built from the result by
:mod:`analysis.views.rare_earths`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import provenance
from analysis import runlog
from analysis.data import series as obs
from analysis.errors import ParameterError
from analysis.data.loaders import load_events, load_rare_earths, load_sources

SERIES = {"magnet_exports_total": "All destinations", "magnet_exports_to_us": "To the United States"}
# Rows sharing these columns are alternative sources for one figure (provenance.grade's key).
FIGURE_KEY = ["series", "period_start", "period_end", "unit"]
# Longest bucket a monthly view accepts: China's customs publishes January and February together.
MAX_BUCKET_MONTHS = 2


@dataclass(frozen=True)
class RegimeSpec:
    """A control regime: the event that starts it and the words the report uses for it."""

    event_id: str
    label: str
    also: tuple = ()  # later events that formalised the same change


REGIMES = (
    RegimeSpec("2025-04-04-china-rare-earth-export-controls",
               "Licences required for medium and heavy rare earths and magnets made with them"),
    RegimeSpec("2025-10-09-china-expanded-export-controls", "October package of wider controls added"),
    RegimeSpec("2025-10-30-china-says-oct9-controls-suspended",
               "October package suspended; the April licensing stays", also=("2025-11-07-announcement-70",)),
    RegimeSpec("2025-12-18-mofcom-grants-general-licences", "Suspension continues, with general licences"),
    RegimeSpec("2026-11-10-scheduled-expiry-announcement-70",
               "Suspension's scheduled end passed: no source says what followed"),
)


@dataclass(frozen=True)
class MagnetReport:
    """The computed content of one rare-earth magnet report."""

    as_of: pd.Timestamp
    chart_from: pd.Timestamp
    baseline_start: pd.Timestamp
    baseline_end: pd.Timestamp
    baseline_spans: list  # (period_start, period_end) of the buckets averaged, common to both series
    baseline: dict  # series -> baseline monthly average (t)
    buckets: dict  # series -> monthly buckets with index, yoy and evidence flags
    gaps: dict  # series -> months in the chart window with no figure
    monthly: pd.DataFrame  # long chart frame, one row per bucket or missing month
    regimes: pd.DataFrame
    sources: pd.DataFrame



def monthly_buckets(rare_earths: pd.DataFrame, series: str, as_of, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Whole-month buckets of one series known on ``as_of``, graded.

    Grading runs before the preferred row is picked, so a figure is weak only
    when every source for it, preferred or not, is secondary.

    Returns
    -------
    DataFrame
        The chosen rows with ``months``, ``per_month`` (value / months),
        ``reliability`` and ``weak``.
    """
    graded = provenance.grade(rare_earths, FIGURE_KEY, sources)
    rows = obs.known_as_of(obs.preferred(graded, series, "t"), as_of)
    buckets = obs.monthly_partition(prefer_reported(rows), max_months=MAX_BUCKET_MONTHS)
    buckets["per_month"] = buckets["value"] / buckets["months"]
    return buckets


def prefer_reported(rows: pd.DataFrame, max_months: int = MAX_BUCKET_MONTHS) -> pd.DataFrame:
    """Drop derived single months that a reported multi-month row already covers.

    ``monthly_partition`` takes single months first; without this, a month
    derived from a neighbour's growth rate would push out the customs
    office's own combined January-February figure and leave January empty.
    """
    spans = [obs.month_span(a, b) for a, b in zip(rows["period_start"], rows["period_end"])]
    covered = set()
    for span, derived in zip(spans, rows["derived"]):
        if span is not None and 1 < len(span) <= max_months and not derived:
            covered |= set(span)
    keep = [not (derived and span is not None and len(span) == 1 and span[0] in covered)
            for span, derived in zip(spans, rows["derived"])]
    return rows[keep]


def baseline_spans(buckets: dict, start, end) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Bucket periods inside ``[start, end]`` that every series has, oldest first.

    Using only periods both series cover keeps the two indices comparable:
    each is measured against the same months.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    common = None
    for frame in buckets.values():
        inside = frame[(frame["period_start"] >= start) & (frame["period_end"] <= end)]
        spans = set(zip(inside["period_start"], inside["period_end"]))
        common = spans if common is None else common & spans
    return sorted(common or [])


def baseline_average(buckets: pd.DataFrame, spans) -> float:
    """Monthly average over the given bucket periods: total tonnes / months covered."""
    wanted = set(spans)
    chosen = buckets[[(s, e) in wanted for s, e in zip(buckets["period_start"], buckets["period_end"])]]
    if chosen.empty:
        raise ValueError("no bucket in the baseline")
    return float(chosen["value"].sum() / chosen["months"].sum())


def index_to(buckets: pd.DataFrame, average: float) -> pd.Series:
    """Each bucket's monthly amount as a share of the baseline monthly average, times 100."""
    return buckets["per_month"] / average * 100


def year_on_year(buckets: pd.DataFrame) -> pd.DataFrame:
    """Change on the same period a year earlier, where buckets tile that period exactly.

    Returns
    -------
    DataFrame
        ``yoy`` (percent, NaN when the earlier period is not fully covered),
        ``yoy_derived`` and ``yoy_weak`` (True when either side is derived or
        weak), aligned with ``buckets``.
    """
    out = []
    for row in buckets.itertuples():
        first = row.period_start - pd.DateOffset(years=1)
        last = (row.period_end + pd.Timedelta(days=1) - pd.DateOffset(years=1)) - pd.Timedelta(days=1)
        prior = buckets[(buckets["period_start"] >= first) & (buckets["period_end"] <= last)]
        tiles = (len(prior) and prior["period_start"].min() == first and prior["period_end"].max() == last
                 and prior["months"].sum() == row.months)
        if not tiles:
            out.append((float("nan"), False, False))
            continue
        out.append(((row.value / prior["value"].sum() - 1) * 100,
                    bool(row.derived or prior["derived"].any()), bool(row.weak or prior["weak"].any())))
    return pd.DataFrame(out, columns=["yoy", "yoy_derived", "yoy_weak"], index=buckets.index)


def recovery_ratio(buckets: pd.DataFrame, average: float) -> tuple[pd.Series | None, float | None]:
    """The latest bucket and its monthly amount as a percentage of the baseline monthly average."""
    if buckets.empty:
        return None, None
    latest = buckets.sort_values("period_end").iloc[-1]
    return latest, float(latest["per_month"] / average * 100)


def regime_periods(events: pd.DataFrame, as_of, specs=REGIMES) -> pd.DataFrame:
    """Control regimes knowable on ``as_of``, each from its event's date to the day before the next.

    The last regime runs to ``as_of``. A regime whose event is not yet
    known, or starts after ``as_of``, is left out.

    Returns
    -------
    DataFrame
        ``regime``, ``start``, ``end``, ``event_id``, ``also``, ``description``, ``source_id``.
    """
    as_of = pd.Timestamp(as_of)
    known = obs.dated_as_of(events, as_of).set_index("event_id")
    rows = []
    for spec in specs:
        if spec.event_id not in known.index or known.loc[spec.event_id, "date"] > as_of:
            continue
        event = known.loc[spec.event_id]
        also = [e for e in spec.also if e in known.index]
        rows.append({"regime": spec.label, "start": event["date"], "event_id": spec.event_id,
                     "also": ", ".join(also), "description": event["description"], "source_id": event["source_id"],
                     "also_sources": [known.loc[e, "source_id"] for e in also]})
    frame = pd.DataFrame(rows, columns=["regime", "start", "event_id", "also", "description", "source_id", "also_sources"])
    frame = frame.sort_values("start").reset_index(drop=True)
    frame.insert(2, "end", list(frame["start"].iloc[1:] - pd.Timedelta(days=1)) + [as_of] if len(frame) else [])
    return frame


def evidence(derived: bool, weak: bool, months: int) -> str:
    """Status of a bucket for charts: weak beats derived beats combined months.

    >>> evidence(True, True, 1), evidence(False, False, 2), evidence(False, False, 1)
    ('weak', 'combined months', 'reported')
    """
    if weak:
        return "weak"
    if derived:
        return "derived"
    return "combined months" if months > 1 else "reported"


def last_full_month(as_of) -> pd.Period:
    """The last calendar month that has ended by ``as_of``.

    >>> str(last_full_month("2026-03-31")), str(last_full_month("2026-03-30"))
    ('2026-03', '2026-02')
    """
    return (pd.Timestamp(as_of) + pd.Timedelta(days=1)).to_period("M") - 1


def check_parameters(*, as_of: str, baseline_start: str, baseline_end: str, chart_from: str) -> None:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Raises
    ------
    ParameterError
        Naming the parameter.
    """
    obs.check_as_of(as_of)
    obs.iso_date("chart_from", chart_from)
    start, end = obs.iso_date("baseline_start", baseline_start), obs.iso_date("baseline_end", baseline_end)
    if end < start:
        raise ParameterError("baseline_end", f"{baseline_end!r} is before baseline_start {baseline_start!r}")


def compute(*, as_of: str, baseline_start: str, baseline_end: str, chart_from: str) -> MagnetReport:
    """Compute everything the rare-earth magnet report shows.

    The defaults are the notebook's parameters cell; every value is passed by name.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"latest"`` for the latest date in the data read. Only
        figures whose period ended, and events dated or reported, by then are used.
    baseline_start, baseline_end : str
        The baseline period; its months with a figure in both series set index 100.
    chart_from : str
        First month of the charts and the monthly table.
    """
    check_parameters(as_of=as_of, baseline_start=baseline_start, baseline_end=baseline_end, chart_from=chart_from)
    rare_earths, events, sources = load_rare_earths(), load_events(), load_sources()
    as_of_ts = obs.resolve_as_of(as_of, (rare_earths, "period_end"), (obs.event_evidence(events), "evidence"),
                                (sources, "accessed"))
    runlog.record(as_of=as_of_ts.date().isoformat())
    start, end = obs.iso_date("baseline_start", baseline_start), obs.iso_date("baseline_end", baseline_end)
    window = obs.iso_date("chart_from", chart_from).to_period("M").start_time
    if window > as_of_ts:
        raise ParameterError("chart_from", f"{chart_from!r} is after as_of {as_of_ts.date()}")

    buckets = {s: monthly_buckets(rare_earths, s, as_of_ts, sources) for s in SERIES}
    spans = baseline_spans(buckets, start, end)
    if not spans:
        raise ParameterError("baseline_start", f"no month from {start.date()} to {end.date()} has a figure for both "
                                               f"series known by {as_of_ts.date()}; choose another baseline period")
    baseline = {}
    for s, frame in buckets.items():
        baseline[s] = baseline_average(frame, spans)
        frame["index"] = index_to(frame, baseline[s])
        frame[["yoy", "yoy_derived", "yoy_weak"]] = year_on_year(frame)
        frame["status"] = [evidence(d, w, m) for d, w, m in zip(frame["derived"], frame["weak"], frame["months"])]

    last_month = last_full_month(as_of_ts)
    gaps = {s: (obs.gaps(b, window, last_month.end_time) if last_month.start_time >= window else [])
            for s, b in buckets.items()}
    regimes = regime_periods(events, as_of_ts)
    regimes = regimes[regimes["end"] >= window].reset_index(drop=True)
    cited = set(regimes["source_id"]) | {x for xs in regimes["also_sources"] for x in xs}
    for s, frame in buckets.items():
        shown = frame[(frame["period_end"] >= window) | frame["period_start"].isin([a for a, _ in spans])]
        cited |= set(shown["source_id"])
    return MagnetReport(
        as_of=as_of_ts, chart_from=window, baseline_start=start, baseline_end=end, baseline_spans=spans,
        baseline=baseline, buckets=buckets, gaps=gaps, monthly=monthly_frame(buckets, gaps, window),
        regimes=regimes,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
    )


def monthly_frame(buckets: dict, gaps: dict, window) -> pd.DataFrame:
    """Long frame for the charts: one row per bucket from ``window`` and one per missing month."""
    frames = []
    for s, frame in buckets.items():
        inside = frame[frame["period_end"] >= pd.Timestamp(window)]
        frames.append(pd.DataFrame({
            "series": SERIES[s], "month": inside["period_start"], "period_end": inside["period_end"],
            "value": inside["value"], "per_month": inside["per_month"], "index": inside["index"],
            "status": inside["status"],
        }))
        frames.append(pd.DataFrame({
            "series": SERIES[s], "month": [m.start_time for m in gaps[s]],
            "period_end": [m.end_time.normalize() for m in gaps[s]], "value": float("nan"),
            "per_month": float("nan"), "index": float("nan"), "status": "no data",
        }))
    out = pd.concat([f for f in frames if len(f)], ignore_index=True).sort_values(["series", "month"])
    out["bar_end"] = out["period_end"] + pd.Timedelta(days=1)
    out["mid"] = out["month"] + (out["bar_end"] - out["month"]) / 2
    return out.reset_index(drop=True)


def low_point(buckets: pd.DataFrame, after) -> pd.Series | None:
    """The bucket with the lowest index that starts on or after ``after``."""
    rows = buckets[buckets["period_start"] >= pd.Timestamp(after)]
    return rows.loc[rows["index"].idxmin()] if len(rows) else None

