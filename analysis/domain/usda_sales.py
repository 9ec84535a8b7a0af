"""USDA export sales to China re-based to a pledge's own period.

USDA's weekly Export Sales Reporting (ESR) gives, for each week, China's
running total for the soybean marketing year: everything sold for that
year (shipped or still to ship), counted from 1 September. A pledge runs
from its own start instead (the truce on 30 Oct 2025, or 1 January for a
calendar-year pledge), so the purchases tracker needs the sales booked
since that start. :func:`rebased` works them out like this.

**Within one marketing year.** Sales since the start are the total at a
week minus the total at the last week that ended *before* the start (the
base week). USDA weeks end on Thursdays, so the count really begins the
day after the base week; when the data have no week in the seven days
before the start, the count begins earlier than the start and the figure
is an upper bound.

**Across 1 September** (a calendar-year pledge). Sales since the start
are what the old year gained after the base week (its total at its last
week minus its total at the base week), plus the new year's running total,
plus any years in between in full. The new year's total also holds
new-crop sales booked *before* 1 September, some of them perhaps before the
start; those are subtracted when the data record them (USDA reports them
weekly as "next marketing year" sales; the refresh keeps them as
``usda_next_my_sales_to_cn`` rows once the data package lists that series).
The same figures complete the count the other way: sales for the following
year booked since the start are added, inside one year as well.

**When a figure is missing.** Without the next-year figures, a count
inside one year leaves out new-crop sales and is a lower bound; a count
across 1 September may include new-crop sales booked before the start and
leave out later ones, so it is approximate. A week that has no base week
in the start's marketing year, or whose count needs a year with no closing
week in the data, is not re-based: a gap stays a gap. A marketing-year
total that was zero at a week before the start is a valid base.

Each re-based total is a derived row whose ``derivation`` spells out the
arithmetic and the weeks used. ``bound`` combines the inputs' bounds with
the caveats above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

SERIES = "usda_sales_to_cn"
# USDA's "next marketing year outstanding sales" at each week: sales for the
# following year booked during the current one. Not yet a series of the data package.
NEXT_YEAR_SERIES = "usda_next_my_sales_to_cn"
# The purchases tracker's tolerance for "counts from the start" (commitments.START_TOLERANCE_DAYS).
START_TOLERANCE_DAYS = 7
# The last ESR week of a marketing year ends on a Thursday up to six days either side of 31 August.
CLOSING_SLACK = timedelta(days=6)


def marketing_year(day: date) -> int:
    """ESR marketing-year number of the soybean year containing ``day`` (the calendar year it ends in).

    >>> marketing_year(date(2025, 8, 31)), marketing_year(date(2025, 9, 1)), marketing_year(date(2026, 1, 15))
    (2025, 2026, 2026)
    """
    return day.year + 1 if day.month >= 9 else day.year


def marketing_year_start(market_year: int) -> date:
    """First day (1 September) of ESR marketing year ``market_year``.

    >>> marketing_year_start(2026)
    datetime.date(2025, 9, 1)
    """
    return date(market_year - 1, 9, 1)


def label(market_year: int) -> str:
    """Spell a marketing year the way USDA does.

    >>> label(2026)
    'MY2025/26'
    """
    return f"MY{market_year - 1}/{market_year % 100:02d}"


def year_of_total(period_start, period_end) -> int | None:
    """The marketing year whose running total a row with this period is, or None.

    A running total starts on 1 September and ends by the year's last ESR
    week (up to six days past 31 August); a single day is a flash sale.

    >>> year_of_total(date(2025, 9, 1), date(2026, 1, 8)), year_of_total(date(2025, 10, 30), date(2026, 1, 8))
    (2026, None)
    """
    first, last = pd.Timestamp(period_start), pd.Timestamp(period_end)
    if (first.month, first.day) != (9, 1):
        return None
    year = first.year + 1
    if first < last <= pd.Timestamp(date(year, 8, 31) + CLOSING_SLACK):
        return year
    return None


@dataclass(frozen=True)
class _Figure:
    """One running total (this year's or next year's sales) at a week's end."""

    year: int
    end: pd.Timestamp
    value: float
    bound: str
    unit: str
    source_id: str
    position: int  # the row's position in the input frame


@dataclass(frozen=True)
class _Term:
    sign: int
    text: str
    figure: _Figure


