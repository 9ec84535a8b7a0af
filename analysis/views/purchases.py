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
from analysis.domain.purchases import FLOWS_WINDOW_MONTHS, SERIES, Measured, Tracker
from analysis.views import charts, text


def _t(value: float | None, floor: bool = False) -> str:
    """Tonnes to two decimals of a million (``11.96 million t``): the sources differ by less than 0.1 Mt."""
    if value is None or pd.isna(value):
        return "n/a"
    words = f"{value / 1e6:,.2f} million t" if abs(value) >= 1e6 else f"{value:,.0f} t"
    return f"at least {words}" if floor else words


def _amount(value: float, unit: str) -> str:
    """An amount in a pledge's unit: tonnes, US dollars or a count (aircraft)."""
    if unit == "t":
        return _t(value)
    if unit == "usd":
        return text.quantity(value, "usd")
    return f"{value:,.0f} {html.escape(str(unit))}"


def _usd(value: float) -> str:
    """US dollars for Markdown prose: the dollar sign as an entity, so two of them never open a formula."""
    return text.quantity(value, "usd").replace("$", "&#36;")


def _pledge(record: pd.Series) -> str:
    """``12.0 million t of US soybeans between 30 Oct 2025 and 31 Dec 2025``, from a commitments row."""
    return (f"{text.tonnes(float(record['target']))} of US soybeans between {text.day(record['start'])} "
            f"and {text.day(record['deadline'])}")


def _publisher(t: Tracker, source_id: str | None) -> str:
    """The publisher of a cited source, for naming it in prose."""
    if not isinstance(source_id, str):
        return "unnamed source"
    row = t.sources[t.sources["source_id"] == source_id]
    return html.escape(str(row["publisher"].iloc[0])) if len(row) else html.escape(source_id)


def reading(t: Tracker, p: cm.Progress | None) -> str:
    """A status in words with the date it speaks for: ``on track as of 8 Jan 2026``, ``no figure since 8 Jan 2026``."""
    if p is None or p.status == "no figure":
        return "no figure yet"
    if p.status == "met":
        words = f"met by {text.day(p.status_date)}"
        if p.met_by is not None:
            words += f" ({_met_by(t, p.met_by)})"
        return words
    if p.status in ("on track", "behind"):
        return f"{p.status} as of {text.day(p.status_date)}"
    if p.status == "missed":
        return f"missed: the figure counted through {text.day(p.status_date)} is below the target"
    if p.status == "unresolved" and p.status_date < p.commitment.deadline:
        return (f"unresolved as of {text.day(p.status_date)}: {_t(p.achieved, True)} counted through then, a floor "
                f"below the {_t(p.expected)} due on the path that day, cannot show it behind")
    if p.status == "unresolved":
        return (f"unresolved: {_t(p.achieved, True)} counted through {text.day(p.status_date)}, a floor below "
                f"the target, cannot show a miss")
    return f"no figure since {text.day(p.status_date)}"


def _met_by(t: Tracker, r: cm.Reading) -> str:
    """The other source that shows a pledge met, named."""
    if r.value is None:
        return f"the {html.escape(r.label)} ({_publisher(t, r.source_id)}, {text.day(r.date)})"
    return (f"{html.escape(r.label)}: {_t(r.value, r.lower_bound)} counted through {text.day(r.date)} "
            f"({_publisher(t, r.source_id)})")


def _judged_on(t: Tracker) -> pd.Timestamp:
    """The day the status is judged at: the last figure's date, else the as-of date (or the deadline once passed)."""
    p = t.progress
    if p is not None and p.counted_through is not None:
        return min(p.counted_through, t.commitment.deadline)
    return min(t.as_of, t.commitment.deadline)


def _none_announced(t: Tracker) -> str:
    """Why there is nothing to measure before the first soybean tonnage pledge, naming it from the data."""
    lead = f"No soybean purchase commitment with a tonnage target had been announced by {text.day(t.as_of)}"
    if t.first_pledge is None:
        return lead + "."
    return (f"{lead}: the first, to buy {_pledge(t.first_pledge)}, was announced on "
            f"{text.day(t.first_pledge['announced'])}.")


