"""The rare-earth magnet report's computations: China's magnet exports under each export-control regime.

Monthly exports of HS 8505.11 permanent magnets, in total and to the US, are
taken from non-overlapping whole-month buckets (a combined January-February
release is one bucket spanning both months), indexed to a baseline monthly
average, compared year on year where both months exist, and set against the
control regimes dated in ``events.csv``. Months with no figure stay gaps.
What a reader sees (prose, tables, charts) is built from the result by
:mod:`analysis.views.rare_earths`.

Date parameters default to ``"auto"`` and follow ``as_of``:

- the baseline is the :data:`BASELINE_MONTHS` whole months before the month
  in which the first control regime began (its date is read from the events
  ledger), and an index is computed only once that period has ended;
- the charts start :data:`CHART_LEAD_MONTHS` months before the baseline once
  it has ended, and :data:`CHART_LOOKBACK_MONTHS` months before ``as_of``
  before then, so an early page still shows the figures of its own time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.data import provenance
from analysis.data import series as obs
from analysis.data.evidence import ReportDates, report_dates
from analysis.data.loaders import load_events, load_rare_earths, load_sources
from analysis.errors import ParameterError

SERIES = {"magnet_exports_total": "All destinations", "magnet_exports_to_us": "To the United States"}
# The series the page dates, in the order its dates table lists them.
DATE_KEYS = ("rare_earths:magnet_exports_total", "rare_earths:magnet_exports_to_us", "events")
# Rows sharing these columns are alternative sources for one figure (provenance.grade's key).
FIGURE_KEY = ["series", "period_start", "period_end", "unit"]
# Longest bucket a monthly view accepts: China's customs publishes January and February together.
MAX_BUCKET_MONTHS = 2
AUTO = "auto"
# The baseline: whole months just before the first controls, long enough to smooth a month's noise
# and to hold the months both series have a figure for.
BASELINE_MONTHS = 9
# Charts show this many months before the baseline, for context ...
CHART_LEAD_MONTHS = 6
# ... or, on a page dated before the baseline has ended, this many months before as_of.
CHART_LOOKBACK_MONTHS = 24
# Why a report has no index (MagnetReport.index_missing).
BASELINE_INCOMPLETE = "baseline_incomplete"
NO_COMMON_MONTH = "no_common_month"


@dataclass(frozen=True)
class RegimeSpec:
    """A control regime: the event that starts it and the words the report uses for it."""

    event_id: str
    label: str  # ``{until}`` is replaced by the date of the ``until`` event
    also: tuple = ()  # later events that formalised the same change
    until: str = ""  # the scheduled-expiry event whose date the label names
    # Events that replace this regime: once any is known on as_of, the regime is left out.
    replaced_by: tuple = ()


EXTENSION = ("2026-09-23-bessent-truce-extended-to-2027-01-10", "2026-09-25-mofcom-kl-arrangement-extended")
REGIMES = (
    RegimeSpec("2025-04-04-china-rare-earth-export-controls",
               "Licences required for medium and heavy rare earths and magnets made with them"),
    RegimeSpec("2025-10-09-china-expanded-export-controls", "October package of wider controls added"),
    RegimeSpec("2025-10-30-china-says-oct9-controls-suspended",
               "October package suspended; the April licensing stays", also=("2025-11-07-announcement-70",)),
    RegimeSpec("2025-12-18-mofcom-grants-general-licences", "Suspension continues, with general licences"),
    # The September 2026 round moved the suspension's end from 10 Nov 2026; the US account names rare
    # earths, MOFCOM's does not, so the label keeps the conflict.
    RegimeSpec(EXTENSION[0], "Suspension extended to {until} (US account; MOFCOM's wording does not name rare earths)",
               also=EXTENSION[1:], until="2027-01-10-scheduled-expiry-extended-truce"),
    RegimeSpec("2026-11-10-scheduled-expiry-announcement-70",
               "Suspension's scheduled end passed: no source says what followed", replaced_by=EXTENSION),
    RegimeSpec("2027-01-10-scheduled-expiry-extended-truce",
               "Extended suspension's scheduled end passed: no source says what followed"),
)
# The regime in which the April licensing is known to have outlived a suspension of the rest.
SUSPENSION_EVENT = REGIMES[2].event_id


@dataclass(frozen=True)
class Window:
    """The resolved date parameters: the baseline period and the first month of the charts."""

    baseline_start: pd.Timestamp
    baseline_end: pd.Timestamp
    chart_from: pd.Timestamp
    first_regime: pd.Timestamp  # the day the first control regime began, from the events ledger
    auto: frozenset  # names of the parameters resolved from "auto"


@dataclass(frozen=True)
class MagnetReport:
    """The computed content of one rare-earth magnet report."""

    as_of: pd.Timestamp
    dates: ReportDates
    chart_from: pd.Timestamp
    baseline_start: pd.Timestamp
    baseline_end: pd.Timestamp
    auto: frozenset  # parameters resolved from "auto"
    first_regime: pd.Timestamp  # the day the first control regime began (from the ledger, whatever as_of)
    first_regime_label: str
    baseline_spans: list  # (period_start, period_end) of the buckets averaged, common to both series
    baseline: dict  # series -> baseline monthly average (t); empty when there is no index
    index_missing: str  # "" when indexed, else BASELINE_INCOMPLETE or NO_COMMON_MONTH
    buckets: dict  # series -> monthly buckets with index, yoy and evidence flags
    gaps: dict  # series -> months in the chart window with no figure
    monthly: pd.DataFrame  # long chart frame, one row per bucket or missing month
    regimes: pd.DataFrame
    moved: pd.DataFrame  # scheduled regime changes known on as_of that a later decision moved (moved_ends)
    sources: pd.DataFrame

    @property
    def has_index(self) -> bool:
        return not self.index_missing

    @property
    def before_controls(self) -> bool:
        """True when no control regime had begun by ``as_of``."""
        return self.as_of < self.first_regime


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
    # A Series mask, not a list: an empty list would select no columns instead of no rows.
    return rows[pd.Series(keep, index=rows.index, dtype=bool)]


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


def recovery_ratio(buckets: pd.DataFrame, average: float | None) -> tuple[pd.Series | None, float | None]:
    """The latest bucket and its monthly amount as a percentage of the baseline monthly average.

    The ratio is ``None`` when there is no bucket or no baseline average.
    """
    if buckets.empty:
        return None, None
    latest = buckets.sort_values("period_end").iloc[-1]
    return latest, (None if average is None else float(latest["per_month"] / average * 100))


def _day(value) -> str:
    """A date as words for a regime label: ``10 Jan 2027``."""
    value = pd.Timestamp(value)
    return f"{value.day} {value:%b %Y}"


def regime_periods(events: pd.DataFrame, as_of, specs=REGIMES) -> pd.DataFrame:
    """Control regimes knowable on ``as_of``, each from its event's date to the day before the next.

    The last regime runs to ``as_of``. A regime whose event is not yet
    known, or starts after ``as_of``, is left out, and so is one whose
    ``replaced_by`` events are known by then (a scheduled end that a later
    decision moved).

    Returns
    -------
    DataFrame
        ``regime``, ``start``, ``end``, ``event_id``, ``also``, ``description``, ``source_id``, ``also_sources``.
    """
    as_of = pd.Timestamp(as_of)
    known = obs.dated_as_of(events, as_of).set_index("event_id")
    rows = []
    for spec in specs:
        if spec.event_id not in known.index or known.loc[spec.event_id, "date"] > as_of:
            continue
        if any(e in known.index for e in spec.replaced_by):
            continue
        event = known.loc[spec.event_id]
        also = [e for e in spec.also if e in known.index]
        until = _day(known.loc[spec.until, "date"]) if spec.until in known.index else "a later date"
        rows.append({"regime": spec.label.format(until=until), "start": event["date"], "event_id": spec.event_id,
                     "also": ", ".join(also), "description": event["description"], "source_id": event["source_id"],
                     "also_sources": [known.loc[e, "source_id"] for e in also]})
    columns = ["regime", "start", "event_id", "also", "description", "source_id", "also_sources"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start"] = pd.to_datetime(frame["start"])
    frame = frame.sort_values("start").reset_index(drop=True)
    frame.insert(2, "end", (frame["start"].shift(-1) - pd.Timedelta(days=1)).fillna(as_of))
    return frame


def moved_ends(events: pd.DataFrame, as_of, specs=REGIMES) -> pd.DataFrame:
    """Regime events known on ``as_of`` that are left out because a later decision replaced them.

    A scheduled end that an extension moved is not a regime boundary; the page says so, so a
    reader who knows the original date sees why no regime starts on it.

    Returns
    -------
    DataFrame
        ``event_id``, ``date``, ``description``, ``moved_by`` (the known replacing event ids, comma-separated).
    """
    as_of = pd.Timestamp(as_of)
    known = obs.dated_as_of(events, as_of).set_index("event_id")
    rows = []
    for spec in specs:
        by = [e for e in spec.replaced_by if e in known.index]
        if spec.event_id in known.index and by:
            event = known.loc[spec.event_id]
            rows.append({"event_id": spec.event_id, "date": event["date"], "description": event["description"],
                         "moved_by": ", ".join(by)})
    return pd.DataFrame(rows, columns=["event_id", "date", "description", "moved_by"])


def first_regime(events: pd.DataFrame, specs=REGIMES) -> tuple[pd.Timestamp, str]:
    """The day the first control regime began and its label, read from the whole ledger.

    It is read whatever the as-of date: a page dated before the controls
    says when they began, and the default baseline ends just before them.
    """
    dated = events.set_index("event_id")["date"]
    starts = [(dated[s.event_id], s.label) for s in specs if s.event_id in dated.index]
    if not starts:
        raise ValueError("events.csv has no event that starts a control regime")
    return min(starts, key=lambda pair: pair[0])


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


# ---------------------------------------------------------------- parameters


def auto_baseline_end(first_regime_start) -> pd.Timestamp:
    """Default end of the baseline: the last day of the month before the first regime's month.

    A regime that began on 4 April leaves April itself out: part of it was under controls.

    >>> auto_baseline_end("2025-04-04")
    Timestamp('2025-03-31 00:00:00')
    """
    return (pd.Timestamp(first_regime_start).to_period("M") - 1).end_time.normalize()


def auto_baseline_start(baseline_end) -> pd.Timestamp:
    """Default start of the baseline: :data:`BASELINE_MONTHS` whole months ending with ``baseline_end``'s month.

    >>> auto_baseline_start("2025-03-31")
    Timestamp('2024-07-01 00:00:00')
    """
    return (pd.Timestamp(baseline_end).to_period("M") - (BASELINE_MONTHS - 1)).start_time


def auto_chart_from(baseline_start, baseline_end, as_of) -> pd.Timestamp:
    """Default first month of the charts.

    Once the baseline period has ended on ``as_of``, :data:`CHART_LEAD_MONTHS`
    months before the baseline, so the baseline and what came before the
    controls are in view; before that (no index yet), the
    :data:`CHART_LOOKBACK_MONTHS` months up to ``as_of``'s month, so an early
    page still shows the figures of its own time.

    >>> auto_chart_from("2024-07-01", "2025-03-31", as_of="2026-12-03")
    Timestamp('2024-01-01 00:00:00')
    >>> auto_chart_from("2024-07-01", "2025-03-31", as_of="2020-06-30")
    Timestamp('2018-06-01 00:00:00')
    """
    if pd.Timestamp(baseline_end) <= pd.Timestamp(as_of):
        return (pd.Timestamp(baseline_start).to_period("M") - CHART_LEAD_MONTHS).start_time
    return (pd.Timestamp(as_of).to_period("M") - CHART_LOOKBACK_MONTHS).start_time


def _date_or_auto(name: str, value) -> pd.Timestamp | None:
    """An explicit date parameter as a date, ``None`` for ``"auto"``; else a ParameterError naming it."""
    return None if value == AUTO else obs.iso_date(name, value, f"or {AUTO!r}")


def resolve_window(as_of, events: pd.DataFrame, *, baseline_start, baseline_end, chart_from) -> Window:
    """Resolve the date parameters on ``as_of``; explicit values are checked against that date.

    ``"auto"`` baseline bounds may end after ``as_of`` (the page then has no
    index yet); explicit ones may not, nor may an explicit ``chart_from``.

    Raises
    ------
    ParameterError
        Naming the parameter whose value cannot work on ``as_of``.
    """
    as_of = pd.Timestamp(as_of)
    given = {"baseline_start": _date_or_auto("baseline_start", baseline_start),
             "baseline_end": _date_or_auto("baseline_end", baseline_end),
             "chart_from": _date_or_auto("chart_from", chart_from)}
    regime_start, _ = first_regime(events)
    end = given["baseline_end"] if given["baseline_end"] is not None else auto_baseline_end(regime_start)
    start = given["baseline_start"] if given["baseline_start"] is not None else auto_baseline_start(end)
    if end < start:
        name = "baseline_end" if given["baseline_end"] is not None else "baseline_start"
        raise ParameterError(name, f"the baseline would end on {end.date()}, before it starts on {start.date()}")
    explicit = [n for n in ("baseline_end", "baseline_start") if given[n] is not None]
    if explicit and end > as_of:
        raise ParameterError(explicit[0], f"the baseline period ({start.date()} to {end.date()}) is not complete on "
                                          f"as_of {as_of.date()}; use {AUTO!r} or a period that has ended")
    if given["chart_from"] is not None:
        window = given["chart_from"].to_period("M").start_time
        if window > as_of:
            raise ParameterError("chart_from", f"{chart_from!r} is after as_of {as_of.date()}")
    else:
        window = auto_chart_from(start, end, as_of)
    return Window(start, end, window, regime_start, frozenset(n for n, v in given.items() if v is None))


def load_frames() -> dict:
    """The datasets the report reads, by name (the form :func:`~analysis.data.evidence.report_dates` takes)."""
    return {"rare_earths": load_rare_earths(), "events": load_events(), "sources": load_sources()}


def _prepare(frames: dict, *, as_of: str, baseline_start, baseline_end, chart_from):
    """Resolve and check every parameter, and build the buckets they need; shared by the check and the compute."""
    obs.check_as_of(as_of)
    as_of_ts = obs.resolve_as_of(as_of)
    window = resolve_window(as_of_ts, frames["events"], baseline_start=baseline_start, baseline_end=baseline_end,
                            chart_from=chart_from)
    buckets = {s: monthly_buckets(frames["rare_earths"], s, as_of_ts, frames["sources"]) for s in SERIES}
    spans = baseline_spans(buckets, window.baseline_start, window.baseline_end) if window.baseline_end <= as_of_ts else []
    chosen = [n for n in ("baseline_start", "baseline_end") if n not in window.auto]
    if chosen and not spans:
        raise ParameterError(chosen[0], f"no month from {window.baseline_start.date()} to "
                                        f"{window.baseline_end.date()} has a figure for both series known by "
                                        f"{as_of_ts.date()}; choose another baseline period")
    return as_of_ts, window, buckets, spans


def check_parameters(*, as_of: str, baseline_start: str, baseline_end: str, chart_from: str) -> None:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Raises
    ------
    ParameterError
        Naming the parameter.
    """
    _prepare(load_frames(), as_of=as_of, baseline_start=baseline_start, baseline_end=baseline_end,
             chart_from=chart_from)