def rebased(rows: pd.DataFrame, start) -> pd.DataFrame:
    """``usda_sales_to_cn`` rows as totals since ``start``, in the shape of ``soybeans.csv`` rows.

    Parameters
    ----------
    rows : pandas.DataFrame
        Typed ``soybeans.csv`` rows (as the loaders give them). Marketing-year
        running totals of ``usda_sales_to_cn`` are re-based; rows of
        ``usda_next_my_sales_to_cn``, if given, serve only as the next-year
        correction and are not returned.
    start : date-like
        The pledge's first day.

    Returns
    -------
    pandas.DataFrame
        The same columns: every row that already counts from within seven
        days of ``start`` and every row of another shape (flash sales, a
        week's purchases, totals since some other day), unchanged; and for
        each running total ending on or after ``start`` that can be
        re-based, a derived row with ``period_start = start``. Running totals
        are not returned as they were: they count from 1 September, not from
        the start. ``attrs["not_rebased"]`` lists the weeks that could not be
        re-based and why, for the page to say.
    """
    start = pd.Timestamp(start).normalize()
    if rows.empty:
        out = rows.copy()
        out.attrs["not_rebased"] = []
        return out
    first = pd.to_datetime(rows["period_start"])
    last = pd.to_datetime(rows["period_end"])
    # Positions, not labels: the caller's index need not be unique.
    years = [year_of_total(a, b) for a, b in zip(first, last)]
    is_year_total = pd.Series([year is not None for year in years], index=rows.index)
    near_start = (first - start).abs() <= pd.Timedelta(days=START_TOLERANCE_DAYS)
    is_total = (rows["series"] == SERIES) & is_year_total & ~near_start
    is_next_year = (rows["series"] == NEXT_YEAR_SERIES) & is_year_total

    def figures(mask: pd.Series) -> list[_Figure]:
        return [_Figure(years[i], last.iloc[i], float(rows["value"].iloc[i]), rows["bound"].iloc[i],
                        rows["unit"].iloc[i], rows["source_id"].iloc[i], i)
                for i in range(len(rows)) if mask.iloc[i]]

    totals, next_year = figures(is_total), figures(is_next_year)
    made, not_rebased = [], []
    for figure in totals:
        if figure.end < start:
            continue  # a total from before the start is only ever a base
        result = _rebase(figure, start, totals, next_year)
        if isinstance(result, str):
            not_rebased.append(f"{figure.end.date()} ({figure.source_id}): {result}")
            continue
        value, bound, derivation = result
        row = rows.iloc[figure.position].copy()
        row["period_start"] = start
        row["value"] = value
        row["bound"] = bound
        row["derived"] = True
        row["derivation"] = derivation
        row["note"] = (f"USDA sales to China booked since {start.date()}, re-based from "
                       f"{label(figure.year)} marketing-year running totals")
        made.append(row)
    kept = rows[~is_total & ~is_next_year]
    out = pd.concat([kept, pd.DataFrame(made, columns=rows.columns)]) if made else kept.copy()
    for column in ("period_start", "period_end"):
        out[column] = out[column].astype(rows[column].dtype)
    out["derived"] = out["derived"].astype(rows["derived"].dtype)
    out = out.sort_values(["period_start", "period_end"], kind="stable").reset_index(drop=True)
    out.attrs = {**rows.attrs, "not_rebased": not_rebased}
    return out


def _pick(candidates: list[_Figure], source_id: str) -> _Figure | None:
    """The latest figure; at a tie, the one from ``source_id`` (the figure being re-based)."""
    if not candidates:
        return None
    latest = max(f.end for f in candidates)
    tied = [f for f in candidates if f.end == latest]
    return next((f for f in tied if f.source_id == source_id), tied[0])