# ---- The first screen: live pledges -------------------------------------------------------------------------

def live_text(t: Tracker) -> str:
    """Which purchase pledges are live on the as-of date, where each stands and as of which figure."""
    if not t.live:
        lead = f"No purchase pledge with a target was in force on {text.day(t.as_of)}."
        if not t.has_commitment:
            return f"{lead} {_none_announced(t)}"
        return lead + " The tracker below measures the soybean tonnage pledge chosen by the rule it states."
    lines = [f"**Purchase pledges in force on {text.day(t.as_of)}** and where each stands, with the figure it rests on:"]
    for pledge in t.live:
        lines.append(f"- {_live_line(t, pledge)}")
    if len(t.upcoming):
        names = "; ".join(f"`{html.escape(r.commitment_id)}` from {text.day(r.start)}" for r in t.upcoming.itertuples())
        lines.append(f"\nAnnounced but not yet begun: {names}.")
    return "\n".join(lines)


def _live_line(t: Tracker, pledge) -> str:
    r = pledge.record
    name = f"`{html.escape(str(r.name))}`"
    if pledge.measured is not None:
        m = pledge.measured
        p = m.progress
        what = f"{_t(float(r['target']))} of US soybeans, {text.day(r['start'])} to {text.day(r['deadline'])}"
        if p.counted_through is None:
            return (f"{name}: {what}: **{reading(t, p)}**: no series counts purchases since it began "
                    f"({_due_words(p, m)}).")
        return (f"{name}: {what}: **{reading(t, p)}**. {SERIES[m.series].label}: {_t(p.achieved, p.lower_bound)} "
                f"counted through {text.day(p.counted_through)}, against {_t(p.expected)} due on the {p.method} path "
                f"that day (source: {_publisher(t, m.source_at(m.series, p.counted_through))}).")
    if pledge.kind == "value":
        return f"{name}: {_value_words(t, pledge)}"
    return f"{name}: {_units_words(t, pledge)}"


def _due_words(p: cm.Progress, m: Measured) -> str:
    return f"{_t(p.expected)} due by {text.day(min(p.as_of, m.deal.deadline))} on the {p.method} path"


def _recorded_words(t: Tracker, pledge) -> str:
    rec = pledge.recorded
    if rec is None:
        return "no status reading in the sources by this date"
    return (f"the commitments file records it as *{html.escape(str(rec['status']).replace('_', ' '))}* on "
            f"{text.day(rec['status_as_of'])} ({_publisher(t, rec['evidence_source_id'])}), a reading, not a figure")


def _value_words(t: Tracker, pledge) -> str:
    r, tr = pledge.record, pledge.tranche
    words = _usd(float(r["target"]))
    if tr is not None:
        words += (f" a year of US farm goods; for {tr.year}, pro-rated from {text.day(tr.start)}, "
                  f"**{_usd(tr.amount)}** (derived: {_usd(tr.per_year)} × {tr.days} of {tr.year_days} days, "
                  f"{text.day(tr.start)} to {text.day(tr.end)}), of which {_usd(tr.due(t.as_of))} due by "
                  f"{text.day(t.as_of)} on a linear path")
    return (f"{words}. **No figure**: the data hold no series of the value of US farm goods bought by China since the "
            f"pledge began; {_recorded_words(t, pledge)}.")


def _units_words(t: Tracker, pledge) -> str:
    r = pledge.record
    deadline = "no deadline" if pd.isna(r["deadline"]) else f"by {text.day(r['deadline'])}"
    return (f"{_amount(float(r['target']), r['unit'])} ({deadline}; announced {text.day(r['announced'])}). "
            f"**No figure**: the data hold no count of firm orders or deliveries; {_recorded_words(t, pledge)}.")


