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
# What a series says about a pledge on a date (see :func:`status`). Only the first four judge progress
# against the target; the others say the evidence is missing and must not be read as a verdict.
STATUSES = ("met", "on track", "behind", "missed", "no figure since", "unresolved", "no figure")
JUDGED = ("met", "on track", "behind", "missed")
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
    official: bool = True  # a government statistic (USDA, China customs, US Census), not a tally by traders
    purchases: bool = True  # counts purchases when made (sales, tallies), not shipments or arrivals, which lag them
    # The kind of flow whose seasonal profile the data hold for this series ("arrivals": China customs
    # monthly arrivals); None when no profile of the same kind of flow is sourced, so it is pro-rated linearly.
    profile: str | None = None


SERIES = {
    "usda_sales_to_cn": SeriesSpec(
        "USDA-reported export sales to China", "since_start",
        "US export sales confirmed by USDA (weekly reports and daily flash sales): purchases when booked.",
    ),
    "reported_purchases_to_cn": SeriesSpec(
        "Purchases reported by traders and officials", "since_start",
        "Estimates by traders, officials and analysts; they include cargoes not yet confirmed by USDA.",
        official=False,
    ),
    "cn_customs_imports_from_us": SeriesSpec(
        "China customs arrivals from the US (lags purchases)", "monthly",
        "China's customs arrivals of US soybeans: they lag purchases by the one to three months a cargo takes.",
        profile="arrivals", purchases=False,
    ),
    "us_exports_to_cn": SeriesSpec(
        "US exports to China (Census/USDA)", "monthly",
        "US export statistics: shipments leaving US ports.", purchases=False,
    ),
}
# The series whose seasonal profile each kind of flow takes (only arrivals have several sourced years).
PROFILE_SERIES = {"arrivals": "cn_customs_imports_from_us"}
# At most this many full calendar years of a profile are averaged by default (the latest ones before a pledge).
PROFILE_MAX_YEARS = 5
BASELINE_SERIES = "cn_customs_imports_from_us"
# Rows that count as "since the commitment began" may start a few days either side of it:
# sources date the truce by the summit, the announcement or "late October".
START_TOLERANCE_DAYS = 7
# The series and path other reports (durability) score tonnage pledges with. The purchases report's own
# default series is "auto" (:func:`default_series`), which on the dates USDA has a figure for a pledge gives
# this one; its default seasonal profile follows the pledge and the date (:func:`auto_profile_years`).
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
    """Classify one figure, counted through ``as_of``, as ``met``, ``on track``, ``behind`` or ``missed``.

    ``met`` once the target is reached; ``missed`` when the figure is dated at or after the deadline and
    below the target; otherwise ``on track`` if it is at or above the pro-rated ``expected`` amount on
    the same date and ``behind`` if not. ``as_of`` here is the date the figure counts through, not the
    report date: :func:`evaluate` never judges a figure at a later date than its own.

    >>> c = Commitment("x", 100, "2026-01-01", "2026-01-31")
    >>> [status(c, a, 50, d) for a, d in [(100, "2026-01-10"), (60, "2026-01-16"), (40, "2026-01-16"), (99, "2026-01-31")]]
    ['met', 'on track', 'behind', 'missed']
    """
    if achieved >= commitment.target:
        return "met"
    if pd.Timestamp(as_of) >= commitment.deadline:
        return "missed"
    return "on track" if achieved >= expected else "behind"


@dataclass(frozen=True)
class Reading:
    """A figure or status reading that shows a pledge met, with where it comes from."""

    label: str  # the series, or "status recorded in commitments.csv"
    source_id: str
    date: pd.Timestamp  # the date the figure counts through, or of the status reading
    value: float | None  # None for a status reading with no figure
    lower_bound: bool = False


