"""What the rare-earth magnet report shows: its prose, tables and charts.

The buckets, baseline, indices, year-on-year changes and regimes are computed
in :mod:`analysis.domain.rare_earths`; this module turns a computed
:class:`~analysis.domain.rare_earths.MagnetReport` into what a reader sees.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain.rare_earths import SERIES, MagnetReport, low_point, recovery_ratio
from analysis.views import text
from analysis.views.charts import PALETTE, time_span

IN_PROSE = {"magnet_exports_total": "to all destinations", "magnet_exports_to_us": "to the US"}
PRODUCT = "rare-earth permanent magnets (HS 8505.11)"
STATUS_COLOURS = {"reported": PALETTE[0], "derived": PALETTE[3], "combined months": PALETTE[4],
                  "weak": PALETTE[5], "no data": "#bbbbbb"}
REGIME_COLOURS = ["#f4cccc", "#e6b8af", "#d9ead3", "#cfe2f3", "#eeeeee"]


# ---------------------------------------------------------------- formatting


def period_label(start, end) -> str:
    """A bucket's months for readers: ``Mar 2026`` or ``Jan-Feb 2026``.

    >>> period_label("2026-01-01", "2026-02-28"), period_label("2026-03-01", "2026-03-31")
    ('Jan-Feb 2026', 'Mar 2026')
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first.to_period("M") == last.to_period("M"):
        return first.strftime("%b %Y")
    if first.year == last.year:
        return f"{first:%b}-{last:%b %Y}"
    return f"{first:%b %Y}-{last:%b %Y}"


def _flags(derived: bool, weak: bool) -> str:
    marks = [m for m, on in (("derived", derived), ("weak", weak)) if on]
    return f" ({', '.join(marks)})" if marks else ""


def _signed(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.1f}%"


def headline_text(r: MagnetReport) -> str:
    """One paragraph: the latest month against the baseline, per series, and the low point."""
    parts = []
    for s, where in IN_PROSE.items():
        latest, ratio = recovery_ratio(r.buckets[s], r.baseline[s])
        if latest is None:
            parts.append(f"no figure {where}")
            continue
        per = " a month" if latest["months"] > 1 else ""
        parts.append(f"**{text.tonnes(latest['per_month'])}**{per} {where} in "
                     f"{period_label(latest['period_start'], latest['period_end'])}"
                     f"{_flags(latest['derived'], latest['weak'])}, "
                     f"**{text.percent(ratio)}** of the baseline monthly average")
    lead = (f"As of {text.day(r.as_of)}, the latest figures for China's exports of {PRODUCT} are "
            + "; and ".join(parts) + ".")
    if len(r.regimes):
        first = r.regimes["start"].min()
        lows = []
        for s, where in IN_PROSE.items():
            low = low_point(r.buckets[s], first)
            if low is not None:
                lows.append(f"{period_label(low['period_start'], low['period_end'])} {where} "
                            f"(index {low['index']:.0f}{_flags(low['derived'], low['weak'])})")
        if lows:
            lead += f" Since the controls began on {text.day(first)}, the low point was " + " and ".join(lows) + "."
    return lead


def baseline_text(r: MagnetReport) -> str:
    """Why the baseline is what it is: its months, their evidence and the averages."""
    months = [period_label(a, b) for a, b in r.baseline_spans]
    wanted = pd.period_range(r.baseline_start, r.baseline_end, freq="M")
    covered = {m for a, b in r.baseline_spans for m in pd.period_range(a, b, freq="M")}
    left_out = [m for m in wanted if m not in covered]
    flagged = []
    for s, where in IN_PROSE.items():
        frame = r.buckets[s]
        used = frame[[(a, b) in set(r.baseline_spans) for a, b in zip(frame["period_start"], frame["period_end"])]]
        for row in used.itertuples():
            if row.derived or row.weak:
                flagged.append(f"{period_label(row.period_start, row.period_end)} {where}"
                               f"{_flags(row.derived, row.weak)}")
    averages = "; ".join(f"{text.tonnes(r.baseline[s])} a month {where}" for s, where in IN_PROSE.items())
    out = (f"Each index is a month's exports divided by the **baseline monthly average**, times one hundred. The "
           f"baseline period runs from {text.day(r.baseline_start)} to {text.day(r.baseline_end)}; it uses only the "
           f"months with a figure in **both** series, so the two lines are measured against the same months: "
           f"{', '.join(months)}. Baseline averages: {averages}.")
    if left_out:
        out += f" Months of the period left out because a series has no figure: {text.month_list(left_out)}."
    if flagged:
        out += f" Baseline figures that are derived or weak: {'; '.join(flagged)}."
    return out


