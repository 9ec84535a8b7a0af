"""The purchase-commitment tracker's computations: what ``notebooks/purchases.ipynb`` measures.

It lists the purchase pledges in force on the as-of date (tonnage, value and
units), measures the soybean tonnage pledge in force (or the one chosen) with
every soybean series in ``soybeans.csv`` side by side, picks the series that
sets its status by stated rules, judges each series at its own last figure,
and keeps the pledges already resolved or replaced as history. Before any
soybean tonnage pledge was announced there is nothing to measure: the result
then holds only the monthly arrivals. What a reader sees (prose, tables,
charts) is built from the result by :mod:`analysis.views.purchases`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain import commitments as cm
# The series, the seasonal baseline and the since-start curve are shared with the durability report.
from analysis.domain.commitments import BASELINE_SERIES, SERIES, SeriesSpec, since_start_curve  # noqa: F401
from analysis.domain import usda_sales
from analysis.data import evidence
from analysis.data import series as obs
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_soybeans, load_sources


METHODS = ("linear", "seasonal")
# A parameter written this way is resolved relative to as_of (see :func:`resolve`).
AUTO = "auto"
# With no commitment to anchor it, the monthly-arrivals chart shows this many calendar months to as_of.
FLOWS_WINDOW_MONTHS = 24
# USDA's sales rows count from the marketing year's start; they are re-based to a pledge's start first.
USDA_SALES = "usda_sales_to_cn"


@dataclass(frozen=True)
class Choices:
    """The report's parameters as they apply on one as-of date, ``auto`` values resolved."""

    as_of: pd.Timestamp
    record: pd.Series | None  # the commitment's row; None when no soybean tonnage pledge was announced by as_of
    commitment_auto: bool
    flows_from: pd.Timestamp
    flows_from_auto: bool
    baseline_years: tuple | None  # years of the arrivals profile; None when there is no commitment to weight
    baseline_auto: bool

    @property
    def baseline_year(self) -> int | None:
        """The newest year of the arrivals profile."""
        return None if not self.baseline_years else max(self.baseline_years)


@dataclass(frozen=True)
class Measured:
    """Every soybean series' reading of one tonnage pledge on one date, and the one that sets its status."""

    record: pd.Series
    deal: cm.Commitment
    curves: dict  # series name -> cumulative curve (running maximum), dates counted through <= as_of
    points: dict  # series name -> DataFrame: date, value (the figure), running, held, floor, source_id
    by_series: dict  # series name -> Progress of that series alone (None: no figure for the pledge)
    missing: dict  # series name -> months of the pledge period with no figure (monthly series)
    series: str  # the series that sets the status
    series_auto: bool
    progress: Progress | None  # the chosen series, with another source's "met" where allowed
    weights: pd.Series | None  # the arrivals profile (for the seasonal path), None without one
    used_rows: list

    def source_at(self, series: str, when) -> str | None:
        """The source of the figure that sets ``series``' curve on ``when``."""
        points = self.points.get(series)
        if points is None or points.empty:
            return None
        at = points[points["date"] <= pd.Timestamp(when)]
        if at.empty:
            return None
        row = at.iloc[-1]
        return row["max_source"]


Progress = cm.Progress


@dataclass(frozen=True)
class LivePledge:
    """One purchase pledge in force on the as-of date, measured in its own unit where the data allow."""

    record: pd.Series
    kind: str  # "tonnage", "value" or "units"
    measured: Measured | None  # soybean tonnage pledges only
    tranche: cm.Tranche | None  # the calendar-year part of a yearly target
    recorded: pd.Series | None  # the commitments file's status reading, when dated by as_of


@dataclass(frozen=True)
class PastPledge:
    """A soybean tonnage pledge that is history on the as-of date: resolved, lapsed or replaced."""

    record: pd.Series
    replaced_by: pd.Series | None
    measured: Measured | None  # None when it was replaced before its deadline


