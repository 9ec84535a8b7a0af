"""What the purchase tracker shows: its prose, tables and charts.

The tracker itself (which rows count, cumulative curves, target paths, status)
is computed in :mod:`analysis.domain.purchases`; this module turns a computed
:class:`~analysis.domain.purchases.Tracker` into what a reader sees.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain import commitments as cm
from analysis.domain.purchases import FLOWS_WINDOW_MONTHS, SERIES, Tracker
from analysis.views import charts, text

# A status resting on a figure older than this is flagged in the headline.
STALE_AFTER_DAYS = 31


def _pledge(record: pd.Series) -> str:
    """``12.0 million t of US soybeans between 30 Oct 2025 and 28 Feb 2026``, from a commitments row."""
    return (f"{text.tonnes(float(record['target']))} of US soybeans between {text.day(record['start'])} "
            f"and {text.day(record['deadline'])}")


def _judged_on(t: Tracker) -> pd.Timestamp:
    """The day purchases are counted to: the as-of date, or the deadline once it has passed."""
    return min(t.as_of, t.commitment.deadline)


def _none_announced(t: Tracker) -> str:
    """Why there is nothing to measure before the first soybean tonnage pledge, naming it from the data."""
    lead = f"No soybean purchase commitment with a tonnage target had been announced by {text.day(t.as_of)}"
    if t.first_pledge is None:
        return lead + "."
    return (f"{lead}: the first, to buy {_pledge(t.first_pledge)}, was announced on "
            f"{text.day(t.first_pledge['announced'])}.")


def headline_table(t: Tracker) -> pd.DataFrame:
    """The numbers behind the headline, one row each, formatted for readers."""
    if not t.has_commitment:
        rows = [("Commitment", f"none with a soybean tonnage target announced by {text.day(t.as_of)}")]
        if t.first_pledge is not None:
            rows.append(("First one announced", f"{text.day(t.first_pledge['announced'])}: {_pledge(t.first_pledge)}"))
        rows.append(("Status", t.status))
        return pd.DataFrame(rows, columns=["Measure", "Value"])
    p = t.progress
    per_month = (lambda r: "n/a" if r is None else text.tonnes(r * cm.DAYS_PER_MONTH) + " per month")
    rows = [
        ("Commitment", f"{text.tonnes(t.commitment.target)} between {text.day(t.commitment.start)} and {text.day(t.commitment.deadline)}"),
        ("Announced", text.day(t.record["announced"])),
        ("Measured by", t.spec.label),
        ("Purchased", text.tonnes(p.achieved, p.lower_bound) if p else "no data"),
        ("Counted through", text.day(p.counted_through) if p else "n/a"),
        ("Share of target", text.percent(p.percent, 1) if p else "n/a"),
        (f"Expected by {text.day(_judged_on(t))} ({_method(t)} path)", text.tonnes(_expected(t))),
        ("Days left", str(p.days_left) if p else str(max((t.commitment.deadline - t.as_of).days, 0))),
        ("Pace needed from here", per_month(p.required_per_day) if p else "n/a"),
        ("Recent pace", per_month(p.trailing_per_day) if p else "n/a"),
        ("Target reached at recent pace", text.day(p.projected) if p else "n/a"),
        ("Status", t.status),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def _method(t: Tracker) -> str:
    """The target path that sets the status: seasonal when the tracker carries weights."""
    return "seasonal" if t.weights is not None else "linear"


def _expected(t: Tracker) -> float:
    """Amount due on the day judged on the status path, whether or not the series has a figure."""
    if t.weights is not None:
        return cm.seasonal_target(t.commitment, _judged_on(t), t.weights)
    return cm.linear_target(t.commitment, _judged_on(t))


def sources_table(t: Tracker) -> pd.DataFrame:
    """The sources a tracker report used, for its closing table."""
    return provenance.sources_table(t.sources)


def headline_text(t: Tracker) -> str:
    """One paragraph: how much, of what, by when, and the status (or why there is none)."""
    if not t.has_commitment:
        return (f"{_none_announced(t)} There is no target to measure purchases against on this date; the chart "
                f"below shows what China's customs recorded of its arrivals of US soybeans from "
                f"{text.day(t.flows_from)}.")
    c, p = t.commitment, t.progress
    what = f"**{text.tonnes(c.target)}** of US soybeans between {text.day(c.start)} and {text.day(c.deadline)}"
    if not t.started:
        return (f"As of {text.day(t.as_of)}, China had committed (announced {text.day(t.record['announced'])}) to "
                f"buy {what}. The period had not begun, so there is nothing to measure yet.")
    if p is None:
        return (f"As of {text.day(t.as_of)}, no figure for {t.spec.label} dated by then counts purchases since the "
                f"commitment to buy {what} began. The gap is real: no figure is assumed. The table below compares "
                f"the other sources; `flow_series` chooses the one that sets the status.")
    timing = (f"with **{p.days_left} days left**" if p.days_left else "with the deadline passed")
    need = ("" if p.required_per_day in (None, 0.0) else
            f" Meeting it needs **{text.tonnes(p.required_per_day * cm.DAYS_PER_MONTH)} a month** from here.")
    bound = " This is a lower bound: a month is missing or the source gave a floor." if p.lower_bound else ""
    stale_days = (_judged_on(t) - p.counted_through).days if p.counted_through is not None else 0
    if stale_days > STALE_AFTER_DAYS and p.status != "met":
        bound += (f" The latest figure is {stale_days} days older than the date it is judged at, so the status "
                  f"reads only what this source had counted by then; the table below compares all sources.")
    return (f"As of {text.day(t.as_of)}, the latest figure for {t.spec.label} stands at **{text.tonnes(p.achieved, p.lower_bound)}** "
            f"(counted through {text.day(p.counted_through)}) against the commitment to buy {what}: "
            f"**{text.percent(p.percent, 1)} fulfilled**, {timing}. Against the {p.method} target path the "
            f"commitment is **{p.status}**.{need}{bound}")


def paths_text(t: Tracker) -> str:
    """Where each target path stood at the report date, and what the seasonal path rests on."""
    if not t.has_commitment:
        return (f"There is no target path: no soybean purchase commitment with a tonnage target had been "
                f"announced by {text.day(t.as_of)}.")
    if not t.started:
        return f"The target paths begin with the commitment on {text.day(t.commitment.start)}, after the as-of date."
    through = _judged_on(t)
    linear = cm.linear_target(t.commitment, through)
    lines = [f"By {text.day(through)} the linear path expects **{text.tonnes(linear)}**"]
    weights = t.weights
    if weights is not None:
        seasonal = cm.seasonal_target(t.commitment, through, weights)
        lines[0] += f" and the seasonal path **{text.tonnes(seasonal)}**."
        lines.append(_baseline_text(weights, t.baseline_year))
    else:
        lines[0] += "; the status uses the linear path (set `method` to `seasonal` to weight months)."
    return " ".join(lines)


def _baseline_text(weights: pd.Series, year: int) -> str:
    """What the seasonal weights rest on: the baseline year, its heaviest month, any month without arrivals."""
    month = (lambda m: pd.Period(year=year, month=m, freq="M"))
    peak = weights.idxmax()
    words = (f"The seasonal path weights each month by its share of China's customs arrivals of US soybeans in "
             f"{year}; the heaviest month was {month(peak).strftime('%B')} "
             f"({text.percent(100 * weights.max(), 1)} of the year). Combined January-February figures are split "
             f"between the two months in proportion to their days.")
    empty = [month(m) for m, w in weights.items() if w == 0]
    if empty:
        words += (f" No US soybeans arrived in {_month_ranges(empty)}, so the seasonal path expects nothing in "
                  f"those months of the year.")
    return words


def _month_ranges(periods) -> str:
    """Months for prose, runs joined: ``Jul 2016 to Nov 2017, Jan 2018``; ``none`` when empty.

    >>> _month_ranges([pd.Period("2024-01", "M"), pd.Period("2024-02", "M"), pd.Period("2024-05", "M")])
    'Jan 2024 to Feb 2024, May 2024'
    """
    runs: list[list[pd.Period]] = []
    for period in sorted(pd.Period(p, freq="M") for p in periods):
        if runs and period == runs[-1][-1] + 1:
            runs[-1].append(period)
        else:
            runs.append([period])
    if not runs:
        return "none"
    name = (lambda p: p.strftime("%b %Y"))
    return ", ".join(name(r[0]) if len(r) == 1 else f"{name(r[0])} to {name(r[-1])}" for r in runs)


def gaps_text(t: Tracker) -> str:
    """List the months the sources do not cover, for the selected series and the arrivals chart."""
    parts = _measured_gaps(t)
    parts.append(f"- Months since {text.day(t.flows_from)} with no China customs figure for imports from the US: "
                 f"**{_month_ranges(t.flow_gaps)}**.")
    if t.has_commitment and t.as_of > t.commitment.deadline and t.progress is None:
        parts.append("- The deadline has passed and no source in this project reports the outcome.")
    return "\n".join(parts)


def _measured_gaps(t: Tracker) -> list[str]:
    """What the selected series leaves uncovered in the commitment period (nothing to say before it)."""
    if not t.has_commitment:
        return []
    if not t.started:
        return [f"- The commitment period begins on {text.day(t.commitment.start)}: no month of it had passed."]
    if SERIES[t.series].kind == "monthly":
        return [f"- Months of the commitment period with no figure for {t.spec.label}: **{_month_ranges(t.missing)}**."]
    last = t.progress.counted_through if t.progress else None
    used = (f"the latest one used counts through **{text.day(last)}**" if last is not None
            else "none dated by the as-of date counts purchases since the commitment began")
    return [f"- {t.spec.label} are dated totals, not a monthly series; {used}, and nothing after it is assumed."]


def comparison_table(t: Tracker) -> pd.DataFrame:
    """What each source says about the same commitment: latest figure, share, status."""
    rows = []
    for name, spec in SERIES.items():
        p = t.by_series.get(name)
        rows.append({
            "Source of the figure": spec.label,
            "What it counts": spec.basis,
            "Latest figure": text.tonnes(p.achieved, p.lower_bound) if p else "no data",
            "Counted through": text.day(p.counted_through) if p else "n/a",
            "Share of target": text.percent(p.percent, 1) if p else "n/a",
            "Status": p.status if p else ("no data" if t.started else t.status),
            "Days from latest figure to date judged": (
                str((_judged_on(t) - p.counted_through).days)
                if p and p.counted_through is not None else "n/a"),
        })
    return pd.DataFrame(rows)


def choices_text(t: Tracker) -> str:
    """How the date-dependent parameters were set for this page: the rule, and what it gave on the as-of date."""
    return "\n".join([f"- **Commitment measured.** {_commitment_choice(t)}",
                      f"- **Arrivals chart.** {_flows_choice(t)}",
                      f"- **Seasonal baseline.** {_baseline_choice(t)}"])


def _commitment_choice(t: Tracker) -> str:
    if not t.choices.commitment_auto:
        return f"Set in the parameters: `{html.escape(str(t.record.name))}`, to buy {_pledge(t.record)}."
    rule = ("By default, the soybean tonnage commitment in force on the as-of date: among those announced by then "
            "and not yet replaced by a later one, the one whose period contains that date (the one due first if "
            "several); else the one that started most recently; else the next to start.")
    if not t.has_commitment:
        return f"{rule} {_none_announced(t)}"
    c = t.commitment
    if c.start > t.as_of:
        why = f"it starts on {text.day(c.start)}"
    elif c.deadline < t.as_of:
        why = f"its deadline passed on {text.day(c.deadline)} and no later one had started"
    else:
        why = "its period contains that date"
    return f"{rule} On {text.day(t.as_of)} that is `{html.escape(str(t.record.name))}`, to buy {_pledge(t.record)}: {why}."


def _flows_choice(t: Tracker) -> str:
    start = text.day(t.flows_from)
    if not t.choices.flows_from_auto:
        return f"From {start}, set in the parameters."
    if t.has_commitment and t.flows_from.year == t.commitment.start.year - 1 and t.flows_from.month == 1:
        return f"From {start}: by default, January of the year before the commitment starts."
    return (f"From {start}: by default the {FLOWS_WINDOW_MONTHS} calendar months to the as-of date, when no "
            f"commitment gives a start (otherwise January of the year before the commitment starts).")


def _baseline_choice(t: Tracker) -> str:
    if t.baseline_year is None:
        return "Not used: there is no commitment to pro-rate."
    if not t.choices.baseline_auto:
        return f"{t.baseline_year}, set in the parameters."
    return (f"{t.baseline_year}: by default, the last full calendar year before the commitment starts for which "
            f"China's customs give a figure for every month by the as-of date.")


def cumulative_chart(t: Tracker) -> alt.LayerChart:
    """Every series' cumulative purchases (tonnes) against the linear and seasonal target paths.

    A sentence instead when there is nothing to draw: no commitment yet, or its period has not begun.
    """
    if not t.has_commitment:
        return charts.no_chart(f"no soybean purchase commitment with a tonnage target had been announced by "
                               f"{text.day(t.as_of)}, so there is no cumulative total or target path to draw.")
    if not t.started:
        return charts.no_chart(f"the commitment period begins on {text.day(t.commitment.start)}, after the as-of date.")
    return charts.cumulative_vs_target(t.cumulative, "t")


def flows_chart(t: Tracker) -> alt.LayerChart:
    """China's monthly customs arrivals of US soybeans (tonnes), gaps marked; a sentence when no month has a figure."""
    if not (t.flows["status"] != "no data").any():
        return charts.no_chart(f"the sources give no China customs figure for monthly arrivals of US soybeans from "
                               f"{text.day(t.flows_from)} to {text.day(t.as_of)}.")
    return charts.monthly_flows(t.flows, "t")