def yoy_text(r: MagnetReport) -> str:
    """How many year-on-year changes the data allow, and how many only restate a source's own rate."""
    parts = []
    for s, label in SERIES.items():
        frame = r.buckets[s]
        have = frame[frame["yoy"].notna() & (frame["period_end"] >= r.chart_from)]
        restated = int(have["yoy_derived"].sum())
        names = ", ".join(period_label(a, b) for a, b in zip(have["period_start"], have["period_end"])) or "none"
        parts.append(f"- {label}: {len(have)} month(s) with a figure a year earlier ({names})"
                     + (f"; {restated} of them rest on a month derived from a reported rate, so the change "
                        f"restates the source rather than adding evidence." if restated else "."))
    return "\n".join(parts)


def monthly_table(r: MagnetReport) -> pd.DataFrame:
    """Per period from ``chart_from``: tonnes, index and year-on-year change for each series."""
    spans = sorted({(a, b) for frame in r.buckets.values() for a, b in zip(frame["period_start"], frame["period_end"])
                    if b >= r.chart_from} | {(m.start_time, m.end_time.normalize()) for g in r.gaps.values() for m in g})
    rows, empty = [], []
    for a, b in spans:
        row = {"Period": period_label(a, b)}
        for s, label in SERIES.items():
            frame = r.buckets[s]
            hit = frame[(frame["period_start"] == a) & (frame["period_end"] == b)]
            if hit.empty:
                missing = any(m.start_time == a for m in r.gaps[s])
                row[f"{label} (t)"] = "no data" if missing else "see the other period"
                row[f"{label}: index"] = row[f"{label}: y/y"] = ""
                continue
            h = hit.iloc[0]
            row[f"{label} (t)"] = text.tonnes(h["value"]) + _flags(h["derived"], h["weak"])
            row[f"{label}: index"] = f"{h['index']:.0f}"
            flags = _flags(h["yoy_derived"], h["yoy_weak"]) if pd.notna(h["yoy"]) else ""
            row[f"{label}: y/y"] = _signed(h["yoy"]) + flags
        blank = all(v == "no data" for k, v in row.items() if k.endswith("(t)"))
        # Consecutive months with no figure in any series collapse into one row.
        if blank and rows and empty[-1]:
            rows[-1]["Period"] = period_label(rows[-1]["_from"], b)
            continue
        rows.append({**row, "_from": a})
        empty.append(blank)
    return pd.DataFrame(rows).drop(columns="_from") if rows else pd.DataFrame()


def recovery_table(r: MagnetReport) -> pd.DataFrame:
    """Per series: the baseline, the latest figure and the recovery ratio."""
    rows = []
    for s, label in SERIES.items():
        latest, ratio = recovery_ratio(r.buckets[s], r.baseline[s])
        rows.append({
            "Series": label,
            "Baseline monthly average": text.tonnes(r.baseline[s]),
            "Latest period": period_label(latest["period_start"], latest["period_end"]) if latest is not None else "n/a",
            "Latest, per month": (text.tonnes(latest["per_month"]) + _flags(latest["derived"], latest["weak"])
                                  if latest is not None else "n/a"),
            "Recovery ratio (latest / baseline)": text.percent(ratio),
        })
    return pd.DataFrame(rows)


def regime_table(r: MagnetReport) -> pd.DataFrame:
    """The control regimes shaded on the charts, each with the event it is dated by."""
    return pd.DataFrame({
        "Regime": r.regimes["regime"], "From": [text.day(d) for d in r.regimes["start"]],
        "To": [text.day(d) for d in r.regimes["end"]], "Event": r.regimes["event_id"],
        "Confirmed by": r.regimes["also"], "What happened": r.regimes["description"],
    })


def gaps_text(r: MagnetReport) -> str:
    """Months from ``chart_from`` that have no figure, per series."""
    lines = [f"- {label}: **{text.month_list(r.gaps[s])}**." for s, label in SERIES.items()]
    last = max(f["period_end"].max() for f in r.buckets.values())
    if last < r.as_of:
        lines.append(f"- No figure in the sources ends after {text.day(last)}; nothing later is assumed.")
    return "\n".join(lines)