@dataclass(frozen=True)
class Tracker:
    """The computed content of one purchase-tracker report."""

    as_of: pd.Timestamp
    record: pd.Series | None
    commitment: cm.Commitment | None
    series: str
    progress: cm.Progress | None
    cumulative: pd.DataFrame
    flows: pd.DataFrame
    missing: list
    flow_gaps: list
    weights: pd.Series | None  # the arrivals profile when `method` is seasonal
    profile: pd.Series | None  # the arrivals profile, whatever the method (drawn as the seasonal edge of the band)
    baseline_years: tuple | None
    sources: pd.DataFrame
    by_series: dict  # series name -> Progress, for every series with data
    dates: evidence.ReportDates
    choices: Choices
    first_pledge: pd.Series | None  # the first soybean tonnage pledge in the data, whenever announced
    measured: Measured | None
    live: list  # of LivePledge
    upcoming: pd.DataFrame
    history: list  # of PastPledge
    band: pd.DataFrame  # date, low, high, sources: the range the series span
    method: str
    met_from_any_source: bool

    @property
    def baseline_year(self) -> int | None:
        """The newest year of the arrivals profile (None without a commitment)."""
        return self.choices.baseline_year

    @property
    def spec(self) -> SeriesSpec:
        return SERIES[self.series]

    @property
    def series_auto(self) -> bool:
        return self.measured is not None and self.measured.series_auto

    @property
    def has_commitment(self) -> bool:
        """False before any soybean tonnage commitment had been announced."""
        return self.commitment is not None

    @property
    def started(self) -> bool:
        """True once the commitment period has begun."""
        return self.has_commitment and self.commitment.start <= self.as_of

    @property
    def has_data(self) -> bool:
        return self.progress is not None and self.progress.counted_through is not None

    @property
    def flows_from(self) -> pd.Timestamp:
        return self.choices.flows_from

    @property
    def status(self) -> str:
        """Computed status; before the pledge, why there is none."""
        if not self.has_commitment:
            return "no commitment"
        if not self.started:
            return "not started"
        return self.progress.status


def check_parameters(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year,
                     trailing_days: int, flows_from: str, met_from_any_source: bool) -> Choices:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Returns
    -------
    Choices
        The parameters resolved for ``as_of``.

    Raises
    ------
    ParameterError
        Naming the parameter and, where there is a list, only the values it accepts.
    """
    as_of_ts = _check_plain(as_of=as_of, flow_series=flow_series, method=method, trailing_days=trailing_days,
                            met_from_any_source=met_from_any_source)
    return resolve(as_of_ts, commitment=commitment, baseline_year=baseline_year, flows_from=flows_from,
                   commitments=load_commitments(), soybeans=load_soybeans())


def _check_plain(*, as_of, flow_series, method, trailing_days, met_from_any_source) -> pd.Timestamp:
    """Check the parameters that need no data; return ``as_of`` as a date."""
    as_of_ts = obs.resolve_as_of(as_of)
    if flow_series != AUTO and flow_series not in SERIES:
        raise ParameterError("flow_series", f"{flow_series!r} is not one of: {AUTO}, {', '.join(SERIES)}")
    if method not in METHODS:
        raise ParameterError("method", f"{method!r} is not one of: {', '.join(METHODS)}")
    if isinstance(trailing_days, bool) or not isinstance(trailing_days, int) or trailing_days < 1:
        raise ParameterError("trailing_days", f"{trailing_days!r} must be a positive whole number of days")
    if not isinstance(met_from_any_source, bool):
        raise ParameterError("met_from_any_source", f"{met_from_any_source!r} is not True or False")
    return as_of_ts


def resolve(as_of: pd.Timestamp, *, commitment, baseline_year, flows_from, commitments: pd.DataFrame,
            soybeans: pd.DataFrame) -> Choices:
    """Resolve the date-dependent parameters for ``as_of``; check explicit values can work then.

    - ``commitment="auto"``: :func:`analysis.domain.commitments.soybean_pledge_in_force`
      (announced by as_of; the one whose period contains as_of, the one due first if several;
      else the one that started most recently; else the next to start). None before any.
    - ``flows_from="auto"``: :func:`auto_flows_from`.
    - ``baseline_year="auto"``: :func:`analysis.domain.commitments.auto_profile_years` (every full
      calendar year of customs arrivals before the pledge, up to five); a year: that year alone.
    """
    record = _commitment_record(commitment, commitments, as_of)
    return Choices(
        as_of=as_of, record=record, commitment_auto=commitment == AUTO,
        flows_from=_flows_start(flows_from, record, as_of), flows_from_auto=flows_from == AUTO,
        baseline_years=_baseline_years(baseline_year, record, soybeans, as_of), baseline_auto=baseline_year == AUTO,
    )


def _commitment_record(commitment, commitments: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series | None:
    """The chosen commitment's row (``None`` when ``auto`` finds none announced by ``as_of``)."""
    if commitment == AUTO:
        return cm.soybean_pledge_in_force(commitments, as_of)
    tonnage = cm.soybean_pledges(commitments)["commitment_id"].tolist()
    if commitment not in commitments["commitment_id"].tolist():
        raise ParameterError("commitment", f"{commitment!r} is not in commitments.csv; use {AUTO!r} or one "
                                           f"with a soybean tonnage target: {', '.join(tonnage)}")
    if commitment not in tonnage:
        raise ParameterError("commitment", f"{commitment!r} has no soybean tonnage target; choose one of: {', '.join(tonnage)}")
    record = commitments.set_index("commitment_id").loc[commitment].rename(commitment)
    if record["announced"] > as_of:
        raise ParameterError("commitment", f"{commitment!r} was announced on {record['announced'].date()}, "
                                           f"after as_of {as_of.date()}: it was not known then")
    return record