@dataclass(frozen=True)
class Progress:
    """What one series says about one commitment as of one date, judged at the series' last figure."""

    commitment: Commitment
    as_of: pd.Timestamp
    achieved: float  # the figure the status rests on (0 when there is none)
    counted_through: pd.Timestamp | None  # the date it counts through
    lower_bound: bool
    expected: float  # the target path at counted_through (or at the date judged, with no figure)
    method: str
    percent: float
    days_left: int
    required_per_day: float | None  # from the last figure to the deadline; None once the deadline has passed
    trailing_per_day: float | None
    projected: pd.Timestamp | None  # from the last figure at the recent pace; None once the deadline has passed
    status: str  # one of STATUSES
    status_date: pd.Timestamp | None = None  # the date the status speaks for (see :func:`evaluate`)
    met_by: Reading | None = None  # set when another source shows the pledge met and this series does not

    @property
    def judged(self) -> bool:
        """True when the status is a verdict; False when it says a figure is missing (no figure, no figure since, unresolved)."""
        return self.status in JUDGED


def evaluate(
    commitment: Commitment,
    curve: pd.Series,
    as_of,
    *,
    weights: pd.Series | None = None,
    window_days: int = 90,
    lower_bound: bool = False,
    bounds: pd.Series | None = None,
    met_elsewhere: Reading | None = None,
) -> Progress:
    """Judge a commitment at the last figure of a cumulative curve known on ``as_of``.

    The figure is compared with the target path *at the date it counts through*, never with
    the path at ``as_of``, and the status names that date (``status_date``):

    - ``met``: a figure counted through the deadline or earlier is at or above the target
      (the date is the first such figure), or ``met_elsewhere`` gives another source that
      shows it (``met_by`` names it);
    - ``missed``: a figure dated at or after the deadline is below the target and not a
      lower bound (a floor below the target cannot show a miss: ``unresolved``);
    - ``no figure since``: the deadline has passed and the last figure predates it;
    - ``on track`` / ``behind``: before the deadline, the last figure against the path then
      (a floor below the path cannot show the pledge behind: ``unresolved``);
    - ``no figure``: the curve has no figure by ``as_of``.

    The recent pace, the pace needed and the projected completion run from the last figure;
    the last two are dropped once the deadline has passed (``None``).

    Parameters
    ----------
    commitment : Commitment
    curve : Series
        Cumulative purchases indexed by the date they count through. A cumulative total cannot
        fall, so the curve is read as its running maximum.
    as_of : date-like
    weights : Series, optional
        Monthly shares from :func:`seasonal_weights` for the seasonal path; linear without.
    window_days : int
        Trailing window for the run-rate.
    lower_bound : bool
        True when every figure of the curve may undercount (missing months).
    bounds : Series, optional
        Per figure of ``curve``: True where that figure is a floor ("at least").
    met_elsewhere : Reading, optional
        Another graded source showing the target met by ``as_of``.
    """
    as_of = pd.Timestamp(as_of)
    curve = curve[curve.index <= as_of].sort_index().cummax()

    def floor(when) -> bool:
        return lower_bound or bool(bounds is not None and when in bounds.index and bool(bounds[when]))

    def path(when) -> float:
        return seasonal_target(commitment, when, weights) if weights is not None else linear_target(commitment, when)

    by_deadline = curve[curve.index <= commitment.deadline]
    reached = by_deadline[by_deadline >= commitment.target]
    met_by = None
    if len(reached):
        verdict, status_date = "met", reached.index[0]
        counted = by_deadline.index[-1]
    else:
        counted = curve.index[-1] if len(curve) else None
        if met_elsewhere is not None and met_elsewhere.date <= as_of:
            verdict, status_date, met_by = "met", met_elsewhere.date, met_elsewhere
        elif counted is None:
            verdict, status_date = "no figure", None
        elif counted >= commitment.deadline:
            verdict, status_date = ("unresolved" if floor(counted) else "missed"), counted
        elif as_of > commitment.deadline:
            verdict, status_date = "no figure since", counted
        else:
            verdict, status_date = status(commitment, float(curve[counted]), path(counted), counted), counted
            if verdict == "behind" and floor(counted):
                verdict = "unresolved"  # "at least x" below the path: the true figure may be on it
    achieved = 0.0 if counted is None else float(curve[counted])
    open_ = verdict != "met" and as_of <= commitment.deadline
    rate = trailing_rate(curve, commitment.start, counted, window_days) if counted is not None else None
    start = counted if counted is not None else commitment.start - pd.Timedelta(days=1)
    return Progress(
        commitment=commitment,
        as_of=as_of,
        achieved=achieved,
        counted_through=counted,
        lower_bound=counted is not None and floor(counted),
        expected=path(min(counted if counted is not None else as_of, commitment.deadline)),
        method="seasonal" if weights is not None else "linear",
        percent=percent_fulfilled(commitment, achieved),
        days_left=max((commitment.deadline - as_of).days, 0),
        required_per_day=(0.0 if verdict == "met" else required_rate(commitment, achieved, start) if open_ else None),
        trailing_per_day=rate,
        projected=projected_completion(commitment, achieved, rate, start) if open_ and counted is not None else None,
        status=verdict,
        status_date=status_date,
        met_by=met_by,
    )


