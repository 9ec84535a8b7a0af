"""What the tariffs report shows: its prose, tables and charts.

The computations (known tariffs, live suspensions, scenarios, chart frames)
are in :mod:`analysis.domain.scenarios`; this module turns a computed
:class:`~analysis.domain.scenarios.TariffReport` into what a reader sees.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.data import provenance
from analysis.views.charts import PALETTE, time_span
from analysis.domain.scenarios import (DIRECTIONS, LAYER_LABELS, SCENARIOS, TIME_LIMITED, TariffReport, esc, layer_label,
                                       points, rate)

LAYER_COLOURS = {
    "ieepa_fentanyl": PALETTE[0],
    "ieepa_reciprocal": "#6f9bc8",
    "section_122": "#b7cde3",
    "cn_reciprocal_retaliation": PALETTE[1],
    "section_301": "#8c5a2b",
    "cn_fentanyl_retaliation": PALETTE[3],
    "cn_farm_retaliation": PALETTE[4],
}
AVERAGE_SHAPES = {"piie_average": "circle", "crs_average": "triangle-up", "other_average": "diamond"}


def scenario_name(scenario: str) -> str:
    """Readers' name of a scenario: ``snap back``."""
    return scenario.replace("_", " ")


def _layer_list(rates: pd.Series) -> str:
    parts = [f"{layer_label(layer)} {rate(v)}" for layer, v in rates.items() if v > 0]
    return " + ".join(parts) if parts else "no all-goods layer"


def headline_text(r: TariffReport) -> str:
    """One paragraph: the last sourced headline in each direction, the peak and the open expiry."""
    from analysis.views import text

    parts = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        peak_date, peak_rate = r.peaks[direction]
        peak = (f", down from a peak of **{rate(peak_rate)}** (from {text.day(peak_date)})"
                if peak_date is not None and peak_rate > o.sourced_rate else "")
        if o.sourced_since is None:
            parts.append(f"{title}: no all-goods tariff in force (sourced up to {text.day(o.sourced_through)})")
            continue
        parts.append(f"{title}: **{rate(o.sourced_rate)}** on all goods as last sourced "
                     f"(in force from {text.day(o.sourced_since)}; sourced up to {text.day(o.sourced_through)}){peak}")
    lead = f"As of {text.day(r.as_of)}, the stacked all-goods headline tariff stands as follows. " + "; ".join(parts) + "."
    if r.cliff is None:
        return lead + " No tariff suspension was in force, so there is no expiry to project."
    if r.cliff_passed:
        tail = (f" The one-year tariff suspensions were due to expire on **{text.day(r.cliff)}**. That date has passed "
                f"and **no source in this project says what happened**: neither an extension nor a lapse is assumed. "
                f"Everything drawn after it is a scenario.")
    else:
        tail = (f" The tariff suspensions are due to expire on **{text.day(r.cliff)}**, "
                f"{(r.cliff - r.as_of).days} days after the report date.")
    return lead + tail


def headline_table(r: TariffReport) -> pd.DataFrame:
    """Per direction: last sourced headline, its layers, the peak and PIIE's latest average."""
    from analysis.views import text

    rows = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        peak_date, peak_rate = r.peaks[direction]
        piie = r.averages[(r.averages["direction"] == direction) & (r.averages["layer"] == "piie_average")]
        latest = piie.iloc[-1] if len(piie) else None
        rows.append({
            "Direction": title,
            "All-goods headline (last sourced)": rate(o.sourced_rate),
            "Made of": _layer_list(o.layers),
            "Sourced up to": text.day(o.sourced_through),
            "Peak": f"{rate(peak_rate)} from {text.day(peak_date)}" if peak_date is not None else "n/a",
            "PIIE trade-weighted average (latest published)": (
                f"{rate(latest['rate'])} ({text.day(latest['effective'])})" if latest is not None else "none published"),
        })
    return pd.DataFrame(rows)