def auto_flows_from(record: pd.Series | None, as_of) -> pd.Timestamp:
    """First month of the arrivals chart by default: January of the year before the commitment starts.

    With no commitment, or one starting so far ahead that the January is after
    ``as_of``, the chart shows the :data:`FLOWS_WINDOW_MONTHS` calendar months
    ending with ``as_of``'s month.

    >>> auto_flows_from(pd.Series({"start": pd.Timestamp("2025-10-30")}), "2026-03-31")
    Timestamp('2024-01-01 00:00:00')
    >>> auto_flows_from(None, "2018-06-30")
    Timestamp('2016-07-01 00:00:00')
    """
    as_of = pd.Timestamp(as_of)
    if record is not None:
        january = pd.Timestamp(year=record["start"].year - 1, month=1, day=1)
        if january <= as_of:
            return january
    return (as_of.to_period("M") - (FLOWS_WINDOW_MONTHS - 1)).start_time


def _flows_start(flows_from, record: pd.Series | None, as_of: pd.Timestamp) -> pd.Timestamp:
    if flows_from == AUTO:
        return auto_flows_from(record, as_of)
    start = obs.iso_date("flows_from", flows_from, f"or {AUTO!r}")
    if start > as_of:
        raise ParameterError("flows_from", f"{flows_from!r} is after as_of {as_of.date()}: "
                                           f"the chart would have no month to show")
    return start


def _baseline_years(baseline_year, record: pd.Series | None, soybeans: pd.DataFrame, as_of: pd.Timestamp) -> tuple | None:
    if baseline_year == AUTO:
        return None if record is None else cm.auto_profile_years(soybeans, record["start"], as_of)
    if isinstance(baseline_year, bool) or not isinstance(baseline_year, int) or not 2000 <= baseline_year <= 2100:
        raise ParameterError("baseline_year", f"{baseline_year!r} is not a year or {AUTO!r}")
    cm.baseline_weights(soybeans, baseline_year, as_of)  # raises, naming baseline_year, if it cannot weight
    return (baseline_year,)


def _flows_frame(soybeans: pd.DataFrame, series: str, start, as_of) -> tuple[pd.DataFrame, list, pd.DataFrame]:
    """Monthly buckets of one series from ``start`` to ``as_of``, with the gaps listed."""
    rows = obs.known_as_of(obs.preferred(soybeans, series, "t"), as_of)
    rows = rows[rows["period_end"] >= pd.Timestamp(start)]
    buckets = obs.monthly_partition(rows)
    last_month_end = (pd.Timestamp(as_of) + pd.Timedelta(days=1)).to_period("M") - 1
    missing = obs.gaps(buckets, start, last_month_end.end_time) if last_month_end.start_time >= pd.Timestamp(start) else []
    frame = pd.DataFrame({
        "month": buckets["period_start"],
        "period_end": buckets["period_end"],
        "value": buckets["value"],
        "status": ["derived" if d else ("combined months" if m > 1 else "reported") for d, m in zip(buckets["derived"], buckets["months"])],
    })
    # Explicit dates: an empty list would make an object column, and the chart would then carry Timestamps.
    gap_rows = pd.DataFrame({"month": pd.to_datetime([m.start_time for m in missing]),
                             "period_end": pd.to_datetime([m.end_time.normalize() for m in missing]),
                             "value": float("nan"), "status": "no data"})
    frame = pd.concat([frame, gap_rows], ignore_index=True).sort_values("month").reset_index(drop=True)
    return frame, missing, buckets


