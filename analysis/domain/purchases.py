"""The purchase-commitment tracker's computations: what ``notebooks/purchases.ipynb`` measures.

It picks a commitment from ``commitments.csv`` (by default the soybean
tonnage pledge in force on the as-of date) and a purchase series from
``soybeans.csv``, builds the cumulative curve (from monthly flows or from
dated "since the truce" totals), and measures it with
:mod:`analysis.domain.commitments`. Before any soybean tonnage pledge was
announced there is nothing to measure: the result then holds only the
monthly arrivals. What a reader sees (prose, tables,
charts) is built from the result by :mod:`analysis.views.purchases`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain import commitments as cm
# The series, the seasonal baseline and the since-start curve are shared with the durability report.
from analysis.domain.commitments import (BASELINE_SERIES, SERIES, SeriesSpec,  # noqa: F401
                                         baseline_weights, since_start_curve)
from analysis.data import evidence
from analysis.data import series as obs
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_soybeans, load_sources


METHODS = ("linear", "seasonal")
# A parameter written this way is resolved relative to as_of (see :func:`resolve`).
AUTO = "auto"
# With no commitment to anchor it, the monthly-arrivals chart shows this many calendar months to as_of.
FLOWS_WINDOW_MONTHS = 24


@dataclass(frozen=True)
class Choices:
    """The report's parameters as they apply on one as-of date, ``auto`` values resolved."""

    as_of: pd.Timestamp
    record: pd.Series | None  # the commitment's row; None when no soybean tonnage pledge was announced by as_of
    commitment_auto: bool
    flows_from: pd.Timestamp
    flows_from_auto: bool
    baseline_year: int | None  # None when there is no commitment to weight
    baseline_auto: bool


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
    weights: pd.Series | None
    baseline_year: int | None
    sources: pd.DataFrame
    by_series: dict  # series name -> Progress, for every series with data
    dates: evidence.ReportDates
    choices: Choices
    first_pledge: pd.Series | None  # the first soybean tonnage pledge in the data, whenever announced

    @property
    def spec(self) -> SeriesSpec:
        return SERIES[self.series]

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
        return self.progress is not None

    @property
    def flows_from(self) -> pd.Timestamp:
        return self.choices.flows_from

    @property
    def status(self) -> str:
        """Computed status; ``no data`` when the series says nothing about the period; before it, why not."""
        if not self.has_commitment:
            return "no commitment"
        if not self.started:
            return "not started"
        return self.progress.status if self.progress else "no data"


def check_parameters(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year,
                     trailing_days: int, flows_from: str) -> Choices:
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
    as_of_ts = _check_plain(as_of=as_of, flow_series=flow_series, method=method, trailing_days=trailing_days)
    return resolve(as_of_ts, commitment=commitment, baseline_year=baseline_year, flows_from=flows_from,
                   commitments=load_commitments(), soybeans=load_soybeans())


def _check_plain(*, as_of, flow_series, method, trailing_days) -> pd.Timestamp:
    """Check the parameters that need no data; return ``as_of`` as a date."""
    as_of_ts = obs.resolve_as_of(as_of)
    if flow_series not in SERIES:
        raise ParameterError("flow_series", f"{flow_series!r} is not one of: {', '.join(SERIES)}")
    if method not in METHODS:
        raise ParameterError("method", f"{method!r} is not one of: {', '.join(METHODS)}")
    if isinstance(trailing_days, bool) or not isinstance(trailing_days, int) or trailing_days < 1:
        raise ParameterError("trailing_days", f"{trailing_days!r} must be a positive whole number of days")
    return as_of_ts