def stack_text(r: TariffReport) -> str:
    """How to read the chart, with the dates and product-specific layers of this run."""
    from analysis.views import text

    lines = []
    for direction, title in DIRECTIONS.items():
        stack = r.chart[(r.chart["direction"] == direction) & (r.chart["kind"] == "stack")]
        first = text.day(stack["date"].min()) if len(stack) else None
        lines.append(f"- **{title}**: " + (
            f"an all-goods layer is in force from {first}; before that the bands are empty." if first
            else "no all-goods layer is in force in the period shown."))
        listed = r.chart[(r.chart["direction"] == direction) & (r.chart["kind"] == "listed")]
        for layer, group in listed.groupby("layer", sort=False):
            row = r.outlooks[direction]
            top = group["rate"].max()
            lines.append(f"  - {esc(layer_label(layer))}: up to {rate(top)} from {text.day(group['date'].min())} "
                         f"on the goods it lists; drawn beside the stack, not added to it "
                         f"(sourced up to {text.day(row.sourced_through)}).")
    return "\n".join(lines)


def scenario_text(r: TariffReport) -> str:
    """What the chosen scenario assumes and what each scenario means for each direction, from the data."""
    from analysis.views import text

    if r.cliff is None:
        return (f"No tariff suspension was in force as of {text.day(r.as_of)}, so there is no expiry to project "
                f"and the chart stops at the report date.")
    status = (f"The expiry date, {text.day(r.cliff)}, is on or before the report date and **no source records what "
              f"happened**; this page neither assumes the suspensions were extended nor that they lapsed."
              if r.cliff_passed else
              f"The expiry, on {text.day(r.cliff)}, is after the report date.")
    parts = [f"**Scenario shown: {scenario_name(r.scenario)}.** It assumes {SCENARIOS[r.scenario]}. "
             f"This is a scenario, not a forecast. {status}"]
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        s = o.suspension
        if s is None:
            parts.append(f"- **{title}**: no suspension of this side's tariffs is in force, so a snap-back changes "
                         f"nothing; the rate before the expiry would be {rate(o.before)}.")
            continue
        what = f"{points(s.points)} of the layer *{esc(layer_label(s.layer or 'unknown layer'))}*"
        if o.layer_ended is not None:
            why = ""
            if o.ended_by is not None:
                why = f" ({text.day(o.ended_by['date'])}: {esc(o.ended_by['description'])})"
            parts.append(f"- **{title}**: {what} are suspended until {text.day(s.deadline)}, but that layer ended on "
                         f"{text.day(o.layer_ended)}{why}. A snap-back has nothing to return to, so it is **moot**: "
                         f"snap-back and extension both give {rate(o.rates['snap_back'])}.")
        elif s.layer is None:
            parts.append(f"- **{title}**: {points(s.points)} are suspended until "
                         f"{text.day(s.deadline)}, but no tariff row says which layer they belong to, so the "
                         f"snap-back cannot add them; it gives {rate(o.rates['snap_back'])}.")
        else:
            parts.append(f"- **{title}**: {what} are suspended until {text.day(s.deadline)}. A snap-back returns them "
                         f"on top of the {rate(o.before)} in force the day before: **{rate(o.rates['snap_back'])}**; "
                         f"an extension keeps {rate(o.rates['extended'])}.")
        for end in o.open_ends:
            passed = end.date <= r.as_of
            parts.append(f"  - The {esc(layer_label(end.layer))} was scheduled to end on {text.day(end.date)}; "
                         + ("no source says whether it did. " if passed else "")
                         + f"This page assumes {TIME_LIMITED[r.time_limited]} (`time_limited = \"{r.time_limited}\"`). "
                         f"Under the other reading the {scenario_name(r.scenario)} rate would be "
                         f"{rate(o.other_rates.get(r.scenario))} instead of {rate(o.rates.get(r.scenario))}.")
    return "\n".join(parts)