def date_keys(flow_series: str) -> list[str]:
    """The series the page dates: the commitments ledger and its status readings, the measured series, then the others.

    >>> date_keys("cn_customs_imports_from_us")[:4]
    ['commitments', 'commitment_status', 'soybeans:cn_customs_imports_from_us', 'soybeans:usda_sales_to_cn']
    """
    return ["commitments", "commitment_status", *(f"soybeans:{name}" for name in dict.fromkeys([flow_series, *SERIES]))]


def _commitment(record: pd.Series) -> cm.Commitment:
    return cm.Commitment(record.name, float(record["target"]), record["start"], record["deadline"], record["unit"])


def series_rows(soybeans: pd.DataFrame, name: str, deal: cm.Commitment, as_of) -> pd.DataFrame:
    """One series' preferred tonnage rows known on ``as_of``; USDA's sales re-based to the pledge's start."""
    rows = obs.known_as_of(obs.preferred(soybeans, name, "t"), as_of)
    if name == USDA_SALES:
        # Next-year sales booked before the start are left out of a total that spans 1 September.
        next_year = obs.known_as_of(obs.preferred(soybeans, usda_sales.NEXT_YEAR_SERIES, "t"), as_of)
        rows = usda_sales.rebased(pd.concat([rows, next_year], ignore_index=True), deal.start)
    return rows


def _points_since_start(used: pd.DataFrame) -> pd.DataFrame:
    """The figures a since-start curve used, with the running maximum and the source that sets it."""
    sources, best, best_source = [], -float("inf"), None
    for value, source in zip(used["value"], used["source_id"]):
        if value >= best:
            best, best_source = value, source
        sources.append(best_source)
    return pd.DataFrame({"date": used["period_end"].to_numpy(), "value": used["value"].to_numpy(),
                         "running": used["running_max"].to_numpy(), "held": used["held"].to_numpy(),
                         "floor": used["running_floor"].to_numpy(), "source_id": used["source_id"].to_numpy(),
                         "max_source": sources})


def _points_monthly(monthly: cm.MonthlyCurve, partition: pd.DataFrame) -> pd.DataFrame:
    """Month-end cumulative points; a point after a missing month or an "at least" month is a floor."""
    table = monthly.table
    by_start = partition.set_index("period_start")
    rows, floor = [], False
    for r in table.itertuples():
        if r.missing:
            floor = True
            continue
        row = by_start.loc[r.period_start]
        floor = floor or row.get("bound") == "at_least"
        rows.append((r.period_end, r.cumulative, r.cumulative, False, floor, row["source_id"], row["source_id"]))
    return pd.DataFrame(rows, columns=["date", "value", "running", "held", "floor", "source_id", "max_source"])