def resolve(as_of: pd.Timestamp, *, commitment, baseline_year, flows_from, commitments: pd.DataFrame,
            soybeans: pd.DataFrame) -> Choices:
    """Resolve the date-dependent parameters for ``as_of``; check explicit values can work then.

    - ``commitment="auto"``: :func:`analysis.domain.commitments.soybean_pledge_in_force`
      (announced by as_of; the one whose period contains as_of, the one due first if several;
      else the one that started most recently; else the next to start). None before any.
    - ``flows_from="auto"``: :func:`auto_flows_from`.
    - ``baseline_year="auto"``: :func:`analysis.domain.commitments.auto_baseline_year`.
    """
    record = _commitment_record(commitment, commitments, as_of)
    return Choices(
        as_of=as_of, record=record, commitment_auto=commitment == AUTO,
        flows_from=_flows_start(flows_from, record, as_of), flows_from_auto=flows_from == AUTO,
        baseline_year=_baseline_year(baseline_year, record, soybeans, as_of), baseline_auto=baseline_year == AUTO,
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


def _baseline_year(baseline_year, record: pd.Series | None, soybeans: pd.DataFrame, as_of: pd.Timestamp) -> int | None:
    if baseline_year == AUTO:
        return None if record is None else cm.auto_baseline_year(soybeans, record["start"], as_of)
    if isinstance(baseline_year, bool) or not isinstance(baseline_year, int) or not 2000 <= baseline_year <= 2100:
        raise ParameterError("baseline_year", f"{baseline_year!r} is not a year or {AUTO!r}")
    cm.baseline_weights(soybeans, baseline_year, as_of)  # raises, naming baseline_year, if it cannot weight
    return baseline_year


def _cumulative_frame(tracker_rows: dict[str, pd.Series], commitment: cm.Commitment, through: pd.Timestamp,
                      weights: pd.Series | None) -> pd.DataFrame:
    """Long table for the chart: every series' cumulative points plus both target paths."""
    frames = []
    for label, curve in tracker_rows.items():
        points = pd.concat([pd.Series([0.0], index=[commitment.start]), curve])
        frames.append(pd.DataFrame({"date": points.index, "value": points.to_numpy(), "line": label, "kind": "purchases"}))
    end = max(through, commitment.start)
    dates = pd.date_range(commitment.start, min(end, commitment.deadline), freq="D")
    if len(dates) and dates[-1] != commitment.deadline and end >= commitment.deadline:
        dates = dates.append(pd.DatetimeIndex([commitment.deadline]))
    paths = {"Target path (linear)": cm.target_path(commitment, dates)}
    if weights is not None:
        paths["Target path (seasonal)"] = cm.target_path(commitment, dates, weights)
    for label, path in paths.items():
        frames.append(pd.DataFrame({"date": path.index, "value": path.to_numpy(), "line": label, "kind": "target"}))
    return pd.concat(frames, ignore_index=True)


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
    gap_rows = pd.DataFrame({"month": [m.start_time for m in missing], "period_end": [m.end_time.normalize() for m in missing],
                             "value": float("nan"), "status": "no data"})
    frame = pd.concat([frame, gap_rows], ignore_index=True).sort_values("month").reset_index(drop=True)
    return frame, missing, buckets


def date_keys(flow_series: str) -> list[str]:
    """The series the page dates: the commitments ledger, the measured series, then the other soybean series.

    >>> date_keys("cn_customs_imports_from_us")[:3]
    ['commitments', 'soybeans:cn_customs_imports_from_us', 'soybeans:usda_sales_to_cn']
    """
    return ["commitments", *(f"soybeans:{name}" for name in dict.fromkeys([flow_series, *SERIES]))]


def _measure(deal: cm.Commitment, soybeans: pd.DataFrame, as_of: pd.Timestamp, flow_series: str,
             path_weights: pd.Series | None, trailing_days: int) -> tuple[dict, dict, list, list]:
    """Each series' cumulative curve and progress against ``deal``, with the rows used.

    Returns
    -------
    (curves by label, Progress by series name, months missing from ``flow_series``, frames of rows used)
    """
    curves, bounds, used_rows, missing = {}, {}, [], []
    for name, spec in SERIES.items():
        rows = obs.known_as_of(obs.preferred(soybeans, name, "t"), as_of)
        if spec.kind == "since_start":
            curve, used = since_start_curve(rows, deal)
            judged = used[used["period_end"] <= min(as_of, deal.deadline)]
            bound = bool(len(judged)) and judged.iloc[-1]["bound"] == "at_least"
            gaps_here: list = []
        else:
            partition = obs.monthly_partition(rows)
            monthly = cm.monthly_cumulative(partition, deal, as_of)
            curve, gaps_here = monthly.curve, monthly.missing
            counted = monthly.table.loc[~monthly.table["missing"].astype(bool), "period_start"]
            used = partition[partition["period_start"].isin(counted)]
            bound = bool(gaps_here)
        bounds[name] = bound or bool(gaps_here)
        if name == flow_series:
            missing = gaps_here
        if not curve.empty:
            curves[spec.label] = curve
            used_rows.append(used)
    by_series = {
        name: cm.evaluate(deal, curves[spec.label], as_of, weights=path_weights, window_days=trailing_days,
                          lower_bound=bounds[name])
        for name, spec in SERIES.items() if spec.label in curves
    }
    return curves, by_series, missing, used_rows


def _commitment(record: pd.Series) -> cm.Commitment:
    return cm.Commitment(record.name, float(record["target"]), record["start"], record["deadline"], record["unit"])


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
                                 "line": pd.Series(dtype="object"), "kind": pd.Series(dtype="object")})


def compute(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year,
            trailing_days: int, flows_from: str) -> Tracker:
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
        The soybean series measured against the target (see :data:`SERIES`).
    method : str
        ``"linear"`` or ``"seasonal"`` pro-rating for the status.
    baseline_year : int or "auto"
        Year whose monthly customs arrivals weight the seasonal path.
    trailing_days : int
        Window of the trailing run-rate.
    flows_from : str
        ``"auto"`` or the ISO first month of the monthly-flows chart.
    """
    as_of_ts = _check_plain(as_of=as_of, flow_series=flow_series, method=method, trailing_days=trailing_days)
    soybeans, commitments, sources = load_soybeans(), load_commitments(), load_sources()
    choices = resolve(as_of_ts, commitment=commitment, baseline_year=baseline_year, flows_from=flows_from,
                      commitments=commitments, soybeans=soybeans)
    flows, flow_gaps, flow_rows = _flows_frame(soybeans, BASELINE_SERIES, choices.flows_from, as_of_ts)
    record, used_rows = choices.record, [flow_rows]
    deal = weights = progress = None
    cumulative, by_series, missing = EMPTY_CUMULATIVE, {}, []
    if record is not None:
        deal = _commitment(record)
        weights, baseline_rows = baseline_weights(soybeans, choices.baseline_year, as_of_ts)
        curves, by_series, missing, measured_rows = _measure(
            deal, soybeans, as_of_ts, flow_series, weights if method == "seasonal" else None, trailing_days)
        used_rows += [baseline_rows, *measured_rows]
        progress = by_series.get(flow_series)
        cumulative = _cumulative_frame(curves, deal, min(as_of_ts, deal.deadline), weights)
    cited = _cited(record, used_rows, as_of_ts)
    frames = {"soybeans": soybeans, "commitments": commitments, "sources": sources}
    return Tracker(
        as_of=as_of_ts, record=record, commitment=deal, series=flow_series, progress=progress,
        cumulative=cumulative, flows=flows, missing=missing, flow_gaps=flow_gaps,
        weights=weights if method == "seasonal" else None, baseline_year=choices.baseline_year,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
        by_series=by_series, dates=evidence.report_dates(date_keys(flow_series), as_of_ts, frames),
        choices=choices, first_pledge=cm.first_soybean_pledge(commitments),
    )