def live_table(t: Tracker) -> pd.DataFrame:
    """One row per live purchase pledge: target, latest figure and its date, what was due then, status, source."""
    rows = []
    for pledge in t.live:
        r = pledge.record
        period = f"{text.day(r['start'])} to {text.day(r['deadline']) if pd.notna(r['deadline']) else 'no deadline'}"
        if pledge.measured is not None:
            m, p = pledge.measured, pledge.measured.progress
            rows.append((r.name, period, _t(float(r["target"])),
                         f"{_t(p.achieved, p.lower_bound)} through {text.day(p.counted_through)}"
                         if p.counted_through is not None else "no figure",
                         SERIES[m.series].label if p.counted_through is not None else "none has a figure",
                         f"{_t(p.expected)} ({p.method} path)", reading(t, p),
                         _publisher(t, m.source_at(m.series, p.counted_through)) if p.counted_through is not None else ""))
            continue
        due = "no deadline, no path"
        target = _amount(float(r["target"]), r["unit"])
        if pledge.tranche is not None:
            tr = pledge.tranche
            target += (f" a year; {tr.year}: {text.quantity(tr.amount, 'usd')} (derived: × {tr.days}/{tr.year_days} "
                       f"days from {text.day(tr.start)})")
            due = f"{text.quantity(tr.due(t.as_of), 'usd')} by {text.day(t.as_of)} (linear)"
        rec = pledge.recorded
        status = ("no figure; no status reading" if rec is None else
                  f"no figure; recorded {str(rec['status']).replace('_', ' ')} on {text.day(rec['status_as_of'])}")
        rows.append((r.name, period, target, "no figure", "no sourced series", due, status,
                     _publisher(t, rec["evidence_source_id"]) if rec is not None else ""))
    return pd.DataFrame(rows, columns=["Pledge", "Period", "Target", "Latest figure", "Measured by",
                                       "Due on the path at that figure's date", "Status", "Source of the figure"])


# ---- The tracked soybean pledge ------------------------------------------------------------------------------

def headline_text(t: Tracker) -> str:
    """One paragraph on the tracked soybean pledge: the figure, its date, the path that day, the status."""
    if not t.has_commitment:
        return (f"{_none_announced(t)} There is no target to measure purchases against on this date; the chart "
                f"below shows what China's customs recorded of its arrivals of US soybeans from "
                f"{text.day(t.flows_from)}.")
    c, p = t.commitment, t.progress
    what = f"**{text.tonnes(c.target)}** of US soybeans between {text.day(c.start)} and {text.day(c.deadline)}"
    if not t.started:
        return (f"As of {text.day(t.as_of)}, China had committed (announced {text.day(t.record['announced'])}) to "
                f"buy {what}. The period had not begun, so there is nothing to measure yet.")
    if p.counted_through is None:
        lead = (f"As of {text.day(t.as_of)}, no figure of {t.spec.label} dated by then counts purchases since the "
                f"commitment to buy {what} began, nor does any other series. The gap is real: no figure is assumed. "
                f"By {text.day(_judged_on(t))}, {_t(p.expected)} would be due on the {p.method} path.")
        if p.status == "met":
            lead += f" The pledge is nonetheless **{reading(t, p)}**."
        return lead
    timing = f"{p.days_left} days left" if p.days_left else f"the deadline passed on {text.day(c.deadline)}"
    words = (f"As of {text.day(t.as_of)} ({timing}), the commitment to buy {what} is **{reading(t, p)}**. "
             f"{t.spec.label} stand at **{_t(p.achieved, p.lower_bound)}** counted through "
             f"**{text.day(p.counted_through)}** ({text.percent(p.percent, 1)} of the target), against "
             f"{_t(p.expected)} due on the {p.method} path on that same date.")
    if p.met_by is not None and t.by_series.get(t.series) is not None:
        own = t.by_series[t.series]
        words += f" On its own this series reads *{reading(t, own)}*."
    if p.lower_bound:
        words += " That figure is a floor: a month is missing or the source gave \"at least\"."
    if p.projected is not None and p.status not in ("met",):
        after = " — after the deadline" if p.projected > c.deadline else ""
        words += (f" At the recent pace up to that figure ({_t(p.trailing_per_day * cm.DAYS_PER_MONTH)} a month) "
                  f"the target would be reached on {text.day(p.projected)}{after}; meeting it needs "
                  f"{_t(p.required_per_day * cm.DAYS_PER_MONTH)} a month from {text.day(p.counted_through)}.")
    stale = t.dates.get(f"soybeans:{t.series}")
    if stale.stale:
        words += (f" This series is stale on the as-of date (newest figure {stale.age_days} days old), so the status "
                  f"speaks for {text.day(p.counted_through)}, not for {text.day(t.as_of)}.")
    return words