def measure(record: pd.Series, soybeans: pd.DataFrame, sources: pd.DataFrame, as_of, *, flow_series: str = AUTO,
            method: str = "seasonal", weights: pd.Series | None = None, trailing_days: int = 90,
            met_from_any_source: bool = True) -> Measured:
    """Measure one soybean tonnage pledge with every series, choose the one that sets its status.

    Each series is judged alone at its own last figure (:func:`analysis.domain.commitments.evaluate`),
    on the seasonal path only where its kind of flow has a sourced profile (arrivals) and ``method``
    is seasonal, else on the linear path. The chosen series (``flow_series``, or by the rule of
    :func:`analysis.domain.commitments.default_series` when ``auto``) is then judged again with any
    other graded source that shows the pledge met (another series' figure, or the status reading in
    commitments.csv) when ``met_from_any_source`` allows it; the earliest such reading is named.
    """
    as_of = pd.Timestamp(as_of)
    deal = _commitment(record)
    curves, points, by_series, missing, bounds, used_rows, series_weights = {}, {}, {}, {}, {}, [], {}
    for name, spec in SERIES.items():
        rows = series_rows(soybeans, name, deal, as_of)
        if spec.kind == "since_start":
            curve, used = since_start_curve(rows, deal)
            points[name] = _points_since_start(used)
            missing[name] = []
        else:
            partition = obs.monthly_partition(rows)
            monthly = cm.monthly_cumulative(partition, deal, as_of)
            curve, missing[name] = monthly.curve, monthly.missing
            counted = monthly.table.loc[~monthly.table["missing"].astype(bool), "period_start"]
            used = partition[partition["period_start"].isin(counted)]
            points[name] = _points_monthly(monthly, partition)
        curves[name] = curve
        bounds[name] = pd.Series(points[name]["floor"].to_numpy(dtype=bool), index=pd.DatetimeIndex(points[name]["date"]))
        series_weights[name] = weights if (method == "seasonal" and spec.profile == "arrivals") else None
        by_series[name] = (cm.evaluate(deal, curve, as_of, weights=series_weights[name], window_days=trailing_days,
                                       bounds=bounds[name]) if not curve.empty else None)
        if not curve.empty:
            used_rows.append(used)
    chosen = flow_series if flow_series != AUTO else (cm.default_series(by_series) or next(iter(SERIES)))
    progress = by_series[chosen]
    elsewhere = _met_elsewhere(record, by_series, points, sources, as_of, chosen) if met_from_any_source else None
    if progress is None or progress.status != "met":
        progress = cm.evaluate(deal, curves[chosen], as_of, weights=series_weights[chosen], window_days=trailing_days,
                               bounds=bounds[chosen], met_elsewhere=elsewhere)
    return Measured(record=record, deal=deal, curves=curves, points=points, by_series=by_series, missing=missing,
                    series=chosen, series_auto=flow_series == AUTO, progress=progress, weights=weights,
                    used_rows=used_rows)


def _met_elsewhere(record, by_series: dict, points: dict, sources: pd.DataFrame, as_of, chosen: str) -> cm.Reading | None:
    """The earliest reading by another graded source that shows the pledge met by ``as_of`` (a figure first on a tie)."""
    graded = set(sources.loc[sources["reliability"].isin(evidence.GRADES), "source_id"])
    readings = []
    for name, p in by_series.items():
        if name == chosen or p is None or p.status != "met":
            continue
        at = points[name][points[name]["date"] <= p.status_date].iloc[-1]
        if at["max_source"] in graded:
            readings.append(cm.Reading(SERIES[name].label, at["max_source"], p.status_date, float(at["running"]),
                                       bool(at["floor"])))
    recorded = cm.recorded_met(record, as_of, sources)
    if recorded is not None:
        readings.append(recorded)
    if not readings:
        return None
    return min(readings, key=lambda r: (r.date, r.value is None))


def _band(measured: Measured) -> pd.DataFrame:
    """The range the series span on each date one of them has a figure.

    A series counts from its first figure to its last: nothing is carried past a series' last
    figure, and a series with no figure yet is not read as zero.
    """
    lines = {name: curve for name, curve in measured.curves.items() if not curve.empty}
    dates = sorted(set().union(*(set(c.index) for c in lines.values()))) if lines else []
    rows = []
    for when in dates:
        values = {name: float(c[c.index <= when].iloc[-1]) for name, c in lines.items()
                  if c.index[0] <= when <= c.index[-1]}
        if values:
            rows.append((when, min(values.values()), max(values.values()), len(values)))
    return pd.DataFrame(rows, columns=["date", "low", "high", "series"]) if rows else EMPTY_BAND


EMPTY_BAND = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "low": pd.Series(dtype="float64"),
                           "high": pd.Series(dtype="float64"), "series": pd.Series(dtype="int64")})