def outlook_table(r: TariffReport) -> pd.DataFrame:
    """Per direction: the rate before the expiry and after it under each scenario."""
    from analysis.views import text

    rows = []
    for direction, title in DIRECTIONS.items():
        o = r.outlooks[direction]
        s = o.suspension
        suspended = "nothing"
        if s is not None:
            suspended = f"{points(s.points)} of “{layer_label(s.layer or 'unknown layer')}”"
            if o.layer_ended is not None:
                suspended += f" (layer ended {text.day(o.layer_ended)}: moot)"
        row = {"Direction": title, "Expiry": text.day(o.cliff), "Suspended": suspended,
               "Day before the expiry (projected)": rate(o.before)}
        for name in SCENARIOS:
            label = scenario_name(name).capitalize() + (" (shown)" if name == r.scenario else "")
            row[label] = rate(o.rates.get(name))
        rows.append(row)
    return pd.DataFrame(rows)


def events_table(r: TariffReport) -> pd.DataFrame:
    """The major events marked on the chart, by letter."""
    from analysis.views import text

    frame = r.events
    return pd.DataFrame({
        "Mark": frame["label"], "Date": [text.day(d) for d in frame["date"]], "Actor": frame["actor"],
        "Type": frame["type"], "What happened": frame["description"],
    })


def gaps_text(r: TariffReport) -> str:
    """What the sources do not cover: late averages, unresolved scheduled ends, the expiry outcome."""
    from analysis.views import text

    lines = []
    for direction, title in DIRECTIONS.items():
        piie = r.averages[(r.averages["direction"] == direction) & (r.averages["layer"] == "piie_average")]
        last = text.day(piie["effective"].max()) if len(piie) else None
        lines.append(f"- {title}: " + (f"PIIE's trade-weighted average is last available for {last}; later "
                                       f"moves have no PIIE figure." if last else "no PIIE average in the period."))
    for o in r.outlooks.values():
        for end in o.open_ends:
            if end.date <= r.as_of:
                lines.append(f"- The {esc(layer_label(end.layer))} was scheduled to end on {text.day(end.date)}; "
                             f"no source confirms the lapse or a replacement.")
    if r.cliff_passed:
        lines.append(f"- The tariff suspensions' expiry on {text.day(r.cliff)} has passed with no sourced outcome.")
    return "\n".join(lines)


def sources_table(r: TariffReport) -> pd.DataFrame:
    """The sources the report used, for its closing table."""
    return provenance.sources_table(r.sources)


# ---------------------------------------------------------------- chart


def _colour_scale(frame: pd.DataFrame) -> alt.Scale:
    """Fixed colours per layer label, so both panels and the legend agree."""
    pairs = {}
    order = {"stack": 0, "listed": 1, "scenario": 2}
    legend = frame[frame["kind"].isin(list(order))][["layer", "series", "kind"]].drop_duplicates()
    legend = legend.sort_values("kind", key=lambda k: k.map(order), kind="stable")
    for layer, series, kind in legend.itertuples(index=False):
        if kind in ("stack", "listed"):
            pairs[series] = LAYER_COLOURS.get(layer, PALETTE[2])
        elif kind == "scenario":
            pairs[series] = "#555555" if layer == "carried" else "#d62728"
    return alt.Scale(domain=list(pairs), range=list(pairs.values()))