def headline_values(t: Tracker) -> dict:
    """The tracker's values a build records (:func:`analysis.headline.record_all`): the pledge, its status, its figure."""
    if not t.has_commitment:
        return {"status": "No soybean tonnage pledge to measure on this date.", "pledge": None, "pledge_status": None,
                "achieved_t": None, "counted_through": None, "percent_of_target": None}
    p = t.progress
    status = f"The {text.tonnes(t.commitment.target)} soybean pledge ({t.commitment.commitment_id}) is {reading(t, p)}."
    counted = None if p is None or p.counted_through is None else p.counted_through.strftime("%Y-%m-%d")
    return {"status": status, "pledge": t.commitment.commitment_id, "pledge_status": None if p is None else p.status,
            "achieved_t": None if counted is None else round(float(p.achieved)), "counted_through": counted,
            "percent_of_target": None if counted is None else round(float(p.percent), 1)}


def headline_table(t: Tracker) -> pd.DataFrame:
    """The numbers behind the headline, one row each, formatted for readers."""
    if not t.has_commitment:
        rows = [("Commitment", f"none with a soybean tonnage target announced by {text.day(t.as_of)}")]
        if t.first_pledge is not None:
            rows.append(("First one announced", f"{text.day(t.first_pledge['announced'])}: {_pledge(t.first_pledge)}"))
        rows.append(("Status", t.status))
        return pd.DataFrame(rows, columns=["Measure", "Value"])
    p = t.progress
    has = p.counted_through is not None
    per_month = (lambda r: "n/a" if r is None else _t(r * cm.DAYS_PER_MONTH) + " per month")
    open_ = t.as_of <= t.commitment.deadline
    rows = [
        ("Commitment", f"{_t(t.commitment.target)} between {text.day(t.commitment.start)} and {text.day(t.commitment.deadline)}"),
        ("Announced", text.day(t.record["announced"])),
        ("Measured by", t.spec.label),
        ("Purchased", _t(p.achieved, p.lower_bound) if has else "no figure"),
        ("Counted through", text.day(p.counted_through) if has else "n/a"),
        ("Share of target", text.percent(p.percent, 1) if has else "n/a"),
        (f"Due by {text.day(_judged_on(t))} ({p.method} path)", _t(p.expected)),
        ("Days left", str(p.days_left)),
        ("Recent pace, to the last figure", per_month(p.trailing_per_day) if has else "n/a"),
        ("Pace needed from the last figure", per_month(p.required_per_day) if open_ and has else
         ("n/a: the deadline has passed" if not open_ else "n/a")),
        ("Target reached at recent pace", text.day(p.projected) if p.projected is not None else
         ("n/a: the deadline has passed" if not open_ else "n/a")),
        ("Status", reading(t, p) if t.started else t.status),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def sources_table(t: Tracker) -> pd.DataFrame:
    """The sources a tracker report used, for its closing table."""
    return provenance.sources_table(t.sources)


# ---- Paths ----------------------------------------------------------------------------------------------------

def paths_text(t: Tracker) -> str:
    """Where each target path stood on the date judged, and what the seasonal path rests on."""
    if not t.has_commitment:
        return (f"There is no target path: no soybean purchase commitment with a tonnage target had been "
                f"announced by {text.day(t.as_of)}.")
    if not t.started:
        return f"The target paths begin with the commitment on {text.day(t.commitment.start)}, after the as-of date."
    through = _judged_on(t)
    linear = cm.linear_target(t.commitment, through)
    lines = [f"On {text.day(through)} the linear path stood at **{_t(linear)}**"]
    if t.profile is not None:
        seasonal = cm.seasonal_target(t.commitment, through, t.profile)
        lines[0] += (f" and the seasonal path (China customs arrivals profile) at **{_t(seasonal)}**; the shaded "
                     f"band between them is the range of the two yardsticks.")
        lines.append(_baseline_text(t.profile, t.baseline_years))
        if SERIES[t.series].profile != "arrivals":
            lines.append(f"No seasonal profile of sales or tallies is sourced (there is no week-by-week USDA table for "
                         f"China in the data), so {t.spec.label} are judged on the linear path; the arrivals-based "
                         f"path is a different basis, drawn for reference, since arrivals lag purchases by months.")
        elif t.method == "linear":
            lines.append("The status uses the linear path (`method` is linear).")
    else:
        lines[0] += "."
    return " ".join(lines)


def _baseline_text(weights: pd.Series, years) -> str:
    """What the seasonal weights rest on: the years, the heaviest month, any month without arrivals."""
    month = (lambda m: pd.Period(year=2001, month=m, freq="M").strftime("%B"))
    peak = weights.idxmax()
    span = ", ".join(str(y) for y in years)
    many = len(years) > 1
    words = (f"The seasonal path weights each month by its share of China's customs arrivals of US soybeans in "
             f"{span}{' (each year weighs the same)' if many else ''}: the years before the pledge for which "
             f"customs give every month; the heaviest month is {month(peak)} "
             f"({text.percent(100 * weights.max(), 1)} of a year). Combined January-February figures are split "
             f"between the two months in proportion to their days.")
    empty = [month(m) for m, w in weights.items() if w == 0]
    if empty:
        words += f" No US soybeans arrived in {', '.join(empty)} of {span}, so the seasonal path expects nothing then."
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


# ---- Reconciliation across sources ------------------------------------------------------------------------------

def comparison_table(t: Tracker) -> pd.DataFrame:
    """What each source says about the tracked pledge: latest figure and date, the path then, status on its own."""
    rows = []
    for name, spec in SERIES.items():
        p = t.by_series.get(name)
        has = p is not None and p.counted_through is not None
        points = t.measured.points[name] if t.measured is not None else None
        held = bool(has and points is not None and len(points) and points.iloc[-1]["held"])
        rows.append({
            "Source of the figure": spec.label + ("" if spec.official else " (not official)"),
            "What it counts": spec.basis,
            "Latest figure (running maximum)": _t(p.achieved, p.lower_bound) if has else "no figure",
            "Counted through": text.day(p.counted_through) if has else "n/a",
            "Due on its path that day": f"{_t(p.expected)} ({p.method})" if has else "n/a",
            "Status on its own": reading(t, p) if has else ("no figure yet" if t.started else t.status),
            "Note": (f"latest figure {_t(points.iloc[-1]['value'])} is below an earlier one; the earlier is kept"
                     if held else ("chosen" if t.has_commitment and name == t.series else "")),
        })
    return pd.DataFrame(rows)


def band_text(t: Tracker) -> str:
    """The range the sources span on their latest figures, and how lower-bound totals are drawn."""
    if not t.started:
        return "No source can be compared before the pledge period begins."
    latest = {n: p for n, p in t.by_series.items() if p is not None and p.counted_through is not None}
    if not latest:
        return (f"No series has a figure counted from {text.day(t.commitment.start)} by {text.day(t.as_of)}: there is "
                f"no range to show.")
    low = min(latest, key=lambda n: latest[n].achieved)
    high = max(latest, key=lambda n: latest[n].achieved)
    if len(latest) == 1:
        words = (f"Only {SERIES[low].label} have a figure counted from the pledge's start: "
                 f"**{_t(latest[low].achieved, latest[low].lower_bound)}** through "
                 f"{text.day(latest[low].counted_through)}, so there is no range across sources to show. ")
    else:
        words = (f"On their latest figures the sources span **{_t(latest[low].achieved, latest[low].lower_bound)}** "
                 f"({SERIES[low].label}, through {text.day(latest[low].counted_through)}) to "
                 f"**{_t(latest[high].achieved, latest[high].lower_bound)}** ({SERIES[high].label}, through "
                 f"{text.day(latest[high].counted_through)}); their dates differ, so the range mixes dates. ")
    words += ("Figures are joined by straight lines: between two figures the path of purchases is not known. "
              "A total counted since the pledge began cannot fall, so each line is drawn as a **running maximum**: "
              "a later figure below an earlier one (a narrower or lower-bound tally) is kept as a hollow point and "
              "the line holds the earlier, higher figure. The grey band is the range the lines span on each date, "
              "from each series' first figure to its last; nothing is carried past a series' last figure.")
    return words


def _labels(t: Tracker) -> dict:
    """Legend labels of the two paths: the seasonal one says its basis."""
    seasonal = "Seasonal path (customs arrivals profile)"
    if SERIES[t.series].profile != "arrivals":
        seasonal += ": a different basis from sales"
    return {"linear": "Linear path", "seasonal": seasonal}


def _path_layers(t: Tracker, frame: pd.DataFrame) -> list:
    """The two dashed paths and the band between them."""
    targets = frame[frame["kind"] == "target"].copy()
    if targets.empty:
        return []
    labels = _labels(t)
    targets["line"] = targets["series"].map(labels)
    layers = []
    wide = targets.pivot_table(index="date", columns="series", values="value").reset_index()
    if "seasonal" in wide:
        layers.append(alt.Chart(wide).mark_area(opacity=0.15, color=charts.PALETTE[2]).encode(
            x=alt.X("date:T", title=None), y=alt.Y("linear:Q"), y2="seasonal:Q"))
    layers.append(alt.Chart(targets).mark_line(strokeDash=[6, 4], strokeWidth=2).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", title="Cumulative (t)", axis=alt.Axis(format="~s")),
        color=alt.Color("line:N", title=None),
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("date:T"), alt.Tooltip("value:Q", format=",.0f")]))
    return layers