def compute(*, as_of: str, baseline_start: str, baseline_end: str, chart_from: str) -> MagnetReport:
    """Compute everything the rare-earth magnet report shows.

    The defaults are the notebook's parameters cell; every value is passed by name.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"today"``. Only figures whose period ended, and events
        dated or reported, by then are used.
    baseline_start, baseline_end : str
        The baseline period, or ``"auto"`` (see :func:`resolve_window`); its
        months with a figure in both series set index 100.
    chart_from : str
        First month of the charts and the monthly table, or ``"auto"``.
    """
    frames = load_frames()
    as_of_ts, window, buckets, spans = _prepare(frames, as_of=as_of, baseline_start=baseline_start,
                                                baseline_end=baseline_end, chart_from=chart_from)
    if window.baseline_end > as_of_ts:
        missing = BASELINE_INCOMPLETE
    else:
        missing = "" if spans else NO_COMMON_MONTH
    baseline = {s: baseline_average(frame, spans) for s, frame in buckets.items()} if not missing else {}
    for s, frame in buckets.items():
        frame["index"] = index_to(frame, baseline[s]) if baseline else float("nan")
        frame[["yoy", "yoy_derived", "yoy_weak"]] = year_on_year(frame)
        frame["status"] = [evidence(d, w, m) for d, w, m in zip(frame["derived"], frame["weak"], frame["months"])]

    start = window.chart_from
    last_month = last_full_month(as_of_ts)
    gaps = {s: (obs.gaps(b, start, last_month.end_time) if last_month.start_time >= start else [])
            for s, b in buckets.items()}
    regimes = regime_periods(frames["events"], as_of_ts)
    regimes = regimes[regimes["end"] >= start].reset_index(drop=True)
    _, regime_label = first_regime(frames["events"])
    return MagnetReport(
        as_of=as_of_ts, dates=report_dates(DATE_KEYS, as_of_ts, frames), chart_from=start,
        baseline_start=window.baseline_start, baseline_end=window.baseline_end, auto=window.auto,
        first_regime=window.first_regime, first_regime_label=regime_label, baseline_spans=spans, baseline=baseline,
        index_missing=missing, buckets=buckets, gaps=gaps, monthly=monthly_frame(buckets, gaps, start),
        regimes=regimes, moved=moved_ends(frames["events"], as_of_ts),
        sources=cited_sources(frames["sources"], regimes, buckets, start, spans),
    )