def _cumulative_frame(measured: Measured, through: pd.Timestamp, profile: pd.Series | None) -> pd.DataFrame:
    """Long table for the charts: every series' cumulative points (running maximum) plus both target paths."""
    commitment = measured.deal
    frames = []
    for name, curve in measured.curves.items():
        if curve.empty:
            continue
        points = pd.concat([pd.Series([0.0], index=[commitment.start]), curve])
        frames.append(pd.DataFrame({"date": points.index, "value": points.to_numpy(), "line": SERIES[name].label,
                                    "kind": "purchases", "series": name}))
    end = min(max(through, commitment.start), commitment.deadline)
    # Both paths add the same amount every day of a month, so they are straight between month ends: the
    # start, each month end and the last day give the exact lines (a point a day made the chart's data
    # a hundred times larger for nothing).
    month_ends = pd.date_range(commitment.start, end, freq="ME")
    dates = pd.DatetimeIndex([commitment.start, *month_ends, end]).unique().sort_values()
    paths = {"linear": cm.target_path(commitment, dates)}
    if profile is not None:
        paths["seasonal"] = cm.target_path(commitment, dates, profile)
    for name, path in paths.items():
        frames.append(pd.DataFrame({"date": path.index, "value": path.to_numpy(), "line": name, "kind": "target",
                                    "series": name}))
    return pd.concat(frames, ignore_index=True)


def _cited(record: pd.Series | None, used_rows: list, as_of: pd.Timestamp) -> set:
    """Sources of the rows used, the commitment's announcement and its status evidence if dated by as_of."""
    cited = set(pd.concat(used_rows)["source_id"]) if used_rows else set()
    if record is not None:
        cited.add(record["source_id"])
        # A later status reading is hindsight on this date: cite it only once it was known.
        if pd.notna(record["evidence_source_id"]) and pd.notna(record["status_as_of"]) and record["status_as_of"] <= as_of:
            cited.add(record["evidence_source_id"])
    return cited


EMPTY_CUMULATIVE = pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "value": pd.Series(dtype="float64"),
                                 "line": pd.Series(dtype="object"), "kind": pd.Series(dtype="object"),
                                 "series": pd.Series(dtype="object")})


def _recorded(record: pd.Series, as_of: pd.Timestamp) -> pd.Series | None:
    """The commitments file's status reading of a pledge, when it is dated by ``as_of``."""
    if pd.notna(record.get("status_as_of")) and record["status_as_of"] <= as_of and pd.notna(record.get("evidence_source_id")):
        return record
    return None


def _with_id(row: pd.Series) -> pd.Series:
    return row.rename(row["commitment_id"]) if "commitment_id" in row else row


def _profile_for(record: pd.Series, soybeans: pd.DataFrame, as_of) -> pd.Series | None:
    """The default arrivals profile for a pledge other than the tracked one (None when there is none)."""
    years = cm.profile_years(soybeans, record["start"], as_of)
    return cm.profile_weights(soybeans, years, as_of)[0] if years else None