def _purchase_layer(frame: pd.DataFrame) -> alt.Chart:
    return alt.Chart(frame).mark_line(point=True, strokeWidth=2.5).encode(
        x=alt.X("date:T", title=None),
        y=alt.Y("value:Q", title="Cumulative (t)", axis=alt.Axis(format="~s")),
        color=alt.Color("line:N", title=None),
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("date:T", title="Counted through"),
                 alt.Tooltip("value:Q", format=",.0f")])


def cumulative_chart(t: Tracker):
    """The tracked pledge: the chosen series (running maximum) against the linear and seasonal paths, as a band.

    A sentence instead when there is nothing to draw: no commitment yet, or its period has not begun.
    """
    if not t.has_commitment:
        return charts.no_chart(f"no soybean purchase commitment with a tonnage target had been announced by "
                               f"{text.day(t.as_of)}, so there is no cumulative total or target path to draw.")
    if not t.started:
        return charts.no_chart(f"the commitment period begins on {text.day(t.commitment.start)}, after the as-of date.")
    frame = t.cumulative
    mine = frame[(frame["kind"] == "purchases") & (frame["series"] == t.series)]
    layers = _path_layers(t, frame)
    if len(mine):
        layers.append(_purchase_layer(mine))
    return alt.layer(*layers).properties(width=640, height=320)