def cited_sources(sources: pd.DataFrame, regimes: pd.DataFrame, buckets: dict, start, spans) -> pd.DataFrame:
    """Sources behind what the page shows: the regimes, the buckets from ``start`` and the baseline's buckets."""
    cited = set(regimes["source_id"]) | {x for xs in regimes["also_sources"] for x in xs}
    for frame in buckets.values():
        shown = frame[(frame["period_end"] >= start) | frame["period_start"].isin([a for a, _ in spans])]
        cited |= set(shown["source_id"])
    return sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True)


MONTHLY_COLUMNS = ["series", "month", "period_end", "value", "per_month", "index", "status"]


def monthly_frame(buckets: dict, gaps: dict, window) -> pd.DataFrame:
    """Long frame for the charts: one row per bucket from ``window`` and one per missing month.

    Columns ``series``, ``month``, ``period_end``, ``value``, ``per_month``,
    ``index``, ``status``, ``bar_end`` and ``mid``; no rows when the window
    holds neither a figure nor a missing month.
    """
    frames = []
    for s, frame in buckets.items():
        inside = frame[frame["period_end"] >= pd.Timestamp(window)]
        frames.append(pd.DataFrame({
            "series": SERIES[s], "month": inside["period_start"], "period_end": inside["period_end"],
            "value": inside["value"], "per_month": inside["per_month"], "index": inside["index"],
            "status": inside["status"],
        }))
        frames.append(pd.DataFrame({
            "series": SERIES[s], "month": pd.to_datetime([m.start_time for m in gaps[s]]),
            "period_end": pd.to_datetime([m.end_time.normalize() for m in gaps[s]]), "value": float("nan"),
            "per_month": float("nan"), "index": float("nan"), "status": "no data",
        }))
    filled = [f for f in frames if len(f)]
    if not filled:
        out = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("month", "period_end") else "object")
                            for c in MONTHLY_COLUMNS})
    else:
        out = pd.concat(filled, ignore_index=True).sort_values(["series", "month"])
    out["bar_end"] = out["period_end"] + pd.Timedelta(days=1)
    out["mid"] = out["month"] + (out["bar_end"] - out["month"]) / 2
    return out.reset_index(drop=True)


def low_point(buckets: pd.DataFrame, after) -> pd.Series | None:
    """The bucket with the lowest index that starts on or after ``after``; ``None`` when none has an index."""
    rows = buckets[(buckets["period_start"] >= pd.Timestamp(after)) & buckets["index"].notna()]
    return rows.loc[rows["index"].idxmin()] if len(rows) else None