def since_start_curve(rows: pd.DataFrame, commitment: Commitment) -> tuple[pd.Series, pd.DataFrame]:
    """Cumulative curve from rows that total purchases since the commitment began, as a running maximum.

    A total since a fixed start cannot fall: a later figure below an earlier one is a
    lower-bound tally or a narrower count, not a fall in purchases, so the curve holds the
    highest figure so far. ``used`` keeps each row's own figure, with ``running_max`` (the
    curve's value on that date), ``held`` (True where an earlier, higher figure sets it) and
    ``running_floor`` (True where the figure setting it is an "at least" figure).
    """
    tolerance = pd.Timedelta(days=START_TOLERANCE_DAYS)
    near_start = (rows["period_start"] - commitment.start).abs() <= tolerance
    # A one-day row is a single sale, not a running total, unless it is the first day itself.
    is_total = (rows["period_end"] > rows["period_start"]) | (rows["period_start"] == commitment.start)
    used = rows[near_start & is_total]
    used = used.sort_values("period_end").drop_duplicates("period_end", keep="last").copy()
    bounds = used["bound"] if "bound" in used else pd.Series("exact", index=used.index)
    best, best_floor, running, floors = -math.inf, False, [], []
    for value, bound in zip(used["value"], bounds):
        if value >= best:
            best, best_floor = value, bound == "at_least"
        running.append(best)
        floors.append(best_floor)
    used["running_max"] = running
    used["held"] = used["running_max"] > used["value"]
    used["running_floor"] = floors
    return pd.Series(running, index=pd.DatetimeIndex(used["period_end"]), dtype="float64"), used


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


def profile_years(soybeans: pd.DataFrame, start, as_of, max_years: int = PROFILE_MAX_YEARS) -> list[int]:
    """Full calendar years of China's customs arrivals before a pledge starting on ``start``, newest first.

    A year counts when it had ended by ``as_of`` and the customs figures known then give each
    of its months (a combined January-February release covers both). At most ``max_years``.
    """
    rows = obs.preferred(soybeans, BASELINE_SERIES, "t")
    first = int(rows["period_start"].dt.year.min()) if len(rows) else pd.Timestamp(start).year
    years = []
    for year in range(pd.Timestamp(start).year - 1, first - 1, -1):
        try:
            baseline_weights(soybeans, year, as_of)
        except ParameterError:
            continue
        years.append(year)
        if len(years) == max_years:
            break
    return years


def auto_profile_years(soybeans: pd.DataFrame, start, as_of) -> tuple[int, ...]:
    """The default seasonal profile's years for a pledge starting on ``start``, oldest first.

    Every full calendar year of customs arrivals before the pledge (:func:`profile_years`).

    Raises
    ------
    ParameterError
        If there is none (naming ``baseline_year``).
    """
    years = profile_years(soybeans, start, as_of)
    if not years:
        raise ParameterError("baseline_year", f"no calendar year before {pd.Timestamp(start).year} has a China customs "
                                              f"figure for every month by as_of {pd.Timestamp(as_of).date()}; "
                                              f"give a baseline_year or set method to linear")
    return tuple(sorted(years))