def reconciliation_chart(t: Tracker):
    """Every series side by side (running maxima), the grey range they span, and figures below an earlier one."""
    if not t.started:
        return charts.no_chart("the pledge period had not begun, so no source has a figure to compare.")
    frame = t.cumulative[t.cumulative["kind"] == "purchases"]
    if frame.empty:
        return charts.no_chart(f"no series has a figure counted from {text.day(t.commitment.start)} by "
                               f"{text.day(t.as_of)}.")
    layers = []
    if len(t.band):
        layers.append(alt.Chart(t.band).mark_area(opacity=0.18, color=charts.PALETTE[2]).encode(
            x=alt.X("date:T", title=None), y=alt.Y("low:Q"), y2="high:Q",
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("low:Q", format=",.0f"), alt.Tooltip("high:Q", format=",.0f")]))
    layers.append(_purchase_layer(frame))
    held = pd.concat([p[p["held"]].assign(line=SERIES[n].label) for n, p in t.measured.points.items()
                      if len(p) and p["held"].any()] or [pd.DataFrame()], ignore_index=True)
    if len(held):
        layers.append(alt.Chart(held[["date", "value", "line"]]).mark_point(filled=False, size=60).encode(
            x="date:T", y="value:Q", color=alt.Color("line:N", title=None),
            tooltip=[alt.Tooltip("line:N", title="Figure below an earlier one"), alt.Tooltip("date:T"),
                     alt.Tooltip("value:Q", format=",.0f")]))
    return alt.layer(*layers).properties(width=640, height=320)