def stack_chart(frame: pd.DataFrame, markers: pd.DataFrame) -> alt.VConcatChart:
    """Headline tariff per direction: stacked all-goods layers, listed-goods lines, averages and the scenario."""
    top = float(pd.concat([frame["y1"], frame["rate"]]).max()) * 1.12
    y = alt.Y("rate:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top]))
    first = frame["date"].min()
    last = max(frame["date"].max(), frame["end"].max() if frame["end"].notna().any() else first, markers["date"].max())
    x = alt.X("date:T", title=None)
    span = time_span(first, last, "date")
    colour = alt.Color("series:N", title=None, scale=_colour_scale(frame))
    shape = alt.Shape("series:N", title="Published averages (points)", legend=alt.Legend(orient="top", columns=3),
                      scale=alt.Scale(domain=[LAYER_LABELS[k] for k in AVERAGE_SHAPES], range=list(AVERAGE_SHAPES.values())))
    tip = [alt.Tooltip("series:N", title="Layer"), alt.Tooltip("date:T", title="From"), alt.Tooltip("rate:Q", title="Rate")]
    panels = []
    for direction, title in DIRECTIONS.items():
        rows = frame[frame["direction"] == direction]
        kind = rows["kind"]
        # Rectangles rather than a stacked area: each layer's band is exact between change dates.
        stack = alt.Chart(rows[kind == "stack"]).mark_rect(opacity=0.9).encode(
            x=x, x2="end:T", y=alt.Y("y0:Q", title="Tariff (percentage points)", scale=alt.Scale(domain=[0, top])),
            y2="y1:Q", color=colour, tooltip=tip)
        listed = alt.Chart(rows[kind == "listed"]).mark_line(
            interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=colour, detail="layer:N", tooltip=tip)
        scenario = alt.Chart(rows[kind == "scenario"]).mark_line(
            interpolate="step-after", strokeDash=[6, 4], strokeWidth=2.5).encode(x=x, y=y, color=colour,
                                                                                 detail="layer:N", tooltip=tip)
        averages = alt.Chart(rows[kind == "average"]).mark_point(
            filled=True, size=55, color="black", opacity=0.85).encode(x=x, y=y, shape=shape, tooltip=tip)
        # A layer with no rows would give the shared scales an infinite extent, so it is left out.
        drawn = [layer for layer, name in ((stack, "stack"), (listed, "listed"), (scenario, "scenario"),
                                           (averages, "average")) if (kind == name).any()]
        panels.append(alt.layer(span, *drawn, *_marker_layers(markers, x, direction))
                      .properties(title=title, width=640, height=230))
    return alt.vconcat(*panels).resolve_scale(color="shared", shape="shared")


def detail_chart(r: TariffReport) -> alt.VConcatChart | None:
    """The same chart from the year the first all-goods layer applied; ``None`` when there is none."""
    return stack_chart(r.detail, r.detail_markers) if r.detail is not None else None


def detail_text(r: TariffReport) -> str:
    """Caption for the close-up chart."""
    from analysis.views import text

    if r.detail is None:
        return "No all-goods layer applies in the period shown, so there is no close-up."
    return (f"The same chart from {text.day(r.detail['date'].min())}, where nearly all the movement is; "
            f"event letters are those of the table below.")


def _marker_layers(markers: pd.DataFrame, x: alt.X, direction: str) -> list:
    """Event rules with letters along the top; expiry, scheduled ends and as_of labelled along the bottom.

    Layers with no rows are left out (they would give the shared scales an infinite extent).
    """
    # A scheduled end belongs to one direction's layer; every other marker is shared by both panels.
    mine = markers[markers["direction"].isna() | (markers["direction"] == direction)]
    events, other = mine[mine["kind"] == "event"], mine[mine["kind"] != "event"]
    layers = []
    if len(events):
        layers.append(alt.Chart(events).mark_rule(color="#999", strokeWidth=0.8).encode(
            x=x, tooltip=[alt.Tooltip("text:N", title="Events")]))
    layers += [alt.Chart(events[events["tier"] == tier]).mark_text(
        fontSize=10, fontWeight="bold", color="#333", dy=-6 + 11 * tier).encode(
        x=x, y=alt.value(0), text="label:N", tooltip=alt.Tooltip("text:N", title="Events"))
        for tier in (0, 1) if (events["tier"] == tier).any()]
    if len(other):
        layers.append(alt.Chart(other).mark_rule(strokeDash=[2, 2], strokeWidth=1.2).encode(
            x=x, color=alt.value("#d62728"), tooltip=alt.Tooltip("text:N", title="Marker")))
    layers += [alt.Chart(other[other["tier"] == tier]).mark_text(
        fontSize=10, align="left", dx=3, dy=-11 * tier, color="#d62728").encode(
        x=x, y=alt.value(222), text="label:N")
        for tier in (0, 1, 2) if (other["tier"] == tier).any()]
    return layers