def profile_weights(soybeans: pd.DataFrame, years, as_of=None) -> tuple[pd.Series, pd.DataFrame]:
    """Monthly shares of China's customs arrivals averaged over ``years`` (each year weighs the same).

    Averaging shares rather than tonnes keeps a large year from setting the rhythm alone.

    Returns
    -------
    (Series, DataFrame)
        Weights for months 1..12 summing to 1, and the monthly rows they rest on.
    """
    found = [baseline_weights(soybeans, year, as_of) for year in years]
    weights = sum(w for w, _ in found) / len(found)
    return weights / weights.sum(), pd.concat([rows for _, rows in found], ignore_index=True)


def default_series(progress: dict) -> str | None:
    """The series that measures a pledge by default, from each series' :class:`Progress` (``None``: no figure).

    The rule, in order: only a series with a figure counted from the pledge's start (it covers
    the pledge period); official statistics (USDA, China customs, US Census) before traders'
    and officials' tallies; counts of purchases (sales) before shipments and arrivals, which
    lag them; then the most recent counted-through date; on a tie, the order of :data:`SERIES`.
    ``None`` when no series has a figure.

    >>> P = lambda d: type("P", (), {"counted_through": None if d is None else pd.Timestamp(d)})()
    >>> default_series({"usda_sales_to_cn": P("2026-01-08"), "reported_purchases_to_cn": P("2026-01-20"),
    ...                 "cn_customs_imports_from_us": P("2025-12-31"), "us_exports_to_cn": P(None)})
    'usda_sales_to_cn'
    >>> default_series({"usda_sales_to_cn": P(None), "reported_purchases_to_cn": P("2026-09-21")})
    'reported_purchases_to_cn'
    """
    order = list(SERIES)
    candidates = [name for name, p in progress.items() if p is not None and p.counted_through is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda n: (not SERIES[n].official, not SERIES[n].purchases,
                                          -progress[n].counted_through.value, order.index(n)))


def recorded_met(record: pd.Series, as_of, sources: pd.DataFrame) -> Reading | None:
    """The commitments file's own reading that a pledge was met, if dated by ``as_of`` and graded in sources.csv."""
    graded = set(sources.loc[sources["reliability"].notna(), "source_id"])
    if (record.get("status") == "met" and pd.notna(record.get("status_as_of"))
            and pd.Timestamp(record["status_as_of"]) <= pd.Timestamp(as_of)
            and record.get("evidence_source_id") in graded):
        return Reading("status recorded in commitments.csv", record["evidence_source_id"],
                       pd.Timestamp(record["status_as_of"]), None)
    return None


# Purchase pledges by what they count: the live-pledge table measures each in its own unit.
PURCHASE_METRICS = ("us_soybean_purchases", "us_agricultural_purchases", "aircraft_purchases", "us_energy_purchases",
                    "us_coal_purchases")
# commitments.csv has no field for a yearly target; a description saying "a year" marks one (the farm-goods pledge).
YEARLY_WORDS = " a year"