def sources_table(r: MagnetReport) -> pd.DataFrame:
    """The sources the report used, for its closing table."""
    return provenance.sources_table(r.sources)


# ---------------------------------------------------------------- charts


def _regime_layer(regimes: pd.DataFrame) -> alt.Chart:
    """Light bands, one per control regime, behind the data."""
    scale = alt.Scale(domain=list(regimes["regime"]), range=REGIME_COLOURS[:len(regimes)])
    frame = regimes[["regime", "start", "end", "event_id"]].assign(stop=regimes["end"] + pd.Timedelta(days=1))
    return alt.Chart(frame).mark_rect(opacity=0.6).encode(
        x="start:T", x2="stop:T",
        fill=alt.Fill("regime:N", title="Control regime", scale=scale, legend=alt.Legend(orient="top", columns=1)),
        tooltip=[alt.Tooltip("regime:N", title="Regime"), alt.Tooltip("start:T", title="From"),
                 alt.Tooltip("end:T", title="To"), alt.Tooltip("event_id:N", title="Event")],
    )


def exports_chart(frame: pd.DataFrame, regimes: pd.DataFrame) -> alt.VConcatChart:
    """Monthly magnet exports per series as bars over the regime bands; missing months marked, never zero."""
    colour = alt.Color("status:N", title="Figure", scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                                   range=list(STATUS_COLOURS.values())))
    x = alt.X("month:T", title=None)
    span = time_span(frame["month"].min(), frame["bar_end"].max(), "month")
    panels = []
    for label in SERIES.values():
        base = alt.Chart(frame).transform_filter(alt.datum.series == label)
        # A combined release (Jan-Feb) is one bar spanning both months: its height is the two-month total.
        bars = base.transform_filter(alt.datum.status != "no data").mark_bar(stroke="white", strokeWidth=1).encode(
            x=x, x2="bar_end:T", y=alt.Y("value:Q", title="Tonnes per period", axis=alt.Axis(format="~s")),
            y2=alt.datum(0), color=colour,
            tooltip=[alt.Tooltip("month:T", title="From"), alt.Tooltip("period_end:T", title="To"),
                     alt.Tooltip("value:Q", format=",.0f", title="Tonnes"), "status:N"])
        # A gap is a cross on the baseline, so it cannot be read as a zero bar.
        gap = base.transform_filter(alt.datum.status == "no data").mark_point(shape="cross", size=60, filled=True).encode(
            x="mid:T", y=alt.datum(0), color=colour, tooltip=[alt.Tooltip("yearmonth(month):T", title="No data for")])
        # A layer with no rows would give the shared scales an infinite extent.
        rows = frame[frame["series"] == label]["status"]
        layers = [layer for layer, present in ((bars, (rows != "no data").any()), (gap, (rows == "no data").any()))
                  if present]
        panels.append(alt.layer(_regime_layer(regimes), span, *layers).properties(title=label, width=640, height=200))
    return alt.vconcat(*panels)


def index_chart(frame: pd.DataFrame, regimes: pd.DataFrame) -> alt.LayerChart:
    """Both series indexed to the baseline; each figure is a dash spanning its months, gaps left blank."""
    data = frame[frame["status"] != "no data"]
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=list(SERIES.values()), range=PALETTE[:2]))
    x = alt.X("month:T", title=None)
    span = time_span(frame["month"].min(), frame["bar_end"].max(), "month")
    y = alt.Y("index:Q", title="Index (baseline monthly average = 100)")
    tip = ["series:N", alt.Tooltip("month:T", title="From"), alt.Tooltip("period_end:T", title="To"),
           alt.Tooltip("index:Q", format=".0f"), "status:N"]
    base = alt.Chart(data)
    # Dashes, not a connected line: a line would draw values across the months that have no figure.
    dashes = base.mark_rule(strokeWidth=3).encode(x=x, x2="bar_end:T", y=y, color=colour, tooltip=tip)
    points = base.mark_point(size=50, filled=True).encode(
        x="mid:T", y=y, color=colour, tooltip=tip,
        shape=alt.Shape("status:N", title="Figure", scale=alt.Scale(
            domain=["reported", "combined months", "derived", "weak"],
            range=["circle", "square", "triangle-up", "diamond"])))
    hundred = alt.Chart(pd.DataFrame({"y": [100]})).mark_rule(strokeDash=[4, 3], color="#555").encode(y="y:Q")
    return alt.layer(_regime_layer(regimes), span, hundred, dashes, points).properties(width=640, height=280)