def _rebase(figure: _Figure, start: pd.Timestamp, totals: list[_Figure],
            next_year: list[_Figure]) -> tuple[float, str, str] | str:
    """(value, bound, derivation) of ``figure`` counted from ``start``, or why it cannot be."""
    first_year = marketing_year(start)
    same = [f for f in totals if f.unit == figure.unit]
    base = _pick([f for f in same if f.year == first_year and f.end < start], figure.source_id)
    if base is None:
        return f"no {label(first_year)} total for a week before {start.date()} to count from"

    def total(f: _Figure) -> str:
        return f"{label(f.year)} total to {f.end.date()}"

    terms = []
    caveats: list[str] = []
    directions: set[str] = set()
    if figure.year == first_year:
        terms = [_Term(+1, total(figure), figure), _Term(-1, total(base), base)]
    else:
        for year in range(first_year, figure.year):
            closing = _pick([f for f in same if f.year == year
                             and f.end >= pd.Timestamp(date(year, 8, 31) - CLOSING_SLACK)], figure.source_id)
            if closing is None:
                return f"no closing week of {label(year)} in the data to carry the count across 1 September"
            terms.append(_Term(+1, total(closing), closing))
            if year == first_year:
                terms.append(_Term(-1, total(base), base))
        terms.append(_Term(+1, total(figure), figure))

    # Sales for the following marketing year, booked week by week during this one.
    def booked(year: int, end: pd.Timestamp) -> _Figure | None:
        return _pick([f for f in next_year if f.year == year and f.end == end and f.unit == figure.unit],
                     figure.source_id)

    def booked_text(f: _Figure) -> str:
        return f"{label(f.year + 1)} sales booked by {f.end.date()}"

    next_at_end, next_at_base = booked(figure.year, figure.end), booked(first_year, base.end)
    if figure.year == first_year:
        if next_at_end is not None and next_at_base is not None:
            terms += [_Term(+1, booked_text(next_at_end), next_at_end),
                      _Term(-1, booked_text(next_at_base), next_at_base)]
        else:
            directions.add("at_least")
            caveats.append(f"leaves out {label(first_year + 1)} sales booked since the start, which the data do "
                           f"not record: a lower bound")
    else:
        if next_at_base is not None:
            terms.append(_Term(-1, booked_text(next_at_base), next_at_base))
        else:
            directions.add("at_most")
            caveats.append(f"does not subtract {label(first_year + 1)} sales booked before the start, which the "
                           f"{label(first_year + 1)} total includes but the data do not record (too high by them)")
        if next_at_end is not None:
            terms.append(_Term(+1, booked_text(next_at_end), next_at_end))
        else:
            directions.add("at_least")
            caveats.append(f"leaves out {label(figure.year + 1)} sales booked by {figure.end.date()}, which the "
                           f"data do not record (too low by them)")

    counted_from = base.end + pd.Timedelta(days=1)
    gap = (start - counted_from).days
    if gap >= START_TOLERANCE_DAYS:
        directions.add("at_most")
        caveats.append(f"counts sales from {counted_from.date()}, {gap} days before the start, because the data "
                       f"have no USDA week in between: an upper bound")
    elif gap > 0:
        caveats.append(f"counted from {counted_from.date()}, the day after the last USDA week before the start")

    for term in terms:
        directions |= _direction(term.sign, term.figure.bound)
    value = round(sum(term.sign * term.figure.value for term in terms), 6)
    arithmetic = ""
    for position, term in enumerate(terms):
        joiner = "" if position == 0 else (" plus " if term.sign > 0 else " minus ")
        cited = "" if term.figure.source_id == figure.source_id else f", {term.figure.source_id}"
        arithmetic += f"{joiner}{term.text} ({_tonnes(term.figure.value, figure.unit)}{cited})"
    derivation = f"{arithmetic} = {_tonnes(value, figure.unit)}"
    if caveats:
        derivation += "; " + "; ".join(caveats)
    return value, _combine(directions), derivation


def _direction(sign: int, bound: str) -> set[str]:
    """How an input's bound moves the result: subtracting a lower bound gives an upper bound."""
    if bound in ("at_least", "at_most"):
        flipped = {"at_least": "at_most", "at_most": "at_least"}[bound]
        return {bound if sign > 0 else flipped}
    return {"approx"} if bound == "approx" else set()


def _combine(directions: set[str]) -> str:
    """One bound for the result: errors both ways (or an approximate input) make it approximate.

    >>> _combine(set()), _combine({"at_least"}), _combine({"at_least", "at_most"})
    ('exact', 'at_least', 'approx')
    """
    if not directions:
        return "exact"
    if len(directions) == 1:
        return next(iter(directions))
    return "approx"


def _tonnes(value: float, unit: str) -> str:
    """``8,000,000 t``: thousands separated, no needless decimals."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"
