"""What the rare-earth magnet report shows: its prose, tables and charts.

The buckets, baseline, indices, year-on-year changes and regimes are computed
in :mod:`analysis.domain.rare_earths`; this module turns a computed
:class:`~analysis.domain.rare_earths.MagnetReport` into what a reader sees.
A page dated before the controls, before the baseline has ended or before
any figure exists still builds: its prose says what is missing and why, and
a figure with nothing to draw is a sentence (:func:`analysis.views.charts.no_chart`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.domain import rare_earths as rx
from analysis.domain.rare_earths import SERIES, MagnetReport, low_point, recovery_ratio
from analysis.views import text
from analysis.views.charts import PALETTE, no_chart, time_span

IN_PROSE = {"magnet_exports_total": "to all destinations", "magnet_exports_to_us": "to the US"}
PRODUCT = "rare-earth permanent magnets (HS 8505.11)"
STATUS_COLOURS = {"reported": PALETTE[0], "derived": PALETTE[3], "combined months": PALETTE[4],
                  "weak": PALETTE[5], "no data": "#bbbbbb"}
REGIME_COLOURS = ["#f4cccc", "#e6b8af", "#d9ead3", "#cfe2f3", "#fff2cc", "#eeeeee", "#d9d2e9"]


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


def month_ranges(periods) -> str:
    """Months for prose, runs of consecutive months joined: ``Jun 2016 to May 2018, Feb 2025``.

    >>> month_ranges([pd.Period("2025-01", "M"), pd.Period("2025-02", "M"), pd.Period("2025-03", "M"),
    ...               pd.Period("2025-06", "M")])
    'Jan 2025 to Mar 2025, Jun 2025'
    >>> month_ranges([])
    'none'
    """
    runs = []
    for month in sorted(pd.Period(p, freq="M") for p in periods):
        if runs and month == runs[-1][1] + 1:
            runs[-1][1] = month
        else:
            runs.append([month, month])
    names = [a.strftime("%b %Y") if a == b else f"{a:%b %Y} to {b:%b %Y}" for a, b in runs]
    return ", ".join(names) if names else "none"


def _flags(derived: bool, weak: bool) -> str:
    marks = [m for m, on in (("derived", derived), ("weak", weak)) if on]
    return f" ({', '.join(marks)})" if marks else ""


def _signed(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:+.1f}%"


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:]


def _baseline_period(r: MagnetReport) -> str:
    return f"{r.baseline_start:%b %Y} to {r.baseline_end:%b %Y}"


# ---------------------------------------------------------------- prose


def no_regime_text(r: MagnetReport) -> str:
    """The sentence a page dated before the controls opens with.

    The date is the first regime's, from the events ledger.
    """
    return (f"**No export-control regime on rare-earth magnets before {text.day(r.first_regime)}**: China's "
            f"controls on them began then ({_lower_first(r.first_regime_label)}).")


def no_index_reason(r: MagnetReport) -> str:
    """Why the page has no index, as a clause; ``""`` when it has one."""
    if r.index_missing == rx.BASELINE_INCOMPLETE:
        return (f"the baseline period ({_baseline_period(r)}) is not complete on {text.day(r.as_of)}, and an index "
                f"against part of it would change as the rest arrived")
    if r.index_missing == rx.NO_COMMON_MONTH:
        return (f"no month of the baseline period ({_baseline_period(r)}) has a figure in both series by "
                f"{text.day(r.as_of)}")
    return ""


def no_index_text(r: MagnetReport) -> str:
    """The sentence saying why the page has no index, or ``""`` when it has one."""
    reason = no_index_reason(r)
    return f"No index is computed: {reason}." if reason else ""


def latest_text(r: MagnetReport) -> str:
    """The latest monthly figure per series, against the baseline when there is one."""
    parts = []
    for s, where in IN_PROSE.items():
        latest, ratio = recovery_ratio(r.buckets[s], r.baseline.get(s))
        if latest is None:
            parts.append(f"no figure {where}")
            continue
        per = " a month" if latest["months"] > 1 else ""
        part = (f"**{text.tonnes(latest['per_month'])}**{per} {where} in "
                f"{period_label(latest['period_start'], latest['period_end'])}"
                f"{_flags(latest['derived'], latest['weak'])}")
        if ratio is not None:
            part += f", **{text.percent(ratio)}** of the baseline monthly average"
        parts.append(part)
    if all(r.buckets[s].empty for s in SERIES):
        return f"No monthly figure for China's exports of {PRODUCT} in the sources ends by {text.day(r.as_of)}."
    return f"The latest monthly figures for China's exports of {PRODUCT} are " + "; and ".join(parts) + "."


def low_point_text(r: MagnetReport) -> str:
    """The lowest index since the controls began, per series; ``""`` before them or without an index."""
    if r.before_controls or not r.has_index:
        return ""
    lows = []
    for s, where in IN_PROSE.items():
        low = low_point(r.buckets[s], r.first_regime)
        if low is not None:
            lows.append(f"{period_label(low['period_start'], low['period_end'])} {where} "
                        f"(index {low['index']:.0f}{_flags(low['derived'], low['weak'])})")
    if not lows:
        return ""
    return f"Since the controls began on {text.day(r.first_regime)}, the low point was " + " and ".join(lows) + "."


def headline_values(r: MagnetReport) -> dict:
    """The page's values a build records: each series' latest month, tonnes a month and share of the baseline."""
    values = {"status": latest_text(r).replace("**", "")}
    for s in SERIES:
        latest, ratio = recovery_ratio(r.buckets[s], r.baseline.get(s))
        values[f"{s}_latest_month"] = None if latest is None else pd.Timestamp(latest["period_end"]).strftime("%Y-%m")
        values[f"{s}_t_per_month"] = None if latest is None else round(float(latest["per_month"]), 1)
        values[f"{s}_share_of_baseline"] = None if ratio is None else round(float(ratio), 1)
    return values


def headline_text(r: MagnetReport) -> str:
    """One paragraph: whether controls had begun, the latest month per series against the baseline, the low point."""
    sentences = [no_regime_text(r)] if r.before_controls else []
    sentences += [latest_text(r), no_index_text(r), low_point_text(r)]
    return " ".join(s for s in sentences if s)


def baseline_text(r: MagnetReport) -> str:
    """Why the baseline is what it is: its months, their evidence and the averages; or why there is none yet."""
    if not r.has_index:
        return no_index_text(r)
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


def regimes_text(r: MagnetReport) -> str:
    """How the regime table reads on the as-of date, or why it is empty."""
    if r.regimes.empty:
        return (f"No control regime had begun by {text.day(r.as_of)}; the first began on "
                f"{text.day(r.first_regime)}.")
    out = ("Each regime starts on the date of the event that created it and runs to the day before the next; the "
           f"last runs to the as-of date, {text.day(r.as_of)}.")
    if (r.regimes["event_id"] == rx.SUSPENSION_EVENT).any():
        out += (f" The licensing of medium and heavy rare earths that began on {text.day(r.first_regime)} stays in "
                f"force throughout: the suspension covered only the October package.")
    for row in r.moved.itertuples():
        out += (f" The {_lower_first(row.description.rstrip('.'))} ({text.day(row.date)}, event {row.event_id}) "
                f"is not a regime boundary here: later events moved it ({row.moved_by}).")
    return out


def gaps_text(r: MagnetReport) -> str:
    """Months from ``chart_from`` that have no monthly figure, per series, and where each series' figures end.

    Where the figures end is the series' data-through date (:mod:`analysis.data.evidence`), the date the
    page's dates table gives; a later figure that spans more months than a bucket allows is said so.
    """
    lines = [f"- {label}: **{month_ranges(r.gaps[s])}**." for s, label in SERIES.items()]
    for s, label in SERIES.items():
        through = r.dates.get(f"rare_earths:{s}").through
        bucketed = r.buckets[s]["period_end"].max() if len(r.buckets[s]) else None
        if through is not None and (bucketed is None or through > bucketed):
            which = f"those after {text.day(bucketed)}" if bucketed is not None else "all of them"
            lines.append(f"- {label}: figures run to {text.day(through)}, but {which} cover more than "
                         f"{rx.MAX_BUCKET_MONTHS} months together and are not split into months.")
    throughs = [r.dates.get(f"rare_earths:{s}").through for s in SERIES]
    known = [d for d in throughs if d is not None]
    if not known:
        lines.append(f"- No figure of either series is dated by {text.day(r.as_of)}.")
    elif max(known) < r.as_of:
        lines.append(f"- No figure in the sources ends after {text.day(max(known))}; nothing later is assumed.")
    return "\n".join(lines)


def method_text(r: MagnetReport) -> str:
    """How the baseline and the chart window were chosen on this page: the auto rules or the values given."""
    if {"baseline_start", "baseline_end"} <= r.auto:
        baseline = (f"the {rx.BASELINE_MONTHS} whole months before the month in which the first control regime "
                    f"began ({text.day(r.first_regime)}): {_baseline_period(r)}")
    else:
        baseline = f"set by the report's parameters: {text.day(r.baseline_start)} to {text.day(r.baseline_end)}"
    if "chart_from" in r.auto:
        window = (f"{rx.CHART_LEAD_MONTHS} months before the baseline once the baseline period has ended on the "
                  f"as-of date; before then, {rx.CHART_LOOKBACK_MONTHS} months before the as-of date's month")
    else:
        window = "set by the report's parameters"
    return (f"- **Baseline**: {baseline}. An index is computed only once the baseline period has ended on the "
            f"as-of date.\n"
            f"- **Chart window**: from {r.chart_from:%b %Y}, {window}.")


# ---------------------------------------------------------------- tables


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
            row[f"{label}: index"] = "" if pd.isna(h["index"]) else f"{h['index']:.0f}"
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
    """Per series: the baseline, the latest figure and the recovery ratio (``n/a`` where there is none)."""
    rows = []
    for s, label in SERIES.items():
        latest, ratio = recovery_ratio(r.buckets[s], r.baseline.get(s))
        rows.append({
            "Series": label,
            "Baseline monthly average": text.tonnes(r.baseline.get(s)),
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


def sources_table(r: MagnetReport) -> pd.DataFrame:
    """The sources the report used, for its closing table."""
    return provenance.sources_table(r.sources)


def _table_or(frame: pd.DataFrame, sentence: str, link_column: str | None = None):
    """The table, or one sentence in its place when it has no rows (never an empty table)."""
    return text.table(frame, link_column=link_column) if len(frame) else text.md(f"*{sentence}*")


def monthly_section(r: MagnetReport):
    """The monthly table, or a sentence when no figure and no missing month falls in the chart window."""
    frame = monthly_table(r)
    if all(v == "no data" for c in frame.columns if c.endswith("(t)") for v in frame[c]):
        frame = frame.iloc[0:0]  # every period blank: the gaps list says which months
    return _table_or(frame, f"No monthly figure falls between {text.day(r.chart_from)} and {text.day(r.as_of)}.")


def regime_section(r: MagnetReport):
    """The regime table, or a sentence when no regime had begun by ``as_of``."""
    return _table_or(regime_table(r), f"No regime to list: none had begun by {text.day(r.as_of)}.")


def sources_section(r: MagnetReport):
    """The sources table, or a sentence when the page cites none."""
    return _table_or(sources_table(r), f"No source is cited: the page shows no figure or event by "
                                       f"{text.day(r.as_of)}.", link_column="Url")


# ---------------------------------------------------------------- charts


def _regime_layers(regimes: pd.DataFrame) -> list:
    """Light bands, one per control regime, behind the data; no layer when no regime had begun."""
    if regimes.empty:
        return []
    scale = alt.Scale(domain=list(regimes["regime"]), range=REGIME_COLOURS[:len(regimes)])
    frame = regimes[["regime", "start", "end", "event_id"]].assign(stop=regimes["end"] + pd.Timedelta(days=1))
    return [alt.Chart(frame).mark_rect(opacity=0.6).encode(
        x="start:T", x2="stop:T",
        fill=alt.Fill("regime:N", title="Control regime", scale=scale, legend=alt.Legend(orient="top", columns=1)),
        tooltip=[alt.Tooltip("regime:N", title="Regime"), alt.Tooltip("start:T", title="From"),
                 alt.Tooltip("end:T", title="To"), alt.Tooltip("event_id:N", title="Event")],
    )]


def _no_figures(r: MagnetReport) -> str:
    return (f"no monthly figure of China's magnet exports in the sources falls between {text.day(r.chart_from)} "
            f"and {text.day(r.as_of)}.")


def _no_index_chart(r: MagnetReport) -> str:
    if r.index_missing == rx.BASELINE_INCOMPLETE:
        return f"no index before the baseline period ends on {text.day(r.baseline_end)}."
    return "no month of the baseline period has a figure in both series, so there is no index."


def exports_chart(r: MagnetReport):
    """Monthly magnet exports per series as bars over the regime bands; missing months marked, never zero.

    A sentence instead (:func:`~analysis.views.charts.no_chart`) when no figure falls in the chart window.
    """
    frame = r.monthly
    if not (frame["status"] != "no data").any():
        return no_chart(_no_figures(r))
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
        panels.append(alt.layer(*_regime_layers(r.regimes), span, *layers).properties(title=label, width=640,
                                                                                       height=200))
    return alt.vconcat(*panels)


def index_chart(r: MagnetReport):
    """Both series indexed to the baseline; each figure is a dash spanning its months, gaps left blank.

    A sentence instead when there is no index yet or no indexed figure falls in the chart window.
    """
    if not r.has_index:
        return no_chart(_no_index_chart(r))
    data = r.monthly[(r.monthly["status"] != "no data") & r.monthly["index"].notna()]
    if data.empty:
        return no_chart(_no_figures(r))
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=list(SERIES.values()), range=PALETTE[:2]))
    x = alt.X("month:T", title=None)
    span = time_span(r.monthly["month"].min(), r.monthly["bar_end"].max(), "month")
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
    return alt.layer(*_regime_layers(r.regimes), span, hundred, dashes, points).properties(width=640, height=280)