# ---- History --------------------------------------------------------------------------------------------------

def history_text(t: Tracker) -> str:
    """Soybean pledges that are history on the as-of date: how each was resolved, and what each source shows."""
    if not t.history:
        return f"No soybean tonnage pledge had been resolved or replaced by {text.day(t.as_of)}."
    lines = []
    for past in t.history:
        r = past.record
        name = f"`{html.escape(str(r.name))}` ({_pledge(r)})"
        if past.replaced_by is not None:
            new = past.replaced_by
            lines.append(f"- {name}: **replaced** on {text.day(new['announced'])} by `{html.escape(str(new.name))}`, "
                         f"which moved the deadline from {text.day(r['deadline'])} to {text.day(new['deadline'])}.")
            continue
        m = past.measured
        p = m.progress
        line = f"- {name}: **{reading(t, p)}**."
        figures = []
        for series, own in m.by_series.items():
            if own is None or own.counted_through is None:
                continue
            at = m.points[series]
            last = at.iloc[-1]
            figures.append(f"{SERIES[series].label}: {_t(last['running'], bool(last['floor']))} counted through "
                           f"{text.day(last['date'])} ({_publisher(t, last['max_source'])}; on its own "
                           f"*{reading(t, own)}*)")
        if figures:
            line += " What each source shows: " + "; ".join(figures) + "."
        rec = r if pd.notna(r.get("status_as_of")) and r["status_as_of"] <= t.as_of else None
        if rec is not None:
            line += (f" The commitments file records it as *{html.escape(str(rec['status']).replace('_', ' '))}* on "
                     f"{text.day(rec['status_as_of'])} ({_publisher(t, rec['evidence_source_id'])}).")
        lines.append(line)
    return "\n".join(lines)


# ---- Gaps, choices, method --------------------------------------------------------------------------------------

def gaps_text(t: Tracker) -> str:
    """List the months the sources do not cover, for the selected series and the arrivals chart."""
    parts = _measured_gaps(t)
    parts.append(f"- Months since {text.day(t.flows_from)} with no China customs figure for imports from the US: "
                 f"**{_month_ranges(t.flow_gaps)}**.")
    if t.has_commitment and t.as_of > t.commitment.deadline and not t.has_data:
        parts.append("- The deadline has passed and no series in this project counts purchases against it.")
    return "\n".join(parts)


def _measured_gaps(t: Tracker) -> list[str]:
    """What the selected series leaves uncovered in the commitment period (nothing to say before it)."""
    if not t.has_commitment:
        return []
    if not t.started:
        return [f"- The commitment period begins on {text.day(t.commitment.start)}: no month of it had passed."]
    if SERIES[t.series].kind == "monthly":
        return [f"- Months of the commitment period with no figure for {t.spec.label}: **{_month_ranges(t.missing)}**."]
    last = t.progress.counted_through if t.has_data else None
    used = (f"the latest one used counts through **{text.day(last)}**" if last is not None
            else "none dated by the as-of date counts purchases since the commitment began")
    return [f"- {t.spec.label} are dated totals, not a monthly series; {used}, and nothing after it is assumed."]


def choices_text(t: Tracker) -> str:
    """How the date-dependent parameters were set for this page: the rule, and what it gave on the as-of date."""
    return "\n".join([f"- **Commitment measured.** {_commitment_choice(t)}",
                      f"- **Series that sets the status.** {_series_choice(t)}",
                      f"- **Arrivals chart.** {_flows_choice(t)}",
                      f"- **Seasonal profile.** {_baseline_choice(t)}"])


def _commitment_choice(t: Tracker) -> str:
    if not t.choices.commitment_auto:
        return f"Set in the parameters: `{html.escape(str(t.record.name))}`, to buy {_pledge(t.record)}."
    rule = ("By default, the soybean tonnage commitment in force on the as-of date: among those announced by then "
            "and not yet replaced by a later one, the one whose period contains that date (the one due first if "
            "several); else the one that started most recently; else the next to start. Every other purchase "
            "pledge in force is listed at the top of the page.")
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


