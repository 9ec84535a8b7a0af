"""What the purchase tracker shows: its prose, tables and charts.

The tracker itself (which rows count, cumulative curves, target paths, status)
is computed in :mod:`analysis.domain.purchases`; this module turns a computed
:class:`~analysis.domain.purchases.Tracker` into what a reader sees.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain import commitments as cm
from analysis.domain.purchases import SERIES, Tracker
from analysis.views import charts, text

# A status resting on a figure older than this is flagged in the headline.
STALE_AFTER_DAYS = 31


def headline_table(t: Tracker) -> pd.DataFrame:
    """The numbers behind the headline, one row each, formatted for readers."""
    p = t.progress
    per_month = (lambda r: "n/a" if r is None else text.tonnes(r * cm.DAYS_PER_MONTH) + " per month")
    rows = [
        ("Commitment", f"{text.tonnes(t.commitment.target)} between {text.day(t.commitment.start)} and {text.day(t.commitment.deadline)}"),
        ("Measured by", t.spec.label),
        ("Purchased", text.tonnes(p.achieved, p.lower_bound) if p else "no data"),
        ("Counted through", text.day(p.counted_through) if p else "n/a"),
        ("Share of target", text.percent(p.percent, 1) if p else "n/a"),
        (f"Expected by {text.day(min(t.as_of, t.commitment.deadline))} ({p.method if p else 'n/a'} path)",
         text.tonnes(p.expected) if p else "n/a"),
        ("Days left", str(p.days_left) if p else str(max((t.commitment.deadline - t.as_of).days, 0))),
        ("Pace needed from here", per_month(p.required_per_day) if p else "n/a"),
        ("Recent pace", per_month(p.trailing_per_day) if p else "n/a"),
        ("Target reached at recent pace", text.day(p.projected) if p else "n/a"),
        ("Status", t.status),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def sources_table(t: Tracker) -> pd.DataFrame:
    """The sources a tracker report used, for its closing table."""
    return provenance.sources_table(t.sources)


def headline_text(t: Tracker) -> str:
    """One paragraph: how much, of what, by when, and the status."""
    c, p = t.commitment, t.progress
    what = f"**{text.tonnes(c.target)}** of US soybeans between {text.day(c.start)} and {text.day(c.deadline)}"
    if p is None:
        return (f"As of {text.day(t.as_of)}, the sources hold **no figures** ({t.spec.label}) for the commitment "
                f"to buy {what}. The gap is real: no figure is assumed. Try another `flow_series`.")
    timing = (f"with **{p.days_left} days left**" if p.days_left else "with the deadline passed")
    need = ("" if p.required_per_day in (None, 0.0) else
            f" Meeting it needs **{text.tonnes(p.required_per_day * cm.DAYS_PER_MONTH)} a month** from here.")
    bound = " This is a lower bound: a month is missing or the source gave a floor." if p.lower_bound else ""
    stale_days = (min(t.as_of, c.deadline) - p.counted_through).days if p.counted_through is not None else 0
    if stale_days > STALE_AFTER_DAYS and p.status != "met":
        bound += (f" The latest figure is {stale_days} days older than the date it is judged at, so the status "
                  f"reads only what this source had counted by then; the table below compares all sources.")
    return (f"As of {text.day(t.as_of)}, the latest figure for {t.spec.label} stands at **{text.tonnes(p.achieved, p.lower_bound)}** "
            f"(counted through {text.day(p.counted_through)}) against the commitment to buy {what}: "
            f"**{text.percent(p.percent, 1)} fulfilled**, {timing}. Against the {p.method} target path the "
            f"commitment is **{p.status}**.{need}{bound}")


def paths_text(t: Tracker) -> str:
    """Where each target path stood at the report date, and what the seasonal path rests on."""
    through = min(t.as_of, t.commitment.deadline)
    linear = cm.linear_target(t.commitment, through)
    lines = [f"By {text.day(through)} the linear path expects **{text.tonnes(linear)}**"]
    weights = t.weights
    if weights is not None:
        seasonal = cm.seasonal_target(t.commitment, through, weights)
        peak = weights.idxmax()
        lines[0] += f" and the seasonal path **{text.tonnes(seasonal)}**."
        lines.append(
            f"The seasonal path weights each month by its share of China's customs arrivals of US soybeans in "
            f"{t.baseline_year}; the heaviest month was {pd.Period(year=t.baseline_year, month=peak, freq='M').strftime('%B')} "
            f"({text.percent(100 * weights.max(), 1)} of the year). Combined January-February figures are split "
            f"between the two months in proportion to their days."
        )
    else:
        lines[0] += "; the status uses the linear path (set `method` to `seasonal` to weight months)."
    return " ".join(lines)


def gaps_text(t: Tracker) -> str:
    """List the months the sources do not cover, for the selected series and the arrivals chart."""
    parts = []
    if SERIES[t.series].kind == "monthly":
        parts.append(f"- Months of the commitment period with no figure for {t.spec.label}: "
                     f"**{text.month_list(t.missing)}**.")
    else:
        last = t.progress.counted_through if t.progress else None
        parts.append(f"- {t.spec.label} are dated totals, not a monthly series; the latest one used counts through "
                     f"**{text.day(last)}**, and nothing after it is assumed.")
    parts.append(f"- Months since {text.day(t.flows['month'].min()) if len(t.flows) else 'n/a'} with no China "
                 f"customs figure for imports from the US: **{text.month_list(t.flow_gaps)}**.")
    if t.as_of > t.commitment.deadline and t.progress is None:
        parts.append("- The deadline has passed and no source in this project reports the outcome.")
    return "\n".join(parts)


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
            "Status": p.status if p else "no data",
            "Days from latest figure to date judged": (
                str((min(t.as_of, t.commitment.deadline) - p.counted_through).days)
                if p and p.counted_through is not None else "n/a"),
        })
    return pd.DataFrame(rows)


def cumulative_chart(t: Tracker) -> alt.LayerChart:
    """Every series' cumulative purchases (tonnes) against the linear and seasonal target paths."""
    return charts.cumulative_vs_target(t.cumulative, "t")


def flows_chart(t: Tracker) -> alt.LayerChart:
    """China's monthly customs arrivals of US soybeans (tonnes), gaps marked."""
    return charts.monthly_flows(t.flows, "t")
