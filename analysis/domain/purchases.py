"""The purchase-commitment tracker's computations: what ``notebooks/purchases.ipynb`` measures.

It picks a commitment from ``commitments.csv`` and a purchase series from
``soybeans.csv``, builds the cumulative curve (from monthly flows or from
dated "since the truce" totals), and measures it with
:mod:`analysis.domain.commitments`. What a reader sees (prose, tables,
charts) is built from the result by :mod:`analysis.views.purchases`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.domain import commitments as cm
# The series, the seasonal baseline and the since-start curve are shared with the durability report.
from analysis.domain.commitments import (BASELINE_SERIES, SERIES, SeriesSpec,  # noqa: F401
                                         baseline_weights, since_start_curve)
from analysis import runlog
from analysis.data import series as obs
from analysis.errors import ParameterError
from analysis.data.loaders import load_commitments, load_soybeans, load_sources


METHODS = ("linear", "seasonal")


@dataclass(frozen=True)
class Tracker:
    """The computed content of one purchase-tracker report."""

    as_of: pd.Timestamp
    record: pd.Series
    commitment: cm.Commitment
    series: str
    progress: cm.Progress | None
    cumulative: pd.DataFrame
    flows: pd.DataFrame
    missing: list
    flow_gaps: list
    weights: pd.Series | None
    baseline_year: int
    sources: pd.DataFrame
    by_series: dict  # series name -> Progress, for every series with data

    @property
    def spec(self) -> SeriesSpec:
        return SERIES[self.series]

    @property
    def has_data(self) -> bool:
        return self.progress is not None

    @property
    def status(self) -> str:
        """Computed status, or ``no data`` when the series says nothing about the period."""
        return self.progress.status if self.progress else "no data"


def check_parameters(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year: int,
                     trailing_days: int, flows_from: str) -> pd.Series:
    """Validate the report's parameters (the rules ``truce build`` applies before any kernel starts).

    Returns
    -------
    Series
        The chosen commitment's row.

    Raises
    ------
    ParameterError
        Naming the parameter and, where there is a list, only the values it accepts.
    """
    obs.check_as_of(as_of)
    obs.iso_date("flows_from", flows_from)
    commitments = load_commitments()
    tonnage = cm.soybean_pledges(commitments)["commitment_id"].tolist()
    ids = commitments["commitment_id"].tolist()
    if commitment not in ids:
        raise ParameterError("commitment", f"{commitment!r} is not in commitments.csv; "
                                           f"commitments with a soybean tonnage target: {', '.join(tonnage)}")
    record = commitments.set_index("commitment_id").loc[commitment]
    if commitment not in tonnage:
        raise ParameterError("commitment", f"{commitment!r} has no soybean tonnage target; choose one of: {', '.join(tonnage)}")
    if flow_series not in SERIES:
        raise ParameterError("flow_series", f"{flow_series!r} is not one of: {', '.join(SERIES)}")
    if method not in METHODS:
        raise ParameterError("method", f"{method!r} is not one of: {', '.join(METHODS)}")
    if not isinstance(baseline_year, int) or not 2000 <= baseline_year <= 2100:
        raise ParameterError("baseline_year", f"{baseline_year!r} is not a year")
    if not isinstance(trailing_days, int) or trailing_days < 1:
        raise ParameterError("trailing_days", f"{trailing_days!r} must be a positive whole number of days")
    return record.rename(commitment)


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


def compute(*, as_of: str, commitment: str, flow_series: str, method: str, baseline_year: int,
            trailing_days: int, flows_from: str) -> Tracker:
    """Compute everything the purchase tracker shows.

    The defaults are the notebook's parameters cell; every value is passed by name.

    Parameters
    ----------
    as_of : str
        ISO date, or ``"latest"`` for the latest date in the data. Only
        observations whose period ended by then are used.
    commitment : str
        A ``commitment_id`` with a tonnage target in ``commitments.csv``.
    flow_series : str
        The soybean series measured against the target (see :data:`SERIES`).
    method : str
        ``"linear"`` or ``"seasonal"`` pro-rating for the status.
    baseline_year : int
        Year whose monthly customs arrivals weight the seasonal path.
    trailing_days : int
        Window of the trailing run-rate.
    flows_from : str
        First month of the monthly-flows chart.
    """
    record = check_parameters(as_of=as_of, commitment=commitment, flow_series=flow_series, method=method,
                              baseline_year=baseline_year, trailing_days=trailing_days, flows_from=flows_from)
    soybeans, commitments = load_soybeans(), load_commitments()
    as_of_ts = obs.resolve_as_of(as_of, (soybeans, "period_end"), (commitments, "announced"),
                                (load_sources(), "accessed"))
    runlog.record(as_of=as_of_ts.date().isoformat())
    if record["announced"] > as_of_ts:
        raise ParameterError("commitment", f"{commitment!r} was announced on {record['announced'].date()}, "
                                           f"after as_of {as_of_ts.date()}: it was not known then")
    flows_start = obs.iso_date("flows_from", flows_from)
    deal = cm.Commitment(commitment, float(record["target"]), record["start"], record["deadline"], record["unit"])
    weights, baseline_rows = baseline_weights(soybeans, baseline_year)
    through = min(as_of_ts, deal.deadline)

    curves, bounds, used_rows, missing = {}, {}, [baseline_rows], []
    for name, spec in SERIES.items():
        rows = obs.known_as_of(obs.preferred(soybeans, name, "t"), as_of_ts)
        if spec.kind == "since_start":
            curve, used = since_start_curve(rows, deal)
            judged = used[used["period_end"] <= min(as_of_ts, deal.deadline)]
            bound = bool(len(judged)) and judged.iloc[-1]["bound"] == "at_least"
            gaps_here: list = []
        else:
            partition = obs.monthly_partition(rows)
            monthly = cm.monthly_cumulative(partition, deal, as_of_ts)
            curve, gaps_here = monthly.curve, monthly.missing
            counted = monthly.table.loc[~monthly.table["missing"], "period_start"]
            used = partition[partition["period_start"].isin(counted)]
            bound = bool(gaps_here)
        bounds[name] = bound or bool(gaps_here)
        if name == flow_series:
            missing = gaps_here
        if not curve.empty:
            curves[spec.label] = curve
            used_rows.append(used)

    path_weights = weights if method == "seasonal" else None
    by_series = {
        name: cm.evaluate(deal, curves[spec.label], as_of_ts, weights=path_weights, window_days=trailing_days,
                          lower_bound=bounds[name])
        for name, spec in SERIES.items() if spec.label in curves
    }
    progress = by_series.get(flow_series)
    flows, flow_gaps, flow_rows = _flows_frame(soybeans, BASELINE_SERIES, flows_start, as_of_ts)
    used_rows.append(flow_rows)
    cited = set(pd.concat(used_rows)["source_id"]) | {record["source_id"]}
    if pd.notna(record["evidence_source_id"]):
        cited.add(record["evidence_source_id"])
    sources = load_sources()
    return Tracker(
        as_of=as_of_ts, record=record, commitment=deal, series=flow_series, progress=progress,
        cumulative=_cumulative_frame(curves, deal, through, weights), flows=flows, missing=missing,
        flow_gaps=flow_gaps, weights=weights if method == "seasonal" else None, baseline_year=baseline_year,
        sources=sources[sources["source_id"].isin(cited)].sort_values("source_id").reset_index(drop=True),
        by_series=by_series,
    )