SERIES_RULE = ("By default (`flow_series` auto), among the series with a figure counted from the pledge's start: "
               "official statistics (USDA, China customs, US Census) before traders' and officials' tallies; counts "
               "of purchases (sales) before shipments and arrivals, which lag them; then the most recent "
               "counted-through date.")


def _series_choice(t: Tracker) -> str:
    if not t.has_commitment:
        return "Not used: there is no commitment to measure."
    if not t.series_auto:
        return f"{t.spec.label}, set in the parameters."
    if not t.has_data:
        return f"{SERIES_RULE} No series has such a figure by {text.day(t.as_of)}; {t.spec.label} is named by default."
    return f"{SERIES_RULE} On {text.day(t.as_of)} that is {t.spec.label}."


def _flows_choice(t: Tracker) -> str:
    start = text.day(t.flows_from)
    if not t.choices.flows_from_auto:
        return f"From {start}, set in the parameters."
    if t.has_commitment and t.flows_from.year == t.commitment.start.year - 1 and t.flows_from.month == 1:
        return f"From {start}: by default, January of the year before the commitment starts."
    return (f"From {start}: by default the {FLOWS_WINDOW_MONTHS} calendar months to the as-of date, when no "
            f"commitment gives a start (otherwise January of the year before the commitment starts).")


def _baseline_choice(t: Tracker) -> str:
    if not t.baseline_years:
        return "Not used: there is no commitment to pro-rate."
    span = ", ".join(str(y) for y in t.baseline_years)
    if not t.choices.baseline_auto:
        return f"{span}, set in the parameters."
    return (f"{span}: by default, every full calendar year before the commitment starts (up to "
            f"{cm.PROFILE_MAX_YEARS}) for which China's customs give a figure for every month by the as-of date.")


def method_text(t: Tracker) -> str:
    """How status, paths, the band, the running maximum and the default series are chosen, in plain words."""
    met_rule = ("any graded source (another series, or the status reading in the commitments file) that shows the "
                "target reached, with that source named" if t.met_from_any_source else
                "the chosen series alone (`met_from_any_source` is off)")
    return "\n".join([
        "- **Status is judged at the last figure.** Each series' latest figure is compared with the target path on "
        "the date that figure counts through, and the status names that date (*on track as of 8 Jan* means the "
        "figure counted through 8 Jan was at or above the path that day). A figure is never compared with the path "
        "at a later date.",
        f"- **Met** needs a figure at or above the target, counted through the deadline or earlier, from {met_rule}. "
        "**Missed** needs a figure dated at or after the deadline that is below the target. A floor (\"at least\") "
        "below the target cannot show a miss, nor one below the path show the pledge behind: both read *unresolved*. Once the deadline has passed with no later figure the status is "
        "*no figure since* the last one: missing evidence, not a miss.",
        "- **Recent pace and projection** run from the last figure (the trailing window before it), never from the "
        "as-of date, and are dropped once the deadline has passed.",
        "- **Paths.** The linear path spreads the target evenly over the days of the period; the seasonal path "
        "follows the monthly shares of China's customs arrivals in the profile years. Each series is judged on the "
        "path of its own kind of flow: arrivals on the seasonal path (when `method` is seasonal), sales, tallies and "
        "exports on the linear one, because no profile of those flows is sourced. Both paths are drawn, with the "
        "band between them.",
        "- **Running maximum.** Totals counted since the pledge began cannot fall; a later, lower figure is a "
        "narrower or lower-bound tally, so each line holds the highest figure so far and the lower figure is shown "
        "as a point. Figures marked \"at least\" are floors.",
        f"- **Default series.** {SERIES_RULE}",
    ])


def flows_chart(t: Tracker):
    """China's monthly customs arrivals of US soybeans (tonnes), gaps marked; a sentence when no month has a figure."""
    if not (t.flows["status"] != "no data").any():
        return charts.no_chart(f"the sources give no China customs figure for monthly arrivals of US soybeans from "
                               f"{text.day(t.flows_from)} to {text.day(t.as_of)}.")
    return charts.monthly_flows(t.flows, "t")