def compute(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year,
            trailing_days: int, flows_from: str, met_from_any_source: bool) -> Tracker:
    """Compute everything the purchase tracker shows.

    The defaults are the notebook's parameters cell; every value is passed by name.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"today"``. Only observations whose period ended by then are used.
    commitment : str
        ``"auto"`` (the soybean tonnage pledge in force on as_of, see :func:`resolve`) or a
        ``commitment_id`` with a soybean tonnage target in ``commitments.csv``, announced by as_of.
    flow_series : str
        ``"auto"`` (:func:`analysis.domain.commitments.default_series`) or the soybean series
        that sets the status (see :data:`SERIES`).
    method : str
        ``"linear"`` or ``"seasonal"``: the path that sets the status of a series whose kind of
        flow has a sourced seasonal profile (arrivals); the others always use the linear path.
    baseline_year : int or "auto"
        Year(s) of customs arrivals that weight the seasonal path.
    trailing_days : int
        Window of the trailing run-rate.
    flows_from : str
        ``"auto"`` or the ISO first month of the monthly-flows chart.
    met_from_any_source : bool
        Whether another graded source (another series, or the status reading in commitments.csv)
        that shows the pledge met makes the status "met" when the chosen series does not.
    """
    as_of_ts = _check_plain(as_of=as_of, flow_series=flow_series, method=method, trailing_days=trailing_days,
                            met_from_any_source=met_from_any_source)
    soybeans, commitments, sources = load_soybeans(), load_commitments(), load_sources()
    choices = resolve(as_of_ts, commitment=commitment, baseline_year=baseline_year, flows_from=flows_from,
                      commitments=commitments, soybeans=soybeans)
    flows, flow_gaps, flow_rows = _flows_frame(soybeans, BASELINE_SERIES, choices.flows_from, as_of_ts)
    record, used_rows = choices.record, [flow_rows]
    deal = profile = progress = measured = None
    cumulative, by_series, missing, band = EMPTY_CUMULATIVE, {}, [], EMPTY_BAND
    cited_records = []
    settings = dict(method=method, trailing_days=trailing_days, met_from_any_source=met_from_any_source)
    if record is not None:
        deal = _commitment(record)
        profile, baseline_rows = cm.profile_weights(soybeans, choices.baseline_years, as_of_ts)
        measured = measure(record, soybeans, sources, as_of_ts, flow_series=flow_series, weights=profile, **settings)
        used_rows += [baseline_rows, *measured.used_rows]
        progress, by_series = measured.progress, measured.by_series
        missing = measured.missing[measured.series]
        cumulative = _cumulative_frame(measured, min(as_of_ts, deal.deadline), profile)
        band = _band(measured)
    chosen = measured.series if measured is not None else (flow_series if flow_series != AUTO else next(iter(SERIES)))

    live = []
    for row in cm.live_purchase_pledges(commitments, as_of_ts).itertuples(index=False):
        row = _with_id(pd.Series(row._asdict()))
        cited_records.append(row)
        kind = {"t": "tonnage", "usd": "value"}.get(row["unit"], "units")
        pledge_measure = None
        if row["metric"] == cm.SOYBEAN_METRIC and row["unit"] == "t":
            if measured is not None and row.name == measured.record.name:
                pledge_measure = measured
            else:
                pledge_measure = measure(row, soybeans, sources, as_of_ts, weights=_profile_for(row, soybeans, as_of_ts),
                                         **settings)
            used_rows += pledge_measure.used_rows
        tranche = cm.yearly_tranche(row, as_of_ts) if cm.is_yearly(row) else None
        live.append(LivePledge(row, kind, pledge_measure, tranche, _recorded(row, as_of_ts)))

    history, by_id = [], commitments.set_index("commitment_id", drop=False)
    for row in cm.past_soybean_pledges(commitments, as_of_ts).itertuples(index=False):
        row = _with_id(pd.Series(row._asdict()))
        cited_records.append(row)
        replaced_by = _with_id(by_id.loc[row["replaced_by"]]) if isinstance(row["replaced_by"], str) else None
        past_measure = None
        if replaced_by is None:
            past_measure = measure(row, soybeans, sources, as_of_ts, weights=_profile_for(row, soybeans, as_of_ts),
                                   **settings)
            used_rows += past_measure.used_rows
        else:
            cited_records.append(replaced_by)
        history.append(PastPledge(row, replaced_by, past_measure))

    cited = _cited(record, used_rows, as_of_ts)
    for row in cited_records:
        cited |= _cited(row, [], as_of_ts)
    for m in [measured, *(p.measured for p in live), *(p.measured for p in history)]:
        if m is not None and m.progress is not None and m.progress.met_by is not None:
            cited.add(m.progress.met_by.source_id)
    frames = {"soybeans": soybeans, "commitments": commitments, "sources": sources}
    return Tracker(
        as_of=as_of_ts, record=record, commitment=deal, series=chosen, progress=progress,
        cumulative=cumulative, flows=flows, missing=missing, flow_gaps=flow_gaps,
        weights=profile if method == "seasonal" else None, profile=profile, baseline_years=choices.baseline_years,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
        by_series=by_series, dates=evidence.report_dates(date_keys(chosen), as_of_ts, frames),
        choices=choices, first_pledge=cm.first_soybean_pledge(commitments), measured=measured, live=live,
        upcoming=cm.upcoming_purchase_pledges(commitments, as_of_ts), history=history, band=band, method=method,
        met_from_any_source=met_from_any_source,
    )
