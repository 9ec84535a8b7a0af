"""Purchase-commitment maths: progress against a target, pro-rated paths, pace.

Everything here is pure arithmetic on a :class:`Commitment` and a cumulative
curve of purchases, so each function can be checked by hand. Conventions:

* Periods are inclusive of both ends and counted in whole days: a commitment
  from 2025-11-01 to 2026-02-28 lasts 120 days.
* A cumulative curve is a Series of cumulative purchases indexed by the date
  through which they are counted; the commitment start counts as zero.
* Rates are per day; reports convert them to months with :data:`DAYS_PER_MONTH`.

It also holds what every report that measures soybean pledges shares: the
soybean series (:data:`SERIES`), the curve built from "since the commitment
began" totals, the seasonal baseline weights and their default year, the
soybean pledge in force on a date, and the purchases report's default way
of measuring a pledge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.data import series as obs
from analysis.errors import ParameterError

DAYS_PER_MONTH = 365.25 / 12
STATUSES = ("met", "on track", "behind", "missed")
# The metric of the soybean purchase pledges the tracker and the durability index measure; other
# tonnage pledges (coal for 2027-28) have no series here to measure them with.
SOYBEAN_METRIC = "us_soybean_purchases"


def soybean_pledges(commitments: pd.DataFrame) -> pd.DataFrame:
    """The commitments with a soybean tonnage target."""
    return commitments[commitments["target"].notna() & (commitments["unit"] == "t")
                       & (commitments["metric"] == SOYBEAN_METRIC)]


def first_soybean_pledge(commitments: pd.DataFrame) -> pd.Series | None:
    """The first soybean tonnage pledge announced (earliest start on a tie), or ``None`` if there is none."""
    pledges = soybean_pledges(commitments).sort_values(["announced", "start", "commitment_id"])
    return None if pledges.empty else pledges.iloc[0].rename(pledges.iloc[0]["commitment_id"])


def soybean_pledge_in_force(commitments: pd.DataFrame, as_of) -> pd.Series | None:
    """The soybean tonnage pledge a reader on ``as_of`` would measure, or ``None`` before any was announced.

    Only pledges announced by ``as_of`` and not yet replaced by then (a later
    one names them in ``supersedes``) are considered. The rule, in order:

    1. one whose period contains ``as_of``; if several, the one due first
       (the 12 MMT pledge to February 2026 before the 2026 calendar-year pledge);
    2. else the one that started most recently (its deadline has passed);
    3. else the next one to start (announced, not yet started).

    >>> c = pd.DataFrame({"commitment_id": ["a", "b", "c"], "target": [1.0, 2.0, 3.0], "unit": "t",
    ...                   "metric": SOYBEAN_METRIC, "supersedes": [None, "a", None],
    ...                   "announced": pd.to_datetime(["2025-10-30", "2025-12-03", "2025-10-30"]),
    ...                   "start": pd.to_datetime(["2025-10-30", "2025-10-30", "2026-01-01"]),
    ...                   "deadline": pd.to_datetime(["2025-12-31", "2026-02-28", "2026-12-31"])})
    >>> [getattr(soybean_pledge_in_force(c, d), "name", None) for d in
    ...  ["2025-10-29", "2025-11-30", "2025-12-31", "2026-01-31", "2026-03-31", "2027-06-30"]]
    [None, 'a', 'b', 'b', 'c', 'c']
    """
    as_of = pd.Timestamp(as_of)
    pledges = soybean_pledges(commitments)
    known = pledges[pledges["announced"] <= as_of]
    known = known[~known["commitment_id"].isin(set(known["supersedes"].dropna()))]
    known = known.set_axis(known["commitment_id"].to_numpy())  # each row's name is its id
    running = known[(known["start"] <= as_of) & (known["deadline"] >= as_of)]
    if len(running):
        return running.sort_values(["deadline", "start", "commitment_id"]).iloc[0]
    started = known[known["start"] <= as_of]
    if len(started):
        return started.sort_values(["start", "deadline", "commitment_id"]).iloc[-1]
    upcoming = known.sort_values(["start", "deadline", "commitment_id"])
    return upcoming.iloc[0] if len(upcoming) else None


@dataclass(frozen=True)
class SeriesSpec:
    """How a soybean series measures purchases."""

    label: str
    kind: str  # "monthly": flows per month; "since_start": totals since the commitment began
    basis: str


SERIES = {
    "usda_sales_to_cn": SeriesSpec(
        "USDA-reported export sales to China", "since_start",
        "US export sales confirmed by USDA (weekly reports and daily flash sales): purchases when booked.",
    ),
    "reported_purchases_to_cn": SeriesSpec(
        "Purchases reported by traders and officials", "since_start",
        "Estimates by traders, officials and analysts; they include cargoes not yet confirmed by USDA.",
    ),
    "cn_customs_imports_from_us": SeriesSpec(
        "China customs imports from the US", "monthly",
        "China's customs arrivals of US soybeans: they lag purchases by the one to three months a cargo takes.",
    ),
    "us_exports_to_cn": SeriesSpec(
        "US exports to China (Census/USDA)", "monthly",
        "US export statistics: shipments leaving US ports.",
    ),
}
BASELINE_SERIES = "cn_customs_imports_from_us"
# Rows that count as "since the commitment began" may start a few days either side of it:
# sources date the truce by the summit, the announcement or "late October".
START_TOLERANCE_DAYS = 7
# How the purchases report measures a tonnage pledge with its notebook's default parameters
# (flow_series, method); other reports that score pledges measure them the same way. The default
# baseline year follows the pledge and the date (:func:`auto_baseline_year`).
PURCHASES_FLOW_SERIES = "usda_sales_to_cn"
PURCHASES_METHOD = "seasonal"
# What :func:`auto_baseline_year` gives the pledges that start in 2025 (kept for callers that fixed it).
PURCHASES_BASELINE_YEAR = 2024


@dataclass(frozen=True)
class Commitment:
    """A purchase commitment: ``target`` units between ``start`` and ``deadline``."""

    commitment_id: str
    target: float
    start: pd.Timestamp
    deadline: pd.Timestamp
    unit: str = "t"

    def __post_init__(self):
        object.__setattr__(self, "start", pd.Timestamp(self.start))
        object.__setattr__(self, "deadline", pd.Timestamp(self.deadline))
        if not self.target > 0:
            raise ValueError(f"commitment {self.commitment_id}: target must be positive")
        if self.deadline < self.start:
            raise ValueError(f"commitment {self.commitment_id}: deadline is before start")

    @property
    def days(self) -> int:
        """Length of the commitment period in days, both ends included."""
        return (self.deadline - self.start).days + 1


def elapsed_days(commitment: Commitment, when) -> int:
    """Days of the commitment period that have passed by the end of ``when``.

    >>> c = Commitment("x", 120, "2025-11-01", "2026-02-28")
    >>> elapsed_days(c, "2025-10-15"), elapsed_days(c, "2025-11-30"), elapsed_days(c, "2026-06-01")
    (0, 30, 120)
    """
    days = (pd.Timestamp(when) - commitment.start).days + 1
    return min(max(days, 0), commitment.days)


def linear_target(commitment: Commitment, when) -> float:
    """Amount due by the end of ``when`` if the target is spread evenly over the days.

    >>> c = Commitment("x", 12_000_000, "2025-11-01", "2026-02-28")
    >>> linear_target(c, "2025-12-31")
    6100000.0
    """
    return commitment.target * elapsed_days(commitment, when) / commitment.days


def seasonal_weights(flows: pd.DataFrame, year: int) -> pd.Series:
    """Each calendar month's share of a baseline year's flow.

    Parameters
    ----------
    flows : DataFrame
        Columns ``period_start``, ``period_end``, ``value``: non-overlapping
        periods of whole months that together cover ``year`` exactly. A
        multi-month period (China customs reports January and February
        together) is spread over its months in proportion to their days.
    year : int
        The baseline year.

    Returns
    -------
    Series
        Index 1..12, values summing to 1.

    Raises
    ------
    ValueError
        If a month of ``year`` is missing or covered twice, or the year's flow is zero.
    """
    covered: dict[int, float] = {}
    for row in flows.itertuples():
        start, end = pd.Timestamp(row.period_start), pd.Timestamp(row.period_end)
        if start.year != year or end.year != year:
            continue
        months = pd.period_range(start, end, freq="M")
        if start != months[0].start_time or end.normalize() != months[-1].end_time.normalize():
            raise ValueError(f"baseline period {start.date()}..{end.date()} is not whole months")
        days_total = (end - start).days + 1
        for month in months:
            if month.month in covered:
                raise ValueError(f"baseline year {year}: month {month} is covered twice")
            covered[month.month] = row.value * month.days_in_month / days_total
    missing = [m for m in range(1, 13) if m not in covered]
    if missing:
        names = ", ".join(pd.Period(year=year, month=m, freq="M").strftime("%b") for m in missing)
        raise ValueError(f"baseline year {year} has no flow for: {names}")
    weights = pd.Series(covered).sort_index()
    if weights.sum() <= 0:
        raise ValueError(f"baseline year {year} has zero total flow")
    return weights / weights.sum()


def seasonal_target(commitment: Commitment, when, weights: pd.Series) -> float:
    """Amount due by the end of ``when`` with each day weighted by its month's share.

    A day's weight is its month's baseline share divided by the month's days,
    so a commitment over one whole calendar year follows the baseline year's
    cumulative profile exactly, and a shorter one is rescaled to its own days.

    >>> w = pd.Series([0.5, 0.5] + [0.0] * 10, index=range(1, 13))
    >>> c = Commitment("x", 100, "2026-01-01", "2026-12-31")
    >>> seasonal_target(c, "2026-01-31", w), seasonal_target(c, "2026-06-30", w)
    (50.0, 100.0)
    """
    days = pd.date_range(commitment.start, commitment.deadline, freq="D")
    daily = weights.reindex(days.month).to_numpy() / days.days_in_month.to_numpy()
    total = daily.sum()
    if total <= 0:
        raise ValueError(
            f"commitment {commitment.commitment_id}: baseline weights are zero over its whole period"
        )
    done = elapsed_days(commitment, when)
    return float(commitment.target * daily[:done].sum() / total)


def target_path(commitment: Commitment, dates, weights: pd.Series | None = None) -> pd.Series:
    """The pro-rated target at each of ``dates``: linear, or seasonal when ``weights`` given."""
    dates = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    if weights is None:
        values = [linear_target(commitment, d) for d in dates]
    else:
        values = [seasonal_target(commitment, d, weights) for d in dates]
    return pd.Series(values, index=dates, dtype="float64")


@dataclass(frozen=True)
class MonthlyCurve:
    """Cumulative purchases built from monthly flows, with the gaps it found."""

    table: pd.DataFrame  # month, period_start, period_end, flow, cumulative, missing
    missing: list[pd.Period] = field(default_factory=list)

    @property
    def curve(self) -> pd.Series:
        """Cumulative totals at the end of each month that has data."""
        # astype(bool): an empty table's column is of object dtype, and ~ on it would select columns, not rows.
        known = self.table[~self.table["missing"].astype(bool)]
        return pd.Series(known["cumulative"].to_numpy(), index=pd.DatetimeIndex(known["period_end"]))


def monthly_cumulative(flows: pd.DataFrame, commitment: Commitment, as_of) -> MonthlyCurve:
    """Cumulate monthly flows over the commitment period up to ``as_of``.

    A month counts in full if it overlaps the commitment period (monthly data
    cannot be split by day) and only once it has ended by ``as_of``. Months
    with no row are listed as missing and contribute nothing, so any total
    after a gap is a lower bound. A row spanning several months (e.g. a
    combined January-February release) fills all of them.

    Parameters
    ----------
    flows : DataFrame
        Columns ``period_start``, ``period_end``, ``value``; whole-month periods.
    commitment : Commitment
    as_of : date-like

    Returns
    -------
    MonthlyCurve
    """
    as_of = pd.Timestamp(as_of)
    last = min(as_of, commitment.deadline)
    months = pd.period_range(commitment.start, last, freq="M") if last >= commitment.start else []
    months = [m for m in months if m.end_time.normalize() <= as_of]
    buckets = []
    for row in flows.sort_values("period_start").itertuples():
        span = pd.period_range(row.period_start, row.period_end, freq="M")
        if span[-1].end_time.normalize() > as_of:
            continue
        buckets.append((set(span), row))
    rows, covered, total = [], set(), 0.0
    for month in months:
        if month in covered:
            continue
        bucket = next(((s, r) for s, r in buckets if month in s), None)
        if bucket is None:
            rows.append((month, month.start_time, month.end_time.normalize(), math.nan, total, True))
            continue
        span, row = bucket
        covered |= span
        total += row.value
        rows.append((month, pd.Timestamp(row.period_start), pd.Timestamp(row.period_end), row.value, total, False))
    table = pd.DataFrame(rows, columns=["month", "period_start", "period_end", "flow", "cumulative", "missing"])
    missing = [r[0] for r in rows if r[5]]
    return MonthlyCurve(table=table, missing=missing)


def achieved_by(curve: pd.Series, when) -> tuple[float, pd.Timestamp | None]:
    """Latest cumulative value counted through ``when``, and the date it counts to.

    >>> s = pd.Series([5.0, 9.0], index=pd.to_datetime(["2026-01-31", "2026-02-28"]))
    >>> achieved_by(s, "2026-02-15")
    (5.0, Timestamp('2026-01-31 00:00:00'))
    >>> achieved_by(s, "2025-12-31")
    (0.0, None)
    """
    known = curve[curve.index <= pd.Timestamp(when)]
    if known.empty:
        return 0.0, None
    return float(known.iloc[-1]), known.index[-1]


def trailing_rate(curve: pd.Series, start, through, window_days: int) -> float | None:
    """Average daily purchases over the ``window_days`` before the latest point.

    The reference point is the latest curve point at least ``window_days``
    before the last one counted through ``through``, or the commitment
    ``start`` (cumulative zero) if there is none. Returns ``None`` when no
    purchases have been observed yet.

    >>> s = pd.Series([30.0, 90.0], index=pd.to_datetime(["2026-01-30", "2026-03-01"]))
    >>> trailing_rate(s, "2026-01-01", "2026-03-31", 20)
    2.0
    >>> trailing_rate(s, "2026-01-01", "2026-03-31", 90)
    1.5
    """
    value, last = achieved_by(curve, through)
    if last is None:
        return None
    start = pd.Timestamp(start) - pd.Timedelta(days=1)  # zero counted through the day before start
    points = pd.concat([pd.Series([0.0], index=[start]), curve[curve.index <= last]])
    earlier = points[points.index <= last - pd.Timedelta(days=window_days)]
    ref_date, ref_value = (earlier.index[-1], earlier.iloc[-1]) if not earlier.empty else (start, 0.0)
    days = (last - ref_date).days
    return (value - float(ref_value)) / days if days > 0 else None


def required_rate(commitment: Commitment, achieved: float, as_of) -> float | None:
    """Daily purchases needed after ``as_of`` to reach the target by the deadline.

    Returns 0 when the target is already met and ``None`` when the deadline
    has passed without it being met (no pace can reach it).

    >>> c = Commitment("x", 120, "2026-01-01", "2026-01-31")
    >>> required_rate(c, 60, "2026-01-21"), required_rate(c, 130, "2026-01-21"), required_rate(c, 60, "2026-02-01")
    (6.0, 0.0, None)
    """
    remaining = commitment.target - achieved
    if remaining <= 0:
        return 0.0
    as_of = max(pd.Timestamp(as_of), commitment.start - pd.Timedelta(days=1))
    days_left = (commitment.deadline - as_of).days
    return remaining / days_left if days_left > 0 else None


def projected_completion(commitment: Commitment, achieved: float, rate: float | None, as_of):
    """Date the target is reached if purchases continue at ``rate`` per day.

    ``None`` if the rate is unknown or not positive (never, at that pace), and
    ``as_of`` itself if the target is already met.

    >>> c = Commitment("x", 100, "2026-01-01", "2026-12-31")
    >>> projected_completion(c, 40, 2.0, "2026-03-01")
    Timestamp('2026-03-31 00:00:00')
    """
    as_of = pd.Timestamp(as_of)
    remaining = commitment.target - achieved
    if remaining <= 0:
        return as_of
    if rate is None or rate <= 0:
        return None
    return as_of + pd.Timedelta(days=math.ceil(remaining / rate))


def percent_fulfilled(commitment: Commitment, achieved: float) -> float:
    """Achieved as a percentage of the target.

    >>> percent_fulfilled(Commitment("x", 12_000_000, "2025-11-01", "2026-02-28"), 3_000_000)
    25.0
    """
    return 100.0 * achieved / commitment.target


def status(commitment: Commitment, achieved: float, expected: float, as_of) -> str:
    """Classify progress as ``met``, ``on track``, ``behind`` or ``missed``.

    ``met`` once the target is reached (at any time); ``missed`` when the
    deadline has passed without it; otherwise ``on track`` if purchases are at
    or above the pro-rated ``expected`` amount and ``behind`` if not.

    >>> c = Commitment("x", 100, "2026-01-01", "2026-01-31")
    >>> [status(c, a, 50, d) for a, d in [(100, "2026-01-10"), (60, "2026-01-16"), (40, "2026-01-16"), (99, "2026-02-01")]]
    ['met', 'on track', 'behind', 'missed']
    """
    if achieved >= commitment.target:
        return "met"
    if pd.Timestamp(as_of) > commitment.deadline:
        return "missed"
    return "on track" if achieved >= expected else "behind"


@dataclass(frozen=True)
class Progress:
    """Everything a report says about one commitment as of one date."""

    commitment: Commitment
    as_of: pd.Timestamp
    achieved: float
    counted_through: pd.Timestamp | None
    lower_bound: bool
    expected: float
    method: str
    percent: float
    days_left: int
    required_per_day: float | None
    trailing_per_day: float | None
    projected: pd.Timestamp | None
    status: str


def evaluate(
    commitment: Commitment,
    curve: pd.Series,
    as_of,
    *,
    weights: pd.Series | None = None,
    window_days: int = 90,
    lower_bound: bool = False,
) -> Progress:
    """Measure a commitment against a cumulative curve as of one date.

    Purchases are counted through ``min(as_of, deadline)``: what arrives after
    the deadline does not rescue a missed target. The expected amount uses the
    seasonal path when ``weights`` are given, else the linear one.

    Parameters
    ----------
    commitment : Commitment
    curve : Series
        Cumulative purchases indexed by the date they count through.
    as_of : date-like
    weights : Series, optional
        Monthly baseline shares from :func:`seasonal_weights`.
    window_days : int
        Trailing window for the run-rate.
    lower_bound : bool
        True when the curve is known to undercount (missing months, "at least" figures).
    """
    as_of = pd.Timestamp(as_of)
    through = min(as_of, commitment.deadline)
    achieved, counted = achieved_by(curve, through)
    expected = (
        seasonal_target(commitment, through, weights) if weights is not None else linear_target(commitment, through)
    )
    rate = trailing_rate(curve, commitment.start, through, window_days)
    return Progress(
        commitment=commitment,
        as_of=as_of,
        achieved=achieved,
        counted_through=counted,
        lower_bound=lower_bound,
        expected=expected,
        method="seasonal" if weights is not None else "linear",
        percent=percent_fulfilled(commitment, achieved),
        days_left=max((commitment.deadline - as_of).days, 0),
        required_per_day=required_rate(commitment, achieved, as_of),
        trailing_per_day=rate,
        projected=projected_completion(commitment, achieved, rate, as_of),
        status=status(commitment, achieved, expected, as_of),
    )


def since_start_curve(rows: pd.DataFrame, commitment: Commitment) -> tuple[pd.Series, pd.DataFrame]:
    """Cumulative curve from rows that total purchases since the commitment began."""
    tolerance = pd.Timedelta(days=START_TOLERANCE_DAYS)
    near_start = (rows["period_start"] - commitment.start).abs() <= tolerance
    # A one-day row is a single sale, not a running total, unless it is the first day itself.
    is_total = (rows["period_end"] > rows["period_start"]) | (rows["period_start"] == commitment.start)
    used = rows[near_start & is_total]
    used = used.sort_values("period_end").drop_duplicates("period_end", keep="last")
    return pd.Series(used["value"].to_numpy(), index=pd.DatetimeIndex(used["period_end"])), used


def baseline_weights(soybeans: pd.DataFrame, year: int, as_of=None) -> tuple[pd.Series, pd.DataFrame]:
    """Monthly shares of China's customs arrivals of US soybeans in ``year``.

    With ``as_of``, only months that had ended by then count, so a year not
    yet over on ``as_of`` cannot be the baseline.

    Raises
    ------
    ParameterError
        If the baseline year is not fully covered by monthly data (known by ``as_of``).
    """
    rows = obs.preferred(soybeans, BASELINE_SERIES, "t")
    if as_of is not None:
        as_of = pd.Timestamp(as_of)
        if pd.Timestamp(year=year, month=12, day=31) > as_of:
            raise ParameterError("baseline_year", f"{year} had not ended by as_of {as_of.date()}")
        rows = obs.known_as_of(rows, as_of)
    rows = rows[(rows["period_start"].dt.year == year) & (rows["period_end"].dt.year == year)]
    buckets = obs.monthly_partition(rows)
    try:
        return seasonal_weights(buckets, year), buckets
    except ValueError as err:
        raise ParameterError("baseline_year", str(err)) from None


def auto_baseline_year(soybeans: pd.DataFrame, start, as_of) -> int:
    """The default baseline for a pledge starting on ``start``: the last full calendar year before it.

    A year counts only if it had ended by ``as_of`` and China's customs
    figures cover each of its months; otherwise the year before is tried, back
    to the first year in the data.

    Raises
    ------
    ParameterError
        If no such year exists (naming ``baseline_year``).
    """
    rows = obs.preferred(soybeans, BASELINE_SERIES, "t")
    first = int(rows["period_start"].dt.year.min()) if len(rows) else pd.Timestamp(start).year
    for year in range(pd.Timestamp(start).year - 1, first - 1, -1):
        try:
            baseline_weights(soybeans, year, as_of)
        except ParameterError:
            continue
        return year
    raise ParameterError("baseline_year", f"no calendar year before {pd.Timestamp(start).year} has a China customs "
                                          f"figure for every month by as_of {pd.Timestamp(as_of).date()}; "
                                          f"give a baseline_year or set method to linear")


# Commitments that suspend a measure until a deadline: their deadlines are the truce's cliffs.
SUSPENSION_METRICS = ("tariff_suspension", "export_control_suspension", "port_fee_suspension")


def extensions(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    """Commitments known on ``as_of`` that replace an earlier one with a later deadline (an extension).

    Returns
    -------
    DataFrame
        ``commitment_id`` (the new one), ``supersedes``, ``old_deadline``,
        ``deadline``, ``announced`` and ``source_id``.

    >>> c = pd.DataFrame({"commitment_id": ["a", "b"], "supersedes": [None, "a"],
    ...                   "deadline": pd.to_datetime(["2026-11-10", "2027-01-10"]),
    ...                   "announced": pd.to_datetime(["2025-11-01", "2026-09-23"]), "source_id": ["s1", "s2"]})
    >>> extensions(c, "2026-12-03")[["commitment_id", "old_deadline"]].values.tolist()
    [['b', Timestamp('2026-11-10 00:00:00')]]
    >>> extensions(c, "2026-09-22").empty
    True
    """
    known = commitments[(commitments["announced"] <= pd.Timestamp(as_of)) & commitments["supersedes"].notna()]
    old = commitments.set_index("commitment_id")["deadline"]
    rows = known.assign(old_deadline=known["supersedes"].map(old))
    rows = rows[rows["deadline"] > rows["old_deadline"]]
    return rows[["commitment_id", "supersedes", "old_deadline", "deadline", "announced", "source_id"]].reset_index(drop=True)


def next_cliff(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    """The suspensions due first after ``as_of``, among those known then and not replaced by a later commitment.

    The truce's next cliff is their deadline: the day the suspended tariffs, export
    controls or port fees return unless something known later moves it. Empty when
    no suspension lies ahead.
    """
    as_of = pd.Timestamp(as_of)
    known = commitments[(commitments["announced"] <= as_of) & commitments["metric"].isin(SUSPENSION_METRICS)]
    replaced = set(known["supersedes"].dropna())
    ahead = known[~known["commitment_id"].isin(replaced) & (known["deadline"] > as_of)]
    return ahead[ahead["deadline"] == ahead["deadline"].min()].reset_index(drop=True)