def _known_unreplaced(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    as_of = pd.Timestamp(as_of)
    known = commitments[commitments["announced"] <= as_of]
    return known[~known["commitment_id"].isin(set(known["supersedes"].dropna()))]


def live_purchase_pledges(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    """Purchase pledges with a target in force on ``as_of``: announced, begun, not replaced, deadline not passed.

    >>> c = pd.DataFrame({"commitment_id": ["a", "b", "c"], "metric": "us_soybean_purchases", "target": 1.0,
    ...                   "supersedes": None, "announced": pd.to_datetime(["2025-10-30"] * 3),
    ...                   "start": pd.to_datetime(["2025-10-30", "2026-01-01", "2027-01-01"]),
    ...                   "deadline": pd.to_datetime(["2026-02-28", "2026-12-31", None])})
    >>> live_purchase_pledges(c, "2026-03-01")["commitment_id"].tolist()
    ['b']
    """
    as_of = pd.Timestamp(as_of)
    known = _known_unreplaced(commitments, as_of)
    known = known[known["metric"].isin(PURCHASE_METRICS) & known["target"].notna()]
    live = known[(known["start"] <= as_of) & (known["deadline"].isna() | (known["deadline"] >= as_of))]
    return live.sort_values(["start", "commitment_id"]).reset_index(drop=True)


def upcoming_purchase_pledges(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    """Purchase pledges with a target announced by ``as_of`` that had not begun then."""
    as_of = pd.Timestamp(as_of)
    known = _known_unreplaced(commitments, as_of)
    known = known[known["metric"].isin(PURCHASE_METRICS) & known["target"].notna() & (known["start"] > as_of)]
    return known.sort_values(["start", "commitment_id"]).reset_index(drop=True)


def past_soybean_pledges(commitments: pd.DataFrame, as_of) -> pd.DataFrame:
    """Soybean tonnage pledges known on ``as_of`` that are history then: deadline passed, or replaced.

    Adds ``replaced_by`` (the id of the pledge known by ``as_of`` that names it in ``supersedes``, or None).
    """
    as_of = pd.Timestamp(as_of)
    known = soybean_pledges(commitments)
    known = known[known["announced"] <= as_of]
    replacing = known.dropna(subset=["supersedes"]).set_index("supersedes")["commitment_id"]
    past = known[(known["deadline"] < as_of) | known["commitment_id"].isin(replacing.index)].copy()
    past["replaced_by"] = [replacing.get(i) for i in past["commitment_id"]]
    return past.sort_values(["start", "deadline", "commitment_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class Tranche:
    """The part of a yearly target due in one calendar year, pro-rated by days from the pledge's start."""

    year: int
    start: pd.Timestamp
    end: pd.Timestamp
    days: int
    year_days: int
    per_year: float

    @property
    def amount(self) -> float:
        return self.per_year * self.days / self.year_days

    def due(self, when) -> float:
        """The part of :attr:`amount` due by the end of ``when``, spread evenly over the tranche's days."""
        elapsed = min(max((pd.Timestamp(when) - self.start).days + 1, 0), self.days)
        return self.amount * elapsed / self.days


def is_yearly(record: pd.Series) -> bool:
    """True when the pledge's target is an amount a year (its description says so)."""
    return YEARLY_WORDS in str(record.get("description", ""))


def yearly_tranche(record: pd.Series, as_of) -> Tranche:
    """The calendar-year part of a yearly target that contains ``as_of`` (or the pledge's first year before it).

    A first year that begins after 1 January is pro-rated by its days.

    >>> r = pd.Series({"target": 17e9, "start": pd.Timestamp("2026-05-17"), "deadline": pd.Timestamp("2028-12-31")})
    >>> t = yearly_tranche(r, "2026-12-03")
    >>> (t.days, t.year_days, round(t.amount / 1e9, 3))
    (229, 365, 10.666)
    """
    as_of = pd.Timestamp(as_of)
    year = max(as_of.year, record["start"].year)
    first = max(pd.Timestamp(year=year, month=1, day=1), record["start"])
    last = pd.Timestamp(year=year, month=12, day=31)
    if pd.notna(record.get("deadline")):
        last = min(last, record["deadline"])
    year_days = 366 if pd.Timestamp(year=year, month=12, day=31).day_of_year == 366 else 365
    return Tranche(year, first, last, (last - first).days + 1, year_days, float(record["target"]))


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


def next_cliff(commitments: pd.DataFrame, as_of, moot=frozenset()) -> pd.DataFrame:
    """The suspensions due first after ``as_of``, among those known then and not replaced by a later commitment.

    The truce's next cliff is their deadline: the day the suspended tariffs, export
    controls or port fees return unless something known later moves it. Suspensions
    named in ``moot`` (their measure no longer stands, see
    :func:`analysis.domain.tariffs.moot_suspensions`) cannot return and are left out.
    Empty when no suspension lies ahead.
    """
    as_of = pd.Timestamp(as_of)
    known = commitments[(commitments["announced"] <= as_of) & commitments["metric"].isin(SUSPENSION_METRICS)]
    replaced = set(known["supersedes"].dropna()) | set(moot)
    ahead = known[~known["commitment_id"].isin(replaced) & (known["deadline"] > as_of)]
    return ahead[ahead["deadline"] == ahead["deadline"].min()].reset_index(drop=True)
